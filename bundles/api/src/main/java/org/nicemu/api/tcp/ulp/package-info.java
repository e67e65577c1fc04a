/**
 * The upper-layer-protocol hooks of TCP ({@code struct tcp_ulp_ops} and the {@code mptcp_*} calls
 * net/ipv4/tcp_output.c and tcp_input.c make for MPTCP subflows): what TCP offers a ULP about one
 * socket ({@link org.nicemu.api.tcp.ulp.TcpSubflow}), what the ULP answers
 * ({@link org.nicemu.api.tcp.ulp.TcpUlp}) and the ULP's part of {@code skb->cb}
 * ({@link org.nicemu.api.tcp.ulp.UlpCb}, the role of the kernel's {@code mptcp_ext}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.api.tcp.ulp;
