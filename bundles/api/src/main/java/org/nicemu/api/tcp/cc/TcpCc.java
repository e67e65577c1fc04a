package org.nicemu.api.tcp.cc;

/**
 * Constants and helpers shared by congestion-control algorithms: the exported functions of
 * net/ipv4/tcp_cong.c ({@code tcp_slow_start()}, {@code tcp_cong_avoid_ai()},
 * {@code tcp_reno_cong_avoid()}, {@code tcp_reno_ssthresh()}, {@code tcp_reno_undo_cwnd()}), the
 * inline helpers of include/net/tcp.h ({@code tcp_in_slow_start()}, {@code before()}/{@code after()}),
 * the states of {@code enum tcp_ca_state} (include/uapi/linux/tcp.h) and the events of
 * {@code enum tcp_ca_event}.
 *
 * <p>Time: the emulated kernel runs with {@code CONFIG_HZ=1000}; {@link #tcpJiffies32} turns the
 * emulation's microseconds into the u32 {@code tcp_jiffies32}, starting at the kernel's
 * {@code INITIAL_JIFFIES} (5 minutes before the u32 wraps), so that jiffies are never 0 in the first
 * minutes of an emulation, as in a booted kernel, and wrap-around behaves as in the kernel.
 */
public final class TcpCc {
    private TcpCc() {
    }

    /** {@code TCP_CA_Open}: normal state, no dubious events. */
    public static final int TCP_CA_OPEN = 0;
    /** {@code TCP_CA_Disorder}: duplicate ACKs or SACKs seen, not yet recovery. */
    public static final int TCP_CA_DISORDER = 1;
    /** {@code TCP_CA_CWR}: cwnd reduced after a local congestion signal (ECN, local drop). */
    public static final int TCP_CA_CWR = 2;
    /** {@code TCP_CA_Recovery}: fast retransmit / fast recovery. */
    public static final int TCP_CA_RECOVERY = 3;
    /** {@code TCP_CA_Loss}: retransmission timeout (or undo-able SACK reneging); cwnd = 1. */
    public static final int TCP_CA_LOSS = 4;

    /** {@code CA_EVENT_TX_START}: first transmit when no packets are in flight (after idle). */
    public static final int CA_EVENT_TX_START = 0;
    /** {@code CA_EVENT_CWND_RESTART}: congestion window restart after idle. */
    public static final int CA_EVENT_CWND_RESTART = 1;
    /** {@code CA_EVENT_COMPLETE_CWR}: end of the congestion window reduction. */
    public static final int CA_EVENT_COMPLETE_CWR = 2;
    /** {@code CA_EVENT_LOSS}: loss timeout. */
    public static final int CA_EVENT_LOSS = 3;
    /** {@code CA_EVENT_ECN_NO_CE}: an ECT segment arrived without CE (after CE ones). */
    public static final int CA_EVENT_ECN_NO_CE = 4;
    /** {@code CA_EVENT_ECN_IS_CE}: a CE-marked segment arrived (after non-CE ones). */
    public static final int CA_EVENT_ECN_IS_CE = 5;

    /** {@code TCP_INFINITE_SSTHRESH}: the initial slow-start threshold (0x7fffffff). */
    public static final long TCP_INFINITE_SSTHRESH = 0x7fffffffL;

    /** {@code HZ} of the emulated kernel: jiffies per second. */
    public static final int HZ = 1000;

    /** Microseconds per jiffy ({@code USEC_PER_SEC / HZ}). */
    public static final long USEC_PER_JIFFY = 1_000_000L / HZ;

    /** {@code INITIAL_JIFFIES}: the u32 jiffies value at emulated time 0 ({@code -300 * HZ}). */
    public static final int INITIAL_JIFFIES = -300 * HZ;

    /** The state names as {@code ss -i} and the kernel's tracepoints print them. */
    public static String caStateName(int state) {
        switch (state) {
            case TCP_CA_OPEN: return "open";
            case TCP_CA_DISORDER: return "disorder";
            case TCP_CA_CWR: return "cwr";
            case TCP_CA_RECOVERY: return "recovery";
            case TCP_CA_LOSS: return "loss";
            default: return "state" + state;
        }
    }

    /** The u32 jiffies at emulation time {@code us} (microseconds), starting at {@link #INITIAL_JIFFIES}. */
    public static int jiffies(long us) {
        return (int) (us / USEC_PER_JIFFY) + INITIAL_JIFFIES;
    }

    /** Mirrors {@code tcp_jiffies32}: the socket's current time ({@link TcpCcSock#nowUs()}) in u32 jiffies. */
    public static int tcpJiffies32(TcpCcSock sk) {
        return jiffies(sk.nowUs());
    }

    /** Mirrors {@code usecs_to_jiffies()} for HZ=1000: rounds up to whole jiffies. */
    public static long usecsToJiffies(long us) {
        return (us + USEC_PER_JIFFY - 1) / USEC_PER_JIFFY;
    }

    /** Mirrors {@code before(seq1, seq2)}: seq1 precedes seq2 in u32 sequence space. */
    public static boolean before(int seq1, int seq2) {
        return seq1 - seq2 < 0;
    }

    /** Mirrors {@code after(seq2, seq1)}: seq2 follows seq1 in u32 sequence space. */
    public static boolean after(int seq2, int seq1) {
        return before(seq1, seq2);
    }

    /** Mirrors {@code tcp_in_slow_start()}: {@code snd_cwnd < snd_ssthresh}. */
    public static boolean tcpInSlowStart(TcpCcSock sk) {
        return sk.sndCwnd() < sk.sndSsthresh();
    }

    /**
     * Mirrors net/ipv4/tcp_cong.c {@code tcp_slow_start()}: cwnd grows by one per ACKed packet, but
     * not above ssthresh (nor the clamp); a stretch ACK counts as that many single ACKs.
     *
     * @return the ACKed packets left over after cwnd reached ssthresh, for congestion avoidance
     */
    public static long tcpSlowStart(TcpCcSock sk, long acked) {
        long cwnd = Math.min(sk.sndCwnd() + acked, sk.sndSsthresh());
        acked -= cwnd - sk.sndCwnd();
        sk.setSndCwnd(Math.min(cwnd, sk.sndCwndClamp()));
        return acked;
    }

    /**
     * Mirrors net/ipv4/tcp_cong.c {@code tcp_cong_avoid_ai()}: additive increase, cwnd + 1 for every
     * {@code w} ACKed packets, counted in {@code snd_cwnd_cnt}; credit gathered at a larger
     * {@code w} is applied first.
     */
    public static void tcpCongAvoidAi(TcpCcSock sk, long w, long acked) {
        if (sk.sndCwndCnt() >= w) {
            sk.setSndCwndCnt(0);
            sk.setSndCwnd(sk.sndCwnd() + 1);
        }
        long cnt = sk.sndCwndCnt() + acked;
        if (cnt >= w) {
            long delta = cnt / w;
            cnt -= delta * w;
            sk.setSndCwnd(sk.sndCwnd() + delta);
        }
        sk.setSndCwndCnt(cnt);
        sk.setSndCwnd(Math.min(sk.sndCwnd(), sk.sndCwndClamp()));
    }

    /**
     * Mirrors net/ipv4/tcp_cong.c {@code tcp_reno_cong_avoid()} (Jacobson's slow start and
     * congestion avoidance): nothing unless cwnd-limited; slow start below ssthresh; then
     * {@code tcp_cong_avoid_ai(tp, snd_cwnd, acked)}. Also the built-in fallback algorithm.
     */
    public static void tcpRenoCongAvoid(TcpCcSock sk, long ack, long acked) {
        if (!sk.isCwndLimited()) {
            return;
        }
        if (tcpInSlowStart(sk)) {
            acked = tcpSlowStart(sk, acked);
            if (acked == 0) {
                return;
            }
        }
        tcpCongAvoidAi(sk, sk.sndCwnd(), acked);
    }

    /** Mirrors net/ipv4/tcp_cong.c {@code tcp_reno_ssthresh()}: half the congestion window, at least 2. */
    public static long tcpRenoSsthresh(TcpCcSock sk) {
        return Math.max(sk.sndCwnd() >> 1, 2);
    }

    /** Mirrors net/ipv4/tcp_cong.c {@code tcp_reno_undo_cwnd()}: {@code max(snd_cwnd, prior_cwnd)}. */
    public static long tcpRenoUndoCwnd(TcpCcSock sk) {
        return Math.max(sk.sndCwnd(), sk.priorCwnd());
    }
}
