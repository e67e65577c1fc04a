package org.nicemu.api.mptcp.sched;

import org.nicemu.api.tcp.cc.TcpCc;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The part of a subflow ({@code struct tcp_sock} with its {@code struct mptcp_tcp_sock},
 * {@code tp->mptcp}) that a scheduler reads; implemented by the MPTCP layer.
 *
 * <p>Windows are in packets (segments of {@link #mssCache()} bytes), as {@code snd_cwnd} in Linux.
 * Subflow sequence numbers are the u32 values of the wire carried in an {@code int}; compare them
 * with {@link TcpCc#before}/{@link TcpCc#after}. RTTs are microseconds, unscaled (the kernel keeps
 * {@code srtt_us} scaled by 8, so where mptcp_*.c shifts by 3 the Java code does not).
 *
 * <p>The raw fields mirror the kernel's; the default methods are the derived tests schedulers
 * ask most ({@link #isAvailable} is {@code mptcp_is_available()}).
 */
@ProviderType
public interface MptcpSubflowView {
    /** The subflow's path index ({@code tp->mptcp->path_index}), 1..32, unique in its connection. */
    int pathIndex();

    /** Smoothed RTT in microseconds ({@code tp->srtt_us >> 3}); 0 before the first sample. */
    long srttUs();

    /**
     * The RTO's variance term in microseconds exactly as the kernel keeps it: {@code tp->rttvar_us}
     * (the smoothed {@code mdev_max_us}, that is about 4 × RFC 6298 RTTVAR, at least
     * {@code tcp_rto_min}); ECF uses {@code rttvar_us >> 1}.
     */
    long rttvarUs();

    /** Congestion window in packets ({@code tp->snd_cwnd}). */
    long sndCwnd();

    /** Sets the congestion window, at least 1 (the default scheduler's receive-buffer penalisation halves it). */
    void setSndCwnd(long cwnd);

    /** Slow-start threshold in packets ({@code tp->snd_ssthresh}); {@link TcpCc#TCP_INFINITE_SSTHRESH} initially. */
    long sndSsthresh();

    /** Sets the slow-start threshold. */
    void setSndSsthresh(long ssthresh);

    /** Packets in flight ({@code tcp_packets_in_flight(tp)}). */
    long packetsInFlight();

    /** Packets sent and not yet cumulatively acknowledged ({@code tp->packets_out}). */
    long packetsOut();

    /** Cached MSS in bytes ({@code tp->mss_cache}). */
    int mssCache();

    /** The MSS for the next segment in bytes ({@code tcp_current_mss(sk)}). */
    int currentMss();

    /** Largest number of segments of one GSO/TSO skb on this subflow's route ({@code sk->sk_gso_max_segs}); 0 if no GSO. */
    int gsoMaxSegs();

    /** Bytes queued in the subflow's send and retransmission queues ({@code sk->sk_wmem_queued}). */
    long wmemQueued();

    /** Whether the subflow is a backup: {@code subflow_is_backup()} = {@code rcv_low_prio || low_prio} (MP_PRIO / MP_JOIN B bit). */
    boolean isBackup();

    /** {@code mptcp_sk_can_send(sk)}: the subflow's TCP state allows sending data (ESTABLISHED or CLOSE_WAIT). */
    boolean canSendState();

    /** {@code tp->mptcp->pre_established}: the MP_JOIN handshake is not complete (4th ACK not received). */
    boolean preEstablished();

    /** {@code tp->pf}: the subflow is "potentially failed" (RTOs without progress). */
    boolean pf();

    /** {@code tp->mptcp->fully_established}: the peer has acknowledged an MPTCP option on this subflow. */
    boolean fullyEstablished();

    /** {@code tp->mptcp->second_packet}: data was already sent before full establishment. */
    boolean secondPacket();

    /** {@code tp->mptcp->last_end_data_seq}: end DSN of the last segment sent on this subflow. */
    long lastEndDataSeq();

    /** The congestion state, {@link TcpCc#TCP_CA_OPEN} ... {@link TcpCc#TCP_CA_LOSS} ({@code icsk_ca_state}). */
    int caState();

    /** {@code tcp_is_reno(tp)}: SACK is not in use on this subflow. */
    boolean tcpIsReno();

    /** {@code tp->snd_una}. */
    int sndUna();

    /** {@code tp->snd_nxt}. */
    int sndNxt();

    /** {@code tp->write_seq}: end of the data queued on the subflow. */
    int writeSeq();

    /** {@code tp->high_seq}: snd_nxt when the loss / recovery episode started. */
    int highSeq();

    /** {@code tcp_wnd_end(tp)}: {@code snd_una + snd_wnd}, the right edge of the peer's receive window. */
    int wndEnd();

    /** Bytes of data sent on this subflow, retransmissions included ({@code tp->bytes_sent}). */
    long bytesSent();

    /** Segments sent on this subflow ({@code tp->segs_out}). */
    long segsOut();

    /**
     * The scheduler's private data for this subflow ({@code tp->mptcp->mptcp_sched[]}), null until
     * the scheduler stores some. The MPTCP layer clears it (sets null) whenever the connection's
     * scheduler changes, after {@link MptcpSchedOps#releaseSubflow} and before the new scheduler's
     * {@link MptcpSchedOps#initSubflow}.
     */
    Object schedPriv();

    /** Stores the scheduler's private data for this subflow. */
    void setSchedPriv(Object priv);

    /** {@code subflow_is_active()}: not a backup subflow. */
    default boolean isActive() {
        return !isBackup();
    }

    /** Whether the subflow is in {@code TCP_CA_Loss} (after an RTO). */
    default boolean inLoss() {
        return caState() == TcpCc.TCP_CA_LOSS;
    }

    /**
     * Bytes the congestion window still admits beyond what the subflow has queued:
     * {@code (snd_cwnd - in_flight) * mss_cache - (write_seq - snd_nxt)}, at least 0, as
     * {@code mptcp_is_temp_unavailable()} computes it.
     */
    default long cwndSpaceBytes() {
        long free = (sndCwnd() - packetsInFlight()) * mssCache() - Integer.toUnsignedLong(writeSeq() - sndNxt());
        return Math.max(0, free);
    }

    /** Bytes the peer's receive window still admits: {@code tcp_wnd_end(tp) - write_seq}, at least 0. */
    default long sndWndSpaceBytes() {
        return Math.max(0, wndEnd() - writeSeq());
    }

    /** {@code mptcp_is_available(sk, skb, zero_wnd_test)}: see {@link MptcpSched#isAvailable}. */
    default boolean isAvailable(MptcpSegmentView skb, boolean zeroWndTest) {
        return MptcpSched.isAvailable(this, skb, zeroWndTest);
    }
}
