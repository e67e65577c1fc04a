/**
 * TCP Reno congestion control (net/ipv4/tcp_cong.c {@code tcp_reno}) as a plugin bundle: one DS
 * component providing {@link org.nicemu.api.tcp.cc.TcpCongestionFactory} with {@code tcp.cc=reno}.
 * Private package; only the service is visible.
 */
package org.nicemu.tcp.cc.reno;
