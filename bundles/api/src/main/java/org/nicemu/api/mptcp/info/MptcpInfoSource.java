package org.nicemu.api.mptcp.info;

import org.nicemu.api.sock.Sock;

/**
 * Implemented by the MPTCP transport ({@link org.nicemu.api.sock.Proto} of IPPROTO_MPTCP): the
 * {@code ss -M} view of one of its sockets. Loop thread.
 */
@org.osgi.annotation.versioning.ProviderType
public interface MptcpInfoSource {
    /** The connection's info, or null for a listener or a socket that is not this transport's. */
    MptcpInfo mptcpInfo(Sock sk);
}
