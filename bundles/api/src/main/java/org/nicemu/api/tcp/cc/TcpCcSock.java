package org.nicemu.api.tcp.cc;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The part of a TCP socket ({@code struct tcp_sock} / {@code struct sock}, include/linux/tcp.h) that
 * congestion control reads and writes; implemented by the TCP layer, passed to every
 * {@link TcpCongestionOps} call as the kernel passes {@code struct sock *sk}.
 *
 * <p>Windows are in packets (segments of {@link #mssCache()} bytes). Sequence numbers are the u32
 * values of the wire, carried in an {@code int}; compare them with {@link TcpCc#after} /
 * {@link TcpCc#before}. Times are microseconds of the emulation's clock; {@link TcpCc#tcpJiffies32}
 * derives the kernel's {@code tcp_jiffies32} from them.
 */
@ProviderType
public interface TcpCcSock {
    /** Congestion window in packets ({@code tcp_snd_cwnd(tp)}). */
    long sndCwnd();

    /** Sets the congestion window, at least 1 ({@code tcp_snd_cwnd_set(tp, val)}). */
    void setSndCwnd(long cwnd);

    /** Slow-start threshold in packets ({@code tp->snd_ssthresh}); {@link TcpCc#TCP_INFINITE_SSTHRESH} initially. */
    long sndSsthresh();

    /** Sets the slow-start threshold ({@code tp->snd_ssthresh = ...}). */
    void setSndSsthresh(long ssthresh);

    /** Linear-increase counter: packets ACKed since the last congestion-avoidance increase ({@code tp->snd_cwnd_cnt}). */
    long sndCwndCnt();

    /** Sets the linear-increase counter ({@code tp->snd_cwnd_cnt}). */
    void setSndCwndCnt(long cnt);

    /** Upper bound of the congestion window ({@code tp->snd_cwnd_clamp}). */
    long sndCwndClamp();

    /** The congestion window before the last reduction ({@code tp->prior_cwnd}), for undo. */
    long priorCwnd();

    /** Packets in flight: sent, not yet ACKed, SACKed or marked lost ({@code tcp_packets_in_flight(tp)}). */
    long packetsInFlight();

    /**
     * Whether the sender is limited by the congestion window rather than by the application or the
     * receive window: {@code tcp_is_cwnd_limited(sk)} including its slow-start rule
     * ({@code snd_cwnd < 2 * max_packets_out}).
     */
    boolean isCwndLimited();

    /** Smoothed RTT in microseconds (the kernel keeps {@code tp->srtt_us} scaled by 8; this is unscaled). */
    long srttUs();

    /** Windowed minimum RTT in microseconds ({@code tcp_min_rtt(tp)}); {@code ~0U} (4294967295) before the first sample. */
    long minRttUs();

    /** Current effective MSS in bytes ({@code tp->mss_cache}). */
    int mssCache();

    /** Packets delivered so far, including retransmissions ({@code tp->delivered}). */
    long deliveredPackets();

    /** Packets sent during fast recovery by PRR ({@code tp->prr_out}). */
    long prrOut();

    /** The congestion state ({@code inet_csk(sk)->icsk_ca_state}), one of {@link TcpCc#TCP_CA_OPEN} ... {@link TcpCc#TCP_CA_LOSS}. */
    int caState();

    /** First unacknowledged sequence number ({@code tp->snd_una}). */
    int sndUna();

    /** Next sequence number to send ({@code tp->snd_nxt}). */
    int sndNxt();

    /**
     * The emulation's time in microseconds: {@code tcp_clock_us()} and the ACK timestamp
     * {@code tp->tcp_mstamp}; {@link TcpCc#tcpJiffies32} makes {@code tcp_jiffies32} from it.
     */
    long nowUs();

    /** Emulation time in microseconds when the last data segment was sent ({@code tp->lsndtime}, kept in jiffies by the kernel). */
    long lsndtimeUs();

    /** Pacing rate in bytes per second, 0 if none is computed ({@code sk->sk_pacing_rate}). */
    long pacingRate();

    /** Whether packets are paced (by TCP or by a fq qdisc): {@code sk->sk_pacing_status != SK_PACING_NONE}. */
    boolean pacingEnabled();

    /** Largest GSO packet the socket builds, in bytes ({@code sk->sk_gso_max_size}). */
    int gsoMaxSize();

    /**
     * The subflows whose windows are coupled with this socket's (an MPTCP subflow: RFC 6356 LIA reads
     * them), or null for a plain TCP socket.
     */
    default CoupledSubflows coupled() {
        return null;
    }
}
