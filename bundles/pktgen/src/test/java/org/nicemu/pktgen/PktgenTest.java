package org.nicemu.pktgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.InetChecksum;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.UdpHeader;
import org.nicemu.pktgen.PktgenBed.Sent;

/** The generator on a real device layer, in virtual time, with exact numbers. */
class PktgenTest {
    private static final int SRC = 0xc6120001, DST = 0xc6120002;

    private static int be32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    // ---------------------------------------------------------------- pacing

    @Test
    void thousandFramesOf1250BytesAt1GbitDepartEvery10Micros() {
        PktgenBed b = new PktgenBed();
        PktgenService.Generator g = b.start("g1", Map.of("count", "1000", "pkt_size", "1250", "rate", "1gbit"));
        b.runUntil(1_000_000_000L);
        List<Sent> s = b.sent();
        assertEquals(1000, s.size());
        for (int i = 0; i < 1000; i++) assertEquals(i * 10_000L, s.get(i).timeNanos(), "departure of frame " + i);
        assertEquals(9_990_000L, s.get(999).timeNanos());
        assertTrue(g.done());
        Map<String, Long> st = g.stats();
        assertEquals(1000L, st.get("sofar"));
        assertEquals(0L, st.get("errors"));
        assertEquals(1_250_000L, st.get("bytes"));
        assertEquals(1L, st.get("flows"));
        assertEquals(1_000_000_000L, st.get("rate_bps"));
        assertEquals(0L, st.get("start_ns"));
        assertEquals(9_990_000L, st.get("last_ns"));
        assertEquals(0L, st.get("running"));
        assertEquals(0, b.host.allocator().inUse(), "every skb went back to the pool");
        assertEquals(1000, b.host.counters().skbAlloc, "one skb per frame, nothing else");
        assertFalse(b.emu.loopImpl().hasEvents(), "no event after the last frame");
    }

    @Test
    void nonIntegerIntervalDoesNotDrift() {
        // 60 B = 480 bit at 7 Mbit/s: 68571.428... ns per frame
        PktgenBed b = new PktgenBed();
        b.start("g", Map.of("count", "7001", "rate", "7mbit"));
        b.runUntil(Long.MAX_VALUE);
        List<Sent> s = b.sent();
        assertEquals(7001, s.size());
        for (int n = 0; n < s.size(); n++) assertEquals(n * 480_000L / 7, s.get(n).timeNanos(), "frame " + n);
        assertEquals(68_571L, s.get(1).timeNanos());
        assertEquals(137_142L, s.get(2).timeNanos());
        assertEquals(480_000_000L, s.get(7000).timeNanos(), "7000 intervals are exactly 480 ms");
    }

    @Test
    void ratepPacesInFramesPerSecond() {
        PktgenBed b = new PktgenBed();
        PktgenService.Generator g = b.start("g", Map.of("count", "4", "ratep", "3", "pkt_size", "1514"));
        b.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(0L, 333_333_333L, 666_666_666L, 1_000_000_000L), b.sent().stream().map(Sent::timeNanos).toList());
        assertEquals(3L, g.stats().get("rate_pps"));
        assertEquals(4 * 1514L, g.stats().get("bytes"));
    }

    @Test
    void defaultRateIsTheNicLineRateIncludingPreambleFcsAndIfgWhenTheNicCountsThem() {
        PktgenBed plain = new PktgenBed(1, 1_000_000_000L, false, false, 2);
        plain.start("g", Map.of("count", "3"));
        plain.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(0L, 480L, 960L), plain.sent().stream().map(Sent::timeNanos).toList(), "60 B at 1 Gbit/s");

        PktgenBed wire = new PktgenBed(1, 1_000_000_000L, true, false, 2);
        wire.start("g", Map.of("count", "3"));
        wire.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(0L, 672L, 1344L), wire.sent().stream().map(Sent::timeNanos).toList(), "(60 + 24) B at 1 Gbit/s");
        assertEquals(60, wire.sent().get(0).frame().length);
    }

    @Test
    void startOffsetCountsFromTheCurrentEmulatedTime() {
        PktgenBed b = new PktgenBed();
        Timer tick = b.emu.loop().newTimer("tick", () -> { });
        b.inLoop(() -> tick.arm(1_000_000L));
        b.runUntil(1_000_000L);
        assertEquals(1_000_000L, b.emu.loop().now());
        PktgenService.Generator g = b.start("g", Map.of("count", "2", "pkt_size", "1250", "rate", "1gbit", "start", "250us"));
        b.runUntil(Long.MAX_VALUE);
        assertEquals(List.of(1_250_000L, 1_260_000L), b.sent().stream().map(Sent::timeNanos).toList());
        assertEquals(1_250_000L, g.stats().get("start_ns"));
    }

    @Test
    void countZeroRunsUntilStopped() {
        PktgenBed b = new PktgenBed();
        PktgenService.Generator g = b.start("g", Map.of("pkt_size", "1250", "rate", "1gbit"));
        b.runUntil(1_000_000L);
        assertEquals(101, b.sent().size(), "frames at 0, 10, ..., 1000 us");
        assertFalse(g.done());
        assertEquals(1L, g.stats().get("running"));
        b.inLoop(g::stop);
        assertTrue(g.done());
        Timer tick = b.emu.loop().newTimer("tick", () -> { });
        b.inLoop(() -> tick.arm(2_000_000L));
        b.runUntil(2_000_000L);
        assertEquals(101, b.sent().size(), "nothing after stop");
        assertEquals(101L, g.stats().get("sofar"));
        assertEquals(126_250L, g.stats().get("bytes"));
        assertEquals(0L, g.stats().get("running"));
    }

    // ---------------------------------------------------------------- frames

    @Test
    void framesCarryCorrectHeadersChecksumsFlowsAndPktgenHeader() {
        PktgenBed b = new PktgenBed();
        // leave a dirty buffer in the pool: the generator must zero what it does not write
        b.inLoop(() -> {
            SkBuff dirty = b.host.allocator().allocSkb(PktgenDev.LL_RESERVE + 100);
            java.util.Arrays.fill(dirty.head(), (byte) 0x5a);
            b.host.allocator().free(dirty);
        });
        PktgenService.Generator g = b.start("g", Map.of("count", "8", "pkt_size", "100", "flows", "4", "ratep", "2",
                "start", "2500ms", "tos", "0x10", "cpu", "1"));
        b.runUntil(Long.MAX_VALUE);
        List<Sent> s = b.sent();
        assertEquals(8, s.size());
        for (int n = 0; n < 8; n++) {
            Sent f = s.get(n);
            byte[] x = f.frame();
            long t = 2_500_000_000L + n * 500_000_000L;
            assertEquals(t, f.timeNanos());
            assertEquals(100, x.length);
            // Ethernet
            assertEquals(0x020000000002L, EthernetHeader.dst(x, 0));
            assertEquals(0x020000000001L, EthernetHeader.src(x, 0), "the NIC's MAC");
            assertEquals(0x0800, EthernetHeader.ethertype(x, 0));
            // IPv4
            assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(x, 14, 86));
            assertTrue(Ipv4Header.verifyChecksum(x, 14));
            assertEquals(5, Ipv4Header.ihl(x, 14));
            assertEquals(0x10, Ipv4Header.tos(x, 14));
            assertEquals(86, Ipv4Header.totalLength(x, 14));
            assertEquals(n, Ipv4Header.id(x, 14), "ID increments per frame");
            assertEquals(Ipv4Header.IP_DF, Ipv4Header.fragOff(x, 14));
            assertEquals(64, Ipv4Header.ttl(x, 14));
            assertEquals(17, Ipv4Header.protocol(x, 14));
            assertEquals(SRC, Ipv4Header.src(x, 14));
            assertEquals(DST, Ipv4Header.dst(x, 14));
            // UDP
            assertEquals(9 + n % 4, UdpHeader.srcPort(x, 34), "flow " + n % 4);
            assertEquals(9, UdpHeader.dstPort(x, 34));
            assertEquals(66, UdpHeader.length(x, 34));
            assertNotEquals(0, UdpHeader.checksum(x, 34));
            assertEquals(UdpHeader.Check.OK, UdpHeader.validate(x, 34, 66, SRC, DST));
            // struct pktgen_hdr then zeros
            assertEquals(0xbe9be955, be32(x, 42));
            assertEquals(n + 1, be32(x, 46), "sequence number");
            assertEquals(t / 1_000_000_000L, be32(x, 50), "tv_sec");
            assertEquals(t % 1_000_000_000L / 1000, be32(x, 54), "tv_usec");
            for (int i = 58; i < 100; i++) assertEquals(0, x[i], "payload byte " + i);
            // skb metadata
            assertEquals(PktgenDev.LL_RESERVE, f.headroom());
            assertEquals(0, f.macOffset());
            assertEquals(14, f.networkOffset());
            assertEquals(34, f.transportOffset());
            assertEquals(0x0800, f.protocol());
            assertEquals(SkBuff.CHECKSUM_NONE, f.ipSummed());
            assertEquals(6, f.priority(), "rt_tos2priority(0x10) = TC_PRIO_INTERACTIVE");
            assertEquals(1, f.senderCpu());
            assertEquals(0, f.hash(), "left to the device; one queue, so nobody computed it");
        }
        assertEquals(2, be32(s.get(0).frame(), 50));
        assertEquals(500_000, be32(s.get(0).frame(), 54));
        assertEquals(8L, g.stats().get("sofar"));
    }

    @Test
    void explicitAddressesPortsAndPriority() {
        PktgenBed b = new PktgenBed();
        b.start("g", Map.of("count", "3", "src", "10.0.0.1", "dst", "10.0.0.2", "src_mac", "0a:00:00:00:00:01",
                "dst_mac", "0A:00:00:00:00:02", "udp_src_min", "5000", "udp_dst", "6000", "flows", "2", "tos", "0x10",
                "priority", "3"));
        b.runUntil(Long.MAX_VALUE);
        List<Sent> s = b.sent();
        assertEquals(3, s.size());
        for (int n = 0; n < 3; n++) {
            byte[] x = s.get(n).frame();
            assertEquals(0x0a0000000002L, EthernetHeader.dst(x, 0));
            assertEquals(0x0a0000000001L, EthernetHeader.src(x, 0));
            assertEquals(0x0a000001, Ipv4Header.src(x, 14));
            assertEquals(0x0a000002, Ipv4Header.dst(x, 14));
            assertEquals(5000 + n % 2, UdpHeader.srcPort(x, 34));
            assertEquals(6000, UdpHeader.dstPort(x, 34));
            assertEquals(UdpHeader.Check.OK, UdpHeader.validate(x, 34, 26, 0x0a000001, 0x0a000002));
            assertEquals(3, s.get(n).priority(), "an explicit priority wins over the TOS");
            assertEquals(0, s.get(n).senderCpu());
        }
    }

    @Test
    void rtTos2PriorityFollowsIpTos2prio() {
        assertEquals(0, PktgenParams.rtTos2Priority(0x00));
        assertEquals(0, PktgenParams.rtTos2Priority(0x02), "ECN/min-cost bit: best effort");
        assertEquals(0, PktgenParams.rtTos2Priority(0x04), "IPTOS_RELIABILITY: best effort");
        assertEquals(2, PktgenParams.rtTos2Priority(0x08), "IPTOS_THROUGHPUT: bulk");
        assertEquals(6, PktgenParams.rtTos2Priority(0x10), "IPTOS_LOWDELAY: interactive");
        assertEquals(4, PktgenParams.rtTos2Priority(0x18), "lowdelay|throughput: interactive bulk");
        assertEquals(4, PktgenParams.rtTos2Priority(0x1e));
        assertEquals(4, PktgenParams.rtTos2Priority(0xb8), "DSCP EF: 0xb8 & 0x1e = 0x18, interactive bulk");
    }

    @Test
    void csumOffloadLeavesChecksumPartialForTheDevice() {
        PktgenBed b = new PktgenBed(1, 1_000_000_000L, false, true, 2);
        b.start("g", Map.of("count", "2", "pkt_size", "200", "csum", "offload"));
        b.runUntil(Long.MAX_VALUE);
        for (Sent f : b.sent()) {
            assertEquals(SkBuff.CHECKSUM_PARTIAL, f.ipSummed());
            assertEquals(34, f.csumStartFromData(), "csum_start at the UDP header");
            assertEquals(UdpHeader.CHECK, f.csumOffset());
            byte[] x = f.frame().clone();
            int udpLen = 200 - 34;
            int pseudo = InetChecksum.reduce(InetChecksum.pseudoHeaderV4(SRC, DST, 17, udpLen));
            assertEquals(pseudo, UdpHeader.checksum(x, 34), "the folded pseudo-header sum, as udp4_hwcsum() leaves it");
            // complete it as hardware would: sum from csum_start to the end, store at csum_start + csum_offset
            int c = InetChecksum.fold(InetChecksum.partial(x, 34, udpLen, 0));
            UdpHeader.setChecksum(x, 34, c == 0 ? 0xffff : c);
            assertEquals(UdpHeader.Check.OK, UdpHeader.validate(x, 34, udpLen, SRC, DST));
        }
    }

    @Test
    void csumOffloadWithoutDeviceSupportIsCompletedBySoftwareAndMatchesSw() {
        Map<String, String> p = Map.of("count", "5", "pkt_size", "333", "flows", "3");
        PktgenBed sw = new PktgenBed();
        sw.start("g", p);
        sw.runUntil(Long.MAX_VALUE);
        Map<String, String> po = new HashMap<>(p);
        po.put("csum", "offload");
        PktgenBed off = new PktgenBed(1, 1_000_000_000L, false, false, 2);
        off.start("g", po);
        off.runUntil(Long.MAX_VALUE);
        assertEquals(5, off.sent().size());
        for (int i = 0; i < 5; i++) {
            assertEquals(SkBuff.CHECKSUM_NONE, off.sent().get(i).ipSummed(), "skb_checksum_help() ran in validate_xmit_skb()");
            assertArrayEquals(sw.sent().get(i).frame(), off.sent().get(i).frame(), "frame " + i);
        }
    }

    @Test
    void csumNoneSendsAZeroUdpChecksum() {
        PktgenBed b = new PktgenBed();
        b.start("g", Map.of("count", "1", "csum", "none"));
        b.runUntil(Long.MAX_VALUE);
        byte[] x = b.sent().get(0).frame();
        assertEquals(0, UdpHeader.checksum(x, 34));
        assertTrue(Ipv4Header.verifyChecksum(x, 14));
    }

    @Test
    void flowsSpreadOverTxQueuesByTheDevicesHash() {
        PktgenBed b = new PktgenBed(4, 10_000_000_000L, false, false, 2);
        b.start("g", Map.of("count", "64", "flows", "8"));
        b.runUntil(Long.MAX_VALUE);
        List<Sent> s = b.sent();
        assertEquals(64, s.size());
        Map<Integer, Integer> queueOfPort = new HashMap<>();
        Set<Integer> queues = new HashSet<>();
        for (Sent f : s) {
            int port = UdpHeader.srcPort(f.frame(), 34);
            Integer q = queueOfPort.putIfAbsent(port, f.queue());
            if (q != null) assertEquals(q, f.queue(), "flow with port " + port + " stays on one queue");
            queues.add(f.queue());
            assertNotEquals(0, f.hash(), "netdev_pick_tx() computed the flow hash");
        }
        assertEquals(Set.of(9, 10, 11, 12, 13, 14, 15, 16), queueOfPort.keySet());
        assertTrue(queues.size() > 1, "8 flows use more than one of 4 queues: " + queueOfPort);
    }

    @Test
    void sameSeedSameFrames() {
        Map<String, String> p = Map.of("count", "20", "pkt_size", "128", "flows", "5", "rate", "100mbit");
        PktgenBed a = new PktgenBed(4, 1_000_000_000L, false, false, 2);
        PktgenBed c = new PktgenBed(4, 1_000_000_000L, false, false, 2);
        a.start("g", p);
        c.start("g", p);
        a.runUntil(Long.MAX_VALUE);
        c.runUntil(Long.MAX_VALUE);
        assertEquals(20, a.sent().size());
        for (int i = 0; i < 20; i++) {
            assertEquals(a.sent().get(i).timeNanos(), c.sent().get(i).timeNanos());
            assertEquals(a.sent().get(i).queue(), c.sent().get(i).queue());
            assertArrayEquals(a.sent().get(i).frame(), c.sent().get(i).frame());
        }
    }

    // ---------------------------------------------------------------- errors, stop, lifecycle

    @Test
    void refusedFramesCountAsErrorsAndTowardsCount() {
        PktgenBed b = new PktgenBed();
        b.inLoop(() -> b.dev.setUp(false));
        PktgenService.Generator g = b.start("g", Map.of("count", "5", "pkt_size", "1000"));
        b.runUntil(Long.MAX_VALUE);
        assertTrue(g.done());
        assertEquals(0, b.sent().size());
        assertEquals(0L, g.stats().get("sofar"));
        assertEquals(5L, g.stats().get("errors"));
        assertEquals(0L, g.stats().get("bytes"));
        assertEquals(0, b.host.allocator().inUse(), "the device layer freed the dropped skbs");
    }

    @Test
    void countZeroFramesAfterStopAndDeactivateStopsRunningGenerators() {
        PktgenBed b = new PktgenBed();
        PktgenService.Generator g1 = b.start("g1", Map.of("rate", "1gbit", "pkt_size", "1250"));
        PktgenService.Generator g2 = b.start("g2", Map.of("count", "1", "rate", "1gbit", "pkt_size", "1250"));
        b.runUntil(50_000L);
        assertTrue(g2.done());
        assertEquals(List.of(g1), b.pktgen.running(), "finished generators leave the running list");
        b.pktgen.deactivate();
        assertTrue(g1.done());
        assertEquals(List.of(), b.pktgen.running());
        int sent = b.sent().size();
        assertEquals(7, sent, "g1 at 0..50 us (6) + g2 at 0 (1)");
        Timer tick = b.emu.loop().newTimer("tick", () -> { });
        b.inLoop(() -> tick.arm(100_000L));
        b.runUntil(100_000L);
        assertEquals(sent, b.sent().size());
    }

    @Test
    void usageNamesEveryParameter() {
        String u = new PktgenComponent().usage();
        for (String k : PktgenParams.ACCEPTED) assertTrue(u.contains(k + " "), k + " in usage:\n" + u);
    }

    private static String error(PktgenBed b, Map<String, String> p) {
        return assertThrows(IllegalArgumentException.class, () -> b.start("bad", p)).getMessage();
    }

    @Test
    void badParametersAreRejectedWithOneClearMessage() {
        PktgenBed b = new PktgenBed();
        assertEquals("pktgen: unknown parameter 'clone_skb'; accepted: count, pkt_size, rate, ratep, flows, udp_src_min, "
                + "udp_dst, src, dst, src_mac, dst_mac, tos, priority, cpu, csum, start", error(b, Map.of("clone_skb", "10")));
        assertEquals("pktgen: parameter 'pkt_size': '59' is not accepted; expected a frame size in bytes without FCS, "
                + "60..1514 (60..MTU+14)", error(b, Map.of("pkt_size", "59")));
        assertTrue(error(b, Map.of("pkt_size", "1515")).startsWith("pktgen: parameter 'pkt_size': '1515'"));
        assertEquals("pktgen: parameter 'count': '-1' is not accepted; expected a frame count 0..9223372036854775807 "
                + "(0 = until stopped)", error(b, Map.of("count", "-1")));
        assertEquals("pktgen: parameter 'rate': unknown unit 'furlongs' in '5furlongs'; expected a rate such as 1000000, "
                + "100kbit, 10mbit, 1gbit, 125kbps", error(b, Map.of("rate", "5furlongs")));
        assertTrue(error(b, Map.of("rate", "0")).startsWith("pktgen: parameter 'rate': '0' is not accepted; expected a positive rate"));
        assertTrue(error(b, Map.of("rate", "1gbit", "ratep", "10")).contains("'rate' and 'ratep' exclude each other"));
        assertTrue(error(b, Map.of("ratep", "0")).startsWith("pktgen: parameter 'ratep': '0'"));
        assertEquals("pktgen: parameter 'rate': 1000000000000 bit/s sends a 60-byte frame in less than 1 ns; expected at "
                + "most 480000000000 bit/s", error(b, Map.of("rate", "1tbit")));
        assertEquals("pktgen: parameter 'flows': '0' is not accepted; expected a number of flows 1..65536",
                error(b, Map.of("flows", "0")));
        assertTrue(error(b, Map.of("udp_src_min", "65535", "flows", "2")).contains("udp_src_min + flows - 1 must be at most 65535"));
        assertEquals("pktgen: parameter 'dst': '198.18.0' is not accepted; expected an IPv4 address such as 198.18.0.1",
                error(b, Map.of("dst", "198.18.0")));
        assertTrue(error(b, Map.of("dst_mac", "02:00:00:00:02")).startsWith("pktgen: parameter 'dst_mac': '02:00:00:00:02'"));
        assertEquals("pktgen: parameter 'csum': 'hw' is not accepted; expected sw (software checksum), offload "
                + "(CHECKSUM_PARTIAL) or none (zero checksum)", error(b, Map.of("csum", "hw")));
        assertEquals("pktgen: parameter 'cpu': '2' is not accepted; expected a CPU of host h1, 0..1", error(b, Map.of("cpu", "2")));
        assertTrue(error(b, Map.of("tos", "256")).startsWith("pktgen: parameter 'tos': '256'"));
        assertTrue(error(b, Map.of("start", "5parsecs")).startsWith("pktgen: parameter 'start': '5parsecs'"));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("count", null);
        assertEquals("pktgen: parameter 'count' has no value", error(b, nullValue));
        assertThrows(IllegalArgumentException.class, () -> b.start(" ", Map.of()));
        assertEquals(List.of(), b.pktgen.running(), "nothing started");
        assertEquals(0, b.sent().size());
    }

    // ---------------------------------------------------------------- pacer

    @Test
    void pacerMatchesTheExactFormula() {
        long num = 480L * 1_000_000_000L, den = 7_000_000L; // 60 B at 7 Mbit/s
        Pacer p = new Pacer(123, num, den);
        for (long n = 0; n < 1_000_000; n++) {
            assertEquals(123 + n * num / den, p.next());
            p.advance();
        }
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 1, 2));
    }
}
