package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;

/**
 * The send path on the real engine: TSO size goal and segmentation, Nagle / TCP_NODELAY / TCP_CORK /
 * MSG_MORE with exact frame times, and TCP small queues.
 */
class TcpSendPathTest {
    static final int TH = TcpHandshakeTest.TH;
    static final long MS = TcpBed.MS, S = TcpBed.S;

    /** A data frame sent by h1: its payload length and time. */
    record Data(int seq, int len, long t, int frameLen) {
    }

    static int payload(byte[] f) {
        return Ipv4Header.totalLength(f, 14) - 20 - TcpHeader.headerLength(f, TH);
    }

    static List<Data> data(TcpBed b, int from) {
        List<Data> r = new ArrayList<>();
        List<byte[]> fs = b.rec.frames();
        for (int i = from; i < fs.size(); i++) {
            byte[] f = fs.get(i);
            if (Ipv4Header.protocol(f, 14) != 6) continue;
            int n = payload(f);
            if (n > 0) r.add(new Data(TcpHeader.seq(f, TH), n, b.rec.times().get(i), f.length));
        }
        return r;
    }

    /** Time h1 received the first ACK covering {@code seq}. */
    static long ackTime(TcpBed b, int seq) {
        List<byte[]> fs = b.rec.rxFrames();
        for (int i = 0; i < fs.size(); i++) {
            byte[] f = fs.get(i);
            if (Ipv4Header.protocol(f, 14) == 6 && (TcpHeader.flags(f, TH) & TcpHeader.ACK) != 0
                    && TcpSeq.after(TcpHeader.ackSeq(f, TH), seq - 1)) return b.rec.rxTimes().get(i);
        }
        return -1;
    }

    static int send(TcpBed b, TcpSock c, int n, int flags) {
        Proto p = b.h1.proto(6);
        c.ownedByUser = true;
        int r = p.sendmsgLocked(c, new byte[n], 0, n, flags);
        c.ownedByUser = false;
        p.releaseCb(c);
        return r;
    }

    @Test
    void a64KWriteWithTsoLeavesAsExactlyFortySixMssFramesNoneAbove1514() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"), 1_000_000_000L, true);
        TcpSock c = TcpHandshakeTest.connect(b)[0];
        long tso0 = b.d1.nic().ethtoolStats().get("tx_tso_segments");
        int from = b.rec.frames().size();
        int sizeGoal = TcpOutput.tcpXmitSizeGoal(c, TcpOutput.tcpCurrentMss(c));
        assertEquals(1448, TcpOutput.tcpCurrentMss(c));
        // tcp_xmit_size_goal(): bounded to half the peer's largest window (the SYN-ACK's 65160 = 45 x 1448, as Linux's SYN-ACK in the reference capture): 22 MSS
        assertEquals(65160, c.maxWindow);
        assertEquals(22 * 1448, sizeGoal);
        b.h.inLoop(() -> assertEquals(65536, send(b, c, 65536, 0)));
        b.h.runUntil(b.h.now() + 200 * MS);
        List<Data> all = data(b, from);
        // new data only: a tail loss probe may resend the last segment (RFC 8985 PTO = 2 x SRTT when
        // the receiver's delayed ACK for the odd last segment takes longer); counted in lossProbes
        List<Data> d = new ArrayList<>();
        for (Data x : all) if (d.isEmpty() || TcpSeq.after(x.seq(), d.get(d.size() - 1).seq())) d.add(x);
        assertEquals(all.size() - d.size(), b.h1.inet().tcp.lossProbes + b.h1.inet().tcp.retransSegs - b.h1.inet().tcp.lossProbes);
        if (all.size() > d.size()) System.out.println("tso: resent " + all.get(all.size() - 1) + " after " + d.get(d.size() - 1) + ", lossProbes " + b.h1.inet().tcp.lossProbes);
        assertEquals(46, d.size(), "65536 = 45 x 1448 + 376");
        int total = 0;
        for (int i = 0; i < d.size(); i++) {
            assertEquals(i < 45 ? 1448 : 376, d.get(i).len(), "frame " + i);
            assertTrue(d.get(i).frameLen() <= 1514, "frame " + i + " " + d.get(i).frameLen());
            if (i < 45) assertEquals(1514, d.get(i).frameLen());
            assertEquals(d.get(0).seq() + total, d.get(i).seq());
            total += d.get(i).len();
        }
        assertEquals(65536, total);
        long tso = b.d1.nic().ethtoolStats().get("tx_tso_segments") - tso0;
        // the initial window of 10 goes as one GSO skb of 10 x 1448 (gso_size = mss), the rest as the
        // window opens; the NIC cut GSO skbs into wire frames
        assertTrue(tso >= 10 && tso <= 46, "frames cut from GSO skbs: " + tso);
        // the first 10 frames leave back to back at line rate: (1514 + 24) bytes at 1 Gbit/s = 12304 ns
        for (int i = 1; i < 10; i++) assertEquals(12_304, d.get(i).t() - d.get(i - 1).t(), "spacing " + i);
        assertTrue(d.get(10).t() - d.get(0).t() >= 10 * MS, "the 11th segment waits for the first ACKs");
        System.out.println("tso: frames from GSO skbs " + tso + " of " + d.size() + ", dev " + b.d1.stats());
    }

    @Test
    void nagleHoldsTheSecondSmallWriteUntilTheFirstIsAcked() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpSock c = TcpHandshakeTest.connect(b)[0];
        int from = b.rec.frames().size();
        long t0 = b.h.now();
        b.h.inLoop(() -> {
            assertEquals(100, send(b, c, 100, 0));
            assertEquals(100, send(b, c, 100, 0));
        });
        b.h.runUntil(t0 + 100 * MS);
        List<Data> d = data(b, from);
        assertEquals(2, d.size());
        assertEquals(100, d.get(0).len());
        assertEquals(100, d.get(1).len());
        assertTrue(d.get(0).t() - t0 < 100_000, "the first goes at once");
        long ack = ackTime(b, d.get(0).seq() + 100);
        assertTrue(ack - d.get(0).t() >= 10 * MS, "the ACK of the first comes an RTT later");
        assertTrue(d.get(1).t() >= ack, "the second waits for that ACK");
        assertTrue(d.get(1).t() - ack < 100_000, "and goes right after it: " + (d.get(1).t() - ack));
    }

    @Test
    void withNodelayBothSmallWritesGoAtOnce() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpSock c = TcpHandshakeTest.connect(b)[0];
        b.h.inLoop(() -> assertEquals(0, b.h1.proto(6).setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_NODELAY, 1)));
        int from = b.rec.frames().size();
        long t0 = b.h.now();
        b.h.inLoop(() -> {
            send(b, c, 100, 0);
            send(b, c, 100, 0);
        });
        b.h.runUntil(t0 + 100 * MS);
        List<Data> d = data(b, from);
        assertEquals(2, d.size());
        assertEquals(100, d.get(1).len());
        assertTrue(d.get(1).t() - t0 < 100_000, "both within 100 us, before any ACK: " + (d.get(1).t() - t0));
        assertTrue(d.get(1).t() < ackTime(b, d.get(0).seq() + 100));
    }

    @Test
    void corkHoldsSmallWritesUntilUncorkedThenOneSegment() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpSock c = TcpHandshakeTest.connect(b)[0];
        Proto p = b.h1.proto(6);
        b.h.inLoop(() -> assertEquals(0, p.setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CORK, 1)));
        int from = b.rec.frames().size();
        long t0 = b.h.now();
        b.h.inLoop(() -> {
            for (int i = 0; i < 3; i++) send(b, c, 100, 0);
        });
        b.h.runUntil(t0 + 50 * MS);
        assertEquals(0, data(b, from).size(), "corked: nothing sent");
        b.h.inLoop(() -> assertEquals(0, p.setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CORK, 0)));
        b.h.runUntil(t0 + 100 * MS);
        List<Data> d = data(b, from);
        assertEquals(1, d.size());
        assertEquals(300, d.get(0).len());
        assertTrue(d.get(0).t() - (t0 + 50 * MS) < 100_000, "sent at the uncork");
    }

    @Test
    void corkedDataLeavesAfterTheProbeTimerWhenNeverUncorked() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpSock c = TcpHandshakeTest.connect(b)[0];
        b.h.inLoop(() -> b.h1.proto(6).setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CORK, 1));
        int from = b.rec.frames().size();
        long[] t0 = new long[1];
        long[] probe = new long[1];
        b.h.inLoop(() -> {
            t0[0] = b.h.now();
            send(b, c, 100, 0);
            probe[0] = TcpOutput.tcpProbe0When(c) * 1000;
        });
        assertTrue(probe[0] >= 200 * MS, "probe0 = max(RTO, 200 ms): " + probe[0]);
        b.h.runUntil(t0[0] + probe[0] - 1);
        assertEquals(0, data(b, from).size());
        b.h.runUntil(t0[0] + probe[0] + MS);
        List<Data> d = data(b, from);
        assertEquals(1, d.size(), "tcp_probe_timer -> tcp_write_wakeup sends it (Linux's cork ceiling)");
        assertEquals(100, d.get(0).len());
        assertEquals(t0[0] + probe[0], d.get(0).t(), 50_000);
    }

    @Test
    void msgMoreCoalescesUntilAWriteWithoutIt() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpSock c = TcpHandshakeTest.connect(b)[0];
        int from = b.rec.frames().size();
        long t0 = b.h.now();
        b.h.inLoop(() -> {
            send(b, c, 100, SockConst.MSG_MORE);
            send(b, c, 200, SockConst.MSG_MORE);
        });
        b.h.runUntil(t0 + 20 * MS);
        assertEquals(0, data(b, from).size(), "MSG_MORE holds a partial segment");
        b.h.inLoop(() -> send(b, c, 50, 0));
        b.h.runUntil(t0 + 40 * MS);
        List<Data> d = data(b, from);
        assertEquals(1, d.size());
        assertEquals(350, d.get(0).len());
        assertTrue(d.get(0).t() - (t0 + 20 * MS) < 100_000);
    }

    long maxWmem;

    TcpBed tsqTransfer(int limit) {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        if (limit > 0) b.h.inLoop(() -> b.h1.sysctl("net.ipv4.tcp_limit_output_bytes", Integer.toString(limit)));
        TcpBed.Sink[] sink = new TcpBed.Sink[1];
        TcpBed.Bulk[] bulk = new TcpBed.Bulk[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, 20_000_000, "cubic", 11);
        });
        maxWmem = 0;
        TcpSock c = (TcpSock) bulk[0].sk;
        long lim = b.h1.inet().tcpLimitOutputBytes;
        for (int i = 0; i < 200_000 && !(sink[0].eof && bulk[0].closed); i++) {
            b.h.runUntil(b.h.now() + 20_000);
            maxWmem = Math.max(maxWmem, c.wmemAlloc);
            // one skb may go past the budget (the check is before sending it): at most 64 KB + headers
            assertTrue(c.wmemAlloc <= lim + 65536 + 64, "below TCP " + c.wmemAlloc + " > " + lim);
        }
        assertEquals(20_000_000, sink[0].bytes);
        assertEquals(TcpBed.hex(bulk[0].sha.digest()), TcpBed.hex(sink[0].sha.digest()));
        b.h.runUntil(b.h.now() + S);
        assertEquals(0, c.wmemAlloc, "every clone freed");
        return b;
    }

    @Test
    void tsqThrottlesAndKeepsWhatIsBelowTcpWithinTheBudget() {
        TcpBed b = tsqTransfer(0);
        long thr = b.h1.inet().tcp.tsqThrottled;
        System.out.println("tsq 1MB: throttled " + thr + " max below TCP " + maxWmem);
        assertTrue(thr > 0, "TSQ throttled");
        assertTrue(maxWmem <= 1_048_576 + 65536 + 64);
        TcpBed b2 = tsqTransfer(65536);
        System.out.println("tsq 64KB: throttled " + b2.h1.inet().tcp.tsqThrottled + " max below TCP " + maxWmem);
        assertTrue(b2.h1.inet().tcp.tsqThrottled > 0);
        assertTrue(maxWmem <= 2 * 65536 + 64, "max " + maxWmem);
    }
}
