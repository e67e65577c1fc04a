package org.nicemu.tcp.cc.lia;

import org.nicemu.api.tcp.cc.CoupledSubflows;
import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCcSock;
import org.nicemu.api.tcp.cc.TcpCongestionOps;

/**
 * MPTCP's Linked Increases Algorithm (RFC 6356): mirrors {@code struct tcp_congestion_ops mptcp_ccc}
 * ({@code .name = "lia"}) of net/mptcp/mptcp_coupled.c in the multipath-tcp.org kernel.
 *
 * <p>RFC 6356 §3: on an ACK of subflow i in congestion avoidance, cwnd_i grows by
 * {@code min(alpha * acked / cwnd_total, acked / cwnd_i)} with
 * {@code alpha = cwnd_total * max_i(cwnd_i / rtt_i^2) / (sum_i cwnd_i / rtt_i)^2}. Slow start, the
 * loss response ({@code ssthresh = max(cwnd / 2, 2)}) and undo are Reno's.
 *
 * <p>The kernel's fixed point ({@link #recalcAlpha(CoupledSubflows)} = {@code mptcp_ccc_recalc_alpha()}):
 * the value it keeps, {@code mptcp_ccc.alpha}, is not RFC's alpha but
 * {@code 2^12 * alpha_RFC / cwnd_total} (numerator scaled by 2^{@value #ALPHA_SCALE_NUM}, each
 * denominator term by 2^{@value #ALPHA_SCALE_DEN}, squared: 2^(32 - 20) = 2^{@value #ALPHA_SCALE}),
 * so that the congestion-avoidance step needs one division only:
 * {@code w = max(2^12 / alpha, cwnd_i)} ACKed packets per increase of cwnd_i, i.e. an increase of
 * {@code min(alpha_RFC / cwnd_total, 1 / cwnd_i)} per ACKed packet. RTTs enter the formula as the
 * kernel's {@code srtt_us}, which is the smoothed RTT in microseconds scaled by 8; subflows without an
 * RTT sample are left out ({@code mptcp_ccc_sk_can_send()}).
 *
 * <ul>
 * <li>{@link #init}: {@code mptcp_ccc_init()}, alpha = 1;</li>
 * <li>{@link #congAvoid}: {@code mptcp_ccc_cong_avoid()}: plain TCP ({@link TcpCcSock#coupled()} null)
 *     and a connection with one subflow get exactly {@link TcpCc#tcpRenoCongAvoid}; otherwise, when
 *     cwnd-limited, Reno's slow start (alpha recalculated after it) and then the linked increase,
 *     {@link TcpCc#tcpCongAvoidAi} with {@code w} above;</li>
 * <li>{@link #ssthresh} = {@code tcp_reno_ssthresh()}; {@link #undoCwnd} = {@code tcp_reno_undo_cwnd()};</li>
 * <li>{@link #cwndEvent}: {@code mptcp_ccc_cwnd_event()}, alpha recalculated on {@code CA_EVENT_LOSS}.</li>
 * </ul>
 *
 * <p>Differences from the kernel, both documented in docs/cc-lia.md: (1) the kernel keeps one alpha per
 * connection in the meta socket, recalculated when any subflow grows, on a loss, and on the first ACK
 * after a state change ({@code forced_update}); here every subflow has its own instance and sees the
 * others only through the {@link CoupledSubflows} view, so it recalculates alpha from the view on
 * every congestion-avoidance ACK, before using it, which gives the value the kernel's shared alpha has
 * when it is up to date (no {@code forced_update} flag is needed). (2) The kernel counts one per ACK
 * in {@code snd_cwnd_cnt} and increases on the ACK after the counter reached {@code w}; here the ACKed
 * packets are counted as in {@code tcp_cong_avoid_ai()} (stretch ACKs count fully, the increase comes
 * at the w-th packet, leftover slow-start packets go on to congestion avoidance), which makes LIA with
 * {@code w = cwnd} exactly Reno, as RFC 6356 asks for a single path.
 */
public final class Lia implements TcpCongestionOps {
    /** The algorithm name, {@code mptcp_ccc.name}. */
    public static final String NAME = "lia";

    /** {@code alpha_scale_num}: the numerator {@code cwnd_i / rtt_i^2} is scaled by 2^32. */
    public static final int ALPHA_SCALE_NUM = 32;
    /** {@code alpha_scale_den}: each term {@code cwnd_i / rtt_i} of the denominator is scaled by 2^10. */
    public static final int ALPHA_SCALE_DEN = 10;
    /** {@code alpha_scale = alpha_scale_num - 2 * alpha_scale_den}: alpha is in units of 2^-12 per packet of cwnd_total. */
    public static final int ALPHA_SCALE = 12;

    /** {@code mptcp_ccc.alpha}: 2^12 * alpha_RFC / cwnd_total, as last recalculated; 1 = none. */
    private long alpha = 1;

    @Override
    public String name() {
        return NAME;
    }

    /** Mirrors {@code mptcp_ccc_init()}: alpha starts at 1 (nothing computed yet). */
    @Override
    public void init(TcpCcSock sk) {
        alpha = 1;
    }

    /** Mirrors {@code tcp_reno_ssthresh()}: {@code max(cwnd / 2, 2)}. */
    @Override
    public long ssthresh(TcpCcSock sk) {
        return TcpCc.tcpRenoSsthresh(sk);
    }

    /** Mirrors {@code tcp_reno_undo_cwnd()}: {@code max(cwnd, prior_cwnd)}. */
    @Override
    public long undoCwnd(TcpCcSock sk) {
        return TcpCc.tcpRenoUndoCwnd(sk);
    }

    /** Mirrors {@code mptcp_ccc_cwnd_event()}: a loss timeout recalculates alpha. */
    @Override
    public void cwndEvent(TcpCcSock sk, int event) {
        if (event == TcpCc.CA_EVENT_LOSS) {
            recalcAlpha(sk);
        }
    }

    /** Mirrors {@code mptcp_ccc_cong_avoid()} (see the class comment for the counting). */
    @Override
    public void congAvoid(TcpCcSock sk, long ack, long acked) {
        CoupledSubflows c = sk.coupled();
        if (c == null) {
            TcpCc.tcpRenoCongAvoid(sk, ack, acked);
            return;
        }
        if (!sk.isCwndLimited()) {
            return;
        }
        if (TcpCc.tcpInSlowStart(sk)) {
            acked = TcpCc.tcpSlowStart(sk, acked);
            recalcAlpha(sk);
            if (acked == 0) {
                return;
            }
        }
        long w = sk.sndCwnd();
        if (c.count() > 1) {
            alpha = recalcAlpha(c);
            w = increaseEvery(alpha, w);
        }
        TcpCc.tcpCongAvoidAi(sk, w, acked);
    }

    /** Recalculates this socket's alpha from its coupled subflows; plain TCP leaves it unchanged. */
    private void recalcAlpha(TcpCcSock sk) {
        CoupledSubflows c = sk.coupled();
        if (c != null) {
            alpha = recalcAlpha(c);
        }
    }

    /**
     * Mirrors {@code mptcp_ccc_recalc_alpha()}: the kernel's fixed-point alpha,
     * {@code 2^12 * max_i(cwnd_i / rtt_i^2) / (sum_i cwnd_i / rtt_i)^2} = 2^12 * alpha_RFC / cwnd_total,
     * over the subflows with an RTT sample, with {@code rtt_i} = the kernel's {@code srtt_us} (8 times
     * the smoothed RTT in microseconds). Unsigned 64-bit arithmetic with the kernel's truncations:
     * <ol>
     * <li>the subflow with the largest {@code (cwnd_i << 32) / rtt_i^2} is "best" (ties: the later
     *     one, the kernel's {@code >=});</li>
     * <li>{@code sum = Σ (cwnd_i << 10) * rtt_best / rtt_i} and {@code alpha = (cwnd_best << 32) / sum^2}.</li>
     * </ol>
     * Returns 1 (the kernel's "none") for fewer than two subflows, when no subflow has an RTT sample,
     * when the squared sum is 0, or when alpha truncates to 0.
     */
    public static long recalcAlpha(CoupledSubflows c) {
        int n = c.count();
        if (n <= 1) {
            return 1;
        }
        long maxNumerator = 0;
        long bestCwnd = 0;
        long bestRtt = 0;
        int canSend = 0;
        for (int i = 0; i < n; i++) {
            long rtt = kernelSrtt(c, i);
            if (rtt == 0) {
                continue;
            }
            canSend++;
            long tmp = Long.divideUnsigned(c.cwnd(i) << ALPHA_SCALE_NUM, rtt * rtt);
            if (Long.compareUnsigned(tmp, maxNumerator) >= 0) {
                maxNumerator = tmp;
                bestCwnd = c.cwnd(i);
                bestRtt = rtt;
            }
        }
        if (canSend == 0) {
            return 1;
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long rtt = kernelSrtt(c, i);
            if (rtt == 0) {
                continue;
            }
            sum += Long.divideUnsigned((c.cwnd(i) << ALPHA_SCALE_DEN) * bestRtt, rtt);
        }
        sum *= sum;
        if (sum == 0) {
            return 1; // the kernel only logs this and divides by zero
        }
        long a = Long.divideUnsigned(bestCwnd << ALPHA_SCALE_NUM, sum);
        return a == 0 ? 1 : a;
    }

    /** The kernel's {@code srtt_us} of subflow i: smoothed RTT in µs scaled by 8; 0 = no sample. */
    private static long kernelSrtt(CoupledSubflows c, int i) {
        long us = c.srttUs(i);
        return us <= 0 ? 0 : us << 3;
    }

    /**
     * ACKed packets per one-packet increase of cwnd in congestion avoidance with a kernel alpha of
     * {@code alpha} on a subflow with window {@code cwnd}: {@code max(2^12 / alpha, cwnd)} (the
     * {@code snd_cwnd} local of {@code mptcp_ccc_cong_avoid()}).
     */
    public static long increaseEvery(long alpha, long cwnd) {
        return Math.max((1L << ALPHA_SCALE) / (alpha == 0 ? 1 : alpha), cwnd);
    }

    // ---- read-only view for ss -i style output and tests ----

    /** {@code mptcp_ccc.alpha} as last recalculated: 2^12 * alpha_RFC / cwnd_total; 1 = none. */
    public long alpha() {
        return alpha;
    }
}
