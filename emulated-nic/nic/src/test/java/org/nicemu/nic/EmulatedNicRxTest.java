package org.nicemu.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicConfig.Arbitration;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.core.exec.EmuLoop;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.core.testing.DeviceHarness.RecordingPort;

/** The receive half of the NIC model: RSS, RX rings, RX interrupt coalescing, length checks. */
class EmulatedNicRxTest {
    static final long GBIT = 1_000_000_000L;
    static final long MAC = 0x020000000001L, PEER = 0x020000000002L;
    static final int A = 0xc6120002, B = 0xc6120001;

    final EmuLoop loop = new EmuLoop(1, true);
    final CostCounters counters = new CostCounters();
    final SkbAllocator alloc = new SkbAllocator(counters);
    final RecordingPort port = new RecordingPort();
    final List<Long> irqTimes = new ArrayList<>();

    static NicConfig cfg(int rxQueues, int rxRing) {
        return new NicConfig(1, 8, GBIT, 1500, new byte[] {2, 0, 0, 0, 0, 1}, 0, Arbitration.ROUND_ROBIN, true, 0, 0,
                rxQueues, rxRing);
    }

    EmulatedNic nic(NicConfig c) {
        EmulatedNic n = new EmulatedNic("h1/eth0", c, loop, counters);
        n.attachPort(port);
        n.requestIrq(() -> irqTimes.add(loop.now()));
        n.irqEnable();
        return n;
    }

    /** A UDP frame from 198.18.0.2:sport to 198.18.0.1:9 with IP id {@code id}. */
    static byte[] udp(int sport, int len, int id) {
        return DeviceHarness.udpBytes(MAC, PEER, A, B, sport, 9, len, id);
    }

    void postEmpty(EmulatedNic n, int q, int count) {
        for (int i = 0; i < count; i++) {
            SkBuff s = alloc.allocSkb(64 + 2 + 1514);
            s.reserve(66);
            assertTrue(n.rxPost(q, s));
        }
    }

    void at(long t, Runnable r) {
        loop.newTimer("test", r).arm(t);
    }

    void receiveAt(EmulatedNic n, long t, byte[] f) {
        at(t, () -> n.receive(loop.now(), f, 0, f.length));
    }

    @Test
    void toeplitzHashMatchesTheRssSpecificationExample() {
        // the verification key and first IPv4 example of Microsoft's RSS specification
        byte[] key = HexFormat.of().parseHex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");
        byte[] in = HexFormat.of().parseHex("420995bb" + "a18e6450" + "0aea" + "06e6"); // 66.9.149.187:2794 -> 161.142.100.80:1766
        assertEquals(0x51ccc178, Rss.toeplitz(key, in, 0, 12), "IPv4 with TCP ports");
        assertEquals(0x323e8fc2, Rss.toeplitz(key, in, 0, 8), "IPv4 addresses only");
    }

    @Test
    void theByteTableGivesTheToeplitzHash() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        byte[] key = Rss.randomKey(r);
        int[] table = Rss.byteHashes(key);
        byte[] in = new byte[Rss.MAX_INPUT];
        for (int i = 0; i < 1000; i++) {
            r.nextBytes(in);
            int h = 0;
            for (int j = 0; j < in.length; j++) h ^= table[(j << 8) | (in[j] & 0xff)];
            assertEquals(Rss.toeplitz(key, in, 0, in.length), h);
        }
    }

    @Test
    void rssSteersEachFlowToOneQueueTheSameForTheSameSeed() {
        EmulatedNic n = nic(cfg(4, 64));
        List<Integer> queues = new ArrayList<>();
        for (int sport = 1000; sport < 1016; sport++) {
            byte[] f = udp(sport, 100, 0);
            int q = n.rssQueue(f, 0, f.length);
            queues.add(q);
            byte[] again = udp(sport, 1400, 77);
            assertEquals(q, n.rssQueue(again, 0, again.length), "another frame of flow " + sport);
        }
        assertEquals(List.of(2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1), queues,
                "Toeplitz is linear in the input bits: the port's low bits pick the queue pattern");
        EmulatedNic twin = new EmulatedNic("h1/eth0", cfg(4, 64), new EmuLoop(1, true), new CostCounters());
        for (int sport = 1000; sport < 1016; sport++) {
            byte[] f = udp(sport, 100, 0);
            assertEquals(queues.get(sport - 1000), twin.rssQueue(f, 0, f.length), "same seed and name, same key");
        }
        n.setRssQueues(1);
        for (int sport = 1000; sport < 1016; sport++) {
            byte[] f = udp(sport, 100, 0);
            assertEquals(0, n.rssQueue(f, 0, f.length), "ethtool -X equal 1");
        }
        assertThrows(IllegalArgumentException.class, () -> n.setRssQueues(5));
    }

    @Test
    void receivedFramesCarryHashQueueAndArrivalTime() {
        EmulatedNic n = nic(cfg(4, 64));
        for (int q = 0; q < 4; q++) postEmpty(n, q, 4);
        byte[] f = udp(1000, 200, 5); // queue 2, see above
        byte[] frag = udp(1000, 200, 6);
        frag[14 + 6] |= 0x20; // MF: a fragment hashes the addresses only
        byte[] arp = new byte[60];
        arp[12] = 0x08;
        arp[13] = 0x06;
        receiveAt(n, 1_000, f);
        receiveAt(n, 2_000, frag);
        receiveAt(n, 3_000, arp);
        loop.runUntil(10_000);
        SkBuff s = n.rxReclaim(2);
        assertEquals(200, s.len());
        assertArrayEquals(f, java.util.Arrays.copyOfRange(s.head(), s.dataOffset(), s.dataOffset() + 200));
        assertEquals(2, s.queueMapping);
        assertTrue(s.l4Hash);
        assertEquals(2, (s.hash & 127) % 4, "the indirection table maps the low 7 bits, entry i = queue i % 4");
        assertEquals(1_000, s.tstamp);
        assertEquals(64 + 2, s.headroom(), "NET_SKB_PAD + NET_IP_ALIGN as posted");
        SkBuff a = n.rxReclaim(0);
        assertEquals(60, a.len(), "not IPv4: hash 0, queue 0");
        assertEquals(0, a.hash);
        assertFalse(a.l4Hash);
        int fq = n.rssQueue(frag, 0, frag.length);
        SkBuff fr = n.rxReclaim(fq);
        assertEquals(6, (fr.head()[fr.dataOffset() + 14 + 5] & 0xff), "the fragment, IP id 6");
        assertFalse(fr.l4Hash);
        assertEquals(List.of(1_000L, 2_000L, 3_000L), port.rxTimes(), "ports see every received frame");
        assertEquals(List.of(2, fq, 0), port.rxQueues());
        Map<String, Long> st = n.ethtoolStats();
        assertEquals(3, st.get("rx_packets"));
        assertEquals(460, st.get("rx_bytes"));
        assertEquals(1, st.get("rx_queue_2_packets"));
        assertEquals(3, st.get("rx_queue_2_empty"));
        assertEquals(0, st.get("rx_queue_2_filled"));
    }

    @Test
    void aRingWithoutEmptyBuffersMissesFrames() {
        EmulatedNic n = nic(cfg(1, 8));
        postEmpty(n, 0, 8);
        assertEquals(0, n.rxRingFree(0));
        assertFalse(n.rxPost(0, alloc.allocSkb(100)), "the ring is full");
        for (int i = 0; i < 10; i++) receiveAt(n, 1_000 * (i + 1), udp(1000, 100, i));
        loop.runUntil(100_000);
        Map<String, Long> st = n.ethtoolStats();
        assertEquals(8, st.get("rx_packets"));
        assertEquals(2, st.get("rx_missed"));
        assertEquals(2, st.get("rx_queue_0_missed"));
        assertEquals(8, st.get("rx_queue_0_filled"));
        assertEquals(10, port.rxFrames().size(), "the tap sees the missed frames too");
        for (int i = 0; i < 8; i++) {
            SkBuff s = n.rxReclaim(0);
            assertEquals(i, s.head()[s.dataOffset() + 14 + 5], "oldest first");
            alloc.free(s);
        }
        assertNull(n.rxReclaim(0));
        assertEquals(8, n.rxRingFree(0), "reclaimed buffers free their descriptors");
        postEmpty(n, 0, 1);
        receiveAt(n, 200_000, udp(1000, 100, 42));
        loop.runUntil(300_000);
        assertEquals(42, n.rxReclaim(0).head()[66 + 14 + 5]);
    }

    @Test
    void framesShorterThanAHeaderOrLongerThanTheMtuAreLengthErrors() {
        EmulatedNic n = nic(cfg(1, 8));
        postEmpty(n, 0, 4);
        receiveAt(n, 1_000, new byte[13]);
        receiveAt(n, 2_000, udp(1000, 1515, 1));
        receiveAt(n, 3_000, udp(1000, 1514, 2));
        loop.runUntil(10_000);
        Map<String, Long> st = n.ethtoolStats();
        assertEquals(2, st.get("rx_length_errors"));
        assertEquals(1, st.get("rx_packets"));
        assertEquals(1514, n.rxReclaim(0).len());
        assertThrows(IllegalArgumentException.class, () -> {
            SkBuff full = alloc.allocSkb(100);
            full.put(10);
            n.rxPost(0, full);
        }, "only empty buffers");
    }

    @Test
    void aPostedBufferTooSmallForTheFrameIsALengthError() {
        EmulatedNic n = nic(cfg(1, 8));
        assertTrue(n.rxPost(0, alloc.allocSkb(128)));
        receiveAt(n, 1_000, udp(1000, 1000, 1));
        loop.runUntil(10_000);
        assertEquals(1, n.ethtoolStats().get("rx_length_errors"));
        assertEquals(1, n.ethtoolStats().get("rx_queue_0_empty"), "the buffer stays posted");
    }

    @Test
    void rxFramesCoalesceInterrupts() {
        EmulatedNic n = nic(cfg(1, 64));
        postEmpty(n, 0, 64);
        n.setRxCoalesce(0, 4);
        for (int i = 0; i < 10; i++) receiveAt(n, 1_000 * (i + 1), udp(1000, 100, i));
        loop.runUntil(1_000_000);
        assertEquals(List.of(4_000L, 8_000L), irqTimes, "rx-frames 4: at the 4th and 8th frame; 2 stay unsignalled");
        irqTimes.clear();
        n.setRxCoalesce(50, 4); // the 2 pending frames: the timer starts now
        loop.runUntil(2_000_000);
        assertEquals(List.of(1_050_000L), irqTimes);

        EmulatedNic m = new EmulatedNic("h2/eth0", cfg(1, 64), loop, counters);
        List<Long> times = new ArrayList<>();
        m.requestIrq(() -> times.add(loop.now()));
        m.irqEnable();
        postEmptyOn(m, 64);
        m.setRxCoalesce(3, 4);
        long t0 = 3_000_000;
        for (int i = 0; i < 10; i++) {
            byte[] f = udp(1000, 100, i);
            at(t0 + 1_000L * i, () -> m.receive(loop.now(), f, 0, f.length));
        }
        loop.runUntil(4_000_000);
        // 4 frames by t0+3000 (count first), then frames 5..8 by t0+7000 (count), then 9 and 10: timer 3 µs after t0+8000
        assertEquals(List.of(t0 + 3_000, t0 + 7_000, t0 + 11_000), times);
        Map<String, Long> st = m.ethtoolStats();
        assertEquals(3, st.get("rx_irqs"));
        assertEquals(0, st.get("tx_irqs"));
        assertEquals(3, st.get("irqs"));
    }

    void postEmptyOn(EmulatedNic m, int count) {
        for (int i = 0; i < count; i++) {
            SkBuff s = alloc.allocSkb(1600);
            s.reserve(66);
            assertTrue(m.rxPost(0, s));
        }
    }

    @Test
    void withoutCoalescingEveryFrameInterruptsInANewEventAtItsArrival() {
        EmulatedNic n = nic(cfg(1, 64));
        postEmpty(n, 0, 64);
        for (int i = 0; i < 3; i++) receiveAt(n, 1_000 * (i + 1), udp(1000, 100, i));
        loop.runUntil(1_000_000);
        assertEquals(List.of(1_000L, 2_000L, 3_000L), irqTimes);
        assertEquals(3, counters.hardIrq);
    }

    @Test
    void rxFlushGivesFilledBuffersFirstThenEmptyOnes() {
        EmulatedNic n = nic(cfg(1, 8));
        postEmpty(n, 0, 5);
        receiveAt(n, 1_000, udp(1000, 100, 1));
        receiveAt(n, 2_000, udp(1000, 200, 2));
        loop.runUntil(10_000);
        List<Integer> lens = new ArrayList<>();
        n.rxFlush(0, s -> {
            lens.add(s.len());
            alloc.free(s);
        });
        assertEquals(List.of(100, 200, 0, 0, 0), lens);
        assertEquals(0, alloc.inUse());
        assertEquals(8, n.rxRingFree(0));
        assertEquals(2, n.ethtoolStats().get("rx_flushed"));
        assertNull(n.rxReclaim(0));
    }

    @Test
    void nothingIsReceivedWhileTheLinkIsDown() {
        EmulatedNic n = nic(cfg(1, 8));
        postEmpty(n, 0, 8);
        n.setLink(false);
        receiveAt(n, 1_000, udp(1000, 100, 1));
        loop.runUntil(10_000);
        assertEquals(1, n.ethtoolStats().get("rx_link_down"));
        assertEquals(0, n.ethtoolStats().get("rx_packets"));
        assertTrue(port.rxFrames().isEmpty());
    }
}
