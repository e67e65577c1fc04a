package org.nicemu.ip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.Flowi4;
import org.nicemu.api.inet.IpCounters;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.wire.ArpPacket;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.InetChecksum;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.UdpHeader;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.port.wire.WirePortFactory;

/**
 * Issue 3: a seeded fuzz of h2's receive path. 120,000 random and mutated frames (random bytes,
 * truncated and corrupted IPv4/UDP/ICMP/ARP, bad IHL/version/tot_len/checksums, IP options,
 * fragments with random offsets, flags and ids, ARP with bad lengths, types and opcodes, other
 * EtherTypes and MACs) go into h2's NIC as if from the wire. The wire is attached only afterwards,
 * so every frame h2 receives in the fuzz phase is one the test injected. Checks: nothing throws;
 * every frame is accounted for as delivered or as a counted drop; reassembly memory stays within
 * ipfrag_high_thresh; all skbs are freed in the end; a UDP datagram and pings between h1 and h2
 * then work exactly.
 */
class Ipv4ReceiveFuzzTest {
    static final int IP1 = Ipv4LayerTest.IP1, IP2 = Ipv4LayerTest.IP2;
    static final long MAC1 = 0x020000000001L, MAC2 = 0x020000000002L, MS = 1_000_000L;
    static final int FRAMES = 120_000, BATCH = 32;
    /** ipfrag_high_thresh, low enough for the fuzz to reach it. */
    static final long THRESH = 48 * 1024;

    final DeviceHarness h = new DeviceHarness(1).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory());
    final SplittableRandom rnd = new SplittableRandom(0x5eed_1b4L);
    Host h1, h2;
    Device d1, d2;
    final List<byte[]> udpAt2 = new ArrayList<>();
    long udpDelivered;

    @Test
    void randomAndMutatedFramesAreAllAccountedForAndTheHostStillWorks() {
        h.ipv4(new Ipv4Component());
        h1 = h.addHost("h1", 1);
        h2 = h.addHost("h2", 1);
        h.inLoop(() -> {
            d1 = h1.addDevice(new DeviceSpec("eth0", Ipv4LayerTest.nic(1), "generic", Map.of(), null));
            d2 = h2.addDevice(new DeviceSpec("eth0", Ipv4LayerTest.nic(2), "generic", Map.of(), null));
            Ipv4LayerTest.addr(h1, IP1);
            Ipv4LayerTest.addr(h2, IP2);
            h2.addInetProtocol(Ipv4Header.IPPROTO_UDP, skb -> {
                udpDelivered++;
                if (udpAt2.size() < 16) {
                    byte[] p = new byte[skb.len()];
                    skb.copyBits(0, p, 0, p.length);
                    udpAt2.add(p);
                }
                skb.allocator().free(skb);
            });
        });
        h2.inet().ipfragHighThreshBytes = THRESH;
        h2.inet().ipfragTimeNanos = 20 * MS; // queues expire during the fuzz (which lasts ~75 ms emulated)
        h.runUntil(MS);
        long baseline = h2.allocator().inUse() - DeviceHarness.rxRingSkbs(d2);
        Map<String, Long> nic0 = d2.nic().ethtoolStats(), dev0 = d2.stats();
        Map<String, Long> ip0 = h2.inet().counters.snapshot();
        Ipv4LayerImpl layer = (Ipv4LayerImpl) h2.ipv4();
        Nic nic = d2.nic();
        long[] kinds = new long[10];
        long maxMem = 0;
        for (int done = 0; done < FRAMES; done += BATCH) {
            List<byte[]> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                int k = rnd.nextInt(kinds.length);
                kinds[k]++;
                batch.add(frame(k));
            }
            h.inLoop(() -> {
                for (byte[] f : batch) nic.receive(h.now(), f, 0, f.length);
            });
            h.runUntil(h.now() + 20_000);
            maxMem = Math.max(maxMem, layer.defrag().mem());
            assertTrue(layer.defrag().mem() <= THRESH, "reassembly memory " + layer.defrag().mem());
        }
        assertTrue(maxMem > THRESH - 1600, "the fuzz took reassembly up to ipfrag_high_thresh: " + maxMem);
        int queuesAtEnd = layer.defrag().queues();
        // ARP retransmissions (3 s) and reassembly timeouts (30 s) run out
        h.runUntil(h.now() + 40_000 * MS);
        assertEquals(0, layer.defrag().queues());
        assertEquals(0, layer.defrag().mem());
        assertEquals(baseline, h2.allocator().inUse() - DeviceHarness.rxRingSkbs(d2), "h2's skbs all freed");

        Map<String, Long> nic1 = d2.nic().ethtoolStats(), dev1 = d2.stats();
        Map<String, Long> ip1 = h2.inet().counters.snapshot();
        Map<String, Long> d = new LinkedHashMap<>();
        for (String key : new String[] {"rx_length_errors", "rx_missed", "rx_link_down"}) d.put("nic." + key, nic1.get(key) - nic0.get(key));
        for (String key : new String[] {"rx_packets", "rx_dropped"}) d.put("dev." + key, dev1.get(key) - dev0.get(key));
        for (Map.Entry<String, Long> e : ip1.entrySet()) d.put(e.getKey(), e.getValue() - ip0.get(e.getKey()));
        System.out.println("fuzz: frames " + FRAMES + " by kind " + java.util.Arrays.toString(kinds) + ", max reassembly mem "
                + maxMem + ", queues at end of fuzz " + queuesAtEnd + ", neighbours " + h2.inet().neigh.entries().size()
                + ", drops " + d2.drops().snapshot());
        System.out.println("fuzz: counters " + d);

        long nicDrops = d.get("nic.rx_length_errors") + d.get("nic.rx_missed") + d.get("nic.rx_link_down");
        assertEquals(FRAMES, nicDrops + d.get("dev.rx_packets"), "every frame reached the stack or was a NIC drop");
        long arpFrames = d.get("ArpRequestsIn") + d.get("ArpRepliesIn") + d.get("ArpInErrors");
        assertEquals(d.get("dev.rx_packets"), d.get("dev.rx_dropped") + d.get("IpInReceives") + arpFrames,
                "the device dropped it, or IP or ARP got it");
        long datagrams = d.get("IpInDelivers") + d.get("IpInUnknownProtos"); // after reassembly
        long nonFragments = datagrams - d.get("IpReasmOKs");
        assertEquals(d.get("IpInReceives"), d.get("IpInDiscards") + d.get("IpInHdrErrors") + d.get("IpExtInTruncatedPkts")
                + d.get("IpInAddrErrors") + nonFragments + d.get("IpReasmReqds"), "IP: dropped, delivered whole, or a fragment");
        long reassembledFragments = d.get("IpReasmReqds") - d.get("IpExtReasmFragDrops");
        assertTrue(reassembledFragments >= 2 * d.get("IpReasmOKs"), "a reassembled datagram takes at least 2 fragments");
        // delivered: to ARP processing, to a protocol (or, IpInUnknownProtos, to ICMP protocol
        // unreachable) as a whole datagram, or into a reassembled datagram
        long delivered = d.get("ArpRequestsIn") + d.get("ArpRepliesIn") + nonFragments + reassembledFragments;
        long drops = nicDrops + d.get("dev.rx_dropped") + d.get("ArpInErrors") + d.get("IpInDiscards") + d.get("IpInHdrErrors")
                + d.get("IpExtInTruncatedPkts") + d.get("IpInAddrErrors") + d.get("IpExtReasmFragDrops");
        System.out.println("fuzz: delivered " + delivered + " (UDP handler " + udpDelivered + ", IpInUnknownProtos "
                + d.get("IpInUnknownProtos") + " datagrams), dropped " + drops);
        assertEquals(FRAMES, delivered + drops, "injected == delivered + drops");
        assertTrue(udpDelivered <= d.get("IpInDelivers"));
        assertTrue(delivered > 1_000 && d.get("IpReasmOKs") > 0 && d.get("IpExtReasmFragDrops") > 0 && d.get("ArpInErrors") > 0
                && d.get("IpInHdrErrors") > 0 && d.get("IpExtInTruncatedPkts") > 0 && d.get("nic.rx_length_errors") > 0
                && d.get("dev.rx_dropped") > 0 && d.get("IpInUnknownProtos") > 0 && d.get("IpReasmFails") > 0,
                "the fuzz reaches every kind of drop: " + d);

        afterwardsH1AndH2StillTalk();
    }

    void afterwardsH1AndH2StillTalk() {
        IpCounters c2 = h2.inet().counters;
        long rxDropped0 = d2.stats().get("rx_dropped");
        udpAt2.clear();
        h.inLoop(() -> {
            WirePortFactory wires = new WirePortFactory();
            NicPort a = wires.open("eth0", 1, Map.of("name", "w", "rate", "1gbit", "delay", "1ms"));
            NicPort b = wires.open("eth0", 1, Map.of("name", "w", "rate", "1gbit", "delay", "1ms"));
            d1.attachPort(a);
            d2.attachPort(b);
        });
        // a UDP datagram, fragmented (4000 bytes) and reassembled exactly
        h.inLoop(() -> h1.ipv4().ipQueueXmit(Ipv4LayerTest.udp(h1, 3992, IP1, IP2), new Flowi4(0, IP2, Ipv4Header.IPPROTO_UDP, 0, 0, false)));
        h.runUntil(h.now() + 10 * MS);
        assertEquals(1, udpAt2.size());
        byte[] p = udpAt2.get(0);
        assertEquals(4000, p.length);
        for (int i = 0; i < 3992; i++) assertEquals((byte) i, p[8 + i]);
        // pings: the reply carries the request's data, RTT = 2 x (98 B at 1 Gbit/s + 1 ms)
        List<Long> rtts = new ArrayList<>();
        List<byte[]> replies = new ArrayList<>();
        long[] sent = new long[1];
        h.inLoop(() -> h1.addInetProtocol(1, skb -> {
            rtts.add(h.now() - sent[0]);
            byte[] r = new byte[skb.len()];
            skb.copyBits(0, r, 0, r.length);
            replies.add(r);
            skb.allocator().free(skb);
        }));
        for (int seq = 1; seq <= 3; seq++) {
            int s = seq;
            h.inLoop(() -> {
                sent[0] = h.now();
                SkBuff e = h1.allocator().allocSkb(64 + 64);
                e.reserve(64);
                int d = e.put(64);
                byte[] b = e.head();
                for (int i = 0; i < 64; i++) b[d + i] = (byte) (i * 7);
                b[d] = 8;
                b[d + 1] = 0;
                b[d + 2] = 0;
                b[d + 3] = 0;
                b[d + 7] = (byte) s;
                int cs = InetChecksum.checksum(b, d, 64);
                b[d + 2] = (byte) (cs >>> 8);
                b[d + 3] = (byte) cs;
                e.setTransportHeader(0);
                h1.ipv4().ipQueueXmit(e, new Flowi4(0, IP2, 1, 0, 0, true));
            });
            h.runUntil(h.now() + 1_000 * MS);
        }
        assertEquals(3, rtts.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(2 * (784 + MS), rtts.get(i), "ping " + (i + 1));
            byte[] r = replies.get(i);
            assertEquals(64, r.length);
            assertEquals(0, r[0], "echo reply");
            assertEquals(i + 1, r[7]);
            byte[] want = new byte[56];
            for (int j = 0; j < 56; j++) want[j] = (byte) ((8 + j) * 7);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(r, 8, 64), "data echoed exactly");
        }
        assertEquals(rxDropped0, d2.stats().get("rx_dropped"));
        assertTrue(c2.icmpOutEchoReps >= 3);
    }

    // ------------------------------------------------------------------ frames

    byte[] pendingFragment;
    int nextId = 1000;

    byte[] frame(int kind) {
        if (pendingFragment != null) {
            byte[] f = pendingFragment;
            pendingFragment = null;
            return f;
        }
        switch (kind) {
            case 0: return randomBytes();
            case 1: return mutate(udp());
            case 2: return truncate(kind == 2 && rnd.nextBoolean() ? udp() : icmp());
            case 3: return mutate(icmp());
            case 4: return arp();
            case 5: return fragment();
            case 6: return badIpHeader();
            case 7: return rnd.nextInt(4) == 0 ? mutate(fragment()) : fragment();
            case 8: return otherEthernet();
            default: return rnd.nextInt(3) == 0 ? wholeInTwoFragments() : rnd.nextBoolean() ? udp() : icmp();
        }
    }

    byte[] randomBytes() {
        byte[] f = new byte[rnd.nextInt(1600)];
        for (int i = 0; i < f.length; i++) f[i] = (byte) rnd.nextInt();
        if (f.length >= 14 && rnd.nextBoolean()) {
            EthernetHeader.write(f, 0, dstMac(), MAC1, rnd.nextBoolean() ? 0x0800 : 0x0806);
        }
        return f;
    }

    long dstMac() {
        int r = rnd.nextInt(10);
        return r < 7 ? MAC2 : r < 9 ? 0xffffffffffffL : rnd.nextLong() & 0xffffffffffffL;
    }

    int srcIp() {
        int r = rnd.nextInt(8);
        // IP1 is left out: h2's neighbour entry for h1 is not poisoned by forged packets
        return r < 4 ? 0xc6120000 | (3 + rnd.nextInt(250)) : r < 6 ? rnd.nextInt() : r == 6 ? 0 : 0xffffffff;
    }

    int dstIp() {
        int r = rnd.nextInt(10);
        return r < 7 ? IP2 : r == 7 ? 0xc61200ff : r == 8 ? 0xffffffff : rnd.nextInt();
    }

    byte[] ipFrame(int proto, int l4len, int fragOff) {
        byte[] f = new byte[34 + l4len];
        EthernetHeader.write(f, 0, dstMac(), MAC1, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(f, 14, rnd.nextInt(256), 20 + l4len, rnd.nextInt(8), fragOff, 1 + rnd.nextInt(255), proto, srcIp(), dstIp());
        return f;
    }

    byte[] udp() {
        int len = 8 + rnd.nextInt(1400);
        byte[] f = ipFrame(Ipv4Header.IPPROTO_UDP, len, rnd.nextBoolean() ? Ipv4Header.IP_DF : 0);
        for (int i = 42; i < f.length; i++) f[i] = (byte) rnd.nextInt();
        UdpHeader.write(f, 34, rnd.nextInt(65536), rnd.nextInt(65536), len);
        UdpHeader.setChecksum(f, 34, Ipv4Header.src(f, 14), Ipv4Header.dst(f, 14), len);
        return f;
    }

    byte[] icmp() {
        int len = 8 + rnd.nextInt(600);
        int[] types = {0, 3, 8, 11, 5, 13, 14, rnd.nextInt(256)};
        int[] protos = {1, 6, 17, 99, rnd.nextInt(256)};
        int p = rnd.nextInt(20) == 0 ? protos[rnd.nextInt(protos.length)] : Ipv4Header.IPPROTO_ICMP;
        byte[] f = ipFrame(p, len, 0);
        for (int i = 34; i < f.length; i++) f[i] = (byte) rnd.nextInt();
        f[34] = (byte) types[rnd.nextInt(types.length)];
        f[35] = (byte) rnd.nextInt(16);
        if (f[34] == 3 && len >= 8 + 28) { // quote an IP header (random protocol, often UDP)
            Ipv4Header.write(f, 42, 0, 28 + rnd.nextInt(100), 1, 0, 64, rnd.nextBoolean() ? 17 : rnd.nextInt(256), IP2, srcIp());
        }
        f[36] = 0;
        f[37] = 0;
        if (rnd.nextInt(10) != 0) {
            int cs = InetChecksum.checksum(f, 34, len);
            f[36] = (byte) (cs >>> 8);
            f[37] = (byte) cs;
        }
        return f;
    }

    /** A fragment of one of a few datagrams (ids 0..7 from a few sources), random offset, MF, length. */
    byte[] fragment() {
        int payload = rnd.nextInt(5) == 0 ? rnd.nextInt(1480) : 8 * (1 + rnd.nextInt(60));
        int off = rnd.nextInt(4) == 0 ? rnd.nextInt(0x2000) : rnd.nextInt(8);
        int flags = (rnd.nextInt(3) != 0 ? Ipv4Header.IP_MF : 0) | (rnd.nextInt(10) == 0 ? Ipv4Header.IP_DF : 0);
        if (off == 0 && flags == 0) flags = Ipv4Header.IP_MF;
        byte[] f = new byte[34 + payload];
        EthernetHeader.write(f, 0, MAC2, MAC1, EthernetHeader.ETH_P_IP);
        int proto = rnd.nextInt(6) == 0 ? 99 : rnd.nextBoolean() ? Ipv4Header.IPPROTO_UDP : Ipv4Header.IPPROTO_ICMP;
        Ipv4Header.write(f, 14, 0, 20 + payload, rnd.nextInt(8), flags | off, 64, proto, 0xc6120000 | (3 + rnd.nextInt(3)), IP2);
        for (int i = 34; i < f.length; i++) f[i] = (byte) rnd.nextInt();
        return f;
    }

    /** A valid UDP datagram in two fragments (a fresh id); returns the first, the second comes next. */
    byte[] wholeInTwoFragments() {
        byte[] u = udp();
        Ipv4Header.setDst(u, 14, IP2);
        Ipv4Header.setSrc(u, 14, 0xc6120000 | (3 + rnd.nextInt(250)));
        int l4 = u.length - 34;
        if (l4 < 16) return u;
        UdpHeader.setChecksum(u, 34, Ipv4Header.src(u, 14), IP2, l4);
        int first = 8 * (1 + rnd.nextInt(Math.max(1, l4 / 8 - 1)));
        if (first >= l4) first = 8;
        int id = nextId++ & 0xffff;
        byte[] a = new byte[34 + first], b = new byte[34 + l4 - first];
        System.arraycopy(u, 0, a, 0, 34 + first);
        System.arraycopy(u, 0, b, 0, 34);
        System.arraycopy(u, 34 + first, b, 34, l4 - first);
        EthernetHeader.write(a, 0, MAC2, MAC1, EthernetHeader.ETH_P_IP);
        EthernetHeader.write(b, 0, MAC2, MAC1, EthernetHeader.ETH_P_IP);
        Ipv4Header.setId(a, 14, id);
        Ipv4Header.setId(b, 14, id);
        Ipv4Header.setTotalLength(a, 14, 20 + first);
        Ipv4Header.setTotalLength(b, 14, 20 + l4 - first);
        Ipv4Header.setFragOff(a, 14, Ipv4Header.IP_MF);
        Ipv4Header.setFragOff(b, 14, first / 8);
        Ipv4Header.setChecksum(a, 14);
        Ipv4Header.setChecksum(b, 14);
        pendingFragment = b;
        return a;
    }

    byte[] badIpHeader() {
        byte[] f = rnd.nextBoolean() ? udp() : icmp();
        switch (rnd.nextInt(6)) {
            case 0: f[14] = (byte) (0x40 | rnd.nextInt(16)); break;                                   // any IHL
            case 1: f[14] = (byte) (rnd.nextInt(16) << 4 | 5); break;                                  // any version
            case 2: Ipv4Header.setTotalLength(f, 14, rnd.nextInt(65536)); break;                      // any tot_len
            case 3: f[14 + Ipv4Header.CHECK] ^= (byte) (1 + rnd.nextInt(255)); return f;              // bad checksum
            case 4: {                                                                                  // options, valid
                int opt = 4 * (1 + rnd.nextInt(10));
                byte[] g = new byte[f.length + opt];
                System.arraycopy(f, 0, g, 0, 34);
                System.arraycopy(f, 34, g, 34 + opt, f.length - 34);
                for (int i = 34; i < 34 + opt; i++) g[i] = 1; // NOPs
                g[14] = (byte) (0x45 + opt / 4);
                Ipv4Header.setTotalLength(g, 14, Ipv4Header.totalLength(f, 14) + opt);
                f = g;
                break;
            }
            default: f[14 + Ipv4Header.PROTOCOL] = (byte) rnd.nextInt(256);
        }
        if (rnd.nextInt(4) != 0 && ihlFits(f)) Ipv4Header.setChecksum(f, 14);
        return f;
    }

    byte[] arp() {
        byte[] f = new byte[42 + (rnd.nextInt(4) == 0 ? rnd.nextInt(20) : 0)];
        long sha = rnd.nextInt(8) == 0 ? rnd.nextLong() & 0xffffffffffffL : 0x020000000100L + rnd.nextInt(64);
        int spa = rnd.nextInt(8) == 0 ? rnd.nextInt() : 0xc6120000 | (3 + rnd.nextInt(250));
        int tpa = rnd.nextInt(3) != 0 ? IP2 : rnd.nextBoolean() ? spa : rnd.nextInt();
        EthernetHeader.write(f, 0, rnd.nextBoolean() ? MAC2 : 0xffffffffffffL, sha, EthernetHeader.ETH_P_ARP);
        ArpPacket.write(f, 14, 1 + rnd.nextInt(2), sha, spa, rnd.nextBoolean() ? 0 : MAC2, tpa);
        switch (rnd.nextInt(8)) {
            case 0: f[14 + ArpPacket.HLEN] = (byte) rnd.nextInt(256); break;
            case 1: f[14 + ArpPacket.PLEN] = (byte) rnd.nextInt(256); break;
            case 2: ArpPacket.setOper(f, 14, rnd.nextInt(65536)); break;
            case 3: f[14 + ArpPacket.HTYPE + 1] = (byte) rnd.nextInt(256); break;
            case 4: f = java.util.Arrays.copyOf(f, 14 + rnd.nextInt(28)); break; // cut ARP
            default:
        }
        return f;
    }

    byte[] otherEthernet() {
        byte[] f = new byte[14 + rnd.nextInt(200)];
        for (int i = 0; i < f.length; i++) f[i] = (byte) rnd.nextInt();
        int[] types = {0x86dd, 0x8100, 0x88cc, 0x0042, rnd.nextInt(65536)};
        EthernetHeader.write(f, 0, dstMac(), MAC1, types[rnd.nextInt(types.length)]);
        return f;
    }

    /** The IP header's IHL is valid and the header is all there (so its checksum can be set). */
    static boolean ihlFits(byte[] f) {
        return f.length >= 34 && (f[14] & 0xf) >= 5 && f.length >= 14 + 4 * (f[14] & 0xf);
    }

    byte[] truncate(byte[] f) {
        return java.util.Arrays.copyOf(f, rnd.nextInt(f.length + 1));
    }

    /** Flips 1..4 random bytes after the Ethernet header, maybe restoring the IP checksum. */
    byte[] mutate(byte[] f) {
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n && f.length > 14; i++) f[14 + rnd.nextInt(f.length - 14)] ^= (byte) (1 + rnd.nextInt(255));
        if (rnd.nextBoolean() && ihlFits(f)) Ipv4Header.setChecksum(f, 14);
        if (rnd.nextInt(5) == 0) f = truncate(f);
        return f;
    }
}
