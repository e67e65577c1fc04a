package org.nicemu.api.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nicemu.api.skb.Page;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;

class GsoTest {
    static final int A = 0xc6120001, B = 0xc6120002; // 198.18.0.1 -> 198.18.0.2
    static final long MAC1 = 0x020000000001L, MAC2 = 0x020000000002L;
    static final int HEADROOM = 64;

    SkbAllocator alloc;

    @BeforeEach
    void setUp() {
        alloc = new SkbAllocator(new CostCounters());
    }

    static byte[] pattern(int n, int mul, int add) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) (i * mul + add);
        return p;
    }

    /**
     * Builds an skb with data at the Ethernet header: {@code hdr} bytes of headers written by the caller,
     * then {@code linearPayload} payload bytes in the linear part and the rest in frags of the given
     * (page offset, size) pairs.
     */
    SkBuff skb(int hdrLen, byte[] payload, int linearPayload, int... frags) {
        SkBuff skb = alloc.allocSkb(HEADROOM + hdrLen + linearPayload);
        skb.reserve(HEADROOM);
        int at = skb.put(hdrLen + linearPayload);
        System.arraycopy(payload, 0, skb.head(), at + hdrLen, linearPayload);
        int p = linearPayload;
        for (int i = 0; i < frags.length; i += 2) {
            Page pg = alloc.allocPage();
            Arrays.fill(pg.bytes(), (byte) 0xee);
            System.arraycopy(payload, p, pg.bytes(), frags[i], frags[i + 1]);
            skb.addFrag(pg, frags[i], frags[i + 1]);
            p += frags[i + 1];
        }
        assertEquals(payload.length, p);
        skb.resetMacHeader();
        skb.setNetworkHeader(EthernetHeader.ETH_HLEN);
        skb.setTransportHeader(EthernetHeader.ETH_HLEN + Ipv4Header.MIN_LEN);
        skb.protocol = EthernetHeader.ETH_P_IP;
        return skb;
    }

    /** The TSO case: 4096 bytes, gso_size 1448, TCP with a 12-byte timestamp option, payload split 100 / 2000 / 1996. */
    SkBuff tcpTso() {
        byte[] payload = pattern(4096, 7, 3);
        SkBuff skb = skb(66, payload, 100, 10, 2000, 0, 1996);
        byte[] h = skb.head();
        int d = skb.dataOffset();
        EthernetHeader.write(h, d, MAC2, MAC1, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, 20 + 32 + 4096, 0xfffe, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_TCP, A, B);
        TcpHeader.write(h, d + 34, 40000, 5201, 0xfffffa00, 0x01020304, 32,
                TcpHeader.CWR | TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN, 502);
        System.arraycopy(InetChecksumTest.hex("0101080a 0a0b0c0d 01020304"), 0, h, d + 54, 12);
        skb.setGso(1448, 3, SkBuff.SKB_GSO_TCPV4);
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        skb.csumStart = skb.transportHeader;
        skb.csumOffset = TcpHeader.CHECK;
        return skb;
    }

    @Test
    void tcpTsoThreeSegments() {
        SkBuff skb = tcpTso();
        byte[] before = Arrays.copyOf(skb.head(), skb.head().length);
        byte[] payload = pattern(4096, 7, 3);
        assertEquals(66, Gso.headerLength(skb));
        assertEquals(3, Gso.segmentCount(skb));

        int[] frameLen = {1514, 1514, 1266};
        int[] ipId = {0xfffe, 0xffff, 0x0000};
        int[] ipCsum = {0xa8f5, 0xa8f4, 0xa9ec}; // from an independent implementation
        int[] seq = {0xfffffa00, 0xffffffa8, 0x00000550};
        int[] flags = {TcpHeader.CWR | TcpHeader.ACK, TcpHeader.ACK, TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN};
        int[] tcpCsum = {0x12ec, 0x2be0, 0x036b};
        byte[] out = new byte[2000];
        for (int i = 0; i < 3; i++) {
            Arrays.fill(out, (byte) 0x55);
            assertEquals(frameLen[i], Gso.segmentLength(skb, i));
            int n = Gso.writeSegment(skb, i, out, 7);
            assertEquals(frameLen[i], n, "segment " + i);
            int ip = 7 + 14, tcp = ip + 20;
            assertEquals(0x55, out[6] & 0xff);
            assertEquals(0x55, out[7 + n] & 0xff);
            assertEquals(MAC2, EthernetHeader.dst(out, 7));
            assertEquals(MAC1, EthernetHeader.src(out, 7));
            assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(out, ip, n - 14));
            assertEquals(n - 14, Ipv4Header.totalLength(out, ip));
            assertEquals(ipId[i], Ipv4Header.id(out, ip));
            assertTrue(Ipv4Header.isDf(out, ip));
            assertEquals(ipCsum[i], Ipv4Header.checksum(out, ip));
            assertTrue(InetChecksum.verifies(out, ip, 20));
            assertEquals(seq[i], TcpHeader.seq(out, tcp));
            assertEquals(0x01020304, TcpHeader.ackSeq(out, tcp));
            assertEquals(flags[i], TcpHeader.flags(out, tcp), "flags of segment " + i);
            assertEquals(32, TcpHeader.headerLength(out, tcp));
            assertEquals(502, TcpHeader.window(out, tcp));
            assertArrayEquals(InetChecksumTest.hex("0101080a 0a0b0c0d 01020304"), Arrays.copyOfRange(out, tcp + 20, tcp + 32));
            assertEquals(tcpCsum[i], TcpHeader.checksum(out, tcp));
            assertTrue(InetChecksum.verifies(out, tcp, n - 34, InetChecksum.pseudoHeaderV4(A, B, 6, n - 34)));
            assertEquals(TcpHeader.Check.OK, TcpHeader.validate(out, tcp, n - 34, A, B));
            assertArrayEquals(Arrays.copyOfRange(payload, i * 1448, i * 1448 + n - 66), Arrays.copyOfRange(out, 7 + 66, 7 + n));
        }
        assertArrayEquals(before, skb.head(), "the skb is not modified");
        alloc.free(skb);
        assertEquals(0, alloc.inUse());
    }

    @Test
    void udpL4ThreeSegments() {
        byte[] payload = pattern(3000, 13, 5);
        SkBuff skb = skb(42, payload, 0, 3, 1111, 0, 1889); // all payload in frags, odd boundaries
        byte[] h = skb.head();
        int d = skb.dataOffset();
        EthernetHeader.write(h, d, MAC2, MAC1, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, 20 + 8 + 3000, 0x1234, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_UDP, A, B);
        UdpHeader.write(h, d + 34, 5000, 6000, 8 + 3000);
        skb.setGso(1200, 3, SkBuff.SKB_GSO_UDP_L4);
        assertEquals(42, Gso.headerLength(skb));
        assertEquals(3, Gso.segmentCount(skb));

        int[] udpLen = {1208, 1208, 608};
        int[] ipCsum = {0x97c5, 0x97c4, 0x9a1b};
        int[] udpCsum = {0x9439, 0x15b9, 0x3ecc};
        byte[] out = new byte[1300];
        for (int i = 0; i < 3; i++) {
            int n = Gso.writeSegment(skb, i, out, 0);
            assertEquals(34 + udpLen[i], n);
            assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(out, 14, n - 14));
            assertEquals(20 + udpLen[i], Ipv4Header.totalLength(out, 14));
            assertEquals(0x1234 + i, Ipv4Header.id(out, 14));
            assertEquals(ipCsum[i], Ipv4Header.checksum(out, 14));
            assertEquals(udpLen[i], UdpHeader.length(out, 34));
            assertEquals(5000, UdpHeader.srcPort(out, 34));
            assertEquals(udpCsum[i], UdpHeader.checksum(out, 34));
            assertTrue(InetChecksum.verifies(out, 34, udpLen[i], InetChecksum.pseudoHeaderV4(A, B, 17, udpLen[i])));
            assertEquals(UdpHeader.Check.OK, UdpHeader.validate(out, 34, n - 34, A, B));
            assertArrayEquals(Arrays.copyOfRange(payload, i * 1200, i * 1200 + udpLen[i] - 8), Arrays.copyOfRange(out, 42, n));
        }
        alloc.free(skb);
        assertEquals(0, alloc.inUse());
    }

    @Test
    void segmentCountBoundaries() {
        SkBuff skb = tcpTso();
        skb.setGso(1024, 0, SkBuff.SKB_GSO_TCPV4);
        assertEquals(4, Gso.segmentCount(skb)); // exact multiple
        skb.setGso(4096, 0, SkBuff.SKB_GSO_TCPV4);
        assertEquals(1, Gso.segmentCount(skb)); // fits one segment: sent as is
        skb.setGso(8000, 0, SkBuff.SKB_GSO_TCPV4);
        assertEquals(1, Gso.segmentCount(skb));
        assertEquals(66 + 4096, Gso.segmentLength(skb, 0));
        skb.setGso(1, 0, SkBuff.SKB_GSO_TCPV4);
        assertEquals(4096, Gso.segmentCount(skb));
        skb.setGso(0, 0, 0);
        assertEquals(1, Gso.segmentCount(skb)); // not GSO
        assertEquals(skb.len(), Gso.segmentLength(skb, 0));
        alloc.free(skb);
    }

    @Test
    void preconditionViolationsReturnErrors() {
        SkBuff skb = tcpTso();
        byte[] out = new byte[2000];
        assertEquals(Gso.EINVAL, Gso.writeSegment(skb, 3, out, 0));
        assertEquals(Gso.EINVAL, Gso.writeSegment(skb, -1, out, 0));
        assertEquals(Gso.EINVAL, Gso.segmentLength(skb, 3));
        assertEquals(Gso.ENOSPC, Gso.writeSegment(skb, 0, new byte[1513], 0));
        assertEquals(Gso.ENOSPC, Gso.writeSegment(skb, 0, out, 500));
        assertEquals(Gso.EINVAL, Gso.writeFrame(skb, new byte[5000], 0)); // GSO skb: segment it

        skb.setGso(1448, 3, SkBuff.SKB_GSO_UDP_L4); // TCP packet with a UDP gso_type
        assertEquals(Gso.EINVAL, Gso.segmentCount(skb));
        assertEquals(Gso.EINVAL, Gso.writeSegment(skb, 0, out, 0));
        skb.setGso(1448, 3, SkBuff.SKB_GSO_TCPV4);
        skb.setTransportHeader(14 + 24); // not network + IHL*4
        assertEquals(Gso.EINVAL, Gso.headerLength(skb));
        skb.setTransportHeader(14 + 20);
        skb.head()[skb.networkHeader] = 0x65; // not IPv4
        assertEquals(Gso.EINVAL, Gso.headerLength(skb));
        skb.head()[skb.networkHeader] = 0x45;
        skb.head()[skb.transportHeader + TcpHeader.DATA_OFF] = (byte) 0xf0; // options beyond the linear part? 60 bytes fit
        assertEquals(14 + 20 + 60, Gso.headerLength(skb));
        skb.head()[skb.transportHeader + TcpHeader.DATA_OFF] = (byte) 0x40; // doff 4
        assertEquals(Gso.EINVAL, Gso.headerLength(skb));
        skb.head()[skb.transportHeader + TcpHeader.DATA_OFF] = (byte) 0x80;
        skb.networkHeader = -1;
        assertEquals(Gso.EINVAL, Gso.headerLength(skb));
        alloc.free(skb);

        // headers not in the linear part
        byte[] payload = pattern(3000, 1, 0);
        SkBuff s2 = skb(34, payload, 0, 0, 3000);
        Ipv4Header.write(s2.head(), s2.dataOffset() + 14, 0, 3020, 1, 0, 64, Ipv4Header.IPPROTO_TCP, A, B);
        s2.setGso(1000, 3, SkBuff.SKB_GSO_TCPV4);
        assertEquals(Gso.EINVAL, Gso.segmentCount(s2));
        alloc.free(s2);
        assertEquals(0, alloc.inUse());
    }

    /** A non-GSO TCP frame with CHECKSUM_PARTIAL: the pseudo-header sum is in the field, 1000 payload bytes. */
    SkBuff tcpPartial(int linearPayload, int... frags) {
        byte[] payload = pattern(1000, 7, 3);
        SkBuff skb = skb(54, payload, linearPayload, frags);
        byte[] h = skb.head();
        int d = skb.dataOffset();
        EthernetHeader.write(h, d, MAC2, MAC1, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, 20 + 20 + 1000, 9, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_TCP, A, B);
        TcpHeader.write(h, d + 34, 40000, 5201, 1000, 2000, 20, TcpHeader.ACK | TcpHeader.PSH, 502);
        TcpHeader.setPartialChecksum(h, d + 34, A, B, 1020);
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        skb.csumStart = skb.transportHeader;
        skb.csumOffset = TcpHeader.CHECK;
        return skb;
    }

    @Test
    void writeFrameCompletesPartialChecksum() {
        SkBuff skb = tcpPartial(11, 1, 333, 5, 656);
        int seeded = TcpHeader.checksum(skb.head(), skb.transportHeader);
        assertEquals(InetChecksum.reduce(InetChecksum.pseudoHeaderV4(A, B, 6, 1020)), seeded);
        assertEquals(1, Gso.segmentCount(skb));
        byte[] out = new byte[1100];
        assertEquals(1054, Gso.writeSegment(skb, 0, out, 3));
        assertEquals(0x4ab8, TcpHeader.checksum(out, 3 + 34)); // from an independent implementation
        assertEquals(TcpHeader.Check.OK, TcpHeader.validate(out, 3 + 34, 1020, A, B));
        assertEquals(seeded, TcpHeader.checksum(skb.head(), skb.transportHeader), "skb not modified");
        assertEquals(SkBuff.CHECKSUM_PARTIAL, skb.ipSummed);

        // CHECKSUM_NONE: copied as is
        skb.ipSummed = SkBuff.CHECKSUM_NONE;
        assertEquals(1054, Gso.writeFrame(skb, out, 0));
        assertEquals(seeded, TcpHeader.checksum(out, 34));
        assertEquals(Gso.ENOSPC, Gso.writeFrame(skb, new byte[1053], 0));
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        skb.csumOffset = 2000;
        assertEquals(Gso.EINVAL, Gso.writeFrame(skb, out, 0));
        alloc.free(skb);
    }

    @Test
    void checksumHelpInPlace() {
        SkBuff skb = tcpPartial(11, 1, 333, 5, 656); // odd frag boundaries
        assertTrue(Gso.checksumHelp(skb));
        assertEquals(SkBuff.CHECKSUM_NONE, skb.ipSummed);
        assertEquals(0x4ab8, TcpHeader.checksum(skb.head(), skb.transportHeader));
        assertTrue(Gso.checksumHelp(skb)); // nothing left to do
        assertEquals(0x4ab8, TcpHeader.checksum(skb.head(), skb.transportHeader));
        alloc.free(skb);

        SkBuff lin = tcpPartial(1000);
        assertTrue(Gso.checksumHelp(lin));
        assertEquals(0x4ab8, TcpHeader.checksum(lin.head(), lin.transportHeader));
        alloc.free(lin);
        assertEquals(0, alloc.inUse());
    }

    @Test
    void checksumHelpRefusesSharedDataAndFieldsOutsideTheLinearPart() {
        SkBuff skb = tcpPartial(0, 0, 1000);
        SkBuff clone = alloc.clone(skb);
        int seeded = TcpHeader.checksum(skb.head(), skb.transportHeader);
        assertTrue(skb.dataShared());
        assertFalse(Gso.checksumHelp(skb));
        assertEquals(SkBuff.CHECKSUM_PARTIAL, skb.ipSummed);
        assertEquals(seeded, TcpHeader.checksum(skb.head(), skb.transportHeader));
        // the caller copies, then completes the private copy
        SkBuff copy = alloc.pskbCopy(skb, false);
        assertTrue(Gso.checksumHelp(copy));
        assertEquals(0x4ab8, TcpHeader.checksum(copy.head(), copy.transportHeader));
        alloc.free(copy);
        alloc.free(clone);
        assertFalse(skb.dataShared());
        assertTrue(Gso.checksumHelp(skb));
        assertEquals(0x4ab8, TcpHeader.checksum(skb.head(), skb.transportHeader));
        alloc.free(skb);

        SkBuff s = tcpPartial(0, 0, 1000);
        s.csumStart = s.dataOffset() + 54; // start in the frags
        assertFalse(Gso.checksumHelp(s));
        s.csumStart = s.transportHeader;
        s.csumOffset = 19; // field straddles the end of the linear part
        assertFalse(Gso.checksumHelp(s));
        s.csumOffset = TcpHeader.CHECK;
        s.setGso(500, 2, SkBuff.SKB_GSO_TCPV4);
        assertFalse(Gso.checksumHelp(s));
        assertEquals(SkBuff.CHECKSUM_PARTIAL, s.ipSummed);
        alloc.free(s);
        assertEquals(0, alloc.inUse());
    }

    @Test
    void checksumHelpSendsComputedZeroAsFfff() {
        // UDP 198.18.0.1:5000 -> 198.18.0.2:6000, 2 payload bytes 48 ba: the checksum computes to 0x0000
        SkBuff skb = skb(42, new byte[] {0x48, (byte) 0xba}, 1, 100, 1);
        byte[] h = skb.head();
        int d = skb.dataOffset();
        EthernetHeader.write(h, d, MAC2, MAC1, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, 30, 1, 0, 64, Ipv4Header.IPPROTO_UDP, A, B);
        UdpHeader.write(h, d + 34, 5000, 6000, 10);
        UdpHeader.setPartialChecksum(h, d + 34, A, B, 10);
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        skb.csumStart = skb.transportHeader;
        skb.csumOffset = UdpHeader.CHECK;
        byte[] out = new byte[44];
        assertEquals(44, Gso.writeFrame(skb, out, 0));
        assertEquals(0xffff, UdpHeader.checksum(out, 34));
        assertTrue(Gso.checksumHelp(skb));
        assertEquals(0xffff, UdpHeader.checksum(h, d + 34));
        byte[] lin = new byte[44];
        assertTrue(skb.copyBits(0, lin, 0, 44));
        assertEquals(UdpHeader.Check.OK, UdpHeader.validate(lin, 34, 10, A, B));
        assertEquals(UdpHeader.Check.OK, UdpHeader.validate(out, 34, 10, A, B));
        alloc.free(skb);
    }

    @Test
    void skbChecksumAcrossOddFragBoundaries() {
        byte[] payload = pattern(1001, 31, 17);
        SkBuff skb = skb(3, payload, 0, 1, 1, 7, 500, 0, 3, 2, 497);
        byte[] lin = new byte[skb.len()];
        assertTrue(skb.copyBits(0, lin, 0, lin.length));
        for (int off : new int[] {0, 1, 2, 3, 4, 5, 100, 503, 504}) {
            assertEquals(InetChecksum.reduce(InetChecksum.partial(lin, off, lin.length - off, 0)),
                    InetChecksum.reduce(InetChecksum.skbChecksum(skb, off, lin.length - off, 0)), "offset " + off);
        }
        alloc.free(skb);
    }
}
