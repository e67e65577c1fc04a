package org.nicemu.tcp.cc.cubic;

import org.nicemu.core.testing.CcTestSock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCongestionOps;

/**
 * CUBIC (net/ipv4/tcp_cubic.c) driven ACK by ACK through a fake socket in virtual time. The exact
 * numbers were derived from the algorithm (integer arithmetic of bictcp_update, cubic_root,
 * hystart_update) and checked against an independent re-implementation; where a closed form exists
 * the test also checks the numbers against it in double precision (RFC 9438's W(t) = C(t-K)^3 + Wmax,
 * K = cbrt(Wmax(1-beta)/C), C = 0.4, beta = 0.7).
 */
class CubicTest {
    private static final int MSS = 1000;
    private final CcTestSock sk = new CcTestSock();

    // ---------------------------------------------------------------- constants and cubic_root

    @Test
    void precomputedScalingFactorsAreTheKernels() {
        CubicParams p = CubicParams.DEFAULTS;
        assertEquals(15, p.betaScale); // 8 * 1741 / 3 / 307
        assertEquals(410, p.cubeRttScale); // 41 * 10
        assertEquals(2_681_735_677L, p.cubeFactor); // 2^40 / 410
        assertEquals((1L << 40) / 410, p.cubeFactor);
    }

    @Test
    void cubicRootIsTheExactFloorOfTheCubeRoot() {
        long[][] cases = {{0, 0}, {1, 1}, {2, 1}, {7, 1}, {8, 2}, {27, 3}, {63, 3}, {64, 4}, {100, 4}, {1000, 10},
            {125_000, 50}, {1_000_000, 100}, {27_000_000, 300}, {1L << 30, 1024}, {2_681_735_677L, 1389},
            {2_681_735_677L * 10, 2993}, {2_681_735_677L * 30, 4316}, {Long.MAX_VALUE, 2_097_151}};
        for (long[] c : cases) assertEquals(c[1], Cubic.cubicRoot(c[0]), "cbrt(" + c[0] + ")");
        // floor property on both sides of a cube: 4316^3 and one less
        long k = 4316;
        assertEquals(k, Cubic.cubicRoot(k * k * k));
        assertEquals(k - 1, Cubic.cubicRoot(k * k * k - 1));
    }

    // ---------------------------------------------------------------- loss: ssthresh, Wmax, K

    @Test
    void lossAtCwnd100GivesSsthresh70AndKOf4316() {
        Cubic cubic = new Cubic();
        cubic.init(sk);
        sk.cwnd = 100;
        sk.ssthresh = 100;
        assertEquals(70, cubic.ssthresh(sk)); // 100 * 717 / 1024 = 70.02
        assertEquals(100, cubic.lastMaxCwnd());
        sk.cwnd = 70;
        sk.ssthresh = 70;
        sk.now = 1_000;
        cubic.congAvoid(sk, 0, 1); // the first ACK after the reduction starts the epoch
        assertEquals(TcpCc.INITIAL_JIFFIES + 1, cubic.epochStart());
        assertEquals(100, cubic.bicOriginPoint());
        assertEquals(4316, cubic.bicK()); // cubic_root(2681735677 * 30), in 1/1024 s = 4.215 s
        double kRfc = Math.cbrt(100 * (1 - 0.7) / 0.4); // RFC 9438: 4.2172 s
        assertEquals(kRfc, cubic.bicK() / 1024.0, 0.005);
        // ssthresh floor
        sk.cwnd = 2;
        assertEquals(2, cubic.ssthresh(sk));
    }

    @Test
    void fastConvergenceLowersWmax() {
        Cubic fc = secondLoss(true);
        assertEquals(76, fc.lastMaxCwnd()); // 90 * (1024 + 717) / 2048 = 76.5
        assertEquals(76, fc.bicOriginPoint());
        assertEquals(3266, fc.bicK()); // cubic_root(cube_factor * (76 - 63))
        assertEquals(Math.cbrt(13 / (410 / 1024.0)) * 1024, fc.bicK(), 5);

        Cubic noFc = secondLoss(false);
        assertEquals(90, noFc.lastMaxCwnd());
        assertEquals(90, noFc.bicOriginPoint());
        assertEquals(4167, noFc.bicK()); // floor(cbrt(cube_factor * (90 - 63))) = floor(4167.6)
        assertEquals(Math.cbrt(27 / (410 / 1024.0)) * 1024, noFc.bicK(), 5);
    }

    /** Loss at cwnd 100, then at cwnd 90 (below Wmax 100); returns the instance after the next ACK. */
    private Cubic secondLoss(boolean fastConvergence) {
        CcTestSock s = new CcTestSock();
        Cubic cubic = new Cubic(params(fastConvergence, true, CubicParams.HYSTART_ACK_TRAIN | CubicParams.HYSTART_DELAY));
        cubic.init(s);
        s.cwnd = 100;
        s.ssthresh = 100;
        assertEquals(70, cubic.ssthresh(s));
        s.cwnd = 90;
        assertEquals(63, cubic.ssthresh(s)); // 90 * 717 / 1024 = 63.02
        s.cwnd = 63;
        s.ssthresh = 63;
        s.now = 1_000;
        cubic.congAvoid(s, 0, 1);
        return cubic;
    }

    // ---------------------------------------------------------------- the cubic curve

    /**
     * After a loss at cwnd 100 with a fixed 100 ms RTT (the delay_min the kernel adds to t), ACKs of
     * one packet each spread evenly over every RTT: cwnd at the end of each RTT, exact, and close to
     * RFC 9438's W(t). The kernel's integer cnt and its target one RTT ahead make cwnd run up to 1.4
     * segments above the real-valued curve (at most 1.39 here, at t = 1.7 s), never more than 1.5.
     */
    @Test
    void congestionAvoidanceFollowsTheCubicCurve() {
        final long rtt = 100_000;
        Cubic cubic = new Cubic();
        cubic.init(sk);
        sk.cwnd = 100;
        sk.ssthresh = 100;
        cubic.pktsAcked(sk, 1, rtt); // delay_min = 100 ms
        assertEquals(rtt, cubic.delayMin());
        sk.ssthresh = cubic.ssthresh(sk);
        sk.cwnd = sk.ssthresh; // end of recovery: cwnd = ssthresh = 70

        Map<Long, Long> cwndAt = new TreeMap<>();
        long t0 = 0;
        long epochUs = -1;
        for (int round = 1; round <= 80; round++) {
            long n = sk.cwnd;
            for (long i = 1; i <= n; i++) {
                sk.now = t0 + i * rtt / n;
                cubic.pktsAcked(sk, 1, rtt);
                cubic.congAvoid(sk, 0, 1);
                if (epochUs < 0) {
                    epochUs = (long) (cubic.epochStart() - TcpCc.INITIAL_JIFFIES) * 1000;
                    assertEquals(1_000, epochUs, "epoch starts at the first ACK (1.428 ms), in jiffies");
                    assertEquals(4316, cubic.bicK());
                }
            }
            t0 += rtt;
            cwndAt.put(t0 / 1000, sk.cwnd);
            double t = (t0 - epochUs) / 1e6;
            double w = 0.4 * Math.pow(t - Math.cbrt(30 / 0.4), 3) + 100;
            assertTrue(Math.abs(sk.cwnd - w) < 1.5, "round " + round + ": cwnd " + sk.cwnd + " vs W(t) " + w);
        }
        // concave region (t < K): fast at first, then flattening towards Wmax = 100
        assertEquals(73, cwndAt.get(100L));   // W = 72.06
        assertEquals(87, cwndAt.get(1000L));  // W = 86.67
        assertEquals(97, cwndAt.get(2000L));  // W = 95.63
        assertEquals(100, cwndAt.get(3000L)); // W = 99.28
        // plateau around K = 4.2 s
        assertEquals(100, cwndAt.get(4200L)); // W = 100.00
        assertEquals(100, cwndAt.get(5000L)); // W = 100.19
        // convex region (t > K): probing beyond Wmax
        assertEquals(102, cwndAt.get(6000L)); // W = 102.26
        assertEquals(109, cwndAt.get(7000L)); // W = 108.61
        assertEquals(122, cwndAt.get(8000L)); // W = 121.64
    }

    /**
     * With a short RTT (10 ms) the cubic curve is slower than Reno: TCP friendliness makes cwnd follow
     * the Reno-equivalent window, which grows by about 3(1-beta)/(1+beta) = 0.53 packets per RTT
     * (the kernel: +1 per cwnd * 15 / 8 ACKed packets).
     */
    @Test
    void tcpFriendlinessFollowsRenoWhenCubicIsSlower() {
        long[][] friendly = runShortRtt(true);
        long[][] cubicOnly = runShortRtt(false);
        // {rounds, cwnd, tcp_cwnd}
        assertEquals(95, friendly[0][1]);
        assertEquals(96, friendly[0][2]);
        assertEquals(121, friendly[1][1]);
        assertEquals(122, friendly[1][2]);
        assertEquals(175, friendly[3][1]);
        assertEquals(175, friendly[3][2]);
        for (long[] r : friendly) {
            double reno = 70 + 3 * (1 - 0.7) / (1 + 0.7) * r[0];
            assertEquals(reno, r[2], 2.0, "Reno estimate after " + r[0] + " RTTs");
            assertTrue(r[1] >= r[2] - 1, "cwnd keeps up with Reno");
        }
        // without it: the pure cubic curve, which needs K = 4.2 s to get back to 100
        assertEquals(80, cubicOnly[0][1]);
        assertEquals(87, cubicOnly[1][1]);
        assertEquals(96, cubicOnly[3][1]);
    }

    /** Loss at 100, then 200 RTTs of 10 ms; samples {rounds, cwnd, tcp_cwnd} after 50, 100, 150, 200 RTTs. */
    private long[][] runShortRtt(boolean friendliness) {
        final long rtt = 10_000;
        CcTestSock s = new CcTestSock();
        Cubic cubic = new Cubic(CubicParams.of(true, 717, 41, friendliness, true, 3, 16, 2000, 0));
        cubic.init(s);
        s.cwnd = 100;
        s.ssthresh = 100;
        cubic.pktsAcked(s, 1, rtt);
        s.ssthresh = cubic.ssthresh(s);
        s.cwnd = s.ssthresh;
        long[][] out = new long[4][];
        long t0 = 0;
        for (int round = 1; round <= 200; round++) {
            long n = s.cwnd;
            for (long i = 1; i <= n; i++) {
                s.now = t0 + i * rtt / n;
                cubic.pktsAcked(s, 1, rtt);
                cubic.congAvoid(s, 0, 1);
            }
            t0 += rtt;
            if (round % 50 == 0) {
                out[round / 50 - 1] = new long[] {round, s.cwnd, cubic.tcpCwnd()};
            }
        }
        return out;
    }

    @Test
    void firstEpochWithoutLossGrowsAtLeast5PercentPerRtt() {
        Cubic cubic = new Cubic();
        cubic.init(sk);
        sk.cwnd = 88;
        sk.ssthresh = 88;
        cubic.congAvoid(sk, 0, 1);
        // K = 0, origin = cwnd: target = cwnd, cnt would be 100 * cwnd, capped at 20 before any loss
        assertEquals(0, cubic.bicK());
        assertEquals(88, cubic.bicOriginPoint());
        assertEquals(20, cubic.cnt());
    }

    // ---------------------------------------------------------------- HyStart

    /**
     * Slow start in explicit rounds: at the start of each round cwnd packets are sent (snd_nxt moves
     * by cwnd * MSS); their ACKs come one packet each, the first after {@code rtts[r]}, then every
     * {@code spacingUs}; each ACK is pktsAcked then congAvoid, as in tcp_ack(). The next round starts
     * 20 ms after the last ACK. Stops at HyStart's exit. Returns {round, ack index, cwnd}, or null.
     */
    private int[] slowStart(Cubic cubic, CcTestSock s, long[] rtts, long spacingUs) {
        cubic.init(s);
        s.cwnd = 10;
        long t0 = 0;
        for (int r = 0; r < rtts.length; r++) {
            s.nxt = s.una + (int) s.cwnd * MSS;
            long n = s.cwnd;
            for (int i = 0; i < n; i++) {
                s.now = t0 + rtts[r] + i * spacingUs;
                s.una += MSS;
                cubic.pktsAcked(s, 1, rtts[r]);
                cubic.congAvoid(s, s.una, 1);
                if (cubic.hystartFound()) {
                    return new int[] {r, i, (int) s.cwnd};
                }
            }
            t0 = s.now + 20_000;
        }
        return null;
    }

    private static CubicParams params(boolean fastConvergence, boolean hystart, int detect) {
        return CubicParams.of(fastConvergence, 717, 41, true, hystart, detect, 16, 2000, 0);
    }

    @Test
    void hystartDelayExitsWhenTheRoundMinimumRttExceedsDelayMinPlus4ms() {
        // delay_min = 10 ms -> threshold clamp(10000 >> 3, 4000, 16000) = 4000 us: exit above 14000 us
        Cubic below = new Cubic(params(true, true, CubicParams.HYSTART_DELAY));
        CcTestSock s1 = new CcTestSock();
        assertEquals(null, slowStart(below, s1, new long[] {10_000, 10_000, 10_000, 14_000}, 100));
        assertFalse(below.hystartFound());
        assertEquals(160, s1.cwnd, "RTT + 4000 us exactly is not enough: plain slow start 10-20-40-80-160");
        assertEquals(TcpCc.TCP_INFINITE_SSTHRESH, s1.ssthresh);

        Cubic cubic = new Cubic(params(true, true, CubicParams.HYSTART_DELAY));
        int[] exit = slowStart(cubic, sk, new long[] {10_000, 10_000, 10_000, 14_001}, 100);
        // round 3 starts at cwnd 80; 8 samples (ACKs 0..7, cwnd +1 each) are gathered first, the 9th
        // ACK (index 8) tests min RTT 14001 > 10000 + 4000: ssthresh = cwnd = 88, then no more growth
        assertEquals(3, exit[0]);
        assertEquals(8, exit[1]);
        assertEquals(88, exit[2]);
        assertEquals(88, sk.ssthresh);
        assertEquals(88, sk.cwnd);
        assertEquals(10_000, cubic.delayMin());
        assertEquals(14_001, cubic.currRtt());
        assertEquals(20, cubic.cnt(), "congestion avoidance starts with the 5 %-per-RTT cap");
        assertFalse(TcpCc.tcpInSlowStart(sk));

        // the same with both detections on, but ACKs 2.5 ms apart (never a train at hystart_ack_delta_us 2000)
        CcTestSock s2 = new CcTestSock();
        int[] exit2 = slowStart(new Cubic(), s2, new long[] {10_000, 10_000, 10_000, 14_001}, 2_500);
        assertEquals(88, exit2[2]);
    }

    @Test
    void hystartAckTrainExitsAfterHalfTheMinimumDelay() {
        // constant RTT 10 ms, ACKs 100 us apart: the train of round 3 (cwnd 80) passes delay_min / 2 =
        // 5000 us at its ACK index 51 (5100 us > 5000 us): ssthresh = cwnd = 80 + 51 = 131
        int[] exit = slowStart(new Cubic(), sk, new long[] {10_000, 10_000, 10_000, 10_000, 10_000}, 100);
        assertEquals(3, exit[0]);
        assertEquals(51, exit[1]);
        assertEquals(131, exit[2]);
        assertEquals(131, sk.ssthresh);
        assertEquals(131, sk.cwnd);

        // paced: the threshold is not halved and gets the TSO allowance, min(1 ms, 4 * 65536 B / rate):
        // 10000 + 1000 = 11000 us -> round 4 (cwnd 160), ACK index 111 (11100 us): cwnd 271
        CcTestSock paced = new CcTestSock();
        paced.pacing = true;
        paced.pacingRate = 100_000_000;
        assertEquals(1000, Cubic.hystartAckDelay(paced));
        int[] exit2 = slowStart(new Cubic(), paced, new long[] {10_000, 10_000, 10_000, 10_000, 10_000}, 100);
        assertEquals(4, exit2[0]);
        assertEquals(111, exit2[1]);
        assertEquals(271, exit2[2]);

        // below hystart_low_window (16) nothing happens: low window 200 keeps slow start to 320
        CcTestSock s3 = new CcTestSock();
        Cubic high = new Cubic(CubicParams.of(true, 717, 41, true, true, 3, 200, 2000, 0));
        assertEquals(null, slowStart(high, s3, new long[] {10_000, 10_000, 10_000, 10_000, 10_000}, 100));
        assertEquals(320, s3.cwnd);

        // HyStart off: slow start only ends at a loss
        CcTestSock s4 = new CcTestSock();
        assertEquals(null, slowStart(new Cubic(params(true, false, 3)), s4, new long[] {10_000, 10_000, 10_000, 10_000, 10_000}, 100));
        assertEquals(320, s4.cwnd);
    }

    // ---------------------------------------------------------------- other ops

    @Test
    void rtoLossResetsStateAndIdleShiftsTheEpoch() {
        Cubic cubic = new Cubic();
        cubic.init(sk);
        sk.cwnd = 100;
        sk.ssthresh = 100;
        cubic.ssthresh(sk);
        sk.cwnd = 70;
        sk.ssthresh = 70;
        sk.now = 5_000;
        cubic.congAvoid(sk, 0, 1);
        int epoch = cubic.epochStart();
        assertEquals(TcpCc.INITIAL_JIFFIES + 5, epoch);

        // idle: last data sent at 6 ms, transmit restarts at 106 ms -> epoch moves 100 jiffies on
        sk.lsndtime = 6_000;
        sk.now = 106_000;
        cubic.cwndEvent(sk, TcpCc.CA_EVENT_TX_START);
        assertEquals(epoch + 100, cubic.epochStart());
        // other events change nothing
        cubic.cwndEvent(sk, TcpCc.CA_EVENT_CWND_RESTART);
        assertEquals(epoch + 100, cubic.epochStart());

        cubic.setState(sk, TcpCc.TCP_CA_RECOVERY);
        assertEquals(100, cubic.lastMaxCwnd(), "only Loss resets");
        cubic.setState(sk, TcpCc.TCP_CA_LOSS);
        assertEquals(0, cubic.lastMaxCwnd());
        assertEquals(0, cubic.epochStart());
        assertEquals(0, cubic.delayMin());
        assertFalse(cubic.hystartFound());
        assertEquals(0xffffffffL, cubic.currRtt());

        sk.prior = 90;
        assertEquals(90, cubic.undoCwnd(sk));
    }

    @Test
    void rttSamplesRightAfterAReductionAreIgnored() {
        Cubic cubic = new Cubic();
        cubic.init(sk);
        sk.cwnd = 50;
        sk.ssthresh = 50;
        cubic.pktsAcked(sk, 1, 20_000);
        cubic.pktsAcked(sk, 1, -1); // no sample
        assertEquals(20_000, cubic.delayMin());
        cubic.congAvoid(sk, 0, 1); // epoch starts at t = 0
        sk.now = 999_999;
        cubic.pktsAcked(sk, 1, 5_000); // within HZ of the epoch start: discarded
        assertEquals(20_000, cubic.delayMin());
        sk.now = 1_000_000;
        cubic.pktsAcked(sk, 1, 5_000);
        assertEquals(5_000, cubic.delayMin());
        sk.now = 1_000_001;
        cubic.pktsAcked(sk, 1, 0); // 0 counts as 1 us
        assertEquals(1, cubic.delayMin());
    }

    @Test
    void initialSsthreshAppliesOnlyWithoutHystart() {
        CcTestSock s = new CcTestSock();
        new Cubic(CubicParams.of(true, 717, 41, true, false, 3, 16, 2000, 50)).init(s);
        assertEquals(50, s.ssthresh);
        CcTestSock s2 = new CcTestSock();
        new Cubic(CubicParams.of(true, 717, 41, true, true, 3, 16, 2000, 50)).init(s2);
        assertEquals(TcpCc.TCP_INFINITE_SSTHRESH, s2.ssthresh);
    }

    // ---------------------------------------------------------------- factory and configuration

    @Test
    void factoryAppliesConfigurationToNewInstancesAndReportsBadValues() {
        CubicFactory f = new CubicFactory();
        f.activate(config(Map.of()));
        assertEquals("cubic", f.name());
        TcpCongestionOps a = f.create();
        assertEquals("cubic", a.name());
        assertNotSame(a, f.create());
        assertEquals(717, ((Cubic) a).params().beta);
        assertTrue(f.usage().contains("beta=717"), f.usage());

        f.activate(config(Map.of("beta", 512, "fastConvergence", false)));
        Cubic b = (Cubic) f.create();
        assertEquals(512, b.params().beta);
        assertEquals(717, ((Cubic) a).params().beta, "existing instances keep their parameters");
        CcTestSock s = new CcTestSock();
        s.cwnd = 100;
        assertEquals(50, b.ssthresh(s));
        assertEquals(8 * 1536 / 3 / 512, b.params().betaScale);

        f.activate(config(Map.of("beta", 1024)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, f::create);
        assertEquals("configuration org.nicemu.tcp.cc.cubic: cubic: parameter 'beta' is 1024; accepted: 1 to 1023 (in 1/1024; 717 = 0.7)",
                e.getMessage());
        assertTrue(f.usage().contains("'beta'"));
        f.activate(config(Map.of("hystartDetect", 4)));
        assertThrows(IllegalArgumentException.class, f::create);
        f.activate(config(Map.of()));
        assertEquals(717, ((Cubic) f.create()).params().beta);
    }

    /** A Config annotation instance: the given values, the annotation's defaults otherwise. */
    private static CubicFactory.Config config(Map<String, Object> values) {
        Map<String, Object> v = new HashMap<>(values);
        return (CubicFactory.Config) Proxy.newProxyInstance(CubicFactory.Config.class.getClassLoader(),
                new Class<?>[] {CubicFactory.Config.class}, (proxy, m, args) -> {
                    if (v.containsKey(m.getName())) {
                        return v.get(m.getName());
                    }
                    Object d = m.getDefaultValue();
                    if (d != null) {
                        return d;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
