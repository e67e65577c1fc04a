package org.nicemu.api.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nicemu.api.wire.InetChecksumTest.hex;

import org.junit.jupiter.api.Test;

class HeaderTest {
    static final int A = 0xc6120001, B = 0xc6120002; // 198.18.0.1, 198.18.0.2

    /** A TCP SYN as Linux 6.18 sent it (reference-pcaps/linux-tcp.pcap, frame 1): IP csum 369d, TCP csum 100c. */
    static final String LINUX_SYN = "0200c61201010200c612010208004500003c75f740004006369dc6120102c6120101aafe13f318d2aa80"
            + "00000000a002faf0100c0000020405b40402080a26a205f2000000000103030a";

    /** UDP 198.18.0.1:5000 -> 198.18.0.2:6000 "hello nicemu", checksums from an independent implementation. */
    static final String UDP_FRAME = "0200000000020200000000010800450000281c46400040119257c6120001c6120002138817700014c56f"
            + "68656c6c6f206e6963656d75";

    @Test
    void realLinuxTcpSyn() {
        byte[] f = hex(LINUX_SYN);
        assertTrue(EthernetHeader.checkLen(f, 0, f.length));
        assertEquals(EthernetHeader.ETH_P_IP, EthernetHeader.ethertype(f, 0));
        assertEquals("02:00:c6:12:01:01", EthernetHeader.dstAddress(f, 0).toString());
        assertEquals("02:00:c6:12:01:02", EthernetHeader.srcAddress(f, 0).toString());
        int ip = 14;
        assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(f, ip, f.length - ip));
        assertEquals(4, Ipv4Header.version(f, ip));
        assertEquals(20, Ipv4Header.headerLength(f, ip));
        assertEquals(60, Ipv4Header.totalLength(f, ip));
        assertEquals(0x75f7, Ipv4Header.id(f, ip));
        assertTrue(Ipv4Header.isDf(f, ip));
        assertFalse(Ipv4Header.isMf(f, ip));
        assertFalse(Ipv4Header.isFragment(f, ip));
        assertEquals(64, Ipv4Header.ttl(f, ip));
        assertEquals(Ipv4Header.IPPROTO_TCP, Ipv4Header.protocol(f, ip));
        assertEquals("198.18.1.2", Ipv4Address.toString(Ipv4Header.src(f, ip)));
        assertEquals("198.18.1.1", Ipv4Address.toString(Ipv4Header.dst(f, ip)));
        assertEquals(0x369d, Ipv4Header.checksum(f, ip));
        assertEquals(0x369d, Ipv4Header.computeChecksum(f, ip));

        int tcp = 34;
        int src = Ipv4Header.src(f, ip), dst = Ipv4Header.dst(f, ip);
        assertEquals(TcpHeader.Check.OK, TcpHeader.validate(f, tcp, 40, src, dst));
        assertEquals(43774, TcpHeader.srcPort(f, tcp));
        assertEquals(5107, TcpHeader.dstPort(f, tcp));
        assertEquals(0x18d2aa80, TcpHeader.seq(f, tcp));
        assertEquals(0, TcpHeader.ackSeq(f, tcp));
        assertEquals(40, TcpHeader.headerLength(f, tcp));
        assertEquals(20, TcpHeader.optionsLength(f, tcp));
        assertEquals(TcpHeader.SYN, TcpHeader.flags(f, tcp));
        assertEquals(64240, TcpHeader.window(f, tcp));
        assertEquals(0x100c, TcpHeader.checksum(f, tcp));
        assertEquals(0x100c, TcpHeader.computeChecksum(f, tcp, src, dst, 40));
        assertTrue(TcpHeader.verifyChecksum(f, tcp, src, dst, 40));
        // rewriting both checksums reproduces the bytes Linux sent
        byte[] g = f.clone();
        Ipv4Header.setChecksum(g, ip, 0);
        TcpHeader.setChecksum(g, tcp, 0);
        assertEquals(0x369d, Ipv4Header.setChecksum(g, ip));
        assertEquals(0x100c, TcpHeader.setChecksumV4(g, ip));
        assertArrayEquals(f, g);
        // a flipped payload bit is caught
        g[60] ^= 1;
        assertEquals(TcpHeader.Check.BAD_CHECKSUM, TcpHeader.validate(g, tcp, 40, src, dst));
    }

    @Test
    void buildUdpFrameByHand() {
        byte[] f = new byte[54];
        EthernetHeader.write(f, 0, MacAddress.parse("02:00:00:00:00:02").bits(), 0x020000000001L, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(f, 14, 0, 40, 0x1c46, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_UDP, A, B);
        UdpHeader.write(f, 34, 5000, 6000, 20);
        byte[] p = "hello nicemu".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(p, 0, f, 42, p.length);
        assertEquals(0x9257, Ipv4Header.checksum(f, 14));
        assertEquals(0xc56f, UdpHeader.computeChecksum(f, 34, A, B, 20));
        assertEquals(0xc56f, UdpHeader.setChecksumV4(f, 14));
        assertArrayEquals(hex(UDP_FRAME), f);
        assertEquals(UdpHeader.Check.OK, UdpHeader.validate(f, 34, 20, A, B));
        assertEquals(5000, UdpHeader.srcPort(f, 34));
        assertEquals(6000, UdpHeader.dstPort(f, 34));
        assertEquals(20, UdpHeader.length(f, 34));
    }

    @Test
    void udpOddLengthPayload() {
        byte[] f = new byte[47];
        EthernetHeader.write(f, 0, 0x020000000002L, 0x020000000001L, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(f, 14, 0, 33, 0x1c46, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_UDP, A, B);
        UdpHeader.write(f, 34, 5000, 6000, 13);
        System.arraycopy("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, f, 42, 5);
        assertEquals(0x925e, Ipv4Header.checksum(f, 14));
        assertEquals(0x04e2, UdpHeader.setChecksumV4(f, 14));
        assertTrue(UdpHeader.verifyChecksum(f, 34, A, B, 13));
    }

    @Test
    void udpComputedZeroIsSentAsFfffAndZeroMeansNone() {
        // payload word 0x48ba makes the computed checksum 0x0000 (independently computed)
        byte[] u = new byte[10];
        UdpHeader.write(u, 0, 5000, 6000, 10);
        u[8] = 0x48;
        u[9] = (byte) 0xba;
        assertEquals(0xffff, UdpHeader.computeChecksum(u, 0, A, B, 10));
        UdpHeader.setChecksum(u, 0, A, B, 10);
        assertEquals(0xffff, UdpHeader.checksum(u, 0));
        assertTrue(UdpHeader.verifyChecksum(u, 0, A, B, 10));
        UdpHeader.setChecksum(u, 0, 0); // "no checksum"
        assertTrue(UdpHeader.verifyChecksum(u, 0, A, B, 10));
        assertEquals(UdpHeader.Check.OK, UdpHeader.validate(u, 0, 10, A, B));
        // any other value is wrong
        UdpHeader.setChecksum(u, 0, 0x0001);
        assertEquals(UdpHeader.Check.BAD_CHECKSUM, UdpHeader.validate(u, 0, 10, A, B));
    }

    @Test
    void tcpChecksumZeroAndFfffBothVerify() {
        // 198.18.0.1:40000 -> 198.18.0.2:5201 seq 1 ack 1 ACK win 4096, 2 payload bytes 63 17 -> checksum 0x0000
        byte[] t = new byte[22];
        TcpHeader.write(t, 0, 40000, 5201, 1, 1, 20, TcpHeader.ACK, 0x1000);
        t[20] = 0x63;
        t[21] = 0x17;
        assertEquals(0x0000, TcpHeader.computeChecksum(t, 0, A, B, 22));
        TcpHeader.setChecksum(t, 0, 0x0000);
        assertTrue(TcpHeader.verifyChecksum(t, 0, A, B, 22));
        TcpHeader.setChecksum(t, 0, 0xffff);
        assertTrue(TcpHeader.verifyChecksum(t, 0, A, B, 22));
        assertEquals(TcpHeader.Check.OK, TcpHeader.validate(t, 0, 22, A, B));
        TcpHeader.setChecksum(t, 0, 0xfffe);
        assertFalse(TcpHeader.verifyChecksum(t, 0, A, B, 22));
    }

    @Test
    void ipv4ValidateMirrorsIpRcvCore() {
        byte[] h = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
        byte[] pkt = new byte[0x73 + 6]; // with trailing link padding
        System.arraycopy(h, 0, pkt, 0, 20);
        assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(pkt, 0, pkt.length));
        assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(pkt, 0, 0x73));
        assertEquals(Ipv4Header.Check.TRUNCATED, Ipv4Header.validate(pkt, 0, 0x72)); // shorter than tot_len
        assertEquals(Ipv4Header.Check.TRUNCATED, Ipv4Header.validate(pkt, 0, 19));
        assertEquals(Ipv4Header.Check.TRUNCATED, Ipv4Header.validate(pkt, 10, pkt.length)); // beyond the array
        assertEquals(Ipv4Header.Check.TRUNCATED, Ipv4Header.validate(pkt, -1, 20));
        assertEquals(Ipv4Header.Check.TRUNCATED, Ipv4Header.validate(null, 0, 20));

        byte[] v = pkt.clone();
        v[0] = 0x65;
        assertEquals(Ipv4Header.Check.BAD_VERSION, Ipv4Header.validate(v, 0, v.length));
        v = pkt.clone();
        v[0] = 0x44;
        assertEquals(Ipv4Header.Check.BAD_IHL, Ipv4Header.validate(v, 0, v.length));
        v = pkt.clone();
        v[0] = 0x46; // IHL 6 but only 20 bytes available
        assertEquals(Ipv4Header.Check.TRUNCATED, Ipv4Header.validate(v, 0, 20));
        v = pkt.clone();
        v[8] = 0x3f; // TTL changed, checksum not updated
        assertEquals(Ipv4Header.Check.BAD_CHECKSUM, Ipv4Header.validate(v, 0, v.length));
        v = pkt.clone();
        Ipv4Header.setTotalLength(v, 0, 16);
        Ipv4Header.setChecksum(v, 0);
        assertEquals(Ipv4Header.Check.BAD_TOTAL_LENGTH, Ipv4Header.validate(v, 0, v.length));
        v = pkt.clone();
        Ipv4Header.setTotalLength(v, 0, 200);
        Ipv4Header.setChecksum(v, 0);
        assertEquals(Ipv4Header.Check.TRUNCATED, Ipv4Header.validate(v, 0, v.length));
        // a stored 0xffff where 0x0000 is computed verifies (both zeros)
        v = pkt.clone();
        v[10] = 0;
        v[11] = 0;
        int word = InetChecksum.reduce(InetChecksum.partial(v, 0, 20, 0));
        Ipv4Header.setId(v, 0, 0xffff - word); // now the header sums to 0xffff with check = 0
        assertEquals(0x0000, Ipv4Header.computeChecksum(v, 0));
        assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(v, 0, v.length));
        Ipv4Header.setChecksum(v, 0, 0xffff);
        assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(v, 0, v.length));
    }

    @Test
    void ipv4FragmentFields() {
        byte[] h = new byte[20];
        Ipv4Header.write(h, 0, 0x10, 1500, 7, Ipv4Header.IP_MF | 185, 63, Ipv4Header.IPPROTO_UDP, A, B);
        assertTrue(Ipv4Header.isMf(h, 0));
        assertFalse(Ipv4Header.isDf(h, 0));
        assertTrue(Ipv4Header.isFragment(h, 0));
        assertEquals(1480, Ipv4Header.fragmentOffsetBytes(h, 0));
        assertEquals(0x10, Ipv4Header.tos(h, 0));
        assertTrue(Ipv4Header.verifyChecksum(h, 0));
    }

    @Test
    void udpValidate() {
        byte[] u = new byte[16];
        UdpHeader.write(u, 0, 1, 2, 12);
        assertEquals(UdpHeader.Check.OK, UdpHeader.validate(u, 0, 16));
        assertEquals(UdpHeader.Check.OK, UdpHeader.validate(u, 0, 12));
        assertEquals(UdpHeader.Check.TRUNCATED, UdpHeader.validate(u, 0, 7));
        assertEquals(UdpHeader.Check.TRUNCATED, UdpHeader.validate(u, 10, 8));
        assertEquals(UdpHeader.Check.BAD_LENGTH, UdpHeader.validate(u, 0, 11)); // len > available
        UdpHeader.setLength(u, 0, 7);
        assertEquals(UdpHeader.Check.BAD_LENGTH, UdpHeader.validate(u, 0, 16)); // len < 8
    }

    @Test
    void tcpValidateAndFields() {
        byte[] t = new byte[40];
        TcpHeader.write(t, 0, 40000, 5201, 0x80000000, 0x7fffffff, 32, TcpHeader.ACK | TcpHeader.PSH, 502);
        assertEquals(TcpHeader.Check.OK, TcpHeader.validate(t, 0, 40));
        assertEquals(TcpHeader.Check.OK, TcpHeader.validate(t, 0, 32));
        assertEquals(TcpHeader.Check.TRUNCATED, TcpHeader.validate(t, 0, 31)); // doff*4 > available
        assertEquals(TcpHeader.Check.TRUNCATED, TcpHeader.validate(t, 0, 19));
        assertEquals(TcpHeader.Check.TRUNCATED, TcpHeader.validate(t, 30, 20));
        assertEquals(0x80000000, TcpHeader.seq(t, 0));
        assertEquals(0x7fffffff, TcpHeader.ackSeq(t, 0));
        assertEquals(8, TcpHeader.dataOffset(t, 0));
        assertTrue(TcpHeader.hasFlags(t, 0, TcpHeader.ACK | TcpHeader.PSH));
        assertFalse(TcpHeader.hasFlags(t, 0, TcpHeader.ACK | TcpHeader.FIN));
        assertEquals(502, TcpHeader.window(t, 0));
        TcpHeader.setDataOffset(t, 0, 4);
        assertEquals(TcpHeader.Check.BAD_DATA_OFFSET, TcpHeader.validate(t, 0, 40));
        TcpHeader.setDataOffset(t, 0, 5);
        TcpHeader.setChecksum(t, 0, A, B, 40);
        assertEquals(TcpHeader.Check.OK, TcpHeader.validate(t, 0, 40, A, B));
        assertEquals(TcpHeader.Check.BAD_CHECKSUM, TcpHeader.validate(t, 0, 40, A, B ^ 1));
    }

    @Test
    void ethernetCheckLen() {
        byte[] f = new byte[60];
        assertTrue(EthernetHeader.checkLen(f, 0, 14));
        assertFalse(EthernetHeader.checkLen(f, 0, 13));
        assertFalse(EthernetHeader.checkLen(f, 50, 14));
        assertFalse(EthernetHeader.checkLen(null, 0, 14));
        assertEquals(60, EthernetHeader.paddedLength(42));
        assertEquals(1514, EthernetHeader.paddedLength(1514));
    }

    @Test
    void arpRequestAndReplyFrames() {
        byte[] f = new byte[ArpPacket.FRAME_LEN];
        long mac1 = MacAddress.parse("02:00:00:00:00:01").bits();
        long mac2 = MacAddress.parse("02:00:00:00:00:02").bits();
        assertEquals(42, ArpPacket.writeRequestFrame(f, 0, mac1, A, B));
        assertArrayEquals(hex("ffffffffffff 020000000001 0806"
                + "0001 0800 06 04 0001 020000000001 c6120001 000000000000 c6120002"), f);
        assertEquals(ArpPacket.Check.OK, ArpPacket.validate(f, 14, 28));
        assertEquals(ArpPacket.ARPOP_REQUEST, ArpPacket.oper(f, 14));
        assertEquals(mac1, ArpPacket.sha(f, 14));
        assertEquals(A, ArpPacket.spa(f, 14));
        assertEquals(0L, ArpPacket.tha(f, 14));
        assertEquals(B, ArpPacket.tpa(f, 14));

        byte[] r = new byte[42];
        assertEquals(42, ArpPacket.writeReplyFrame(r, 0, mac2, B, mac1, A));
        assertArrayEquals(hex("020000000001 020000000002 0806"
                + "0001 0800 06 04 0002 020000000002 c6120002 020000000001 c6120001"), r);
        assertEquals(ArpPacket.Check.OK, ArpPacket.validate(r, 14, 28));

        assertEquals(ArpPacket.Check.TRUNCATED, ArpPacket.validate(f, 14, 27));
        assertEquals(ArpPacket.Check.TRUNCATED, ArpPacket.validate(f, 15, 28));
        byte[] x = f.clone();
        x[14 + ArpPacket.HLEN] = 8;
        assertEquals(ArpPacket.Check.BAD_HARDWARE, ArpPacket.validate(x, 14, 28));
        x = f.clone();
        x[14 + ArpPacket.PTYPE] = (byte) 0x86;
        assertEquals(ArpPacket.Check.BAD_PROTOCOL, ArpPacket.validate(x, 14, 28));
        x = f.clone();
        ArpPacket.setOper(x, 14, 3);
        assertEquals(ArpPacket.Check.BAD_OPCODE, ArpPacket.validate(x, 14, 28));
    }
}
