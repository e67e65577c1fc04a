/**
 * The socket layer as transports and applications see it (include/net/sock.h, include/linux/net.h,
 * net/socket.c): the common part of a socket ({@link org.nicemu.api.sock.Sock}), the protocol ops
 * a transport implements per host ({@link org.nicemu.api.sock.Proto}, {@code struct proto}), the
 * factory service that makes them, and the application-facing {@link org.nicemu.api.sock.Socket}
 * with emulated blocking calls.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.nicemu.api.sock;
