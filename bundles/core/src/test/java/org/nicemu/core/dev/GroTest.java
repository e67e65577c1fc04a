package org.nicemu.core.dev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.api.wire.UdpHeader;

/** GRO's merge and flush rules for TCP over IPv4 (tcp_gro_receive()), with exact lengths and counts. */
class GroTest {
    private static final int A = 0xc6120001, B = 0xc6120002, MSS = 1448, HDR = 20 + 32;

    private final SkbAllocator alloc = new SkbAllocator(new CostCounters());
    private final List<SkBuff> up = new ArrayList<>();
    private final Gro gro = new Gro(alloc, up::add);

    /** A received segment as eth_type_trans() leaves it: data at the IPv4 header, timestamps option, payload byte k = (seq + k). */
    private SkBuff seg(int sport, int seq, int payload, int flags, int id, int ack, int tsval) {
        SkBuff skb = alloc.allocSkb(2048);
        skb.reserve(14);
        int ip = skb.put(HDR + payload);
        byte[] b = skb.head();
        Ipv4Header.write(b, ip, 0, HDR + payload, id, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_TCP, A, B);
        int th = ip + 20;
        TcpHeader.write(b, th, sport, 5001, seq, ack, 32, flags | TcpHeader.ACK, 512);
        byte[] ts = {1, 1, 8, 10, (byte) (tsval >>> 24), (byte) (tsval >>> 16), (byte) (tsval >>> 8), (byte) tsval, 0, 0, 0, 7};
        System.arraycopy(ts, 0, b, th + 20, 12);
        for (int k = 0; k < payload; k++) b[th + 32 + k] = (byte) (seq + k);
        TcpHeader.setChecksum(b, th, A, B, 32 + payload);
        skb.protocol = EthernetHeader.ETH_P_IP;
        return skb;
    }

    private SkBuff full(int seq, int id) {
        return seg(40000, seq, MSS, 0, id, 77, 1000);
    }

    private static byte[] payload(SkBuff skb) {
        byte[] out = new byte[skb.len() - HDR];
        assertTrue(skb.copyBits(HDR, out, 0, out.length));
        return out;
    }

    private static byte[] expected(int seq, int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) b[k] = (byte) (seq + k);
        return b;
    }

    private void freeAll() {
        for (SkBuff s : up) alloc.free(s);
        up.clear();
        assertEquals(0, alloc.inUse(), "every skb and stolen head back");
    }

    @Test
    void fiveFullSegmentsGoUpAsOneSkbAtTheFlush() {
        for (int i = 0; i < 5; i++) gro.receive(full(1000 + i * MSS, 100 + i));
        assertEquals(0, up.size(), "held until the poll ends");
        assertEquals(1, gro.held());
        gro.flush();
        assertEquals(1, up.size());
        SkBuff m = up.get(0);
        assertEquals(HDR + 5 * MSS, m.len());
        assertEquals(HDR + 5 * MSS, Ipv4Header.totalLength(m.head(), m.dataOffset()));
        assertTrue(Ipv4Header.verifyChecksum(m.head(), m.dataOffset()), "IPv4 header checksum rewritten");
        assertEquals(100, Ipv4Header.id(m.head(), m.dataOffset()), "the first segment's ID");
        assertEquals(MSS, m.gsoSize());
        assertEquals(5, m.gsoSegs());
        assertEquals(SkBuff.SKB_GSO_TCPV4, m.gsoType());
        assertEquals(4, m.shinfo().nrFrags(), "one frag per merged segment: its buffer, not a copy");
        assertEquals(SkBuff.CHECKSUM_UNNECESSARY, m.ipSummed);
        assertArrayEquals(expected(1000, 5 * MSS), payload(m));
        assertEquals(4, gro.mergedSegs);
        assertEquals(1, gro.mergedSkbs);
        freeAll();
    }

    @Test
    void pshSendsTheMergedSkbUpAtOnceWithPshSet() {
        gro.receive(full(1000, 1));
        gro.receive(full(1000 + MSS, 2));
        gro.receive(seg(40000, 1000 + 2 * MSS, MSS, TcpHeader.PSH, 3, 77, 1000));
        assertEquals(1, up.size());
        assertEquals(0, gro.held());
        SkBuff m = up.get(0);
        assertEquals(3, m.gsoSegs());
        assertEquals(TcpHeader.ACK | TcpHeader.PSH, TcpHeader.flags(m.head(), m.dataOffset() + 20));
        gro.receive(full(1000 + 3 * MSS, 4));
        assertEquals(1, gro.held(), "the next segment starts a new one");
        gro.flush();
        assertEquals(0, up.get(1).gsoSegs(), "a single segment goes up as it came");
        freeAll();
    }

    @Test
    void aShortSegmentEndsTheMerge() {
        gro.receive(full(1000, 1));
        gro.receive(seg(40000, 1000 + MSS, 500, 0, 2, 77, 1000));
        assertEquals(1, up.size());
        assertEquals(HDR + MSS + 500, up.get(0).len());
        assertEquals(2, up.get(0).gsoSegs());
        assertArrayEquals(expected(1000, MSS + 500), payload(up.get(0)));
        freeAll();
    }

    @Test
    void aSegmentThatDoesNotContinueTheHeldOneSendsItUpAndIsHeld() {
        gro.receive(full(1000, 1));
        gro.receive(full(1000 + 2 * MSS, 2)); // a sequence gap
        assertEquals(1, up.size());
        assertEquals(1000, TcpHeader.seq(up.get(0).head(), up.get(0).dataOffset() + 20));
        gro.receive(seg(40000, 1000 + 3 * MSS, MSS, 0, 3, 78, 1000)); // another ACK number
        gro.receive(seg(40000, 1000 + 4 * MSS, MSS, 0, 4, 78, 1001)); // another timestamp (TCP options differ)
        gro.receive(seg(40000, 1000 + 5 * MSS, MSS, 0, 9, 78, 1001)); // IP ID not consecutive but DF: fixed IDs only
        assertEquals(4, up.size());
        gro.flush();
        assertEquals(5, up.size());
        for (SkBuff s : up) assertEquals(0, s.gsoSegs(), "nothing merged");
        assertEquals(0, gro.mergedSegs);
        freeAll();
    }

    @Test
    void aPureAckOfTheFlowGoesUpAfterTheHeldData() {
        gro.receive(full(1000, 1));
        gro.receive(full(1000 + MSS, 2));
        SkBuff ack = seg(40000, 1000 + 2 * MSS, 0, 0, 3, 90, 1000);
        gro.receive(ack);
        assertEquals(2, up.size());
        assertEquals(2, up.get(0).gsoSegs());
        assertEquals(ack, up.get(1), "the ACK after the data, in arrival order");
        freeAll();
    }

    @Test
    void aBadChecksumGoesUpUnverifiedAndUnmerged() {
        gro.receive(full(1000, 1));
        SkBuff bad = full(1000 + MSS, 2);
        bad.head()[bad.dataOffset() + HDR + 7] ^= 0x20;
        gro.receive(bad);
        assertEquals(List.of(bad), up);
        assertEquals(SkBuff.CHECKSUM_NONE, bad.ipSummed, "TCP checks it again and drops it");
        assertEquals(1, gro.held(), "the held segment waits on");
        gro.receive(full(1000 + MSS, 2)); // the same segment intact merges
        gro.flush();
        assertEquals(2, up.get(1).gsoSegs());
        freeAll();
    }

    @Test
    void atMostOneSegmentPlusMaxSkbFragsMerge() {
        for (int i = 0; i < 20; i++) gro.receive(full(1000 + i * MSS, i));
        assertEquals(1, up.size());
        assertEquals(18, up.get(0).gsoSegs(), "the first segment's buffer and 17 frags");
        gro.flush();
        assertEquals(2, up.get(1).gsoSegs());
        assertArrayEquals(expected(1000 + 18 * MSS, 2 * MSS), payload(up.get(1)));
        freeAll();
    }

    @Test
    void aNinthFlowSendsTheOldestHeldUp() {
        for (int f = 0; f < 9; f++) gro.receive(seg(40000 + f, 1000, MSS, 0, 1, 77, 1000));
        assertEquals(1, up.size());
        assertEquals(40000, TcpHeader.srcPort(up.get(0).head(), up.get(0).dataOffset() + 20));
        assertEquals(8, gro.held());
        gro.flush();
        assertEquals(9, up.size());
        freeAll();
    }

    @Test
    void mptcpSegmentsAreNotMerged() {
        for (int i = 0; i < 3; i++) {
            SkBuff m = full(1000 + i * MSS, i + 1);
            byte[] b = m.head();
            int th = m.dataOffset() + 20;
            b[th + 20] = 30; // the first option (was NOP NOP): MPTCP, kind 30, length 2 as a stand-in
            b[th + 21] = 2;
            TcpHeader.setChecksum(b, th, A, B, 32 + MSS);
            gro.receive(m);
        }
        assertEquals(3, up.size(), "each went up at once");
        assertEquals(0, gro.held());
        assertEquals(0, gro.mergedSegs);
        freeAll();
    }

    @Test
    void otherTrafficGoesUpAtOnce() {
        SkBuff udp = alloc.allocSkb(256);
        udp.reserve(14);
        int ip = udp.put(28 + 10);
        Ipv4Header.write(udp.head(), ip, 0, 38, 1, 0, 64, Ipv4Header.IPPROTO_UDP, A, B);
        UdpHeader.write(udp.head(), ip + 20, 1, 2, 18);
        udp.protocol = EthernetHeader.ETH_P_IP;
        gro.receive(full(1000, 1));
        gro.receive(udp);
        assertEquals(List.of(udp), up);
        assertEquals(1, gro.held());
        gro.flush();
        freeAll();
    }
}
