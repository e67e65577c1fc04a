package org.nicemu.tcp.cc.cubic;

import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCcSock;
import org.nicemu.api.tcp.cc.TcpCongestionOps;

/**
 * TCP CUBIC with HyStart for one socket: mirrors {@code struct tcp_congestion_ops cubictcp} of
 * net/ipv4/tcp_cubic.c (Linux's algorithm; RFC 9438 describes it). The fields are
 * {@code struct bictcp}, which the kernel keeps in {@code inet_csk_ca(sk)}.
 *
 * <table>
 * <caption>kernel function → method</caption>
 * <tr><td>{@code cubictcp_init()}</td><td>{@link #init}</td></tr>
 * <tr><td>{@code cubictcp_recalc_ssthresh()} (= bictcp_recalc_ssthresh: Wmax, fast convergence, beta)</td><td>{@link #ssthresh}</td></tr>
 * <tr><td>{@code cubictcp_cong_avoid()} (= bictcp_cong_avoid)</td><td>{@link #congAvoid}</td></tr>
 * <tr><td>{@code bictcp_update()}: epoch, K, origin point, cubic target, TCP friendliness</td><td>{@link #bictcpUpdate}</td></tr>
 * <tr><td>{@code cubic_root()} (exact, see there)</td><td>{@link #cubicRoot}</td></tr>
 * <tr><td>{@code cubictcp_state()}</td><td>{@link #setState}</td></tr>
 * <tr><td>{@code cubictcp_cwnd_event()}</td><td>{@link #cwndEvent}</td></tr>
 * <tr><td>{@code cubictcp_acked()}</td><td>{@link #pktsAcked}</td></tr>
 * <tr><td>{@code hystart_update()}, {@code hystart_ack_delay()}, {@code bictcp_hystart_reset()}</td><td>{@link #hystartUpdate}, {@link #hystartAckDelay}, {@link #bictcpHystartReset}</td></tr>
 * <tr><td>{@code bictcp_reset()}</td><td>{@link #bictcpReset}</td></tr>
 * <tr><td>{@code tcp_reno_undo_cwnd()} (CUBIC's undo_cwnd)</td><td>{@link #undoCwnd}</td></tr>
 * </table>
 *
 * <p>Time: {@code tcp_jiffies32} (HZ = 1000) and {@code tcp_mstamp} (µs) both come from
 * {@link TcpCcSock#nowUs()} (see {@link TcpCc#tcpJiffies32}); the u32 time fields are Java
 * {@code int}s compared with the kernel's wrap-around arithmetic. Window arithmetic uses
 * {@code long}s masked to u32 where the kernel's u32 would wrap, so results are the kernel's for
 * any reachable window. No MIB counters (TCPHystartTrainDetect …) are kept; {@link #hystartFound()}
 * tells whether HyStart ended slow start.
 */
public final class Cubic implements TcpCongestionOps {
    /** The algorithm name, {@code cubictcp.name}. */
    public static final String NAME = "cubic";

    /** {@code HYSTART_MIN_SAMPLES}: RTT samples per round before the delay test. */
    static final int HYSTART_MIN_SAMPLES = 8;
    /** {@code HYSTART_DELAY_MIN}: lower clamp of the delay threshold, µs. */
    static final long HYSTART_DELAY_MIN = 4000;
    /** {@code HYSTART_DELAY_MAX}: upper clamp of the delay threshold, µs. */
    static final long HYSTART_DELAY_MAX = 16000;

    private static final long U32 = 0xffffffffL;


    private final CubicParams p;

    // struct bictcp
    private long cnt;            // increase cwnd by 1 after this many ACKed packets
    private long lastMaxCwnd;    // Wmax: cwnd before the last reduction
    private long lastCwnd;       // cwnd at the last bictcp_update() computation
    private int lastTime;        // jiffies of lastCwnd
    private long bicOriginPoint; // origin point of the cubic function (packets)
    private long bicK;           // K: time from the epoch start to the origin point, 2^-10 s
    private long delayMin;       // minimum RTT seen, µs (0 = none)
    private int epochStart;      // jiffies at the beginning of the epoch, 0 = no epoch
    private long ackCnt;         // ACKed packets, for the Reno-friendly window
    private long tcpCwnd;        // estimated Reno window (packets)
    private int sampleCnt;       // RTT samples taken in this HyStart round
    private boolean found;       // HyStart ended slow start
    private int roundStart;      // tcp_mstamp (µs, u32) at the start of the HyStart round
    private int endSeq;          // snd_nxt when the round started: the round ends when snd_una passes it
    private int lastAck;         // tcp_mstamp (µs, u32) of the last ACK of the current train
    private long currRtt;        // minimum RTT of the current round, µs (~0U = none)

    /** An instance with the kernel's default parameters. */
    public Cubic() {
        this(CubicParams.DEFAULTS);
    }

    /** An instance with the given parameters. */
    public Cubic(CubicParams params) {
        this.p = params;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Mirrors {@code bictcp_reset()}: clears the cubic state and {@code found}, keeps the HyStart round. */
    void bictcpReset() {
        cnt = 0;
        lastMaxCwnd = 0;
        lastCwnd = 0;
        lastTime = 0;
        bicOriginPoint = 0;
        bicK = 0;
        delayMin = 0;
        epochStart = 0;
        ackCnt = 0;
        tcpCwnd = 0;
        found = false;
    }

    /** Mirrors {@code bictcp_hystart_reset()}: a new HyStart round starts now and ends at snd_nxt. */
    void bictcpHystartReset(TcpCcSock sk) {
        roundStart = lastAck = (int) sk.nowUs();
        endSeq = sk.sndNxt();
        currRtt = U32;
        sampleCnt = 0;
    }

    /** Mirrors {@code cubictcp_init()}. */
    @Override
    public void init(TcpCcSock sk) {
        bictcpReset();
        if (p.hystart) {
            bictcpHystartReset(sk);
        }
        if (!p.hystart && p.initialSsthresh != 0) {
            sk.setSndSsthresh(p.initialSsthresh);
        }
    }

    /**
     * Mirrors {@code cubictcp_cwnd_event()}: on {@code CA_EVENT_TX_START} after an idle period the
     * epoch start moves forward by the idle time, so that the cubic curve continues where it stopped.
     */
    @Override
    public void cwndEvent(TcpCcSock sk, int event) {
        if (event == TcpCc.CA_EVENT_TX_START) {
            int now = TcpCc.tcpJiffies32(sk);
            int delta = now - TcpCc.jiffies(sk.lsndtimeUs());
            if (epochStart != 0 && delta > 0) {
                epochStart += delta;
                if (TcpCc.after(epochStart, now)) {
                    epochStart = now;
                }
            }
        }
    }

    /**
     * Plays the part of {@code cubic_root()}: the cube root of {@code a}, rounded down, computed
     * exactly (a floating-point estimate corrected with integer arithmetic, so the result does not
     * depend on the platform). The kernel uses a table-seeded Newton step whose result is within
     * about 0.2 % of the true root, so K here can differ from Linux's by that much.
     */
    static long cubicRoot(long a) {
        if (a <= 0) return 0;
        long x = Math.min((long) Math.cbrt((double) a), 2_097_151L); // 2097152^3 = 2^63 does not fit
        while (x > 0 && x * x * x > a) x--;
        while (x < 2_097_151L && (x + 1) * (x + 1) * (x + 1) <= a) x++;
        return x;
    }

    /**
     * Mirrors {@code bictcp_update()}: computes {@code cnt}, the number of ACKed packets per cwnd
     * increase, so that cwnd reaches the cubic target {@code W(t + RTTmin) = C (t + RTTmin − K)^3 + Wmax}
     * within the next RTT; recomputed at most once per jiffy (and only every HZ/32 jiffies while cwnd
     * does not change). A new epoch starts at the first call after a reduction: K =
     * cubic_root(cube_factor × (Wmax − cwnd)), origin point = Wmax (or cwnd and K = 0 when cwnd is
     * already at or above Wmax). With TCP friendliness, cnt is lowered so that cwnd grows at least as
     * fast as a Reno flow with the same beta would. cnt ≥ 2 (at most 1.5× per RTT).
     */
    void bictcpUpdate(TcpCcSock sk, long cwnd, long acked) {
        int now = TcpCc.tcpJiffies32(sk);
        ackCnt += acked;

        if (lastCwnd == cwnd && now - lastTime <= TcpCc.HZ / 32) {
            return;
        }
        // the cubic function is evaluated at most once per jiffy; a reduction zeroes epochStart
        if (!(epochStart != 0 && now == lastTime)) {
            lastCwnd = cwnd;
            lastTime = now;

            if (epochStart == 0) {
                epochStart = now;
                ackCnt = acked;
                tcpCwnd = cwnd;
                if (lastMaxCwnd <= cwnd) {
                    bicK = 0;
                    bicOriginPoint = cwnd;
                } else {
                    bicK = cubicRoot(p.cubeFactor * (lastMaxCwnd - cwnd));
                    bicOriginPoint = lastMaxCwnd;
                }
            }

            // t = time since the epoch start plus the minimum RTT, in 2^-10 s
            long t = now - epochStart; // s32 difference
            t += TcpCc.usecsToJiffies(delayMin);
            t = (t << CubicParams.BICTCP_HZ) / TcpCc.HZ;

            long offs = t < bicK ? bicK - t : t - bicK;
            // C/RTT * (t - K)^3 in packets: u64 product, >> (10 + 3 * BICTCP_HZ), kept as u32
            long delta = ((p.cubeRttScale * offs * offs * offs) >>> (10 + 3 * CubicParams.BICTCP_HZ)) & U32;
            long bicTarget = (t < bicK ? bicOriginPoint - delta : bicOriginPoint + delta) & U32;

            if (bicTarget > cwnd) {
                cnt = cwnd / (bicTarget - cwnd);
            } else {
                cnt = 100 * cwnd; // very small increment
            }
            // before the first loss the bandwidth is unknown: at least 5 % per RTT
            if (lastMaxCwnd == 0 && cnt > 20) {
                cnt = 20;
            }
        }

        if (p.tcpFriendliness) {
            long delta = (cwnd * p.betaScale) >> 3; // ACKs per increase of the Reno-equivalent window
            while (ackCnt > delta) {
                ackCnt -= delta;
                tcpCwnd++;
            }
            if (tcpCwnd > cwnd) {
                long maxCnt = cwnd / (tcpCwnd - cwnd);
                if (cnt > maxCnt) {
                    cnt = maxCnt;
                }
            }
        }
        cnt = Math.max(cnt, 2);
    }

    /**
     * Mirrors {@code cubictcp_cong_avoid()} (bictcp_cong_avoid): nothing unless cwnd-limited; slow
     * start below ssthresh ({@code tcp_slow_start()}), then {@link #bictcpUpdate} and
     * {@code tcp_cong_avoid_ai(tp, cnt, acked)} with the leftover ACKed packets.
     */
    @Override
    public void congAvoid(TcpCcSock sk, long ack, long acked) {
        if (!sk.isCwndLimited()) {
            return;
        }
        if (TcpCc.tcpInSlowStart(sk)) {
            acked = TcpCc.tcpSlowStart(sk, acked);
            if (acked == 0) {
                return;
            }
        }
        bictcpUpdate(sk, sk.sndCwnd(), acked);
        TcpCc.tcpCongAvoidAi(sk, cnt, acked);
    }

    /**
     * Mirrors {@code cubictcp_recalc_ssthresh()} (bictcp_recalc_ssthresh): ends the epoch; Wmax =
     * cwnd, or with fast convergence, when cwnd is below the previous Wmax, cwnd × (1024 + beta) / 2048;
     * returns {@code max(cwnd × beta / 1024, 2)}.
     */
    @Override
    public long ssthresh(TcpCcSock sk) {
        long cwnd = sk.sndCwnd();
        epochStart = 0;
        if (cwnd < lastMaxCwnd && p.fastConvergence) {
            lastMaxCwnd = (cwnd * (CubicParams.BICTCP_BETA_SCALE + p.beta)) / (2 * CubicParams.BICTCP_BETA_SCALE);
        } else {
            lastMaxCwnd = cwnd;
        }
        return Math.max((cwnd * p.beta) / CubicParams.BICTCP_BETA_SCALE, 2);
    }

    /** Mirrors {@code cubictcp_state()}: entering Loss (RTO) resets the cubic state and the HyStart round. */
    @Override
    public void setState(TcpCcSock sk, int newState) {
        if (newState == TcpCc.TCP_CA_LOSS) {
            bictcpReset();
            bictcpHystartReset(sk);
        }
    }

    /** CUBIC's {@code undo_cwnd} is {@code tcp_reno_undo_cwnd()}: {@code max(cwnd, prior_cwnd)}. */
    @Override
    public long undoCwnd(TcpCcSock sk) {
        return TcpCc.tcpRenoUndoCwnd(sk);
    }

    /**
     * Mirrors {@code hystart_ack_delay()}: allowance for TSO/GRO aggregation, the time to send 4 GSO
     * packets at the pacing rate, at most 1 ms; 0 without a pacing rate.
     */
    static long hystartAckDelay(TcpCcSock sk) {
        long rate = sk.pacingRate();
        if (rate == 0) {
            return 0;
        }
        return Math.min(1000L, (long) sk.gsoMaxSize() * 4 * 1_000_000L / rate);
    }

    /**
     * Mirrors {@code hystart_update()}: a new round starts when snd_una passes the round's end; from
     * cwnd ≥ hystart_low_window on, slow start ends (ssthresh = cwnd) when
     * <ul>
     * <li>ACK train: ACKs keep coming at most hystart_ack_delta_us apart for longer than
     *     delay_min / 2 (delay_min + ack delay, halved when not pacing) since the round started, or</li>
     * <li>delay: after HYSTART_MIN_SAMPLES samples in the round, the round's minimum RTT exceeds
     *     delay_min + clamp(delay_min / 8, 4 ms, 16 ms).</li>
     * </ul>
     */
    void hystartUpdate(TcpCcSock sk, long delay) {
        if (TcpCc.after(sk.sndUna(), endSeq)) {
            bictcpHystartReset(sk);
        }
        if (sk.sndCwnd() < p.hystartLowWindow) {
            return;
        }
        if ((p.hystartDetect & CubicParams.HYSTART_ACK_TRAIN) != 0) {
            int now = (int) sk.nowUs();
            if (now - lastAck <= p.hystartAckDeltaUs) {
                lastAck = now;
                long threshold = (delayMin + hystartAckDelay(sk)) & U32;
                if (!sk.pacingEnabled()) {
                    threshold >>= 1;
                }
                // the kernel compares the s32 difference as u32
                if (Integer.toUnsignedLong(now - roundStart) > threshold) {
                    found = true;
                    sk.setSndSsthresh(sk.sndCwnd());
                }
            }
        }
        if ((p.hystartDetect & CubicParams.HYSTART_DELAY) != 0) {
            if (currRtt > delay) {
                currRtt = delay;
            }
            if (sampleCnt < HYSTART_MIN_SAMPLES) {
                sampleCnt++;
            } else {
                long thresh = Math.min(Math.max(delayMin >> 3, HYSTART_DELAY_MIN), HYSTART_DELAY_MAX);
                if (currRtt > delayMin + thresh) {
                    found = true;
                    sk.setSndSsthresh(sk.sndCwnd());
                }
            }
        }
    }

    /**
     * Mirrors {@code cubictcp_acked()}: takes the RTT sample (none: ignored; within one second after
     * an epoch start, i.e. right after a reduction: ignored), keeps the minimum delay and runs HyStart
     * while in slow start and not yet found.
     */
    @Override
    public void pktsAcked(TcpCcSock sk, int numAcked, long rttUs) {
        if (rttUs < 0) {
            return;
        }
        if (epochStart != 0 && TcpCc.tcpJiffies32(sk) - epochStart < TcpCc.HZ) {
            return;
        }
        long delay = rttUs & U32;
        if (delay == 0) {
            delay = 1;
        }
        if (delayMin == 0 || delayMin > delay) {
            delayMin = delay;
        }
        if (!found && TcpCc.tcpInSlowStart(sk) && p.hystart) {
            hystartUpdate(sk, delay);
        }
    }

    // ---- read-only views for ss -i style output and tests ----

    /** The parameters this instance was created with. */
    public CubicParams params() {
        return p;
    }

    /** {@code ca->cnt}: ACKed packets per cwnd increase, as last computed. */
    public long cnt() {
        return cnt;
    }

    /** {@code ca->last_max_cwnd}: Wmax in packets. */
    public long lastMaxCwnd() {
        return lastMaxCwnd;
    }

    /** {@code ca->bic_K}: time from the epoch start to the origin point, in 2^-10 s. */
    public long bicK() {
        return bicK;
    }

    /** {@code ca->bic_origin_point} in packets. */
    public long bicOriginPoint() {
        return bicOriginPoint;
    }

    /** {@code ca->epoch_start} in u32 jiffies; 0 = no epoch. */
    public int epochStart() {
        return epochStart;
    }

    /** {@code ca->delay_min} in µs; 0 = no sample yet. */
    public long delayMin() {
        return delayMin;
    }

    /** {@code ca->tcp_cwnd}: the Reno-friendly window estimate in packets. */
    public long tcpCwnd() {
        return tcpCwnd;
    }

    /** {@code ca->found}: HyStart ended slow start. */
    public boolean hystartFound() {
        return found;
    }

    /** {@code ca->curr_rtt}: minimum RTT of the current HyStart round in µs (4294967295 = none). */
    public long currRtt() {
        return currRtt;
    }

    /** {@code ca->sample_cnt}: RTT samples counted in this HyStart round. */
    public int sampleCnt() {
        return sampleCnt;
    }
}
