package org.nicemu.tcp.cc.reno;

import org.nicemu.core.testing.CcTestSock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCongestionOps;

/**
 * Reno (tcp_reno_cong_avoid, tcp_reno_ssthresh, tcp_reno_undo_cwnd of net/ipv4/tcp_cong.c) driven
 * ACK by ACK through a fake socket, with exact windows.
 */
class RenoTest {
    private final CcTestSock sk = new CcTestSock();
    private final TcpCongestionOps reno = new RenoFactory().create();
    private int ack;

    private void ackPackets(long n) {
        ack += (int) n * sk.mss;
        reno.pktsAcked(sk, (int) n, 10_000);
        reno.congAvoid(sk, ack, n);
    }

    @Test
    void slowStartFrom10ToSsthresh20TakesExactly10AckedPackets() {
        reno.init(sk);
        sk.cwnd = 10;
        sk.ssthresh = 20;
        for (int i = 1; i <= 9; i++) {
            ackPackets(1);
            assertEquals(10 + i, sk.cwnd);
            assertTrue(TcpCc.tcpInSlowStart(sk));
        }
        ackPackets(1);
        assertEquals(20, sk.cwnd);
        assertFalse(TcpCc.tcpInSlowStart(sk), "cwnd == ssthresh ends slow start");
        assertEquals(0, sk.cwndCnt, "no ACK left over for congestion avoidance");
    }

    @Test
    void congestionAvoidanceAddsOnePacketPerCwndAckedPackets() {
        sk.cwnd = 20;
        sk.ssthresh = 20;
        for (int i = 1; i <= 19; i++) {
            ackPackets(1);
            assertEquals(20, sk.cwnd);
            assertEquals(i, sk.cwndCnt);
        }
        ackPackets(1);
        assertEquals(21, sk.cwnd);
        assertEquals(0, sk.cwndCnt);
        for (int i = 1; i <= 20; i++) {
            ackPackets(1);
        }
        assertEquals(21, sk.cwnd, "21 ACKed packets are needed at cwnd 21");
        ackPackets(1);
        assertEquals(22, sk.cwnd);
        // whole sequence: 10 -> 20 in 10 packets, then 20 -> 30 takes 20 + 21 + ... + 29 = 245 packets
        CcTestSock s2 = new CcTestSock();
        s2.cwnd = 10;
        s2.ssthresh = 20;
        int packets = 0;
        while (s2.cwnd < 30) {
            reno.congAvoid(s2, 0, 1);
            packets++;
        }
        assertEquals(10 + 245, packets);
    }

    @Test
    void stretchAckLeavesTheRestForCongestionAvoidance() {
        sk.cwnd = 10;
        sk.ssthresh = 20;
        ackPackets(15); // 10 go to slow start (10 -> 20), 5 to snd_cwnd_cnt
        assertEquals(20, sk.cwnd);
        assertEquals(5, sk.cwndCnt);
        ackPackets(45); // 5 + 45 = 50 = 2 * 20 + 10: cwnd 22, 10 left
        assertEquals(22, sk.cwnd);
        assertEquals(10, sk.cwndCnt);
    }

    @Test
    void creditGatheredAtALargerWindowIsAppliedFirst() {
        sk.cwnd = 10;
        sk.ssthresh = 5;
        sk.cwndCnt = 12; // e.g. after cwnd was reduced from above 12
        ackPackets(1); // tcp_cong_avoid_ai: cnt >= w -> cwnd + 1, cnt = 0, then cnt = 1
        assertEquals(11, sk.cwnd);
        assertEquals(1, sk.cwndCnt);
    }

    @Test
    void lossHalvesTheWindowWithAFloorOf2() {
        sk.cwnd = 21;
        assertEquals(10, reno.ssthresh(sk));
        sk.cwnd = 100;
        assertEquals(50, reno.ssthresh(sk));
        sk.cwnd = 3;
        assertEquals(2, reno.ssthresh(sk));
        sk.cwnd = 1;
        assertEquals(2, reno.ssthresh(sk));
    }

    @Test
    void undoRestoresThePriorWindow() {
        sk.cwnd = 10;
        sk.prior = 40;
        assertEquals(40, reno.undoCwnd(sk));
        sk.cwnd = 50;
        assertEquals(50, reno.undoCwnd(sk));
    }

    @Test
    void noGrowthWhenNotCwndLimitedAndNeverAboveTheClamp() {
        sk.cwnd = 10;
        sk.ssthresh = 100;
        sk.cwndLimited = false;
        ackPackets(5);
        assertEquals(10, sk.cwnd);
        sk.cwndLimited = true;
        sk.clamp = 12;
        ackPackets(5);
        assertEquals(12, sk.cwnd);
        sk.ssthresh = 12;
        for (int i = 0; i < 100; i++) {
            ackPackets(1);
        }
        assertEquals(12, sk.cwnd);
    }

    @Test
    void factoryMakesOneInstancePerSocket() {
        RenoFactory f = new RenoFactory();
        assertEquals("reno", f.name());
        assertEquals("reno", f.create().name());
        assertNotSame(f.create(), f.create());
        assertTrue(f.usage().startsWith("reno"));
        // the optional ops are no-ops
        reno.setState(sk, TcpCc.TCP_CA_LOSS);
        reno.cwndEvent(sk, TcpCc.CA_EVENT_TX_START);
        reno.release(sk);
        assertEquals(10, sk.cwnd);
    }
}
