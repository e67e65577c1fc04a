/**
 * The TCP congestion-control SPI, shaped like {@code struct tcp_congestion_ops}
 * (include/net/tcp.h): {@link org.nicemu.api.tcp.cc.TcpCongestionOps} (one instance per socket, its
 * fields playing {@code inet_csk_ca(sk)}), the socket view {@link org.nicemu.api.tcp.cc.TcpCcSock}
 * (the part of {@code struct tcp_sock} that congestion control reads and writes), the factory service
 * {@link org.nicemu.api.tcp.cc.TcpCongestionFactory} registered with {@code tcp.cc=NAME} (the role of
 * {@code tcp_register_congestion_control()}), and the shared helpers of net/ipv4/tcp_cong.c in
 * {@link org.nicemu.api.tcp.cc.TcpCc}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.nicemu.api.tcp.cc;
