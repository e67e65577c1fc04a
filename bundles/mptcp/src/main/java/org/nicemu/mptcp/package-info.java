/**
 * The MPTCP bundle (net/mptcp): so far the groundwork without any state machine or DS component:
 * {@link org.nicemu.mptcp.MptcpCrypto} (RFC 8684 key to token and IDSN, MP_JOIN and ADD_ADDR
 * HMAC-SHA256, DSS checksum) and the option codec in {@code org.nicemu.mptcp.wire}. Private package.
 */
package org.nicemu.mptcp;
