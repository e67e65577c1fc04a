/**
 * The socket layer as a plugin bundle (net/socket.c, net/core/sock.c {@code lock_sock()} /
 * {@code release_sock()}, net/core/stream.c, net/ipv4/af_inet.c {@code inet_stream_ops}): one DS
 * component providing {@link org.nicemu.api.sock.SocketLayer}. Private package; sockets run on the
 * emulation's loop thread and block by putting their emulated task to sleep (docs/socket.md).
 */
package org.nicemu.socket;
