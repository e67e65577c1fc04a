package org.nicemu.tcp.cc.lia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nicemu.api.tcp.cc.CoupledSubflows;
import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCcSock;
import org.nicemu.api.tcp.cc.TcpCongestionOps;

/**
 * LIA (net/mptcp/mptcp_coupled.c of multipath-tcp.org, RFC 6356) driven ACK by ACK through fake
 * subflow sockets joined by a fake {@link CoupledSubflows} view, with exact windows.
 *
 * <p>How the expected alphas are derived (kernel fixed point, see {@link Lia#recalcAlpha}): with
 * {@code r_i = 8 * srtt_i} in µs (the kernel's {@code srtt_us}), the best subflow maximises
 * {@code floor((cwnd_i << 32) / r_i^2)}, then {@code S = Σ floor((cwnd_i << 10) * r_best / r_i)} and
 * {@code alpha = floor((cwnd_best << 32) / S^2)}, which is {@code 4096 * alpha_RFC / cwnd_total}
 * up to the truncations. A subflow grows by one packet every {@code w = max(floor(4096 / alpha), cwnd_i)}
 * ACKed packets. Every number was computed by hand as in the comments and checked against an
 * independent re-implementation of the kernel's arithmetic (Python, arbitrary precision).
 */
class LiaTest {
    private static final long MS = 1000; // µs

    /** A subflow as congestion control sees it: public fields for the tcp_sock fields. */
    static final class Sock implements TcpCcSock {
        long cwnd = 10;
        long ssthresh = TcpCc.TCP_INFINITE_SSTHRESH;
        long cwndCnt;
        long clamp = 0xffffffffL;
        long prior;
        boolean cwndLimited = true;
        long srtt;
        CoupledSubflows coupled;

        Sock(long cwnd, long ssthresh, long srttUs) {
            this.cwnd = cwnd;
            this.ssthresh = ssthresh;
            this.srtt = srttUs;
        }

        @Override public long sndCwnd() { return cwnd; }
        @Override public void setSndCwnd(long c) { cwnd = c; }
        @Override public long sndSsthresh() { return ssthresh; }
        @Override public void setSndSsthresh(long s) { ssthresh = s; }
        @Override public long sndCwndCnt() { return cwndCnt; }
        @Override public void setSndCwndCnt(long c) { cwndCnt = c; }
        @Override public long sndCwndClamp() { return clamp; }
        @Override public long priorCwnd() { return prior; }
        @Override public long packetsInFlight() { return cwnd; }
        @Override public boolean isCwndLimited() { return cwndLimited; }
        @Override public long srttUs() { return srtt; }
        @Override public long minRttUs() { return srtt == 0 ? 0xffffffffL : srtt; }
        @Override public int mssCache() { return 1448; }
        @Override public long deliveredPackets() { return 0; }
        @Override public long prrOut() { return 0; }
        @Override public int caState() { return TcpCc.TCP_CA_OPEN; }
        @Override public int sndUna() { return 0; }
        @Override public int sndNxt() { return 0; }
        @Override public long nowUs() { return 0; }
        @Override public long lsndtimeUs() { return 0; }
        @Override public long pacingRate() { return 0; }
        @Override public boolean pacingEnabled() { return false; }
        @Override public int gsoMaxSize() { return 65536; }
        @Override public CoupledSubflows coupled() { return coupled; }
    }

    /** The MPTCP layer's view: live windows and RTTs of the member sockets. */
    static final class Conn implements CoupledSubflows {
        final List<Sock> subs = new ArrayList<>();

        Conn(Sock... s) {
            for (Sock x : s) {
                subs.add(x);
                x.coupled = this;
            }
        }

        @Override public int count() { return subs.size(); }
        @Override public long cwnd(int i) { return subs.get(i).cwnd; }
        @Override public long srttUs(int i) { return subs.get(i).srtt; }
        @Override public int mss(int i) { return 1448; }
    }

    private static Lia lia(Sock sk) {
        Lia l = (Lia) new LiaFactory().create();
        l.init(sk);
        return l;
    }

    // ---------------------------------------------------------------- alpha

    /**
     * The example of the brief: cwnd 10 / 20, RTT 10 / 40 ms. RFC 6356: alpha = 30 * max(10/10^2,
     * 20/40^2) / (10/10 + 20/40)^2 = 30 * 0.1 / 1.5^2 = 4/3; the kernel keeps 4096 * (4/3) / 30 =
     * 182.04 as 182.
     * <pre>
     * r = 80000, 320000 (8 * srtt in µs)
     * (10 << 32) / 80000^2  = 42949672960 / 6400000000   = 6   (6.71)  -> best
     * (20 << 32) / 320000^2 = 85899345920 / 102400000000 = 0   (0.84)
     * S = (10 << 10) * 80000 / 80000 + (20 << 10) * 80000 / 320000 = 10240 + 5120 = 15360
     * S^2 = 235929600; alpha = 42949672960 / 235929600 = 182 (182.04)
     * w = max(4096 / 182, cwnd) = max(22, 10) = 22 and max(22, 20) = 22   (RFC: 30 / (4/3) = 22.5)
     * </pre>
     */
    @Test
    void alphaOfTwoSubflows10And20PacketsAt10And40Ms() {
        Conn c = new Conn(new Sock(10, 10, 10 * MS), new Sock(20, 20, 40 * MS));
        assertEquals(182, Lia.recalcAlpha(c));
        assertEquals(22, Lia.increaseEvery(182, 10));
        assertEquals(22, Lia.increaseEvery(182, 20));
        double rfcAlpha = 30 * (10 / 100.0) / Math.pow(10 / 10.0 + 20 / 40.0, 2);
        assertEquals(4.0 / 3, rfcAlpha, 1e-12);
        assertEquals(182, (long) Math.floor(4096 * rfcAlpha / 30));
    }

    /**
     * More windows and RTTs, each derived as above:
     * <ul>
     * <li>11 / 20 packets, 10 / 40 ms: best 0 (7 vs 0), S = 11264 + 5120 = 16384 = 2^14, alpha =
     *     (11 << 32) / 2^28 = 176 exactly (RFC 341/256 * 4096 / 31 = 176.0); w = 23;</li>
     * <li>11 / 21: S = 11264 + 5376 = 16640, alpha = 47244640256 / 276889600 = 170 (170.6); w = 24;</li>
     * <li>12 / 22: S = 12288 + 5632 = 17920, alpha = 51539607552 / 321126400 = 160 (160.5); w = 25;</li>
     * <li>equal paths, 10 / 10 packets at 10 ms: (RFC alpha 1/2) tie 6 = 6, the later one is best
     *     (kernel's {@code >=}), S = 20480, alpha = 42949672960 / 419430400 = 102 (102.4); w = 40 =
     *     2 * cwnd_total, each subflow grows half as fast as one Reno flow over both;</li>
     * <li>10 packets at 10 ms, 100 packets at 100 ms: (RFC alpha 11/4) best 0 (6 vs 0), S = 10240 +
     *     (100 << 10) * 80000 / 800000 = 20480, alpha = 102; w = max(40, 10) = 40 on the first, but
     *     max(40, 100) = 100 on the second: there the Reno term 1/cwnd_i is the smaller one.</li>
     * </ul>
     */
    @Test
    void alphaForMoreWindowsAndRtts() {
        assertEquals(176, Lia.recalcAlpha(new Conn(new Sock(11, 10, 10 * MS), new Sock(20, 20, 40 * MS))));
        assertEquals(23, Lia.increaseEvery(176, 11));
        assertEquals(170, Lia.recalcAlpha(new Conn(new Sock(11, 10, 10 * MS), new Sock(21, 20, 40 * MS))));
        assertEquals(24, Lia.increaseEvery(170, 11));
        assertEquals(160, Lia.recalcAlpha(new Conn(new Sock(12, 10, 10 * MS), new Sock(22, 20, 40 * MS))));
        assertEquals(25, Lia.increaseEvery(160, 12));

        assertEquals(102, Lia.recalcAlpha(new Conn(new Sock(10, 10, 10 * MS), new Sock(10, 10, 10 * MS))));
        assertEquals(40, Lia.increaseEvery(102, 10));

        assertEquals(102, Lia.recalcAlpha(new Conn(new Sock(10, 10, 10 * MS), new Sock(100, 100, 100 * MS))));
        assertEquals(40, Lia.increaseEvery(102, 10));
        assertEquals(100, Lia.increaseEvery(102, 100));
    }

    /**
     * The kernel divides by {@code srtt_us^2} with srtt_us = 8 * srtt in µs, so at RTTs of tens of ms
     * the numerators truncate to 0 and the later subflow wins the tie even when it is not the maximum.
     * cwnd 20 / 20 at 40 / 80 ms: (20 << 32) / 320000^2 = 0 (0.84) and / 640000^2 = 0 (0.21), best is
     * the second (r = 640000): S = (20 << 10) * 640000 / 320000 + 20480 = 40960 + 20480 = 61440,
     * alpha = 85899345920 / 3774873600 = 22 (22.76) and w = 186; RFC 6356's exact alpha (8/9) would
     * be 4096 * (8/9) / 40 = 91.0 (w = 45). Reproduced as the kernel has it.
     */
    @Test
    void kernelTruncationOfTheNumeratorIsReproduced() {
        assertEquals(22, Lia.recalcAlpha(new Conn(new Sock(20, 20, 40 * MS), new Sock(20, 20, 80 * MS))));
        assertEquals(186, Lia.increaseEvery(22, 20));
        // swapped order: now the 40 ms subflow is the later one and wins the tie: S = 20480 + 10240,
        // alpha = (20 << 32) / 30720^2 = 85899345920 / 943718400 = 91 (91.02), the RFC value
        assertEquals(91, Lia.recalcAlpha(new Conn(new Sock(20, 20, 80 * MS), new Sock(20, 20, 40 * MS))));
    }

    /**
     * No RTT sample yet (srtt 0): such a subflow is left out, as the kernel's mptcp_ccc_sk_can_send().
     * 10 packets at 10 ms with a 20-packet subflow without a sample: only the first counts, S = 10240,
     * alpha = (10 << 32) / 10240^2 = 409 (409.6 = 4096 / 10), w = max(10, 10) = 10 (Reno on that one).
     * No sample anywhere: the kernel's "none", alpha = 1, w = 4096. One subflow: alpha = 1.
     */
    @Test
    void rttZeroIsLeftOutWithoutDivisionByZero() {
        assertEquals(409, Lia.recalcAlpha(new Conn(new Sock(10, 10, 10 * MS), new Sock(20, 20, 0))));
        assertEquals(409, Lia.recalcAlpha(new Conn(new Sock(20, 20, 0), new Sock(10, 10, 10 * MS))));
        assertEquals(10, Lia.increaseEvery(409, 10));
        assertEquals(1, Lia.recalcAlpha(new Conn(new Sock(10, 10, 0), new Sock(20, 20, 0))));
        assertEquals(4096, Lia.increaseEvery(1, 20));
        assertEquals(1, Lia.recalcAlpha(new Conn(new Sock(10, 10, 10 * MS))));
        assertEquals(1, Lia.recalcAlpha(new Conn()));

        // driven through congAvoid: subflow a has no sample, b has one
        Sock a = new Sock(10, 10, 0);
        Sock b = new Sock(20, 20, 10 * MS);
        new Conn(a, b);
        Lia la = lia(a);
        // only b counts: alpha = (20 << 32) / (20480)^2 = 204 (204.8), w = max(20, 10) = 20
        for (int i = 1; i <= 19; i++) {
            la.congAvoid(a, 0, 1);
            assertEquals(10, a.cwnd);
            assertEquals(i, a.cwndCnt);
        }
        la.congAvoid(a, 0, 1);
        assertEquals(11, a.cwnd);
        assertEquals(0, a.cwndCnt);
        assertEquals(204, la.alpha());
        // nobody has a sample: alpha 1, w = 4096; the counter runs, cwnd waits
        b.srtt = 0;
        for (int i = 1; i <= 100; i++) {
            la.congAvoid(a, 0, 1);
        }
        assertEquals(11, a.cwnd);
        assertEquals(100, a.cwndCnt);
        assertEquals(1, la.alpha());
        // a sample arrives: alpha is recomputed on the next ACK and the credit applies at once
        a.srtt = 10 * MS;
        b.srtt = 10 * MS;
        // 11 / 20 packets, both at 10 ms: best is b (13 vs 7), S = 11264 + 20480 = 31744,
        // alpha = (20 << 32) / 31744^2 = 85899345920 / 1007681536 = 85 (85.2), w = 48; the counter (100)
        // is at least w: +1 and the counter restarts (tcp_cong_avoid_ai), 0 + 1 < 48
        la.congAvoid(a, 0, 1);
        assertEquals(85, la.alpha());
        assertEquals(12, a.cwnd);
        assertEquals(1, a.cwndCnt);
    }

    // ---------------------------------------------------------------- congestion avoidance

    /**
     * Two subflows in congestion avoidance, A: cwnd 10 at 10 ms, B: cwnd 20 at 40 ms; one-packet ACKs.
     * Alpha is recomputed from the live view on every ACK, so each subflow sees the other's growth.
     * <ol>
     * <li>22 ACKs on A at alpha 182 (w 22): snd_cwnd_cnt 1 … 21, then cwnd 11, cnt 0;</li>
     * <li>23 ACKs on B at alpha 176 (11 / 20, w = max(23, 20) = 23): cnt 1 … 22, then cwnd 21, cnt 0;</li>
     * <li>ACKs alternating A, B at alpha 170 (11 / 21, w 24): after 24 each, both +1: A's 24th ACK
     *     makes A 12; B's 24th ACK then sees 12 / 21, alpha = (12 << 32) / 17664^2 = 165 (165.2), w
     *     = 24, and makes B 22; the next pair runs at 12 / 22: alpha 160, w 25.</li>
     * </ol>
     */
    @Test
    void linkedIncreaseOnTwoSubflowsAckByAck() {
        Sock a = new Sock(10, 10, 10 * MS);
        Sock b = new Sock(20, 20, 40 * MS);
        new Conn(a, b);
        Lia la = lia(a);
        Lia lb = lia(b);
        assertEquals(1, la.alpha());

        for (int i = 1; i <= 21; i++) {
            la.congAvoid(a, 0, 1);
            assertEquals(10, a.cwnd, "A ack " + i);
            assertEquals(i, a.cwndCnt, "A ack " + i);
            assertEquals(182, la.alpha());
        }
        la.congAvoid(a, 0, 1);
        assertEquals(11, a.cwnd);
        assertEquals(0, a.cwndCnt);

        for (int i = 1; i <= 22; i++) {
            lb.congAvoid(b, 0, 1);
            assertEquals(20, b.cwnd, "B ack " + i);
            assertEquals(i, b.cwndCnt, "B ack " + i);
            assertEquals(176, lb.alpha());
        }
        lb.congAvoid(b, 0, 1);
        assertEquals(21, b.cwnd);
        assertEquals(0, b.cwndCnt);
        assertEquals(182, la.alpha(), "A's copy is refreshed on A's next ACK only");

        for (int i = 1; i <= 23; i++) {
            la.congAvoid(a, 0, 1);
            lb.congAvoid(b, 0, 1);
            assertEquals(11, a.cwnd);
            assertEquals(21, b.cwnd);
            assertEquals(i, a.cwndCnt);
            assertEquals(i, b.cwndCnt);
            assertEquals(170, la.alpha());
            assertEquals(170, lb.alpha());
        }
        la.congAvoid(a, 0, 1);
        assertEquals(12, a.cwnd);
        assertEquals(0, a.cwndCnt);
        assertEquals(170, la.alpha());
        lb.congAvoid(b, 0, 1);
        assertEquals(22, b.cwnd);
        assertEquals(0, b.cwndCnt);
        assertEquals(165, lb.alpha());

        la.congAvoid(a, 0, 1);
        lb.congAvoid(b, 0, 1);
        assertEquals(160, la.alpha());
        assertEquals(160, lb.alpha());
        assertEquals(1, a.cwndCnt);
        assertEquals(1, b.cwndCnt);
    }

    /** Coupled growth is slower than Reno's: 10 / 20 at 10 / 40 ms, Reno would need 10 and 20 ACKs. */
    @Test
    void linkedIncreaseIsNeverFasterThanRenoOnTheSameSubflow() {
        Sock a = new Sock(10, 10, 10 * MS);
        Sock b = new Sock(20, 20, 40 * MS);
        new Conn(a, b);
        Lia la = lia(a);
        Lia lb = lia(b);
        Random rnd = new Random(6356);
        for (int i = 0; i < 5000; i++) {
            Sock s = rnd.nextBoolean() ? a : b;
            Lia l = s == a ? la : lb;
            long cnt = s.cwndCnt;
            long cwnd = s.cwnd;
            l.congAvoid(s, 0, 1);
            if (s.cwnd != cwnd) {
                assertTrue(cnt + 1 >= cwnd, "an increase needs at least cwnd ACKed packets");
                assertEquals(cwnd + 1, s.cwnd);
            }
        }
        // and the 100 ms subflow beside a 10 ms one: w = cwnd, exactly Reno's pace on it
        Sock c = new Sock(10, 10, 10 * MS);
        Sock d = new Sock(100, 100, 100 * MS);
        new Conn(c, d);
        Lia ld = lia(d);
        for (int i = 1; i <= 99; i++) {
            ld.congAvoid(d, 0, 1);
            assertEquals(100, d.cwnd);
        }
        ld.congAvoid(d, 0, 1);
        assertEquals(101, d.cwnd);
        assertEquals(0, d.cwndCnt);
    }

    /** A 30-packet stretch ACK on B (10 / 20, alpha 182, w 22): cnt 30 = 22 + 8 → cwnd 21, cnt 8. */
    @Test
    void stretchAckCountsEveryAckedPacket() {
        Sock a = new Sock(10, 10, 10 * MS);
        Sock b = new Sock(20, 20, 40 * MS);
        new Conn(a, b);
        Lia lb = lia(b);
        lb.congAvoid(b, 0, 30);
        assertEquals(21, b.cwnd);
        assertEquals(8, b.cwndCnt);
        assertEquals(182, lb.alpha());
    }

    // ---------------------------------------------------------------- slow start

    /**
     * Slow start on a coupled subflow is Reno's (+1 per ACKed packet up to ssthresh) and recalculates
     * alpha after each ACK: A from 10 to 20 (ssthresh 20) beside B at 20 packets / 40 ms gives
     * alpha 176, 170, 164, 158, 153, 148, 143, 139, 135, 131 (at 20 / 20: S = 20480 + 5120 = 25600,
     * (20 << 32) / 25600^2 = 131.07).
     */
    @Test
    void slowStartIsRenosAndRecalculatesAlpha() {
        Sock a = new Sock(10, 20, 10 * MS);
        Sock b = new Sock(20, 20, 40 * MS);
        new Conn(a, b);
        Lia la = lia(a);
        long[] alphas = {176, 170, 164, 158, 153, 148, 143, 139, 135, 131};
        for (int i = 1; i <= 10; i++) {
            la.congAvoid(a, 0, 1);
            assertEquals(10 + i, a.cwnd);
            assertEquals(0, a.cwndCnt);
            assertEquals(alphas[i - 1], la.alpha(), "ack " + i);
        }
        assertFalse(TcpCc.tcpInSlowStart(a));
    }

    /**
     * A stretch ACK that ends slow start: the packets beyond ssthresh go on to the linked increase.
     * 15 packets at 10 / ssthresh 20: cwnd 20, 5 left, w = max(4096 / 131, 20) = 31: cnt 5. 45 packets:
     * 10 to slow start, 35 = 31 + 4: cwnd 21, cnt 4.
     */
    @Test
    void slowStartLeftoverGoesToTheLinkedIncrease() {
        Sock a = new Sock(10, 20, 10 * MS);
        new Conn(a, new Sock(20, 20, 40 * MS));
        Lia la = lia(a);
        la.congAvoid(a, 0, 15);
        assertEquals(20, a.cwnd);
        assertEquals(5, a.cwndCnt);
        assertEquals(131, la.alpha());
        assertEquals(31, Lia.increaseEvery(131, 20));

        Sock a2 = new Sock(10, 20, 10 * MS);
        new Conn(a2, new Sock(20, 20, 40 * MS));
        Lia la2 = lia(a2);
        la2.congAvoid(a2, 0, 45);
        assertEquals(21, a2.cwnd);
        assertEquals(4, a2.cwndCnt);
    }

    // ---------------------------------------------------------------- Reno equivalence

    /** Reno's numbers (RenoTest): 10 → 20 in 10 packets, 20 → 30 in 245, on plain TCP and one subflow. */
    @Test
    void plainTcpAndASingleSubflowGetRenosNumbers() {
        for (boolean single : new boolean[] {false, true}) {
            Sock s = new Sock(10, 20, 10 * MS);
            if (single) {
                new Conn(s);
            } else {
                assertNull(s.coupled());
            }
            Lia l = lia(s);
            int packets = 0;
            while (s.cwnd < 20) {
                l.congAvoid(s, 0, 1);
                packets++;
            }
            assertEquals(10, packets);
            while (s.cwnd < 30) {
                l.congAvoid(s, 0, 1);
                packets++;
            }
            assertEquals(10 + 245, packets, single ? "single subflow" : "plain TCP");
            assertEquals(1, l.alpha());
        }
    }

    /**
     * Step-by-step equality with {@link TcpCc#tcpRenoCongAvoid} / {@link TcpCc#tcpRenoSsthresh} over
     * 20,000 seeded events (stretch ACKs of 1 … 8 packets, losses, application-limited periods, clamp),
     * for plain TCP and for an MPTCP connection with one subflow.
     */
    @Test
    void uncoupledAndSingleSubflowFollowRenoExactly() {
        for (boolean single : new boolean[] {false, true}) {
            Sock s = new Sock(10, TcpCc.TCP_INFINITE_SSTHRESH, 25 * MS);
            Sock reno = new Sock(10, TcpCc.TCP_INFINITE_SSTHRESH, 25 * MS);
            if (single) {
                new Conn(s);
            }
            Lia l = lia(s);
            Random rnd = new Random(42);
            for (int i = 0; i < 20_000; i++) {
                int ev = rnd.nextInt(100);
                if (ev < 2) {
                    long ss = l.ssthresh(s);
                    assertEquals(TcpCc.tcpRenoSsthresh(reno), ss);
                    s.ssthresh = ss;
                    s.cwnd = ss;
                    reno.ssthresh = ss;
                    reno.cwnd = ss;
                } else if (ev < 5) {
                    s.cwndLimited = !s.cwndLimited;
                    reno.cwndLimited = s.cwndLimited;
                } else if (ev < 6) {
                    s.clamp = s.clamp == 0xffffffffL ? 60 : 0xffffffffL;
                    reno.clamp = s.clamp;
                } else {
                    long acked = 1 + rnd.nextInt(8);
                    l.congAvoid(s, i, acked);
                    TcpCc.tcpRenoCongAvoid(reno, i, acked);
                }
                assertEquals(reno.cwnd, s.cwnd, "event " + i);
                assertEquals(reno.cwndCnt, s.cwndCnt, "event " + i);
            }
        }
    }

    // ---------------------------------------------------------------- loss, undo, limits, factory

    @Test
    void lossHalvesTheWindowWithAFloorOf2AndRecalculatesAlpha() {
        Sock a = new Sock(21, 10, 10 * MS);
        Sock b = new Sock(20, 20, 40 * MS);
        new Conn(a, b);
        Lia la = lia(a);
        assertEquals(10, la.ssthresh(a));
        a.cwnd = 100;
        assertEquals(50, la.ssthresh(a));
        a.cwnd = 3;
        assertEquals(2, la.ssthresh(a));
        a.cwnd = 1;
        assertEquals(2, la.ssthresh(a));
        // RTO (CA_EVENT_LOSS) recalculates alpha: at 10 / 20 that is 182; other events do not
        a.cwnd = 10;
        la.cwndEvent(a, TcpCc.CA_EVENT_TX_START);
        assertEquals(1, la.alpha());
        la.cwndEvent(a, TcpCc.CA_EVENT_LOSS);
        assertEquals(182, la.alpha());
        // plain TCP: no view, nothing to recalculate
        Sock p = new Sock(21, 10, 10 * MS);
        Lia lp = lia(p);
        lp.cwndEvent(p, TcpCc.CA_EVENT_LOSS);
        assertEquals(1, lp.alpha());
        assertEquals(10, lp.ssthresh(p));
    }

    @Test
    void undoRestoresThePriorWindow() {
        Sock a = new Sock(10, 10, 10 * MS);
        new Conn(a, new Sock(20, 20, 40 * MS));
        Lia la = lia(a);
        a.prior = 40;
        assertEquals(40, la.undoCwnd(a));
        a.cwnd = 50;
        assertEquals(50, la.undoCwnd(a));
    }

    @Test
    void noGrowthWhenNotCwndLimitedAndNeverAboveTheClamp() {
        Sock a = new Sock(10, 100, 10 * MS);
        new Conn(a, new Sock(20, 20, 40 * MS));
        Lia la = lia(a);
        a.cwndLimited = false;
        la.congAvoid(a, 0, 5);
        assertEquals(10, a.cwnd);
        assertEquals(1, la.alpha(), "nothing computed when not cwnd-limited");
        a.cwndLimited = true;
        a.clamp = 12;
        la.congAvoid(a, 0, 5);
        assertEquals(12, a.cwnd);
        a.ssthresh = 12;
        for (int i = 0; i < 1000; i++) {
            la.congAvoid(a, 0, 1);
        }
        assertEquals(12, a.cwnd);
    }

    @Test
    void factoryMakesOneInstancePerSocket() {
        LiaFactory f = new LiaFactory();
        assertEquals("lia", f.name());
        assertEquals("lia", f.create().name());
        assertNotSame(f.create(), f.create());
        assertTrue(f.usage().startsWith("lia"));
        assertEquals("org.nicemu.tcp.cc.lia", LiaFactory.PID);
        TcpCongestionOps ops = f.create();
        Sock s = new Sock(10, 10, 10 * MS);
        ops.init(s);
        ops.setState(s, TcpCc.TCP_CA_RECOVERY);
        ops.pktsAcked(s, 1, 10_000);
        ops.release(s);
        assertEquals(10, s.cwnd);
        assertEquals(0, s.cwndCnt);
    }
}
