package org.nicemu.api.tcp.cc;

/**
 * The subflows of one MPTCP connection as coupled congestion control sees them (RFC 6356: the sums
 * over all subflows of {@code cwnd_i} and {@code cwnd_i / rtt_i}); mirrors the loop over
 * {@code mptcp_for_each_sk(mpcb, sk)} in net/mptcp/mptcp_coupled.c of multipath-tcp.org. Index
 * {@code 0 .. count()-1}; only subflows that can send count. Implemented by the MPTCP layer.
 */
@org.osgi.annotation.versioning.ProviderType
public interface CoupledSubflows {
    /** Number of subflows. */
    int count();

    /** Congestion window of subflow {@code i}, packets. */
    long cwnd(int i);

    /** Smoothed RTT of subflow {@code i}, microseconds (0 before a sample). */
    long srttUs(int i);

    /** MSS of subflow {@code i}, bytes. */
    int mss(int i);
}
