/**
 * TCP CUBIC with HyStart (net/ipv4/tcp_cubic.c, RFC 9438) as a plugin bundle: one DS component
 * providing {@link org.nicemu.api.tcp.cc.TcpCongestionFactory} with {@code tcp.cc=cubic}, configured
 * through Config Admin like the kernel module's parameters. Private package; only the service is visible.
 */
package org.nicemu.tcp.cc.cubic;
