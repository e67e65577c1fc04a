package org.nicemu.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicConfig.Arbitration;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.api.wire.UdpHeader;
import org.nicemu.core.exec.EmuLoop;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.core.testing.DeviceHarness.RecordingPort;

/** The NIC hardware model in virtual time, with exact times and counts. */
class EmulatedNicTest {
    static final long GBIT = 1_000_000_000L;
    static final int A = 0xc6120001, B = 0xc6120002;

    final EmuLoop loop = new EmuLoop(1, true);
    final CostCounters counters = new CostCounters();
    final SkbAllocator alloc = new SkbAllocator(counters);
    final RecordingPort port = idAt14Port();
    final List<Long> irqTimes = new ArrayList<>();

    /** A port that keeps copies of the frames with their timestamps and queues; a frame's id is its byte 14. */
    static RecordingPort idAt14Port() {
        return new RecordingPort(f -> f[14] & 0xff);
    }

    static NicConfig cfg(int queues, int ring, long rate, long caps, Arbitration arb, boolean ifg, long usecs, int frames) {
        return DeviceHarness.nicConfig(queues, ring, rate, caps, arb, ifg, usecs, frames);
    }

    EmulatedNic nic(NicConfig c) {
        EmulatedNic n = (EmulatedNic) new EmulatedNicFactory().create("h1/eth0", c, loop, counters);
        n.attachPort(port);
        n.requestIrq(() -> irqTimes.add(loop.now()));
        n.irqEnable();
        return n;
    }

    /** A linear frame of {@code len} bytes; byte 14 carries {@code id}. */
    SkBuff frame(int len, int id) {
        SkBuff s = alloc.allocSkb(len + 64);
        s.reserve(32);
        int off = s.put(len);
        Arrays.fill(s.head(), off, off + len, (byte) 0x5a);
        s.head()[off + 14] = (byte) id;
        return s;
    }

    void post(EmulatedNic n, int q, SkBuff skb) {
        assertTrue(n.txPost(q, skb));
    }

    void at(long t, Runnable r) {
        loop.newTimer("test", r).arm(t);
    }

    @Test
    void a1514ByteFrameAtOneGigabitTakes12304Nanoseconds() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        post(n, 0, frame(1514, 1));
        post(n, 0, frame(1514, 2));
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(0L, 12304L), port.times(), "each frame is stamped with its first bit");
        assertEquals(List.of(12304L, 24608L), irqTimes, "a completion when the last bit (and the IFG) has left");
        Map<String, Long> s = n.ethtoolStats();
        assertEquals(2, s.get("tx_packets"));
        assertEquals(3028, s.get("tx_bytes"), "wire bytes without FCS");
        assertEquals(24608, s.get("tx_wire_busy_ns"));
        assertEquals(2, s.get("tx_irqs"));
        assertEquals(2, counters.hardIrq);
    }

    @Test
    void withoutPreambleIfgOnlyTheCapturedBytesCount() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, 0, Arbitration.ROUND_ROBIN, false, 0, 0));
        post(n, 0, frame(1514, 1));
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(12112L), irqTimes, "1514 * 8 bits at 1 Gbit/s");
    }

    @Test
    void fractionalSerializationTimesDoNotDrift() {
        // 12304 bits at 3 Gbit/s = 4101.33 ns: the carry makes every third frame land exactly
        EmulatedNic n = nic(cfg(1, 16, 3 * GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        for (int i = 0; i < 7; i++) post(n, 0, frame(1514, i));
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(0L, 4101L, 8202L, 12304L, 16405L, 20506L, 24608L), port.times());
        assertEquals(28709L, irqTimes.get(6), "7 * 12304 / 3 = 28709.33");
    }

    @Test
    void aRateChangeAppliesToTheNextFrame() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        post(n, 0, frame(1514, 1));
        post(n, 0, frame(1514, 2));
        n.txDoorbell(0);
        at(100, () -> n.setRate(100_000_000L));
        loop.runUntil(1_000_000);
        assertEquals(List.of(0L, 12304L), port.times());
        assertEquals(List.of(12304L, 12304L + 123040L), irqTimes);
    }

    @Test
    void roundRobinTakesOneDescriptorPerRingInTurn() {
        EmulatedNic n = nic(cfg(2, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        for (int i = 0; i < 3; i++) post(n, 0, frame(100, i));
        for (int i = 0; i < 3; i++) post(n, 1, frame(100, 10 + i));
        n.txDoorbell(1);
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(0, 10, 1, 11, 2, 12), port.ids());
        assertEquals(List.of(0, 1, 0, 1, 0, 1), port.queues());
        long t = (100 + 24) * 8;
        assertEquals(List.of(0L, t, 2 * t, 3 * t, 4 * t, 5 * t), port.times());
        Map<String, Long> s = n.ethtoolStats();
        assertEquals(3, s.get("tx_queue_0_packets"));
        assertEquals(3, s.get("tx_queue_1_descriptors"));
        assertEquals(300, s.get("tx_queue_1_bytes"));
    }

    @Test
    void strictPriorityServesTheLowestRingFirst() {
        EmulatedNic n = nic(cfg(2, 8, GBIT, 0, Arbitration.STRICT_PRIORITY, true, 0, 0));
        for (int i = 0; i < 3; i++) post(n, 0, frame(100, i));
        for (int i = 0; i < 3; i++) post(n, 1, frame(100, 10 + i));
        n.txDoorbell(1); // rung first, but the NIC fetches after the event: both rings are visible
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(0, 1, 2, 10, 11, 12), port.ids());
    }

    @Test
    void strictPriorityDoesNotPreemptAFrameOnTheWire() {
        EmulatedNic n = nic(cfg(2, 8, GBIT, 0, Arbitration.STRICT_PRIORITY, true, 0, 0));
        for (int i = 0; i < 3; i++) post(n, 1, frame(100, 10 + i));
        n.txDoorbell(1);
        at(500, () -> {
            for (int i = 0; i < 3; i++) post(n, 0, frame(100, i));
            n.txDoorbell(0);
        });
        loop.runUntil(1_000_000);
        assertEquals(List.of(10, 0, 1, 2, 11, 12), port.ids());
    }

    @Test
    void postedDescriptorsWaitForTheDoorbell() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        post(n, 0, frame(100, 1));
        post(n, 0, frame(100, 2));
        loop.runUntil(10_000);
        assertTrue(port.frames().isEmpty(), "xmit_more: the tail register was not written");
        assertEquals(6, n.txRingFree(0));
        at(20_000, () -> n.txDoorbell(0));
        loop.runUntil(100_000);
        assertEquals(List.of(20_000L, 20_992L), port.times());
    }

    /** The TSO skb of the wire package's tests: 4096 payload bytes, MSS 1448, TCP with 12 option bytes. */
    SkBuff tcpTso() {
        SkBuff skb = DeviceHarness.tcpTsoFrame(alloc);
        byte[] h = skb.head();
        int payload = skb.dataOffset() + 14 + 20 + 32;
        for (int i = 0; i < 4096; i++) h[payload + i] = (byte) (i * 7 + 3);
        return skb;
    }

    @Test
    void tsoOfAThreeSegmentSkbGivesThreeFrames() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO,
                Arbitration.ROUND_ROBIN, true, 0, 0));
        post(n, 0, tcpTso());
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(3, port.frames().size());
        int[] lens = {1514, 1514, 1266};
        int[] seqs = {1000, 1000 + 1448, 1000 + 2896};
        for (int i = 0; i < 3; i++) {
            byte[] f = port.frames().get(i);
            assertEquals(lens[i], f.length);
            assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(f, 14, f.length - 14));
            assertEquals(TcpHeader.Check.OK, TcpHeader.validate(f, 34, f.length - 34, A, B));
            assertEquals(seqs[i], TcpHeader.seq(f, 34));
            assertEquals(100 + i, Ipv4Header.id(f, 14));
        }
        assertEquals(List.of(0L, 12304L, 24608L), port.times(), "segments go back to back");
        assertEquals(List.of(24608L + (1266 + 24) * 8), irqTimes, "one descriptor, one completion after its last segment");
        Map<String, Long> s = n.ethtoolStats();
        assertEquals(3, s.get("tx_packets"));
        assertEquals(3, s.get("tx_tso_segments"));
        assertEquals(1, s.get("tx_descriptors"));
        assertEquals(1514 + 1514 + 1266, s.get("tx_bytes"));
        assertNotNullReclaim(n);
    }

    private void assertNotNullReclaim(EmulatedNic n) {
        SkBuff skb = n.txReclaim(0);
        assertTrue(skb != null && skb.isGso());
        assertNull(n.txReclaim(0));
    }

    @Test
    void aGsoSkbWithoutHardwareTsoIsAMalformedDescriptor() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, NicHardware.CAP_SG, Arbitration.ROUND_ROBIN, true, 0, 0));
        post(n, 0, tcpTso());
        post(n, 0, frame(100, 7));
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(7), port.ids(), "nothing of the GSO skb reaches the wire");
        assertEquals(List.of(0L), port.times());
        Map<String, Long> s = n.ethtoolStats();
        assertEquals(1, s.get("tx_malformed"));
        assertEquals(2, s.get("tx_descriptors"), "both descriptors complete so the driver can reclaim them");
    }

    @Test
    void partialChecksumIsCompletedAndShortFramesArePaddedTo60() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, NicHardware.CAP_CSUM, Arbitration.ROUND_ROBIN, true, 0, 0));
        // a 42-byte frame: Ethernet + IPv4 + UDP with 0 payload bytes
        SkBuff skb = alloc.allocSkb(128);
        skb.reserve(32);
        int d = skb.put(42);
        byte[] h = skb.head();
        EthernetHeader.write(h, d, 0x020000000002L, 0x020000000001L, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, 28, 1, 0, 64, Ipv4Header.IPPROTO_UDP, A, B);
        UdpHeader.write(h, d + 34, 1234, 5678, 8);
        UdpHeader.setPartialChecksum(h, d + 34, A, B, 8);
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        skb.csumStart = d + 34;
        skb.csumOffset = UdpHeader.CHECK;
        post(n, 0, skb);
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        byte[] f = port.frames().get(0);
        assertEquals(60, f.length);
        for (int i = 42; i < 60; i++) assertEquals(0, f[i], "pad byte " + i);
        assertEquals(UdpHeader.Check.OK, UdpHeader.validate(f, 34, 8, A, B));
        assertEquals(List.of((long) (60 + 24) * 8), irqTimes, "the padded length is serialized: 672 ns");
        Map<String, Long> s = n.ethtoolStats();
        assertEquals(60, s.get("tx_bytes"));
        assertEquals(1, s.get("tx_padded"));
        assertEquals(SkBuff.CHECKSUM_PARTIAL, skb.ipSummed, "the skb itself is not modified");
    }

    @Test
    void coalescingByFramesRaisesOneIrqPerFourCompletions() {
        EmulatedNic n = nic(cfg(1, 16, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 4));
        for (int i = 0; i < 10; i++) post(n, 0, frame(60, i));
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(4 * 672L, 8 * 672L), irqTimes, "completions 9 and 10 stay pending (no tx-usecs)");
        assertEquals(2, counters.hardIrq);
        assertEquals(10, n.ethtoolStats().get("tx_descriptors"));
    }

    @Test
    void coalescingByTimeRaisesTheIrq50MicrosecondsAfterTheFirstCompletion() {
        EmulatedNic n = nic(cfg(1, 16, GBIT, 0, Arbitration.ROUND_ROBIN, true, 50, 0));
        for (int i = 0; i < 10; i++) post(n, 0, frame(60, i));
        n.txDoorbell(0);
        at(200_000, () -> {
            post(n, 0, frame(60, 10));
            n.txDoorbell(0);
        });
        loop.runUntil(1_000_000);
        assertEquals(List.of(672L + 50_000, 200_672L + 50_000), irqTimes);
    }

    @Test
    void framesAndTimeTogetherWhicheverComesFirst() {
        EmulatedNic n = nic(cfg(1, 16, GBIT, 0, Arbitration.ROUND_ROBIN, true, 3, 4));
        for (int i = 0; i < 6; i++) post(n, 0, frame(60, i));
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        // 4 completions by 2688 ns, before the 3 µs timer armed at the first (672) fires: IRQ by count;
        // then the 5th at 3360 arms the timer again and the 6th (4032) does not reach the count
        assertEquals(List.of(2688L, 3360L + 3000), irqTimes);
    }

    @Test
    void noCoalescingInterruptsOnEveryCompletion() {
        EmulatedNic n = nic(cfg(1, 16, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        for (int i = 0; i < 5; i++) post(n, 0, frame(60, i));
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(672L, 1344L, 2016L, 2688L, 3360L), irqTimes);
    }

    @Test
    void aMaskedInterruptIsLatchedAndDeliveredWhenUnmaskedInANewEvent() {
        EmulatedNic n = (EmulatedNic) new EmulatedNicFactory().create("x", cfg(1, 16, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0), loop, counters);
        List<Long> times = new ArrayList<>();
        boolean[] inEnable = new boolean[1];
        n.requestIrq(() -> {
            assertFalse(inEnable[0], "not re-entrant from irqEnable");
            times.add(loop.now());
            n.irqDisable(); // as a NAPI driver does
        });
        n.irqEnable();
        for (int i = 0; i < 3; i++) post(n, 0, frame(60, i));
        n.txDoorbell(0);
        at(5000, () -> {
            inEnable[0] = true;
            n.irqEnable();
            inEnable[0] = false;
        });
        loop.runUntil(1_000_000);
        assertEquals(List.of(672L, 5000L), times, "completions 2 and 3 happened while masked");
        assertEquals(2, counters.hardIrq);
    }

    @Test
    void linkDownStallsTheRingsAndLinkUpResumes() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        for (int i = 0; i < 3; i++) post(n, 0, frame(1514, i));
        n.txDoorbell(0);
        at(5_000, () -> n.setLink(false));
        at(100_000, () -> n.setLink(true));
        loop.runUntil(50_000);
        assertEquals(List.of(0L), port.times(), "the frame on the wire finishes, then nothing");
        assertFalse(n.linkUp());
        assertEquals(5, n.txRingFree(0), "descriptors stay in the ring (one completed, not reclaimed)");
        assertEquals(2, n.ethtoolStats().get("tx_queue_0_ring_used") - 1);
        loop.runUntil(1_000_000);
        assertEquals(List.of(0L, 100_000L, 112_304L), port.times());
        Map<String, Long> s = n.ethtoolStats();
        assertEquals(1, s.get("tx_link_down_stalls"));
        assertEquals(2, s.get("link_changes"));
        // completions at 12304, 112304, 124608 plus the two link status change interrupts at 5000 and 100000
        assertEquals(List.of(5_000L, 12_304L, 100_000L, 112_304L, 124_608L), irqTimes);
    }

    @Test
    void eachLinkDownPeriodWithWorkCountsOneStall() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        for (int i = 0; i < 4; i++) post(n, 0, frame(1514, i));
        n.txDoorbell(0);
        at(1_000, () -> n.setLink(false));
        at(50_000, () -> n.setLink(true));
        at(51_000, () -> n.setLink(false));
        at(90_000, () -> n.setLink(true));
        loop.runUntil(1_000_000);
        assertEquals(List.of(0L, 50_000L, 90_000L, 102_304L), port.times());
        assertEquals(2, n.ethtoolStats().get("tx_link_down_stalls"));
        assertEquals(4, n.ethtoolStats().get("link_changes"));
    }

    @Test
    void usoOfAUdpSkbGivesOneDatagramPerSegment() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_USO,
                Arbitration.ROUND_ROBIN, true, 0, 0));
        SkBuff skb = alloc.allocSkb(64 + 42 + 3000);
        skb.reserve(64);
        int d = skb.put(42 + 3000);
        byte[] h = skb.head();
        for (int i = 0; i < 3000; i++) h[d + 42 + i] = (byte) i;
        EthernetHeader.write(h, d, 0x020000000002L, 0x020000000001L, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, 28 + 3000, 7, 0, 64, Ipv4Header.IPPROTO_UDP, A, B);
        UdpHeader.write(h, d + 34, 1234, 5678, 8 + 3000);
        UdpHeader.setPartialChecksum(h, d + 34, A, B, 8 + 3000);
        skb.resetMacHeader();
        skb.setNetworkHeader(14);
        skb.setTransportHeader(34);
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        skb.csumStart = skb.transportHeader;
        skb.csumOffset = UdpHeader.CHECK;
        skb.setGso(1000, 3, SkBuff.SKB_GSO_UDP_L4);
        post(n, 0, skb);
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(3, port.frames().size());
        for (byte[] f : port.frames()) {
            assertEquals(1042, f.length);
            assertEquals(1008, UdpHeader.length(f, 34));
            assertEquals(UdpHeader.Check.OK, UdpHeader.validate(f, 34, 1008, A, B));
        }
        assertEquals(3, n.ethtoolStats().get("tx_tso_segments"));
    }

    @Test
    void aFullRingRefusesThePost() {
        EmulatedNic n = nic(cfg(1, 4, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        for (int i = 0; i < 4; i++) post(n, 0, frame(60, i));
        assertEquals(0, n.txRingFree(0));
        SkBuff extra = frame(60, 9);
        assertFalse(n.txPost(0, extra));
        n.txDoorbell(0);
        loop.runUntil(672);
        assertEquals(0, n.txRingFree(0), "completed but not reclaimed descriptors still occupy the ring");
        SkBuff first = n.txReclaim(0);
        assertEquals(0, first.head()[first.dataOffset() + 14]);
        assertNull(n.txReclaim(0));
        assertEquals(1, n.txRingFree(0));
        assertTrue(n.txPost(0, extra));
        n.txDoorbell(0);
        loop.runUntil(1_000_000);
        assertEquals(List.of(0, 1, 2, 3, 9), port.ids());
        int reclaimed = 0;
        while (n.txReclaim(0) != null) reclaimed++;
        assertEquals(4, reclaimed);
        assertEquals(4, n.txRingFree(0));
    }

    @Test
    void flushGivesBackUnsentDescriptorsOldestFirst() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        SkBuff[] s = new SkBuff[4];
        for (int i = 0; i < 4; i++) post(n, 0, s[i] = frame(1514, i));
        n.txDoorbell(0);
        post(n, 0, frame(1514, 99)); // posted, no doorbell
        loop.runUntil(15_000); // frame 0 done at 12304, frame 1 on the wire
        n.irqDisable();
        List<SkBuff> back = new ArrayList<>();
        n.txFlush(0, back::add);
        assertSame(s[2], back.get(0));
        assertSame(s[3], back.get(1));
        assertEquals(3, back.size(), "2, 3 and the one without doorbell; 1 is already on the wire and completes");
        assertSame(s[0], n.txReclaim(0));
        assertSame(s[1], n.txReclaim(0));
        assertNull(n.txReclaim(0));
        assertEquals(8, n.txRingFree(0));
        loop.runUntil(1_000_000);
        assertEquals(List.of(0, 1), port.ids());
        assertEquals(3, n.ethtoolStats().get("tx_flushed"));
        // the ring works after the reset; the wire is busy until frame 1 ends at 24608
        post(n, 0, frame(60, 5));
        n.txDoorbell(0);
        loop.runUntil(2_000_000);
        assertEquals(List.of(0, 1, 5), port.ids());
    }

    @Test
    void flushCutsATsoBurstShort() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, NicHardware.CAP_SG | NicHardware.CAP_TSO, Arbitration.ROUND_ROBIN, true, 0, 0));
        SkBuff tso = tcpTso();
        post(n, 0, tso);
        n.txDoorbell(0);
        loop.runUntil(13_000); // segment 1 of 3 on the wire
        List<SkBuff> back = new ArrayList<>();
        n.txFlush(0, back::add);
        assertEquals(List.of(tso), back);
        assertNull(n.txReclaim(0));
        loop.runUntil(1_000_000);
        assertEquals(2, port.frames().size(), "the segments already on the wire stay counted");
        assertEquals(2, n.ethtoolStats().get("tx_packets"));
        assertEquals(0, n.ethtoolStats().get("tx_descriptors"));
    }

    @Test
    void portsAttachAndDetach() {
        EmulatedNic n = nic(cfg(1, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        RecordingPort second = idAt14Port();
        n.attachPort(second);
        post(n, 0, frame(60, 1));
        n.txDoorbell(0);
        loop.runUntil(1000);
        n.detachPort(second);
        post(n, 0, frame(60, 2));
        n.txDoorbell(0);
        loop.runUntil(10_000);
        assertEquals(List.of(1, 2), port.ids());
        assertEquals(List.of(1), second.ids());
    }

    @Test
    void badArgumentsAreRejected() {
        EmulatedNic n = nic(cfg(2, 8, GBIT, 0, Arbitration.ROUND_ROBIN, true, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> n.txRingFree(2));
        assertThrows(IllegalArgumentException.class, () -> n.setRate(10));
        assertThrows(IllegalArgumentException.class, () -> n.setTxCoalesce(-1, 0));
        assertThrows(IllegalStateException.class, () -> n.requestIrq(() -> { }));
    }
}
