package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nicemu.api.inet.TcpMib;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockCallbacks;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.wire.TcpHeader;

/**
 * Connection states beyond the plain handshake on the real engine (two hosts, 5 ms wire, virtual
 * time): simultaneous open, zero window and window probes, congestion-control selection and
 * switching, the abortive close with unread data, and the listen backlog overflow.
 */
class TcpStateTest {
    static final int TH = TcpHandshakeTest.TH;
    static final long MS = TcpBed.MS, S = TcpBed.S;

    /** A wire frame seen at h1's NIC, in either direction. */
    record F(long t, boolean tx, byte[] f) {
        int flags() { return TcpHeader.flags(f, TH); }
        int seq() { return TcpHeader.seq(f, TH); }
        int ack() { return TcpHeader.ackSeq(f, TH); }
        int win() { return TcpHeader.window(f, TH); }
        int len() { return TcpSendPathTest.payload(f); }
    }

    /** Both directions of h1's TCP frames, merged by time (received first at equal times: a frame sent at the instant one arrived answers it). */
    static List<F> wire(TcpBed b) {
        List<F> r = new ArrayList<>();
        List<byte[]> tx = b.rec.frames(), rx = b.rec.rxFrames();
        List<Long> tt = b.rec.times(), rt = b.rec.rxTimes();
        int i = 0, j = 0;
        while (i < tx.size() || j < rx.size()) {
            boolean takeTx = j >= rx.size() || i < tx.size() && tt.get(i) < rt.get(j);
            byte[] f = takeTx ? tx.get(i) : rx.get(j);
            long t = takeTx ? tt.get(i++) : rt.get(j++);
            if (TcpHandshakeTest.tcp(List.of(f)).size() == 1) r.add(new F(t, takeTx, f));
        }
        return r;
    }

    static byte[] stream(int n, long seed) {
        byte[] d = new byte[n];
        new SplittableRandom(seed).nextBytes(d);
        return d;
    }

    /**
     * One end of a connection that talks to {@link Proto} directly: sends {@code out} as the window
     * allows, reads into {@link #in} while {@link #reading}; optionally closes once all is sent.
     */
    static final class End implements SockCallbacks {
        final TcpBed b;
        final Proto p;
        Sock sk;
        byte[] out = new byte[0];
        int sentOff;
        boolean reading = true, closeWhenSent, closed, eof;
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        int err, errReports, states;
        final byte[] buf = new byte[65536];

        End(TcpBed b, Proto p, Sock sk) {
            this.b = b;
            this.p = p;
            this.sk = sk;
            if (sk != null) sk.callbacks = this;
        }

        @Override
        public void dataReady(Sock s) { p.host().loop().post(this::pump); }

        @Override
        public void writeSpace(Sock s) { p.host().loop().post(this::pump); }

        @Override
        public void stateChange(Sock s) {
            states++;
            p.host().loop().post(this::pump);
        }

        @Override
        public void errorReport(Sock s) {
            errReports++;
            err = s.skErr;
        }

        void pump() {
            if (closed || sk.skState == SockConst.TCP_SYN_SENT || sk.skState == SockConst.TCP_SYN_RECV) return;
            if (sk.skErr != 0) err = sk.skErr;
            while (reading && !eof) {
                int r = p.recvmsg(sk, buf, 0, buf.length, 0);
                if (r == -SockConst.EAGAIN) break;
                if (r <= 0) {
                    if (r < 0) err = -r;
                    eof = true;
                    break;
                }
                in.write(buf, 0, r);
            }
            while (sentOff < out.length) {
                sk.ownedByUser = true;
                int r = p.sendmsgLocked(sk, out, sentOff, out.length - sentOff, 0);
                sk.ownedByUser = false;
                p.releaseCb(sk);
                if (r < 0) {
                    if (r != -SockConst.EAGAIN) err = -r;
                    return;
                }
                sentOff += r;
            }
            if (closeWhenSent && !closed) {
                p.shutdown(sk, SockConst.SHUT_WR);
                closeWhenSent = false;
            }
        }
    }

    /** h1 → h2:port; returns {client end, server end (null until accepted)} and accepts via the listener's callback. */
    static End[] pair(TcpBed b, int port, Sock listener) {
        End[] e = new End[2];
        Proto p1 = b.h1.proto(6), p2 = b.h2.proto(6);
        e[1] = new End(b, p2, null);
        listener.callbacks = new SockCallbacks() {
            @Override
            public void dataReady(Sock s) {
                if (e[1].sk == null) {
                    Sock c = p2.accept(listener);
                    if (c != null) {
                        e[1].sk = c;
                        c.callbacks = e[1];
                        p2.host().loop().post(e[1]::pump);
                    }
                }
            }
        };
        Sock c = p1.create(0);
        e[0] = new End(b, p1, c);
        assertEquals(-SockConst.EINPROGRESS, p1.connect(c, TcpBed.IP2, port));
        return e;
    }

    static Sock listen(TcpBed b, int port, int backlog) {
        Proto p2 = b.h2.proto(6);
        Sock l = p2.create(0);
        assertEquals(0, p2.bind(l, 0, port));
        assertEquals(0, p2.listen(l, backlog));
        return l;
    }

    // ================================================================ 1. simultaneous open

    /**
     * RFC 9293 §3.5 figure 7: both ends in SYN-SENT, the SYNs cross, each answers the other's SYN
     * with a SYN-ACK (its own SYN again, now acknowledging), both go SYN-RECEIVED → ESTABLISHED.
     */
    @Test
    void simultaneousOpenCrossesTheSynsAndBothEndsReachEstablished() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        Proto p1 = b.h1.proto(6), p2 = b.h2.proto(6);
        End[] e = new End[2];
        b.h.inLoop(() -> {
            Sock a = p1.create(0), c = p2.create(0);
            assertEquals(0, p1.bind(a, 0, 6001));
            assertEquals(0, p2.bind(c, 0, 6002));
            e[0] = new End(b, p1, a);
            e[1] = new End(b, p2, c);
            assertEquals(-SockConst.EINPROGRESS, p1.connect(a, TcpBed.IP2, 6002));
            assertEquals(-SockConst.EINPROGRESS, p2.connect(c, TcpBed.IP1, 6001));
        });
        TcpSock s1 = (TcpSock) e[0].sk, s2 = (TcpSock) e[1].sk;
        b.h.runUntil(100 * MS);
        List<F> w = wire(b);
        StringBuilder trace = new StringBuilder();
        for (F f : w) trace.append(String.format("%n  %9d %s flags %02x seq %d ack %d len %d", f.t(), f.tx() ? "h1>" : "<h2", f.flags(), f.seq(), f.ack(), f.len()));
        System.out.println("simultaneous open:" + trace + "\n  states " + s1.skState + " " + s2.skState + " mib1 drops badSyn "
                + b.h1.inet().tcp.dropBadSyn + " passive " + b.h1.inet().tcp.passiveOpens + " retrans " + b.h1.inet().tcp.retransSegs
                + " cwnd " + s1.sndCwnd + "/" + s2.sndCwnd + " totalRetrans " + s1.totalRetrans + "/" + s2.totalRetrans);
        assertEquals(SockConst.TCP_ESTABLISHED, s1.skState, "h1" + trace);
        assertEquals(SockConst.TCP_ESTABLISHED, s2.skState, "h2" + trace);
        // the first four frames: SYN, SYN, SYN-ACK, SYN-ACK (figure 7 lines 2-6)
        assertTrue(w.size() >= 4, trace.toString());
        F syn1 = w.get(0), syn2 = w.get(1), sa1 = w.get(2), sa2 = w.get(3);
        assertTrue(syn1.tx() && !syn2.tx() && sa1.tx() && !sa2.tx(), trace.toString());
        assertEquals(TcpHeader.SYN, syn1.flags());
        assertEquals(TcpHeader.SYN, syn2.flags());
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, sa1.flags());
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, sa2.flags());
        // the SYN-ACK is the same SYN (same ISS) now acknowledging the peer's
        assertEquals(syn1.seq(), sa1.seq());
        assertEquals(syn2.seq(), sa2.seq());
        assertEquals(syn2.seq() + 1, sa1.ack());
        assertEquals(syn1.seq() + 1, sa2.ack());
        assertEquals(6001, TcpHeader.srcPort(syn1.f(), TH));
        assertEquals(6002, TcpHeader.dstPort(syn1.f(), TH));
        assertEquals(6002, TcpHeader.srcPort(syn2.f(), TH));
        assertEquals(6001, TcpHeader.dstPort(syn2.f(), TH));
        // the SYNs left at the same instant and crossed: h1 sent its SYN-ACK after h2's SYN arrived (5 ms)
        assertTrue(syn2.t() - syn1.t() >= 5 * MS && syn2.t() - syn1.t() < 5 * MS + 50_000);
        assertTrue(sa1.t() >= syn2.t() && sa1.t() - syn2.t() < 50_000);
        // then only ACKs, none with SYN, no RST
        for (int i = 4; i < w.size(); i++) assertEquals(TcpHeader.ACK, w.get(i).flags(), "frame " + i + trace);
        assertEquals(syn1.seq() + 1, s1.sndUna);
        assertEquals(syn2.seq() + 1, s2.sndUna);
        assertEquals(syn2.seq() + 1, s1.rcvNxt);
        assertEquals(syn1.seq() + 1, s2.rcvNxt);
        for (TcpSock t : new TcpSock[] {s1, s2}) {
            assertTrue(t.wscaleOk && t.sackOk && t.tstampOk);
            assertEquals(1448, t.mssCache);
        }
        assertEquals(s2.rcvWscale, s1.sndWscale);
        assertEquals(s1.rcvWscale, s2.sndWscale);
        TcpMib m1 = b.h1.inet().tcp, m2 = b.h2.inet().tcp;
        assertEquals(1, m1.activeOpens);
        assertEquals(1, m2.activeOpens);
        assertEquals(0, m1.outRsts + m2.outRsts);
        assertEquals(0, m1.attemptFails + m2.attemptFails);
        assertEquals(0, m1.synRetrans + m2.synRetrans);
        assertEquals(0, m1.timeouts + m2.timeouts);
        // data both ways, byte-exact
        byte[] d1 = stream(300_000, 1), d2 = stream(200_000, 2);
        b.h.inLoop(() -> {
            e[0].out = d1;
            e[1].out = d2;
            e[0].closeWhenSent = true;
            e[1].closeWhenSent = true;
            e[0].pump();
            e[1].pump();
        });
        for (int i = 0; i < 100 && !(e[0].eof && e[1].eof); i++) b.h.runUntil(b.h.now() + 50 * MS);
        assertArrayEquals(d1, e[1].in.toByteArray());
        assertArrayEquals(d2, e[0].in.toByteArray());
        assertEquals(0, e[0].err);
        assertEquals(0, e[1].err);
        System.out.println("simultaneous open counters: h1 passiveOpens " + m1.passiveOpens + " dropBadSyn " + m1.dropBadSyn
                + " retransSegs " + m1.retransSegs + "; h2 passiveOpens " + m2.passiveOpens + " dropBadSyn " + m2.dropBadSyn
                + " retransSegs " + m2.retransSegs);
    }

    /**
     * What Linux 6.x does beyond the wire order: tcp_send_synack() is no retransmission (no
     * RetransSegs, total_retrans stays 0, so tcp_init_transfer() keeps cwnd 10); PassiveOpens is
     * counted only for request-sock children (tcp_create_openreq_child()); tcp_validate_incoming()
     * lets the peer's SYN-ACK through in SYN-RECV ("goto pass", RFC 5961 §4.2 exception), so each side
     * is ESTABLISHED when the SYN-ACK arrives (15 ms), not after the challenge ACK (20 ms).
     */
    @Test
    void simultaneousOpenCountsAndCwndAsLinux() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        Proto p1 = b.h1.proto(6), p2 = b.h2.proto(6);
        TcpSock[] s = new TcpSock[2];
        b.h.inLoop(() -> {
            s[0] = (TcpSock) p1.create(0);
            s[1] = (TcpSock) p2.create(0);
            p1.bind(s[0], 0, 6001);
            p2.bind(s[1], 0, 6002);
            p1.connect(s[0], TcpBed.IP2, 6002);
            p2.connect(s[1], TcpBed.IP1, 6001);
        });
        b.h.runUntil(15 * MS + 100_000);
        assertEquals(SockConst.TCP_ESTABLISHED, s[0].skState, "established by the SYN-ACK");
        b.h.runUntil(100 * MS);
        for (int i = 0; i < 2; i++) {
            TcpMib m = (i == 0 ? b.h1 : b.h2).inet().tcp;
            assertEquals(0, m.passiveOpens);
            assertEquals(0, m.retransSegs);
            assertEquals(0, m.dropBadSyn);
            assertEquals(0, s[i].totalRetrans);
            assertEquals(10, s[i].sndCwnd);
        }
    }

    // ================================================================ 2. zero window, window probes

    @Test
    void aReceiverThatStopsReadingClosesTheWindowAndTheSenderProbesWithBackoff() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        End[] e = new End[2];
        Sock[] l = new Sock[1];
        b.h.inLoop(() -> {
            l[0] = listen(b, 5001, 8);
            assertEquals(0, b.h2.proto(6).setsockopt(l[0], SockConst.SOL_SOCKET, SockConst.SO_RCVBUF, 8192));
            assertEquals(16384, b.h2.proto(6).getsockopt(l[0], SockConst.SOL_SOCKET, SockConst.SO_RCVBUF), "doubled");
            e[0] = pair(b, 5001, l[0])[0];
        });
        b.h.runUntil(100 * MS);
        TcpSock c = (TcpSock) e[0].sk;
        assertEquals(SockConst.TCP_ESTABLISHED, c.skState);
        int n = 200_000;
        byte[] d = stream(n, 5);
        // the accepted child (pair() gave it a reading End): a non-reading End takes over before data flows
        TcpSock server = null;
        for (Sock s : b.h2.proto(6).sockets()) if (s != l[0]) server = (TcpSock) s;
        assertNotNull(server);
        assertEquals(16384, server.skRcvbuf, "inherited from the listener");
        End r = new End(b, b.h2.proto(6), server);
        r.reading = false;
        long t0 = b.h.now();
        int from = b.rec.frames().size(), fromRx = b.rec.rxFrames().size();
        b.h.inLoop(() -> {
            e[0].out = d;
            e[0].closeWhenSent = true;
            e[0].pump();
        });
        b.h.runUntil(t0 + 10 * S);
        TcpMib m1 = b.h1.inet().tcp, m2 = b.h2.inet().tcp;
        // h2 advertised a zero window
        List<F> w = wire(b);
        long zeroAt = -1;
        for (F f : w) if (!f.tx() && f.win() == 0 && (f.flags() & TcpHeader.ACK) != 0 && f.t() > t0) {
            zeroAt = f.t();
            break;
        }
        assertTrue(zeroAt > 0, "a frame from h2 with window 0");
        assertTrue(m2.zeroWindowAdv >= 1);
        long queued = server.rcvNxt - server.copiedSeq;
        // probes: zero-length ACKs from h1 at snd_una - 1
        List<F> probes = new ArrayList<>();
        for (F f : w) if (f.tx() && f.len() == 0 && f.t() > zeroAt && f.seq() == c.sndUna - 1) probes.add(f);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < probes.size(); i++) gaps.add(probes.get(i).t() - probes.get(i - 1).t());
        System.out.println("zero window: queued at h2 " + queued + " rcvbuf " + server.skRcvbuf + " zeroAt " + (zeroAt - t0)
                + " probes " + probes.size() + " windowProbes " + m1.windowProbes + " gaps " + gaps + " zeroWindowAdv " + m2.zeroWindowAdv
                + " rto " + c.rtt.rtoUs() + " probesOut " + c.probesOut + " sent " + e[0].sentOff + " sndUna-iss " + (c.sndUna - c.iss - 1));
        System.out.println("zero window: h1 timeouts " + m1.timeouts + " retransSegs " + m1.retransSegs + " lossProbes " + m1.lossProbes
                + " h2 prune " + m2.pruneCalled + " collapsed " + m2.rcvCollapsed + " ofoDrop " + m2.ofoDrop + " drops " + m2.drops()
                + " outOfWindow " + m2.dropOutOfWindow + " backlog " + m2.dropBacklog);
        assertEquals(probes.size(), m1.windowProbes, "every probe counted");
        // tcp_probe0_when(): the RTO (228 ms here) doubled per probe: 228, 456, 912, 1824, 3648 ms
        assertEquals(5, probes.size());
        assertEquals(228 * MS, probes.get(0).t() - zeroAt);
        assertEquals(List.of(456 * MS, 912 * MS, 1824 * MS, 3648 * MS), gaps);
        assertEquals(1, m2.zeroWindowAdv);
        assertEquals(5, m2.dropOutOfWindow, "the probes sit at snd_una - 1, below the window, and are answered with an ACK");
        // every probe was answered with the (still zero) window
        for (F f : w) if (!f.tx() && f.t() > zeroAt) assertEquals(0, f.win(), "window stays 0 while nobody reads");
        assertTrue(e[0].sentOff < n, "the sender is blocked");
        assertEquals(0, m1.timeouts, "probes are not RTO timeouts");
        // the only retransmission: one tail loss probe while h2 held a delayed ACK
        assertEquals(1, m1.lossProbes);
        assertEquals(1, m1.retransSegs);
        // the reader resumes: the window opens and everything arrives byte-exact
        b.h.inLoop(() -> {
            r.reading = true;
            r.pump();
        });
        for (int i = 0; i < 200 && !r.eof; i++) b.h.runUntil(b.h.now() + 50 * MS);
        assertTrue(r.eof);
        assertArrayEquals(d, r.in.toByteArray());
        assertEquals(0, e[0].err);
    }

    // ================================================================ 3. congestion control

    @Test
    void sysctlTcpCongestionControlChoosesTheAlgorithmOfNewConnectionsAndRejectsUnknownNames() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpSock c0 = TcpHandshakeTest.connect(b)[0];
        assertEquals("cubic", b.h1.proto(6).info(c0).cc(), "the default");
        b.h.inLoop(() -> b.h1.sysctl("net.ipv4.tcp_congestion_control", "reno"));
        assertEquals("reno", b.h1.inet().tcpCongestionControl);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> b.h1.sysctl("net.ipv4.tcp_congestion_control", "vegas"));
        assertTrue(x.getMessage().contains("vegas") && x.getMessage().contains("cubic") && x.getMessage().contains("reno"), x.getMessage());
        assertEquals("reno", b.h1.inet().tcpCongestionControl, "unchanged");
        assertEquals("cubic", b.h1.proto(6).info(c0).cc(), "a live connection keeps its algorithm");
        End[] e = new End[1];
        b.h.inLoop(() -> e[0] = pair(b, 5002, listen(b, 5002, 8))[0]);
        assertEquals("reno", b.h1.proto(6).getsockoptString(e[0].sk, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION), "before ESTABLISHED: the default it will get");
        b.h.runUntil(b.h.now() + 100 * MS);
        assertEquals(SockConst.TCP_ESTABLISHED, e[0].sk.skState);
        assertEquals("reno", b.h1.proto(6).info(e[0].sk).cc());
        assertEquals(org.nicemu.tcp.cc.reno.Reno.class, ((TcpSock) e[0].sk).ca.getClass(), "the reno bundle's");
        // h2 still uses cubic for its side
        TcpSock srv = null;
        for (Sock s : b.h2.proto(6).sockets()) if (((TcpSock) s).sport == 5002 && s.skState == SockConst.TCP_ESTABLISHED) srv = (TcpSock) s;
        assertEquals("cubic", b.h2.proto(6).info(srv).cc());
    }

    /** A bulk transfer h1 → h2 with an End at each side; returns {client, server}. */
    static End[] bulk(TcpBed b, int port, byte[] d, String cc) {
        End[] e = new End[2];
        b.h.inLoop(() -> {
            Sock l = listen(b, port, 8);
            End[] pr = pair(b, port, l);
            if (cc != null) assertEquals(0, b.h1.proto(6).setsockopt(pr[0].sk, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, cc));
            pr[0].out = d;
            pr[0].closeWhenSent = true;
            e[0] = pr[0];
            e[1] = pr[1];
        });
        return e;
    }

    @Test
    void tcpCongestionOnALiveSocketSwitchesAtOnceAndAnUnknownNameIsEnoent() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"), 100_000_000L, false);
        byte[] d = stream(3_000_000, 9);
        End[] e = bulk(b, 5003, d, "cubic");
        Proto p1 = b.h1.proto(6);
        b.h.runUntil(b.h.now() + 150 * MS);
        TcpSock c = (TcpSock) e[0].sk;
        assertEquals(SockConst.TCP_ESTABLISHED, c.skState);
        assertTrue(e[0].sentOff > 0 && c.sndUna != c.sndNxt, "mid-transfer");
        assertEquals("cubic", p1.info(c).cc());
        Object cubicOps = c.ca;
        int[] r = new int[2];
        b.h.inLoop(() -> {
            r[0] = p1.setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, "vegas");
            r[1] = p1.setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, (String) null);
        });
        assertEquals(-SockConst.ENOENT, r[0]);
        assertEquals(-SockConst.ENOENT, r[1]);
        assertEquals("cubic", p1.getsockoptString(c, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION), "unchanged");
        assertTrue(cubicOps == c.ca, "the same instance");
        b.h.inLoop(() -> r[0] = p1.setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, "reno"));
        assertEquals(0, r[0]);
        assertEquals("reno", p1.getsockoptString(c, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION));
        assertEquals("reno", p1.info(c).cc());
        assertFalse(cubicOps == c.ca);
        // the built-in reno is always there
        b.h.runUntil(b.h.now() + 100 * MS);
        b.h.inLoop(() -> r[0] = p1.setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, BuiltinReno.NAME));
        assertEquals(0, r[0]);
        for (int i = 0; i < 400 && !e[1].eof; i++) b.h.runUntil(b.h.now() + 50 * MS);
        assertTrue(e[1].eof);
        assertArrayEquals(d, e[1].in.toByteArray());
        assertEquals(0, e[0].err);
    }

    @Test
    void removingCubicMovesItsSocketsToTheFallbackAndAddingItBackRestoresThem() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"), 100_000_000L, false);
        byte[] d = stream(4_000_000, 13);
        End[] e = bulk(b, 5004, d, null); // default: cubic
        Proto p1 = b.h1.proto(6);
        b.h.runUntil(b.h.now() + 150 * MS);
        TcpSock c = (TcpSock) e[0].sk;
        assertEquals("cubic", p1.info(c).cc());
        // onLoops() from the test thread: the harness loop has no owner thread, so inLoop() is true
        // there and the rebinding runs at once (no 5 s wait); assert it returned quickly
        assertTrue(b.h1.loop().inLoop(), "DeviceHarness loop without owner thread");
        long w0 = System.nanoTime();
        b.tcp.removeCc(b.cubic);
        long wall = System.nanoTime() - w0;
        assertTrue(wall < 1_000_000_000L, "removeCc returned after " + wall + " ns");
        assertEquals("reno", p1.info(c).cc(), "default cubic gone: built-in reno");
        assertTrue(c.ca instanceof BuiltinReno, "not the reno bundle: the default (cubic) is gone, so the built-in " + c.ca.getClass());
        // the server side (h2, also cubic) moved too
        assertEquals("reno", b.h2.proto(6).info(e[1].sk).cc());
        b.h.runUntil(b.h.now() + 200 * MS);
        assertEquals(SockConst.TCP_FIN_WAIT1, c.skState, "all written, FIN queued, data still flowing");
        // a new socket while cubic is gone: falls back too
        End[] e2 = bulk(b, 5005, stream(10_000, 14), null);
        b.h.runUntil(b.h.now() + 100 * MS);
        assertEquals("reno", p1.info(e2[0].sk).cc());
        b.h.inLoop(() -> b.tcp.addCc(b.cubic));
        assertEquals("cubic", p1.info(c).cc(), "cubic back: the socket wanted the default, cubic");
        assertEquals("cubic", b.h2.proto(6).info(e[1].sk).cc());
        for (int i = 0; i < 400 && !e[1].eof; i++) b.h.runUntil(b.h.now() + 50 * MS);
        assertTrue(e[1].eof);
        assertArrayEquals(d, e[1].in.toByteArray());
        assertEquals(0, e[0].err);
    }

    @Test
    void removingCubicWhenTheDefaultIsRenoMovesToTheRenoBundleAndAUserChoiceComesBack() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"), 100_000_000L, false);
        b.h.inLoop(() -> b.h1.sysctl("net.ipv4.tcp_congestion_control", "reno"));
        byte[] d = stream(3_000_000, 15);
        End[] e = bulk(b, 5006, d, "cubic");
        Proto p1 = b.h1.proto(6);
        b.h.runUntil(b.h.now() + 150 * MS);
        TcpSock c = (TcpSock) e[0].sk;
        assertEquals("cubic", p1.info(c).cc());
        b.h.inLoop(() -> b.tcp.removeCc(b.cubic));
        assertEquals("reno", p1.info(c).cc());
        assertFalse(c.ca instanceof BuiltinReno, "the default (the reno bundle) is there: " + c.ca.getClass());
        assertEquals(-SockConst.ENOENT, p1.setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, "cubic"), "cubic is gone");
        b.h.runUntil(b.h.now() + 200 * MS);
        b.h.inLoop(() -> b.tcp.addCc(b.cubic));
        assertEquals("cubic", p1.info(c).cc(), "TCP_CONGESTION cubic was asked: it comes back");
        for (int i = 0; i < 400 && !e[1].eof; i++) b.h.runUntil(b.h.now() + 50 * MS);
        assertArrayEquals(d, e[1].in.toByteArray());
    }

    // ================================================================ 4. close with unread data

    @Test
    void closeWithUnreadDataSendsRstAckAndThePeerSeesEconnreset() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        End[] e = new End[2];
        b.h.inLoop(() -> {
            Sock l = listen(b, 5007, 8);
            End[] pr = pair(b, 5007, l);
            e[0] = pr[0];
            e[1] = pr[1];
            e[1].reading = false;
        });
        b.h.runUntil(100 * MS);
        TcpSock c = (TcpSock) e[0].sk, s = (TcpSock) e[1].sk;
        assertNotNull(s);
        byte[] d = stream(10_000, 17);
        b.h.inLoop(() -> {
            e[0].out = d;
            e[0].pump();
        });
        b.h.runUntil(b.h.now() + 100 * MS);
        assertEquals(10_000, s.rcvNxt - s.copiedSeq, "all delivered, none read");
        assertEquals(c.sndNxt, c.sndUna, "all acked");
        int nRx = b.rec.rxFrames().size();
        int sNxt = s.sndNxt, sRcvNxt = s.rcvNxt;
        b.h.inLoop(() -> b.h2.proto(6).close(s));
        assertEquals(SockConst.TCP_CLOSE, s.skState, "closed at once, no FIN-WAIT");
        assertEquals(1, b.h2.inet().tcp.abortOnClose);
        assertEquals(1, b.h2.inet().tcp.outRsts);
        b.h.runUntil(b.h.now() + 50 * MS);
        List<byte[]> rx = TcpHandshakeTest.tcp(b.rec.rxFrames().subList(nRx, b.rec.rxFrames().size()));
        assertEquals(1, rx.size(), "only the RST");
        byte[] rst = rx.get(0);
        assertEquals(TcpHeader.RST | TcpHeader.ACK, TcpHeader.flags(rst, TH));
        assertEquals(sNxt, TcpHeader.seq(rst, TH));
        assertEquals(sRcvNxt, TcpHeader.ackSeq(rst, TH));
        assertEquals(0, TcpSendPathTest.payload(rst));
        assertEquals(SockConst.TCP_CLOSE, c.skState);
        assertEquals(SockConst.ECONNRESET, e[0].err, "recvmsg returned -ECONNRESET");
        assertEquals(0, c.skErr, "reported once: sock_error() cleared it");
        assertEquals(1, e[0].errReports);
        assertEquals(1, b.h1.inet().tcp.estabResets);
        assertEquals(0, b.h1.inet().tcp.outRsts, "no RST back");
        assertFalse(b.h2.proto(6).sockets().contains(s));
        // the application then sees the error
    }

    @Test
    void closeAfterReadingEverythingSendsFinNotRst() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        End[] e = new End[2];
        b.h.inLoop(() -> {
            End[] pr = pair(b, 5008, listen(b, 5008, 8));
            e[0] = pr[0];
            e[1] = pr[1];
        });
        b.h.runUntil(100 * MS);
        byte[] d = stream(10_000, 18);
        b.h.inLoop(() -> {
            e[0].out = d;
            e[0].pump();
        });
        b.h.runUntil(b.h.now() + 100 * MS);
        assertArrayEquals(d, e[1].in.toByteArray());
        TcpSock s = (TcpSock) e[1].sk;
        b.h.inLoop(() -> b.h2.proto(6).close(s));
        b.h.runUntil(b.h.now() + 50 * MS);
        assertEquals(0, b.h2.inet().tcp.abortOnClose);
        assertEquals(0, b.h2.inet().tcp.outRsts);
        assertEquals(SockConst.TCP_CLOSE_WAIT, e[0].sk.skState);
        assertEquals(0, e[0].sk.skErr);
    }

    // ================================================================ 5. listen backlog overflow

    @Test
    void aFullAcceptQueueDropsTheNextSynAndItsConnectRetriesUntilAccepted() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        Proto p1 = b.h1.proto(6), p2 = b.h2.proto(6);
        Sock[] l = new Sock[1];
        b.h.inLoop(() -> l[0] = listen(b, 5009, 1));
        TcpSock[] c = new TcpSock[3];
        long[] t = new long[3];
        for (int i = 0; i < 3; i++) {
            int k = i;
            b.h.inLoop(() -> {
                c[k] = (TcpSock) p1.create(0);
                t[k] = b.h.now();
                assertEquals(-SockConst.EINPROGRESS, p1.connect(c[k], TcpBed.IP2, 5009));
            });
            b.h.runUntil(b.h.now() + 100 * MS);
        }
        TcpMib m1 = b.h1.inet().tcp, m2 = b.h2.inet().tcp;
        TcpSock lsk = (TcpSock) l[0];
        System.out.println("backlog: states " + c[0].skState + " " + c[1].skState + " " + c[2].skState + " acceptQ " + lsk.acceptQueue.size()
                + " overflow " + m2.dropListenOverflow + " passive " + m2.passiveOpens + " synRetrans " + m1.synRetrans);
        // Linux: sk_acceptq_is_full() is ack_backlog > max_ack_backlog, so backlog 1 queues two
        assertEquals(SockConst.TCP_ESTABLISHED, c[0].skState);
        assertEquals(SockConst.TCP_ESTABLISHED, c[1].skState);
        assertEquals(SockConst.TCP_SYN_SENT, c[2].skState, "third SYN dropped");
        assertEquals(2, lsk.acceptQueue.size());
        assertEquals(1, m2.dropListenOverflow);
        assertEquals(2, m2.passiveOpens);
        assertEquals(3, m1.activeOpens);
        assertEquals(0, m2.outRsts, "a silent drop, no RST");
        // the third connect retransmits its SYN every second (tcp_syn_linear_timeouts = 4 linear
        // timeouts of TCP_TIMEOUT_INIT before exponential backoff); each is dropped again
        b.h.runUntil(t[2] + 1 * S + 10 * MS);
        assertEquals(1, m1.synRetrans);
        assertEquals(1, m1.timeouts);
        assertEquals(2, m2.dropListenOverflow);
        b.h.runUntil(t[2] + 3 * S + 10 * MS);
        assertEquals(3, m1.synRetrans);
        assertEquals(3, m1.timeouts);
        assertEquals(4, m2.dropListenOverflow);
        assertEquals(SockConst.TCP_SYN_SENT, c[2].skState);
        List<Long> synTimes = new ArrayList<>();
        List<byte[]> tx = b.rec.frames();
        for (int i = 0; i < tx.size(); i++) {
            byte[] f = tx.get(i);
            if (TcpHandshakeTest.tcp(List.of(f)).size() == 1 && TcpHeader.flags(f, TH) == TcpHeader.SYN
                    && TcpHeader.srcPort(f, TH) == c[2].sport) synTimes.add(b.rec.times().get(i) - t[2]);
        }
        System.out.println("backlog: SYN times " + synTimes);
        assertEquals(4, synTimes.size(), "" + synTimes);
        for (int i = 1; i < 4; i++) assertEquals(1 * S, synTimes.get(i) - synTimes.get(i - 1), "" + synTimes);
        // the server accepts one: the next retransmitted SYN (at 4 s) gets in
        b.h.inLoop(() -> assertNotNull(p2.accept(l[0])));
        b.h.runUntil(t[2] + 4 * S + 100 * MS);
        assertEquals(SockConst.TCP_ESTABLISHED, c[2].skState);
        assertEquals(4, m1.synRetrans);
        assertEquals(4, m1.timeouts);
        assertEquals(4, m2.dropListenOverflow);
        assertEquals(3, m2.passiveOpens);
        assertEquals(0, m1.attemptFails);
        System.out.println("backlog: third connection cwnd after 4 SYN retransmissions " + c[2].sndCwnd + " totalRetrans " + c[2].totalRetrans);
        assertNotNull(p2.accept(l[0]));
        assertNotNull(p2.accept(l[0]));
        assertNull(p2.accept(l[0]));
    }
}
