package org.nicemu.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.Flowi4;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.NfHook;
import org.nicemu.api.inet.NudState;
import org.nicemu.api.inet.Route;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.UdpHeader;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.core.testing.DeviceHarness.RecordingPort;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.port.wire.WirePortFactory;

/**
 * Two hosts joined by a wire (1 Gbit/s, 1 ms), each with the IPv4 layer of this bundle:
 * h1 = 198.18.0.1/24 (02:00:00:00:00:01), h2 = 198.18.0.2/24 (02:00:00:00:00:02).
 */
class Ipv4LayerTest {
    static final int IP1 = 0xc6120001, IP2 = 0xc6120002;
    static final long MS = 1_000_000L;

    final DeviceHarness h = new DeviceHarness(1).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory());
    final Ipv4Component ipv4 = new Ipv4Component();
    Host h1, h2;
    Device d1, d2;
    final RecordingPort tx1 = new RecordingPort();
    final List<SkBuff> udpAt2 = new ArrayList<>();
    final List<byte[]> udpPayloads = new ArrayList<>();

    static NicConfig nic(int last) {
        return new NicConfig(1, 256, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 0, (byte) last},
                NicHardware.CAP_SG | NicHardware.CAP_CSUM, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
    }

    void setUp() {
        h.ipv4(ipv4);
        h1 = h.addHost("h1", 1);
        h2 = h.addHost("h2", 1);
        h.inLoop(() -> {
            d1 = h1.addDevice(new DeviceSpec("eth0", nic(1), "generic", Map.of(), null));
            d2 = h2.addDevice(new DeviceSpec("eth0", nic(2), "generic", Map.of(), null));
            WirePortFactory wires = new WirePortFactory();
            NicPort a = wires.open("eth0", 1, Map.of("name", "w", "rate", "1gbit", "delay", "1ms"));
            NicPort b = wires.open("eth0", 1, Map.of("name", "w", "rate", "1gbit", "delay", "1ms"));
            d1.attachPort(a);
            d2.attachPort(b);
            d1.attachPort(tx1);
            addr(h1, IP1);
            addr(h2, IP2);
            h2.addInetProtocol(Ipv4Header.IPPROTO_UDP, skb -> {
                byte[] p = new byte[skb.len()];
                skb.copyBits(0, p, 0, p.length);
                udpPayloads.add(p);
                skb.allocator().free(skb);
            });
        });
    }

    static void addr(Host host, int ip) {
        host.inet().addrs.add(new InetAddr("eth0", ip, 24));
        host.inet().fib.add(new Route(ip, 24, 0, "eth0", ip, 0, Route.Type.UNICAST));
    }

    /** A UDP datagram with {@code payload} bytes (pattern i & 0xff), skb->data at the UDP header. */
    static SkBuff udp(Host host, int payload, int src, int dst) {
        SkBuff s = host.allocator().allocSkb(64 + 8 + payload);
        s.reserve(64);
        int d = s.put(8 + payload);
        byte[] b = s.head();
        for (int i = 0; i < payload; i++) b[d + 8 + i] = (byte) i;
        UdpHeader.write(b, d, 1000, 2000, 8 + payload);
        UdpHeader.setChecksum(b, d, src, dst, 8 + payload);
        s.setTransportHeader(0);
        return s;
    }

    int sendUdp(Host from, int payload, int dst, boolean df) {
        int[] r = new int[1];
        h.inLoop(() -> r[0] = from.ipv4().ipQueueXmit(udp(from, payload, from == h1 ? IP1 : IP2, dst),
                new Flowi4(0, dst, Ipv4Header.IPPROTO_UDP, 0, 0, df)));
        return r[0];
    }

    static int etherType(byte[] f) { return EthernetHeader.ethertype(f, 0); }

    @Test
    void arpResolvesWithThreePacketsQueuedThenSendsThemInOrder() {
        setUp();
        h.inLoop(() -> {
            for (int i = 0; i < 3; i++) {
                h1.ipv4().ipQueueXmit(udp(h1, 100 + i, IP1, IP2), new Flowi4(0, IP2, Ipv4Header.IPPROTO_UDP, 0, 0, true));
            }
            assertEquals(NudState.INCOMPLETE, h1.inet().neigh.lookup("eth0", IP2).state);
            assertEquals(3, h1.inet().neigh.lookup("eth0", IP2).arpQueue.len());
        });
        h.runUntil(10 * MS);
        List<byte[]> f = tx1.frames();
        assertEquals(4, f.size(), "1 ARP request + 3 queued packets");
        assertEquals(0x0806, etherType(f.get(0)));
        for (int i = 1; i < 4; i++) {
            assertEquals(0x0800, etherType(f.get(i)));
            assertEquals(0x020000000002L, EthernetHeader.dst(f.get(i), 0));
            assertEquals(20 + 8 + 99 + i, Ipv4Header.totalLength(f.get(i), 14), "in order");
        }
        assertEquals(1, tx1.rxFrames().size(), "1 ARP reply");
        assertEquals(0x0806, etherType(tx1.rxFrames().get(0)));
        assertEquals(1, h1.inet().counters.arpRequestsOut);
        assertEquals(1, h1.inet().counters.arpRepliesIn);
        assertEquals(1, h2.inet().counters.arpRequestsIn);
        assertEquals(1, h2.inet().counters.arpRepliesOut);
        assertEquals(NudState.REACHABLE, h1.inet().neigh.lookup("eth0", IP2).state);
        assertEquals(NudState.STALE, h2.inet().neigh.lookup("eth0", IP1).state, "learned from the request");
        assertEquals(3, udpPayloads.size());
        for (int i = 0; i < 3; i++) assertEquals(8 + 100 + i, udpPayloads.get(i).length);
        // the reply arrives after request (60 B padded: 480 ns + 1 ms) and reply (480 ns + 1 ms)
        assertEquals(2 * (480 + MS), tx1.times().get(1) - tx1.times().get(0));
    }

    @Test
    void arpQueueLimitDropsTheOldestAndCounts() {
        setUp();
        h1.inet().neighUnresQlen = 3;
        h.inLoop(() -> {
            for (int i = 0; i < 5; i++) {
                h1.ipv4().ipQueueXmit(udp(h1, 100 + i, IP1, IP2), new Flowi4(0, IP2, Ipv4Header.IPPROTO_UDP, 0, 0, true));
            }
        });
        h.runUntil(10 * MS);
        assertEquals(2, h1.inet().counters.arpUnresolvedDrops);
        assertEquals(3, udpPayloads.size());
        assertEquals(8 + 102, udpPayloads.get(0).length, "the two oldest were dropped");
    }

    @Test
    void unansweredArpRetransmitsThreeTimesThenFails() {
        setUp();
        h.inLoop(() -> h1.ipv4().ipQueueXmit(udp(h1, 10, IP1, 0xc6120063), new Flowi4(0, 0xc6120063, Ipv4Header.IPPROTO_UDP, 0, 0, true)));
        h.runUntil(10_000 * MS);
        assertEquals(3, h1.inet().counters.arpRequestsOut);
        assertEquals(3, tx1.frames().size());
        assertEquals(1_000 * MS, tx1.times().get(1) - tx1.times().get(0));
        assertEquals(NudState.FAILED, h1.inet().neigh.lookup("eth0", 0xc6120063).state);
        assertEquals(1, h1.inet().counters.arpUnresolvedDrops);
    }

    @Test
    void fragmentsA4000ByteDatagramIntoThreeAndReassembles() {
        setUp();
        assertEquals(0, sendUdp(h1, 3992, IP2, false)); // 4000-byte UDP datagram
        h.runUntil(10 * MS);
        List<byte[]> ip = new ArrayList<>();
        for (byte[] f : tx1.frames()) if (etherType(f) == 0x0800) ip.add(f);
        assertEquals(3, ip.size());
        int[] offs = {0, 185, 370};
        int[] lens = {1500, 1500, 20 + 4000 - 2960};
        for (int i = 0; i < 3; i++) {
            byte[] f = ip.get(i);
            assertEquals(offs[i], Ipv4Header.fragOff(f, 14) & Ipv4Header.IP_OFFSET);
            assertEquals(i < 2, Ipv4Header.isMf(f, 14));
            assertEquals(lens[i], Ipv4Header.totalLength(f, 14));
            assertTrue(Ipv4Header.verifyChecksum(f, 14));
            assertEquals(Ipv4Header.id(ip.get(0), 14), Ipv4Header.id(f, 14));
        }
        assertEquals(3, h1.inet().counters.fragCreates);
        assertEquals(1, h1.inet().counters.fragOks);
        assertEquals(1, h2.inet().counters.reasmOks);
        assertEquals(3, h2.inet().counters.reasmReqds);
        assertEquals(1, udpPayloads.size());
        byte[] p = udpPayloads.get(0);
        assertEquals(4000, p.length);
        for (int i = 0; i < 3992; i++) assertEquals((byte) i, p[8 + i]);
    }

    @Test
    void dfSetAndTooBigIsDroppedWithEmsgsize() {
        setUp();
        assertEquals(-90, sendUdp(h1, 3992, IP2, true));
        assertEquals(1, h1.inet().counters.fragFails);
    }

    /** Injects raw bytes as if they arrived at h2's NIC from the wire. */
    void inject(byte[] frame) {
        h.inLoop(() -> d2.nic().receive(h.now(), frame, 0, frame.length));
        h.runUntil(h.now() + MS);
    }

    @Test
    void reassemblyTimesOutWhenAFragmentIsMissing() {
        setUp();
        h.runUntil(MS);
        byte[] f = DeviceHarness.udpBytes(0x020000000002L, 0x020000000001L, IP1, IP2, 1, 2, 14 + 20 + 8 + 1000, 7);
        Ipv4Header.setFragOff(f, 14, Ipv4Header.IP_MF);
        Ipv4Header.setChecksum(f, 14);
        inject(f);
        assertEquals(1, h2.inet().counters.reasmReqds);
        h.runUntil(31_000 * MS);
        assertEquals(1, h2.inet().counters.reasmTimeout);
        assertEquals(1, h2.inet().counters.reasmFails);
        assertEquals(0, udpPayloads.size());
    }

    @Test
    void badChecksumAndTruncatedHeadersAreCountedDrops() {
        setUp();
        h.runUntil(MS);
        byte[] bad = DeviceHarness.udpBytes(0x020000000002L, 0x020000000001L, IP1, IP2, 1, 2, 100, 7);
        bad[14 + Ipv4Header.CHECK] ^= 1;
        inject(bad);
        assertEquals(1, h2.inet().counters.inCsumErrors);
        assertEquals(1, h2.inet().counters.inHdrErrors);
        byte[] shortTot = DeviceHarness.udpBytes(0x020000000002L, 0x020000000001L, IP1, IP2, 1, 2, 100, 8);
        Ipv4Header.setTotalLength(shortTot, 14, 200);
        Ipv4Header.setChecksum(shortTot, 14);
        inject(shortTot);
        assertEquals(1, h2.inet().counters.inTruncatedPkts);
        byte[] badIhl = DeviceHarness.udpBytes(0x020000000002L, 0x020000000001L, IP1, IP2, 1, 2, 100, 9);
        badIhl[14] = 0x44;
        inject(badIhl);
        assertEquals(2, h2.inet().counters.inHdrErrors);
        byte[] good = DeviceHarness.udpBytes(0x020000000002L, 0x020000000001L, IP1, IP2, 1, 2, 100, 10);
        inject(good);
        assertEquals(4, h2.inet().counters.inReceives);
        assertEquals(1, h2.inet().counters.inDelivers);
        assertEquals(1, udpPayloads.size());
        byte[] other = DeviceHarness.udpBytes(0x020000000002L, 0x020000000001L, IP1, 0xc6120009, 1, 2, 100, 11);
        inject(other);
        assertEquals(1, h2.inet().counters.inAddrErrors);
    }

    @Test
    void postRoutingHookDropsAndCounts() {
        int[] seen = new int[1];
        h.nfHook((skb, out) -> {
            seen[0]++;
            return Ipv4Header.totalLength(skb.head(), skb.dataOffset()) > 100 ? NfHook.NF_DROP : NfHook.NF_ACCEPT;
        }, 0);
        setUp();
        assertEquals(-1, sendUdp(h1, 200, IP2, true));
        assertEquals(0, sendUdp(h1, 20, IP2, true));
        h.runUntil(10 * MS);
        assertEquals(2, seen[0]);
        assertEquals(1, h1.inet().counters.outDiscards);
        assertEquals(2, h1.inet().counters.outRequests);
        assertEquals(1, udpPayloads.size());
    }

    @Test
    void longestPrefixWinsAndTheDefaultRouteGoesViaTheGateway() {
        setUp();
        h.inLoop(() -> {
            h1.inet().fib.add(new Route(0, 0, IP2, "eth0", 0, 0, Route.Type.UNICAST));
            h1.inet().fib.add(new Route(0x0a000000, 8, 0xc6120063, "eth0", 0, 0, Route.Type.UNICAST));
            assertEquals(24, h1.inet().fib.lookup(IP2).prefixLen());
            assertEquals(8, h1.inet().fib.lookup(0x0a010203).prefixLen());
            assertEquals(0, h1.inet().fib.lookup(0x08080808).prefixLen());
        });
        // 8.8.8.8 via the default route: resolved next hop is the gateway 198.18.0.2
        sendUdp(h1, 20, 0x08080808, true);
        h.runUntil(10 * MS);
        assertEquals(IP2, h1.inet().neigh.entries().get(0).ip);
        List<byte[]> f = tx1.frames();
        assertEquals(0x0806, etherType(f.get(0)));
        assertEquals(IP2, org.nicemu.api.wire.ArpPacket.tpa(f.get(0), 14));
        assertEquals(0x0800, etherType(f.get(1)));
        assertEquals(0x08080808, Ipv4Header.dst(f.get(1), 14));
        assertEquals(0x020000000002L, EthernetHeader.dst(f.get(1), 0));
        assertEquals(1, h2.inet().counters.inAddrErrors, "h2 does not forward");
        h.inLoop(() -> h1.inet().fib.remove(new Route(0, 0, IP2, "eth0", 0, 0, Route.Type.UNICAST)));
        assertEquals(-101, sendUdp(h1, 20, 0x08080808, true));
        assertEquals(1, h1.inet().counters.outNoRoutes);
    }

    @Test
    void pingRttIsSerializationPlusTwiceTheDelayAndArpOnTheFirst() {
        setUp();
        List<Long> rtts = new ArrayList<>();
        long[] sent = new long[1];
        h.inLoop(() -> h1.addInetProtocol(1, skb -> {
            rtts.add(h.now() - sent[0]);
            skb.allocator().free(skb);
        }));
        for (int seq = 1; seq <= 2; seq++) {
            int s = seq;
            h.inLoop(() -> {
                sent[0] = h.now();
                SkBuff e = h1.allocator().allocSkb(64 + 64);
                e.reserve(64);
                int d = e.put(64);
                byte[] b = e.head();
                java.util.Arrays.fill(b, d, d + 64, (byte) 0);
                b[d] = 8;
                b[d + 5] = 1;
                b[d + 7] = (byte) s;
                int cs = org.nicemu.api.wire.InetChecksum.checksum(b, d, 64);
                b[d + 2] = (byte) (cs >>> 8);
                b[d + 3] = (byte) cs;
                e.setTransportHeader(0);
                h1.ipv4().ipQueueXmit(e, new Flowi4(0, IP2, 1, 0, 0, true));
            });
            h.runUntil(h.now() + 1_000 * MS);
        }
        assertEquals(2, rtts.size());
        // echo frame 14+20+64 = 98 B: 784 ns at 1 Gbit/s each way; ARP 60 B: 480 ns each way
        assertEquals(2 * (784 + MS), rtts.get(1));
        assertEquals(2 * (480 + MS) + 2 * (784 + MS), rtts.get(0));
        assertEquals(2, h2.inet().counters.icmpInEchos);
        assertEquals(2, h2.inet().counters.icmpOutEchoReps);
        assertEquals(2, h1.inet().counters.icmpInEchoReps);
    }

    @Test
    void unknownProtocolGetsProtocolUnreachable() {
        setUp();
        h.inLoop(() -> {
            SkBuff s = h1.allocator().allocSkb(64 + 40);
            s.reserve(64);
            s.put(40);
            s.setTransportHeader(0);
            h1.ipv4().ipQueueXmit(s, new Flowi4(0, IP2, 99, 0, 0, true));
        });
        h.runUntil(10 * MS);
        assertEquals(1, h2.inet().counters.inUnknownProtos);
        assertEquals(1, h2.inet().counters.icmpOutDestUnreachs);
        assertEquals(1, h1.inet().counters.icmpInDestUnreachs);
    }

    @Test
    void theLayerSwapsAndTheNeighbourSurvives() {
        setUp();
        sendUdp(h1, 20, IP2, true);
        h.runUntil(10 * MS);
        h.noIpv4(ipv4);
        assertEquals(null, h1.ipv4());
        Ipv4Component again = new Ipv4Component();
        h.ipv4(again);
        assertNotNull(h1.ipv4());
        sendUdp(h1, 20, IP2, true);
        h.runUntil(20 * MS);
        assertEquals(2, udpPayloads.size());
        assertEquals(1, h1.inet().counters.arpRequestsOut, "no new ARP: the entry lives in InetNs");
    }
}
