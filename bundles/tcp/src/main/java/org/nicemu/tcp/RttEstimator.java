package org.nicemu.tcp;

/**
 * RTT estimation and the retransmission timeout of one connection: RFC 6298 as Linux implements
 * it in net/ipv4/tcp_input.c {@code tcp_rtt_estimator()}, {@code tcp_set_rto()} and
 * {@code tcp_ack_update_rtt()}, with the backoff of net/ipv4/tcp_timer.c
 * {@code tcp_retransmit_timer()} and include/net/inet_connection_sock.h
 * {@code inet_csk_rto_backoff()}.
 *
 * <p>State, in the kernel's units and scaling: {@code srtt_us} is the smoothed RTT in µs
 * <b>shifted left by 3</b>; {@code mdev_us} is the mean deviation in µs scaled so that it stands
 * for four deviations (the {@code 4 * RTTVAR} of RFC 6298); {@code mdev_max_us} is the largest
 * {@code mdev_us} of the current window of data, never below {@code tcp_rto_min}; {@code rttvar_us}
 * follows {@code mdev_max_us} upwards at once and downwards by a quarter of the gap once per
 * window ({@code rtt_seq}: when {@code snd_una} passes the {@code snd_nxt} seen at the window's
 * start). Then {@code RTO = srtt + rttvar}, which is RFC 6298's {@code SRTT + max(G, 4*RTTVAR)} with
 * {@code tcp_rto_min} (200 ms) in the role of the floor, bounded by {@code TCP_RTO_MAX} (120 s).
 *
 * <p>The RTO ({@code icsk_rto}) is kept in jiffies as the kernel keeps it, i.e. rounded up to a
 * whole tick by {@code usecs_to_jiffies()}; {@link #rtoUs()} returns it in µs. The tick is
 * {@code 1e6 / HZ} µs; the HIL machines run {@code CONFIG_HZ=250} (4 ms ticks), the default here.
 *
 * <p>Not modelled: the per-route {@code RTAX_RTO_MIN} (pass another {@code rtoMinUs}), thin-stream
 * linear timeouts ({@code tcp_thin_linear_timeouts}, off by default), the BPF RTT callback.
 */
public final class RttEstimator {
    /** {@code TCP_RTO_MIN}: 200 ms. */
    public static final long TCP_RTO_MIN_US = 200_000;
    /** {@code TCP_RTO_MAX}: 120 s. */
    public static final long TCP_RTO_MAX_US = 120_000_000;
    /** {@code TCP_TIMEOUT_INIT}: the RTO before any sample, 1 s (RFC 6298 §2.1). */
    public static final long TCP_TIMEOUT_INIT_US = 1_000_000;
    /** {@code TCP_TIMEOUT_FALLBACK}: 3 s, the RTO after a handshake without a valid sample (RFC 6298 §5.7). */
    public static final long TCP_TIMEOUT_FALLBACK_US = 3_000_000;
    /** {@code sysctl_tcp_syn_linear_timeouts} default: SYN timeouts before exponential backoff starts. */
    public static final int TCP_SYN_LINEAR_TIMEOUTS = 4;
    /** {@code TCP_TS_HZ}: the timestamp option clock runs in milliseconds. */
    public static final int TCP_TS_HZ = 1000;
    /** {@code CONFIG_HZ} of the HIL kernels. */
    public static final int DEFAULT_HZ = 250;

    private final long rtoMinUs;
    private final long rtoMaxUs;
    private final long tickUs;

    private long srttUs;
    private long mdevUs;
    private long mdevMaxUs;
    private long rttvarUs;
    private int rttSeq;
    private long rtoJiffies;
    private int backoff;

    /** {@code tcp_rto_min} 200 ms, {@code TCP_RTO_MAX} 120 s, {@code HZ} 250. */
    public RttEstimator() {
        this(TCP_RTO_MIN_US, TCP_RTO_MAX_US, DEFAULT_HZ);
    }

    /**
     * @param rtoMinUs {@code tcp_rto_min_us()} (sysctl {@code tcp_rto_min_us} / route {@code rto_min})
     * @param rtoMaxUs {@code tcp_rto_max()} ({@code TCP_RTO_MAX_MS} socket option; 120 s by default)
     * @param hz the kernel's {@code HZ}: the RTO is kept in ticks of {@code 1e6 / hz} µs
     */
    public RttEstimator(long rtoMinUs, long rtoMaxUs, int hz) {
        if (rtoMinUs <= 0 || rtoMaxUs < rtoMinUs || hz <= 0 || 1_000_000 % hz != 0) {
            throw new IllegalArgumentException("rtoMinUs=" + rtoMinUs + " rtoMaxUs=" + rtoMaxUs + " hz=" + hz);
        }
        this.rtoMinUs = rtoMinUs;
        this.rtoMaxUs = rtoMaxUs;
        this.tickUs = 1_000_000 / hz;
        reset();
    }

    /**
     * Back to a fresh socket: no sample, {@code icsk_rto = TCP_TIMEOUT_INIT}, no backoff
     * (net/ipv4/tcp.c {@code tcp_init_sock()}: {@code icsk_rto = TCP_TIMEOUT_INIT},
     * {@code mdev_us = jiffies_to_usecs(TCP_TIMEOUT_INIT)}).
     */
    public void reset() {
        srttUs = 0;
        mdevUs = TCP_TIMEOUT_INIT_US;
        mdevMaxUs = 0;
        rttvarUs = 0;
        rttSeq = 0;
        rtoJiffies = usecsToJiffies(TCP_TIMEOUT_INIT_US);
        backoff = 0;
    }

    /**
     * Feeds one RTT sample. Mirrors net/ipv4/tcp_input.c {@code tcp_rtt_estimator()}: srtt gains
     * 1/8 of the error; mdev gains 1/4 of |error| minus its own quarter, or only 1/32 when the
     * sample is below srtt (the kernel's Eifel-like damping); rttvar tracks the window maximum.
     * The first sample sets {@code srtt = m}, {@code mdev = 2m} and {@code rttvar = max(2m, rto_min)}.
     *
     * @param mrttUs the sample in µs (a non-positive sample counts as 1 µs, via {@code srtt_us >= 1})
     * @param sndUna {@code tp->snd_una} after this ACK
     * @param sndNxt {@code tp->snd_nxt}
     */
    public void tcpRttEstimator(long mrttUs, int sndUna, int sndNxt) {
        long m = mrttUs;
        long srtt = srttUs;
        if (srtt != 0) {
            m -= srtt >> 3;
            srtt += m;
            if (m < 0) {
                m = -m;
                m -= mdevUs >> 2;
                if (m > 0) m >>= 3;
            } else {
                m -= mdevUs >> 2;
            }
            mdevUs += m;
            if (mdevUs > mdevMaxUs) {
                mdevMaxUs = mdevUs;
                if (mdevMaxUs > rttvarUs) rttvarUs = mdevMaxUs;
            }
            if (TcpSeq.after(sndUna, rttSeq)) {
                if (mdevMaxUs < rttvarUs) rttvarUs -= (rttvarUs - mdevMaxUs) >> 2;
                rttSeq = sndNxt;
                mdevMaxUs = rtoMinUs;
            }
        } else {
            srtt = m << 3;
            mdevUs = m << 1;
            rttvarUs = Math.max(mdevUs, rtoMinUs);
            mdevMaxUs = rttvarUs;
            rttSeq = sndNxt;
        }
        srttUs = Math.max(1, srtt);
    }

    /**
     * Recomputes the RTO from the estimate. Mirrors include/net/tcp.h {@code __tcp_set_rto()}
     * ({@code usecs_to_jiffies((srtt_us >> 3) + rttvar_us)}) and {@code tcp_bound_rto()} (at most
     * {@code rto_max}), called by net/ipv4/tcp_input.c {@code tcp_set_rto()}.
     */
    public void tcpSetRto() {
        rtoJiffies = Math.min(usecsToJiffies((srttUs >> 3) + rttvarUs), usecsToJiffies(rtoMaxUs));
    }

    /**
     * Takes the RTT sample an ACK offers, if any. Mirrors net/ipv4/tcp_input.c
     * {@code tcp_ack_update_rtt()}: the sample from the ACK's timing ({@code seqRttUs}, -1 when
     * Karn's rule forbids it, see {@link #karnSeqRttUs}), else the SACK-based one, else the
     * timestamp echo ({@code tsoptRttUs}, which the caller passes only when RTTM allows it: the
     * segment carried a non-zero TSecr and acknowledged new data, see {@link #tcpRttTsoptUs}).
     * With a sample: {@link #tcpRttEstimator}, {@link #tcpSetRto} and {@code icsk_backoff = 0}
     * ("RFC6298: only reset backoff on valid RTT measurement").
     *
     * @return whether a sample was used
     */
    public boolean tcpAckUpdateRtt(long seqRttUs, long sackRttUs, long tsoptRttUs, int sndUna, int sndNxt) {
        long sample = seqRttUs;
        if (sample < 0) sample = sackRttUs;
        if (sample < 0) sample = tsoptRttUs;
        if (sample < 0) return false;
        tcpRttEstimator(sample, sndUna, sndNxt);
        tcpSetRto();
        backoff = 0;
        return true;
    }

    /**
     * Karn's rule as net/ipv4/tcp_input.c {@code tcp_clean_rtx_queue()} applies it: the RTT of the
     * cumulatively acknowledged data is measured from the first newly acked segment's
     * transmission time only if none of the newly acked segments was ever retransmitted
     * ({@code FLAG_RETRANS_DATA_ACKED}); otherwise -1 (no sample). Timestamps still give one.
     */
    public static long karnSeqRttUs(boolean retransDataAcked, long firstAckedXmitUs, long nowUs) {
        if (retransDataAcked || firstAckedXmitUs < 0) return -1;
        return Math.max(nowUs - firstAckedXmitUs, 0);
    }

    /**
     * The RTT from an echoed timestamp. Mirrors net/ipv4/tcp_input.c {@code tcp_rtt_tsopt_us()}
     * for the millisecond TS clock: {@code (now - tsecr)} ms in µs; a zero delta counts as
     * {@code min} ms; -1 when the delta is implausible (negative as s32, or overflowing).
     */
    public static long tcpRttTsoptUs(int nowTsMs, int rcvTsecr, int min) {
        long delta = (nowTsMs - rcvTsecr) & 0xffff_ffffL;
        long perTick = 1_000_000 / TCP_TS_HZ;
        if (delta < Integer.MAX_VALUE / perTick) {
            if (delta == 0) delta = min;
            return delta * perTick;
        }
        return -1;
    }

    /**
     * The retransmission timer fired. Mirrors the backoff at the end of net/ipv4/tcp_timer.c
     * {@code tcp_retransmit_timer()}: {@code icsk_backoff++} and {@code icsk_rto = min(icsk_rto << 1,
     * rto_max)}, except for a SYN in SYN_SENT while {@code total_rto <= tcp_syn_linear_timeouts}
     * (4), which keeps the RTO unchanged (the first SYN retransmissions are linear).
     *
     * @param synSent the socket is in SYN_SENT
     * @param totalRto {@code tp->total_rto}: RTO expirations so far, this one included
     */
    public void tcpRetransmitTimerBackoff(boolean synSent, int totalRto) {
        if (!synSent || totalRto > TCP_SYN_LINEAR_TIMEOUTS) {
            backoff++;
            rtoJiffies = Math.min(rtoJiffies << 1, usecsToJiffies(rtoMaxUs));
        }
    }

    /**
     * Mirrors include/net/inet_connection_sock.h {@code inet_csk_rto_backoff()}: {@code min(icsk_rto
     * << icsk_backoff, maxWhen)} in µs (used by the zero-window probe timer).
     */
    public long rtoBackoffUs(long maxWhenUs) {
        long maxJ = usecsToJiffies(maxWhenUs);
        long when = backoff >= 63 || rtoJiffies > (Long.MAX_VALUE >> backoff) ? Long.MAX_VALUE : rtoJiffies << backoff;
        return Math.min(when, maxJ) * tickUs;
    }

    /**
     * No valid RTT sample came out of the handshake (it was retransmitted): mirrors the RFC 6298
     * §5.7 branch of net/ipv4/tcp_metrics.c {@code tcp_init_metrics()}: {@code rttvar = mdev =
     * mdev_max = 3 s}, {@code icsk_rto = TCP_TIMEOUT_FALLBACK}. Does nothing once a sample exists.
     */
    public void tcpInitMetricsNoSample() {
        if (srttUs != 0) return;
        rttvarUs = TCP_TIMEOUT_FALLBACK_US;
        mdevUs = TCP_TIMEOUT_FALLBACK_US;
        mdevMaxUs = TCP_TIMEOUT_FALLBACK_US;
        rtoJiffies = usecsToJiffies(TCP_TIMEOUT_FALLBACK_US);
    }

    /** Clears {@code icsk_backoff} (e.g. when an ACK makes progress on a zero-window probe). */
    public void resetBackoff() {
        backoff = 0;
    }

    /** Mirrors include/linux/jiffies.h {@code usecs_to_jiffies()}: rounds up to whole ticks. */
    public long usecsToJiffies(long us) {
        return (us + tickUs - 1) / tickUs;
    }

    /** {@code tp->srtt_us}: smoothed RTT in µs, shifted left by 3 (0 before the first sample). */
    public long srttUs() { return srttUs; }

    /** The smoothed RTT in µs ({@code srtt_us >> 3}), as {@code ss -ti} prints it (in ms). */
    public long smoothedRttUs() { return srttUs >> 3; }

    /** {@code tp->mdev_us} ({@code tcp_get_info()} reports {@code mdev_us >> 2} as {@code tcpi_rttvar}, "rtt:x/y" in {@code ss -ti}). */
    public long mdevUs() { return mdevUs; }

    /** {@code tp->mdev_max_us}. */
    public long mdevMaxUs() { return mdevMaxUs; }

    /** {@code tp->rttvar_us}: the variance term of the RTO ({@code srtt + rttvar}). */
    public long rttvarUs() { return rttvarUs; }

    /** {@code tp->rtt_seq}: the {@code snd_nxt} that ends the current rttvar window. */
    public int rttSeq() { return rttSeq; }

    /** {@code icsk_rto} in jiffies. */
    public long rtoJiffies() { return rtoJiffies; }

    /** {@code icsk_rto} in µs (a whole number of ticks). */
    public long rtoUs() { return rtoJiffies * tickUs; }

    /** {@code icsk_backoff}: RTO doublings since the last valid RTT sample. */
    public int backoff() { return backoff; }

    /** Whether at least one sample was taken ({@code srtt_us != 0}). */
    public boolean hasSample() { return srttUs != 0; }

    /** {@code tcp_rto_min_us()} of this estimator. */
    public long rtoMinUs() { return rtoMinUs; }

    /** {@code tcp_rto_max()} of this estimator, in µs. */
    public long rtoMaxUs() { return rtoMaxUs; }

    @Override
    public String toString() {
        return "rtt:" + (srttUs >> 3) + "us/" + (mdevUs >> 2) + "us rto:" + rtoUs() + "us backoff:" + backoff;
    }
}
