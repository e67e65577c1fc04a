/**
 * The MPTCP v1 wire format (RFC 8684 §3): the option codec {@link org.nicemu.mptcp.wire.MptcpOptions}
 * (parse and write every subtype as net/mptcp/options.c does), the reusable one-option holder
 * {@link org.nicemu.mptcp.wire.MptcpOption} and the per-segment holder
 * {@link org.nicemu.mptcp.wire.MptcpOptionsReceived}. No protocol state lives here. Private package.
 */
package org.nicemu.mptcp.wire;
