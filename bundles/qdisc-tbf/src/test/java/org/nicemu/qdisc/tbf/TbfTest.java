package org.nicemu.qdisc.tbf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.TcFormat;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.testing.QdiscHarness;
import org.nicemu.qdisc.bfifo.Bfifo;

/**
 * tbf (sch_tbf.c) in virtual time: the exact number of packets a burst releases, the exact
 * nanoseconds at which the watchdog makes the next ones sendable, overlimits, and rate conformance.
 */
class TbfTest {
    private static final long MS = 1_000_000L;
    private final QdiscHarness h = new QdiscHarness().registerKind("bfifo", Bfifo::new);

    /** Dequeues everything sendable now; returns the skbs. */
    private List<SkBuff> dequeueAll(Tbf q) {
        List<SkBuff> out = new ArrayList<>();
        SkBuff s;
        while ((s = q.dequeue()) != null) out.add(s);
        return out;
    }

    /** Plays the NET_TX softirq: waits for the watchdog, checks it called netif_schedule, dequeues. Returns the send times. */
    private List<Long> sendTimes(Tbf q, int packets) {
        List<Long> times = new ArrayList<>();
        while (times.size() < packets) {
            for (SkBuff s : dequeueAll(q)) {
                times.add(h.now());
                h.consume(s);
            }
            if (times.size() >= packets) break;
            long at = q.watchdogExpiresNs();
            assertTrue(at > 0, "throttled without a watchdog");
            long before = h.netifSchedules();
            h.runUntil(at);
            assertEquals(at, h.now());
            assertEquals(before + 1, h.netifSchedules());
        }
        return times.subList(0, packets);
    }

    @Test
    void oneMbitTenThousandByteBurstReleasesTenPacketsThenOneEvery8ms() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 10000 limit 100000");
        assertEquals(125_000, q.rateBytesPerSec());
        assertEquals(80 * MS, q.bufferNs()); // psched_l2t_ns(125000 B/s, 10000 B)
        assertEquals(10_000, q.maxSize());
        assertEquals(0, q.flags());
        for (int i = 0; i < 30; i++) assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(1000, 0)));
        assertEquals(30, q.stats().qlen);
        assertEquals(30_000, q.stats().backlog);

        List<SkBuff> burst = dequeueAll(q);
        assertEquals(10, burst.size());
        assertEquals(0, q.tokensNs());
        assertEquals(1, q.stats().overlimits);
        assertEquals(8 * MS, q.watchdogExpiresNs());
        assertEquals(20, q.stats().qlen);
        assertEquals(20_000, q.stats().backlog);
        assertEquals(10_000, q.stats().bytes);
        assertEquals(10, q.stats().packets);
        assertEquals(0, h.netifSchedules());
        assertNull(q.peek());

        List<Long> t = sendTimes(q, 6);
        assertEquals(List.of(8 * MS, 16 * MS, 24 * MS, 32 * MS, 40 * MS, 48 * MS), t);
        // 1 (burst) + 1 (sendTimes tries once more at t=0) + 6 rounds of one success and one throttled attempt
        assertEquals(8, q.stats().overlimits);
        assertEquals(56 * MS, q.watchdogExpiresNs());
        assertEquals(16, q.stats().packets);
    }

    @Test
    void fifteenHundredBytePacketsLeaveATokenRemainder() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 10000 limit 100000");
        for (int i = 0; i < 20; i++) q.enqueue(h.skb(1500, 0)); // 12 ms each
        assertEquals(6, dequeueAll(q).size()); // 80 - 6*12 = 8 ms left
        assertEquals(8 * MS, q.tokensNs());
        assertEquals(4 * MS, q.watchdogExpiresNs()); // 12 - 8
        assertEquals(List.of(4 * MS, 16 * MS, 28 * MS, 40 * MS), sendTimes(q, 4));
    }

    @Test
    void idleTimeRefillsTheBucketUpToBurstOnly() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 10000 limit 100000");
        for (int i = 0; i < 10; i++) q.enqueue(h.skb(1000, 0));
        assertEquals(10, dequeueAll(q).size());
        advanceTo(q, 5000 * MS); // long idle: the bucket fills to 80 ms, not more
        for (int i = 0; i < 12; i++) q.enqueue(h.skb(1000, 0));
        assertNotNull(q.peek());
        assertEquals(10, dequeueAll(q).size());
        assertEquals(5008 * MS, q.watchdogExpiresNs());
    }

    /** Moves virtual time with a no-op timer (the harness loop stops at its last event). */
    private void advanceTo(Tbf q, long t) {
        h.loop().newTimer("test clock", () -> { }).arm(t);
        h.runUntil(t);
        assertEquals(t, h.now());
    }

    @Test
    void conformanceOverOneSecondWithPacketsAlwaysQueued() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 10000 limit 1mb");
        long horizon = 1_000 * MS;
        long bytes = 0;
        int enqueued = 0;
        for (; enqueued < 200; enqueued++) assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(1000, 0)));
        while (true) {
            SkBuff s;
            while ((s = q.dequeue()) != null) {
                bytes += s.qdiscPktLen;
                h.consume(s);
                q.enqueue(h.skb(1000, 0)); // keep the queue full
                enqueued++;
            }
            assertTrue(q.stats().qlen > 0);
            long at = q.watchdogExpiresNs();
            if (at > horizon) break;
            h.runUntil(at);
        }
        long bound = 1_000_000L * horizon / 1_000_000_000L / 8 + 10_000; // rate*T/8 + burst = 135000
        assertTrue(bytes <= bound, bytes + " > " + bound);
        assertTrue(bytes >= bound - 1000, bytes + " < " + (bound - 1000));
        assertEquals(135_000, bytes); // 10 at t=0, then 125 at 8, 16, ..., 1000 ms
        assertEquals(125, h.netifSchedules());
        assertEquals(135_000, q.stats().bytes);
        assertEquals(135, q.stats().packets);
        assertEquals(126, q.stats().overlimits);
        assertEquals(1_008 * MS, q.watchdogExpiresNs());
        assertEquals(200, q.stats().qlen);
        assertEquals(0, q.stats().drops);
    }

    @Test
    void peakRateSpacesTheBurst() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 10000 peakrate 2mbit mtu 1000 limit 100000");
        assertEquals(4 * MS, q.mtuNs()); // psched_l2t_ns(250000 B/s, 1000 B)
        assertEquals(1000, q.maxSize()); // min(burst, mtu)
        for (int i = 0; i < 30; i++) q.enqueue(h.skb(1000, 0));
        List<Long> expected = new ArrayList<>();
        for (int k = 0; k <= 18; k++) expected.add(4 * MS * k); // at the peak rate while the rate bucket lasts
        expected.add(80 * MS); // then at the rate
        expected.add(88 * MS);
        assertEquals(expected, sendTimes(q, 21));
        assertEquals("2Mbit", q.dump().get("peakrate"));
        assertEquals("1000b", q.dump().get("minburst"));
    }

    @Test
    void latencyGivesTheLimitAsTcComputesIt() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 10mbit burst 32kb latency 50ms");
        assertEquals(1_250_000 * 50 / 1000 + 32 * 1024, q.limitBytes()); // 95268
        assertEquals(26_214_400, q.bufferNs());
        Map<String, Object> d = q.dump();
        assertEquals("10Mbit", d.get("rate"));
        assertEquals("32Kb", d.get("burst"));
        assertEquals("50.0ms", d.get("lat"));
        assertEquals("bfifo", q.leaf(1).kind());
        assertEquals(95_268, ((Bfifo) q.leaf(1)).limit());
        assertEquals(1, q.classCount());
        assertFalse(q.internalChild());

        Tbf p = h.init(new Tbf(), "rate 1mbit burst 10000 peakrate 2mbit mtu 1000 latency 10ms");
        assertEquals(3500, p.limitBytes()); // min(125000*0.01 + 10000, 250000*0.01 + 1000)

        Tbf small = h.init(new Tbf(), "rate 1mbit burst 10000 limit 3000");
        assertEquals("3000b", small.dump().get("limit")); // negative latency: tc shows the limit
        assertNull(small.dump().get("lat"));
    }

    @Test
    void packetsLongerThanTheBucketAreDropped() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 1000 limit 10000");
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h.skb(1001, 0)));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(1000, 0)));
        assertEquals(1, q.stats().drops);
        assertEquals(1, q.stats().qlen);
        assertEquals(1000, q.stats().backlog);
        assertEquals(1, h.drops().packets(DropReason.QDISC_DROP));
        assertEquals(1001, h.drops().bytes(DropReason.QDISC_DROP));
    }

    @Test
    void innerBfifoLimitDropsAreCounted() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 10000 limit 2500");
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(1000, 0)));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(1000, 0)));
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h.skb(1000, 0)));
        assertEquals(1, q.stats().drops);
        assertEquals(1, q.leaf(1).stats().drops);
        assertEquals(2, q.stats().qlen);
        assertEquals(2000, q.stats().backlog);
        // tc qdisc change sets the child's limit (fifo_set_limit)
        q.change(QdiscHarness.params("limit 3000"));
        assertEquals(3000, ((Bfifo) q.leaf(1)).limit());
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(1000, 0)));
    }

    @Test
    void changeRefillsTheBucketAndKeepsWhatIsNotGiven() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 10000 latency 50ms");
        assertEquals(125_000 * 50 / 1000 + 10_000, q.limitBytes()); // 16250
        for (int i = 0; i < 12; i++) q.enqueue(h.skb(1000, 0));
        assertEquals(10, dequeueAll(q).size());
        q.change(QdiscHarness.params("rate 2mbit"));
        assertEquals(250_000, q.rateBytesPerSec());
        assertEquals(40 * MS, q.bufferNs());
        assertEquals(40 * MS, q.tokensNs());
        assertEquals(250_000 * 50 / 1000 + 10_000, q.limitBytes()); // latency kept: 22500
        assertEquals(2, dequeueAll(q).size());
        assertEquals("2Mbit", q.dump().get("rate"));
        assertEquals("9766b", TcFormat.size(9766));
    }

    @Test
    void resetAndDestroyCancelTheWatchdog() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 10000 limit 100000");
        for (int i = 0; i < 12; i++) q.enqueue(h.skb(1000, 0));
        dequeueAll(q);
        assertEquals(8 * MS, q.watchdogExpiresNs());
        q.reset();
        assertEquals(-1, q.watchdogExpiresNs());
        assertEquals(0, q.stats().qlen);
        assertEquals(0, q.stats().backlog);
        assertEquals(2, h.drops().packets(DropReason.SWAP_FLUSH));
        assertEquals(80 * MS, q.tokensNs());

        for (int i = 0; i < 11; i++) q.enqueue(h.skb(1000, 0));
        dequeueAll(q);
        assertTrue(q.watchdogExpiresNs() > 0);
        q.destroy();
        assertEquals(-1, q.watchdogExpiresNs());
        h.runUntil(1_000 * MS);
        assertEquals(0, h.netifSchedules());
    }

    @Test
    void drainHandsOverInOrderIgnoringTokens() throws Exception {
        Tbf q = h.init(new Tbf(), "rate 1mbit burst 2000 limit 100000");
        List<SkBuff> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SkBuff s = h.skb(1000, 0);
            in.add(s);
            q.enqueue(s);
        }
        assertSame(in.get(0), q.dequeue());
        assertSame(in.get(1), q.dequeue());
        assertNull(q.dequeue());
        List<SkBuff> out = new ArrayList<>();
        q.drain(out::add);
        assertEquals(in.subList(2, 5), out);
        assertEquals(0, q.stats().qlen);
        assertEquals(0, q.stats().backlog);
        assertEquals(-1, q.watchdogExpiresNs());
    }

    @Test
    void internalByteFifoWhenBfifoIsMissingAndGraftMovesItsPackets() throws Exception {
        QdiscHarness h2 = new QdiscHarness();
        Tbf q = h2.init(new Tbf(), "rate 1mbit burst 10000 limit 2500");
        assertTrue(q.internalChild());
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h2.skb(1000, 0)));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h2.skb(1000, 0)));
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h2.skb(1000, 0)));
        assertEquals(1, q.stats().drops);

        Bfifo n = h2.init(new Bfifo(), "limit 1000");
        Qdisc old = q.graft(1, n);
        assertEquals("bfifo", old.kind());
        assertSame(n, q.leaf(1));
        assertFalse(q.internalChild());
        assertEquals(1, n.stats().qlen); // the second packet did not fit the new child's limit
        assertEquals(1, q.stats().qlen);
        assertEquals(1000, q.stats().backlog);
        assertNotNull(q.dequeue());
        assertEquals(0, q.stats().qlen);
    }

    @Test
    void l2tMatchesTheKernelReciprocal() {
        PschedRatecfg r = new PschedRatecfg(125_000, 0, 0);
        assertEquals(19, r.shift);
        assertEquals(8000L << 19, r.mult);
        assertEquals(8 * MS, r.l2tNs(1000));
        PschedRatecfg odd = new PschedRatecfg(375_000, 0, 0); // 3mbit: 2666.67 ns per byte
        long exact = 1000L * 1_000_000_000L / 375_000;
        assertTrue(Math.abs(odd.l2tNs(1000) - exact) <= 1, odd.l2tNs(1000) + " vs " + exact);
        PschedRatecfg mpu = new PschedRatecfg(125_000, 24, 100);
        assertEquals(100 * 8000, mpu.l2tNs(60)); // mpu
        assertEquals(1024 * 8000, mpu.l2tNs(1000)); // + overhead
    }

    @Test
    void tcFormats() {
        assertEquals("1Mbit", TcFormat.rate(125_000));
        assertEquals("1500Kbit", TcFormat.rate(187_500));
        assertEquals("800bit", TcFormat.rate(100));
        assertEquals("10Gbit", TcFormat.rate(1_250_000_000L));
        assertEquals("2Mb", TcFormat.size(2 * 1024 * 1024));
        assertEquals("1514b", TcFormat.size(1514));
        assertEquals("1.5s", TcFormat.timeUs(1_500_000));
        assertEquals("400us", TcFormat.timeUs(400));
    }

    @Test
    void parameterErrorsNameTheParameter() throws Exception {
        assertMessage("burst 10kb latency 50ms", "'rate'");
        assertMessage("rate 1mbit latency 50ms", "'burst'");
        assertMessage("rate 1mbit burst 10kb", "'limit'", "'latency'");
        assertMessage("rate 1mbit burst 10kb latency 50ms foo 1", "'foo'", "latency");
        assertMessage("rate 10mbitz burst 10kb latency 50ms", "'rate'", "unknown unit");
        assertMessage("rate 1mbit burst 10kb latency 50xs", "'latency'", "unknown unit");
        assertMessage("rate 1mbit burst ten latency 50ms", "'burst'");
        assertMessage("rate 1mbit burst 10kb limit 10kb latency 50ms", "'limit'", "'latency'");
        assertMessage("rate 1mbit burst 10kb buffer 5kb latency 50ms", "'burst'", "'buffer'");
        assertMessage("rate 1mbit burst 10kb latency 50ms peakrate 2mbit", "'mtu'", "'peakrate'");
        assertMessage("rate 1mbit burst 10kb latency 50ms peakrate 1mbit mtu 1514", "'peakrate'", "'rate'");
        assertMessage("rate 7bit burst 10kb latency 50ms", "'rate'");

        Tbf q = h.init(new Tbf(), "rate 1mbit maxburst 10000 limit 20000");
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> q.change(QdiscHarness.params("rate 2mbit burst 0")));
        assertTrue(e.getMessage().contains("'burst'"), e.getMessage());
        assertEquals(125_000, q.rateBytesPerSec());
        assertEquals(80 * MS, q.bufferNs());
        assertEquals(20_000, q.limitBytes());
    }

    private void assertMessage(String tc, String... parts) {
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> h.init(new Tbf(), tc), tc);
        for (String p : parts) assertTrue(e.getMessage().contains(p), tc + " -> " + e.getMessage());
        assertTrue(e.getMessage().startsWith("tbf: "), e.getMessage());
    }

    @Test
    void factoryDefaultsFromConfiguration() throws Exception {
        TbfFactory f = new TbfFactory();
        f.activate(config(0, 0, 0, 0));
        assertThrows(QdiscParamException.class, () -> f.create().init(h, QdiscHarness.params("")));
        Tbf a = (Tbf) f.create();
        a.init(h, QdiscHarness.params("rate 1mbit burst 10000 latency 50ms"));
        assertEquals(16_250, a.limitBytes());

        f.activate(config(8_000_000, 20_000, 0, 10_000)); // 8 Mbit/s, 20000 B, 10 ms
        Tbf b = (Tbf) f.create();
        b.init(h, QdiscHarness.params(""));
        assertEquals(1_000_000, b.rateBytesPerSec());
        assertEquals(1_000_000 / 100 + 20_000, b.limitBytes());
        Tbf c = (Tbf) f.create();
        c.init(h, QdiscHarness.params("limit 5000")); // the tc limit replaces the configured latency
        assertEquals(5000, c.limitBytes());
        assertEquals("tbf", f.kind());
        assertFalse(f.usage().contains("\n"));
        assertTrue(f.usage().contains("rate") && f.usage().contains("burst") && f.usage().contains("latency"));

        f.activate(config(7, 20_000, 0, 10_000));
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> f.create().init(h, QdiscHarness.params("")));
        assertTrue(e.getMessage().contains(TbfFactory.PID), e.getMessage());
    }

    static TbfFactory.Config config(long rate, long burst, long limit, long latencyUs) {
        return new TbfFactory.Config() {
            @Override
            public Class<? extends Annotation> annotationType() { return TbfFactory.Config.class; }

            @Override
            public long rateBitsPerSec() { return rate; }

            @Override
            public long burstBytes() { return burst; }

            @Override
            public long limitBytes() { return limit; }

            @Override
            public long latencyMicros() { return latencyUs; }

            @Override
            public long peakrateBitsPerSec() { return 0; }

            @Override
            public long mtuBytes() { return 0; }
        };
    }
}
