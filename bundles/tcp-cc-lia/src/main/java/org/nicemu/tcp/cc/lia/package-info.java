/**
 * MPTCP's Linked Increases Algorithm (RFC 6356; net/mptcp/mptcp_coupled.c of the multipath-tcp.org
 * kernel, {@code "lia"}) as a plugin bundle: one DS component providing
 * {@link org.nicemu.api.tcp.cc.TcpCongestionFactory} with {@code tcp.cc=lia}. Private package; only
 * the service is visible.
 */
package org.nicemu.tcp.cc.lia;
