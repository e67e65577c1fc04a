package org.nicemu.port.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.FrameReceiver;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.PortBinding;
import org.nicemu.core.exec.EmuLoop;

/**
 * The wire on its own, between two stand-in NICs that record what arrives: exact serialization
 * and delay times, and the seeded impairments with exact counts.
 */
class WireTest {
    static final long MS = 1_000_000L;

    /** What one stand-in NIC received. */
    static final class Nic implements PortBinding {
        final String name;
        final EventLoop loop;
        final long rate;
        final List<Long> times = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();

        Nic(String name, EventLoop loop, long rate) {
            this.name = name;
            this.loop = loop;
            this.rate = rate;
        }

        /** The frame ids (bytes 0..3, big-endian) in arrival order. */
        List<Integer> ids() {
            List<Integer> l = new ArrayList<>();
            for (byte[] f : frames) l.add(id(f));
            return l;
        }

        @Override public String nicName() { return name; }
        @Override public FrameReceiver receiver() {
            return (t, f, off, len) -> {
                assertEquals(loop.now(), t, "delivered at its arrival time");
                times.add(t);
                frames.add(java.util.Arrays.copyOfRange(f, off, off + len));
            };
        }
        @Override public EventLoop loop() { return loop; }
        @Override public NicConfig config() { return null; }
        @Override public long serializationNanos(int len) { return len * 8L * 1_000_000_000L / rate; }
    }

    static int id(byte[] f) {
        return ((f[0] & 0xff) << 24) | ((f[1] & 0xff) << 16) | ((f[2] & 0xff) << 8) | (f[3] & 0xff);
    }

    static byte[] frame(int id, int len) {
        byte[] f = new byte[len];
        f[0] = (byte) (id >>> 24);
        f[1] = (byte) (id >>> 16);
        f[2] = (byte) (id >>> 8);
        f[3] = (byte) id;
        for (int i = 4; i < len; i++) f[i] = (byte) (i * 31);
        return f;
    }

    final WirePortFactory factory = new WirePortFactory();
    EmuLoop loop = new EmuLoop(1, true);
    Nic h1, h2;
    NicPort a, b;

    /** Opens a wire with {@code params} on end A (and plain params plus the name on end B) between two 1 Gbit/s stand-ins. */
    void wire(long seed, Map<String, String> params) {
        if (a != null) {
            a.close();
            b.close();
        }
        loop = new EmuLoop(seed, true);
        h1 = new Nic("h1/eth0", loop, 1_000_000_000L);
        h2 = new Nic("h2/eth0", loop, 1_000_000_000L);
        Map<String, String> pa = new HashMap<>(params);
        pa.put("name", "w" + seed);
        a = factory.open("eth0", 1, pa);
        b = factory.open("eth0", 1, Map.of("name", "w" + seed));
        a.bind(h1);
        b.bind(h2);
    }

    /** Sends {@code n} frames of {@code len} bytes from h1, back to back at 1 Gbit/s (no preamble). */
    void sendBackToBack(int n, int len) {
        for (int i = 0; i < n; i++) {
            byte[] f = frame(i, len);
            long t = i * len * 8L;
            loop.newTimer("send", () -> a.transmit(loop.now(), 0, f, 0, f.length)).arm(t);
        }
        loop.runUntil(Long.MAX_VALUE);
    }

    @Test
    void aFrameArrivesAfterTheWiresSerializationAndTheDelay() {
        wire(1, Map.of("rate", "1gbit", "delay", "5ms"));
        byte[] f = frame(7, 1000);
        a.transmit(0, 0, f, 0, 1000);
        a.transmit(0, 0, f, 0, 1000); // queued behind the first at the wire's rate
        a.transmit(0, 0, f, 0, 1000);
        loop.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(8_000 + 5 * MS, 16_000 + 5 * MS, 24_000 + 5 * MS), h2.times);
        assertEquals(3, h2.frames.size());
        assertEquals(Map.of("tx_frames", 3L, "tx_bytes", 3000L, "tx_delivered", 3L, "tx_delivered_bytes", 3000L),
                pick(a.stats(), "tx_frames", "tx_bytes", "tx_delivered", "tx_delivered_bytes"));
        assertEquals(3L, b.stats().get("rx_delivered"), "the other end sees the same direction as rx");
        assertTrue(h1.times.isEmpty());
    }

    @Test
    void fractionalSerializationTimesCarryTheRemainder() {
        wire(1, Map.of("rate", "3gbit"));
        for (int i = 0; i < 4; i++) a.transmit(0, 0, frame(i, 1538), 0, 1538);
        loop.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(4101L, 8202L, 12304L, 16405L), h2.times, "12304 bits at 3 Gbit/s, no drift");
    }

    @Test
    void withoutARateTheLastBitLeavesWhenTheSendingNicIsDone() {
        wire(1, Map.of("delay", "250us", "overhead", "24"));
        a.transmit(1_000, 0, frame(1, 1514), 0, 1514);
        loop.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(1_000 + 12_112 + 250_000L), h2.times, "the NIC's own 12112 ns (overhead applies to a wire rate only)");
    }

    @Test
    void theWireRateShapesAndTheLimitDrops() {
        wire(1, Map.of("rate", "1mbit", "limit", "5"));
        for (int i = 0; i < 10; i++) a.transmit(0, 0, frame(i, 125), 0, 125);
        loop.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(0, 1, 2, 3, 4), h2.ids());
        assertEquals(List.of(1 * MS, 2 * MS, 3 * MS, 4 * MS, 5 * MS), h2.times, "1000 bits at 1 Mbit/s each");
        assertEquals(5L, a.stats().get("tx_overlimit"));
    }

    @Test
    void bothDirectionsAreIndependent() {
        wire(1, Map.of("delay", "1ms"));
        a.transmit(0, 0, frame(1, 100), 0, 100);
        b.transmit(0, 0, frame(2, 100), 0, 100);
        loop.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(1), h2.ids());
        assertEquals(List.of(2), h1.ids());
        assertEquals(List.of(800 + MS), h2.times, "end A's delay");
        assertEquals(List.of(800L), h1.times, "end B has no delay");
    }

    @Test
    void randomLossWithAFixedSeedLosesAnExactSet() {
        wire(42, Map.of("loss", "1%"));
        sendBackToBack(10_000, 100);
        long lost = a.stats().get("tx_lost");
        assertEquals(105, lost);
        assertEquals(10_000 - 105, h2.frames.size());
        Set<Integer> lostIds = lostIds(10_000);
        assertEquals(105, lostIds.size());
        wire(42, Map.of("loss", "1%"));
        sendBackToBack(10_000, 100);
        assertEquals(lostIds, lostIds(10_000), "same seed, same frames lost");
        wire(43, Map.of("loss", "1%"));
        sendBackToBack(10_000, 100);
        assertNotEquals(lostIds, lostIds(10_000), "another seed, other frames");
    }

    Set<Integer> lostIds(int n) {
        Set<Integer> s = new TreeSet<>();
        for (int i = 0; i < n; i++) s.add(i);
        s.removeAll(h2.ids());
        return s;
    }

    @Test
    void gilbertElliottLosesInBursts() {
        wire(7, Map.of("gemodel", "1% 10% 100% 0%"));
        sendBackToBack(100_000, 64);
        long lost = a.stats().get("tx_lost");
        assertEquals(9_454, lost, "long-run rate 1/11 = 9.09 %");
        assertEquals(100_000 - lost, h2.frames.size());
        // bursts: a lost frame is followed by another lost one with probability 1 - r = 90 %
        Set<Integer> lostIds = lostIds(100_000);
        int runs = 0;
        int prev = -2;
        for (int id : lostIds) {
            if (id != prev + 1) runs++;
            prev = id;
        }
        assertEquals(940, runs, "about 9454 / 10 bursts: mean burst length 1 / r = 10");
    }

    @Test
    void duplicatesArriveRightAfterTheOriginal() {
        wire(5, Map.of("duplicate", "5%", "delay", "1ms"));
        sendBackToBack(10_000, 100);
        long dup = a.stats().get("tx_duplicated");
        assertEquals(501, dup);
        assertEquals(10_000 + dup, h2.frames.size());
        List<Integer> ids = h2.ids();
        int twice = 0;
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i) >= ids.get(i - 1), "order kept");
            if (ids.get(i).equals(ids.get(i - 1))) twice++;
        }
        assertEquals(dup, twice);
    }

    @Test
    void reorderedFramesSkipTheDelay() {
        wire(9, Map.of("reorder", "25%", "delay", "10ms"));
        sendBackToBack(1_000, 1000);
        long reordered = a.stats().get("tx_reordered");
        assertEquals(259, reordered);
        List<Integer> ids = h2.ids();
        assertEquals(1_000, ids.size());
        int early = 0;
        for (int i = 0; i < ids.size(); i++) if (h2.times.get(i) < 10 * MS) early++;
        assertEquals(259, early, "sent without delay: they arrive within the 8 ms the burst takes");
        int inversions = 0;
        for (int i = 1; i < ids.size(); i++) if (ids.get(i) < ids.get(i - 1)) inversions++;
        assertEquals(1, inversions, "all reordered frames first, then the delayed ones");
    }

    @Test
    void reorderWithAGapMakesEveryGapthFrameACandidate() {
        wire(9, Map.of("reorder", "100%", "gap", "5", "delay", "10ms"));
        sendBackToBack(100, 100);
        assertEquals(20L, a.stats().get("tx_reordered"), "frames 4, 9, 14, ...: every 5th");
        List<Integer> ids = h2.ids();
        assertEquals(List.of(4, 9, 14), ids.subList(0, 3));
    }

    @Test
    void jitterSpreadsTheDelayWithinItsBounds() {
        wire(3, Map.of("delay", "10ms", "jitter", "1ms"));
        sendBackToBack(1_000, 1000);
        assertEquals(1_000, h2.frames.size());
        long min = Long.MAX_VALUE, max = 0;
        List<Integer> ids = h2.ids();
        for (int i = 0; i < ids.size(); i++) {
            long sent = ids.get(i) * 8_000L;
            long d = h2.times.get(i) - sent - 8_000;
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(min >= 9 * MS && max <= 11 * MS, min + ".." + max);
        int inversions = 0;
        for (int i = 1; i < ids.size(); i++) if (ids.get(i) < ids.get(i - 1)) inversions++;
        assertEquals(488, inversions, "a 2 ms jitter window reorders frames 8 µs apart");
        for (int i = 1; i < ids.size(); i++) assertTrue(h2.times.get(i) >= h2.times.get(i - 1), "delivered in arrival-time order");
    }

    @Test
    void corruptionFlipsExactlyOneBit() {
        wire(11, Map.of("corrupt", "2%"));
        sendBackToBack(5_000, 200);
        long corrupted = a.stats().get("tx_corrupted");
        assertEquals(96, corrupted);
        assertEquals(5_000, h2.frames.size());
        int flipped = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] f = h2.frames.get(i);
            byte[] orig = frame(i, 200); // no delay, no loss: the i-th arrival is the i-th frame sent
            int bits = 0;
            for (int j = 0; j < 200; j++) bits += Integer.bitCount((f[j] ^ orig[j]) & 0xff);
            assertTrue(bits <= 1, "frame " + i + ": " + bits + " bits differ");
            flipped += bits;
        }
        assertEquals(corrupted, flipped, "one bit in each corrupted frame");
    }

    @Test
    void badParametersAreRefusedWithTheirName() {
        assertMessage(Map.of(), "'name' is required");
        assertMessage(Map.of("name", "x", "lost", "1%"), "unknown parameter 'lost'");
        assertMessage(Map.of("name", "x", "loss", "101%"), "'loss' is '101%'");
        assertMessage(Map.of("name", "x", "loss", "1%", "gemodel", "1%"), "exclude each other");
        assertMessage(Map.of("name", "x", "reorder", "10%"), "needs a delay");
        assertMessage(Map.of("name", "x", "rate", "fast"), "'rate'");
        assertMessage(Map.of("name", "x", "delay", "5 parsecs"), "'delay'");
        assertMessage(Map.of("name", "x", "gemodel", "1% 2% 3% 4% 5%"), "'gemodel'");
        factory.open("eth0", 1, Map.of("name", "three"));
        factory.open("eth0", 1, Map.of("name", "three"));
        assertMessage(Map.of("name", "three"), "already has both ends");
    }

    void assertMessage(Map<String, String> params, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> factory.open("eth0", 1, params));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void endsOnDifferentLoopsAndReboundEndsAreRefused() {
        NicPort x = factory.open("eth0", 1, Map.of("name", "split"));
        NicPort y = factory.open("eth0", 1, Map.of("name", "split"));
        x.bind(new Nic("h1/eth0", new EmuLoop(1, true), 1_000_000_000L));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.bind(new Nic("h2/eth0", new EmuLoop(1, true), 1_000_000_000L)));
        assertTrue(e.getMessage().contains("different emulations"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> x.bind(new Nic("h3/eth0", new EmuLoop(1, true), 1_000_000_000L)));
        assertTrue(e.getMessage().contains("already attached to h1/eth0"), e.getMessage());
    }

    @Test
    void theNameIsFreeAgainWhenBothEndsAreClosed() {
        NicPort x = factory.open("eth0", 1, Map.of("name", "again"));
        NicPort y = factory.open("eth0", 1, Map.of("name", "again"));
        assertEquals(List.of("again"), factory.wireNames());
        x.close();
        assertEquals(List.of("again"), factory.wireNames());
        y.close();
        assertEquals(List.of(), factory.wireNames());
        factory.open("eth0", 1, Map.of("name", "again"));
        assertTrue(factory.open("eth0", 1, Map.of("name", "again")).describe()
                .startsWith("wire again end B (eth0 (not attached)) <-> end A"));
    }

    @Test
    void framesForAnEndNotAttachedAreCounted() {
        NicPort x = factory.open("eth0", 1, Map.of("name", "lonely"));
        Nic n = new Nic("h1/eth0", loop, 1_000_000_000L);
        x.bind(n);
        x.transmit(0, 0, frame(1, 100), 0, 100);
        assertEquals(1L, x.stats().get("tx_no_peer"));
    }

    @Test
    void steadyStateAllocatesNoSlots() {
        wire(1, Map.of("delay", "1ms", "rate", "1gbit"));
        sendBackToBack(1_000, 1000);
        Direction d = ((WireEnd) a).egress();
        assertEquals(0, d.inFlight());
        assertEquals(1_000L, a.stats().get("tx_delivered"));
    }

    static Map<String, Long> pick(Map<String, Long> m, String... keys) {
        Map<String, Long> r = new HashMap<>();
        for (String k : keys) r.put(k, m.get(k));
        return r;
    }
}
