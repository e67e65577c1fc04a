package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockCallbacks;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.tcp.wire.PcapFrames;
import org.nicemu.tcp.wire.TcpOptions;
import org.nicemu.tcp.wire.TcpOptionsReceived;

/**
 * The three-way handshake, option negotiation, RST for a closed port and the simultaneous close, on
 * the real engine (two hosts, 5 ms wire), checked on the frames h1's device sent and received.
 */
class TcpHandshakeTest {
    static final int TH = 14 + 20;
    static final long MS = TcpBed.MS, S = TcpBed.S;

    /** The TCP frames of a list (Ethernet/IPv4/TCP). */
    static List<byte[]> tcp(List<byte[]> frames) {
        List<byte[]> r = new ArrayList<>();
        for (byte[] f : frames) if (f.length >= TH + 20 && (f[12] & 0xff) == 8 && f[13] == 0 && Ipv4Header.protocol(f, 14) == 6) r.add(f);
        return r;
    }

    static byte[] opts(byte[] f) {
        return Arrays.copyOfRange(f, TH + 20, TH + TcpHeader.headerLength(f, TH));
    }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    /** The options with the two timestamp words zeroed (they hold clock values). */
    static byte[] noTs(byte[] o) {
        byte[] c = o.clone();
        TcpOptionsReceived rx = new TcpOptionsReceived();
        TcpOptions.parse(c, 0, c.length, rx);
        for (int i = 0; i + 10 <= c.length; i++) {
            if (c[i] == TcpOptions.TCPOPT_TIMESTAMP && c[i + 1] == TcpOptions.TCPOLEN_TIMESTAMP) {
                Arrays.fill(c, i + 2, i + 10, (byte) 0);
                break;
            }
        }
        return c;
    }

    /** A connection h1 → h2:5001 through the handshake; returns {client, server}. */
    static TcpSock[] connect(TcpBed b) {
        TcpSock[] r = new TcpSock[2];
        b.h.inLoop(() -> {
            Proto p2 = b.h2.proto(6);
            Sock l = p2.create(0);
            assertEquals(0, p2.bind(l, 0, 5001));
            assertEquals(0, p2.listen(l, 8));
            Proto p1 = b.h1.proto(6);
            Sock c = p1.create(0);
            r[0] = (TcpSock) c;
            assertEquals(-SockConst.EINPROGRESS, p1.connect(c, TcpBed.IP2, 5001));
            l.callbacks = new SockCallbacks() {
                @Override
                public void dataReady(Sock s) {
                    if (r[1] == null) r[1] = (TcpSock) p2.accept(l);
                }
            };
        });
        b.h.runUntil(b.h.now() + 100 * MS);
        return r;
    }

    @Test
    void synCarriesMssSackTimestampsWscale10AsLinuxAndTheSynAckMirrorsIt() throws IOException {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpSock[] cs = connect(b);
        TcpSock c = cs[0], s = cs[1];
        List<byte[]> tx = tcp(b.rec.frames()), rx = tcp(b.rec.rxFrames());
        byte[] syn = tx.get(0), synack = rx.get(0), ack = tx.get(1);
        assertEquals(TcpHeader.SYN, TcpHeader.flags(syn, TH));
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, TcpHeader.flags(synack, TH));
        assertEquals(TcpHeader.ACK, TcpHeader.flags(ack, TH));
        // MSS 1460, SACK_PERM, TS(tsval, 0), NOP, WS 10: 20 option bytes, doff 10
        assertEquals(40, TcpHeader.headerLength(syn, TH));
        assertArrayEquals(hex("020405b40402080a00000000000000000103030a"), noTs(opts(syn)));
        TcpOptionsReceived o = new TcpOptionsReceived();
        TcpOptions.parse(syn, TH + 20, 20, o);
        assertTrue(o.ok() && o.hasMss() && o.sackPermitted() && o.sawTstamp() && o.hasWscale());
        assertEquals(1460, o.mss());
        assertEquals(10, o.wscale()); // tcp_rmem[2] = 32 MiB, as the reference kernel
        assertEquals(0, o.tsecr());
        int synTsval = o.tsval();
        // the same bytes as the SYN of Linux 6.18 in the reference capture, TS values aside
        PcapFrames.TcpFrame linux = PcapFrames.readTcp("linux-tcp.pcap").get(0);
        byte[] lo = noTs(linux.options());
        assertArrayEquals(lo, noTs(opts(syn)), "SYN options = Linux's");
        // window field = the initial rcv_wnd (unscaled in a SYN)
        assertEquals(64240, TcpHeader.window(syn, TH), "initial rcv_wnd: 44 x 1460, as Linux with 128 KB rmem");
        // the SYN-ACK mirrors the offers and echoes the SYN's TSval
        assertArrayEquals(hex("020405b40402080a00000000000000000103030a"), noTs(opts(synack)));
        TcpOptions.parse(synack, TH + 20, 20, o);
        assertEquals(synTsval, o.tsecr());
        assertEquals(TcpHeader.seq(syn, TH) + 1, TcpHeader.ackSeq(synack, TH));
        assertEquals(TcpHeader.seq(synack, TH) + 1, TcpHeader.ackSeq(ack, TH));
        assertEquals(Math.min(s.rcvWnd, 65535), TcpHeader.window(synack, TH));
        // the third ACK: NOP, NOP, TS; window scaled by 10: 64240 rounded up to 1024 = 64512, field 63 (as Linux's)
        assertEquals(32, TcpHeader.headerLength(ack, TH));
        assertArrayEquals(hex("0101080a0000000000000000"), noTs(opts(ack)));
        assertEquals(63, TcpHeader.window(ack, TH));
        assertEquals(64512, c.rcvWnd);
        // negotiated state
        for (TcpSock t : cs) {
            assertEquals(SockConst.TCP_ESTABLISHED, t.skState);
            assertEquals(1448, t.mssCache);
            assertEquals(1460, t.advmss);
            assertEquals(10, t.sndWscale);
            assertEquals(10, t.rcvWscale);
            assertTrue(t.wscaleOk && t.sackOk && t.tstampOk);
        }
        assertEquals(1, b.h1.inet().tcp.activeOpens);
        assertEquals(1, b.h2.inet().tcp.passiveOpens);
        assertEquals(3, tx.size() + rx.size());
        // handshake timing: SYN at 0, SYN-ACK back after one RTT of 10 ms plus serialisation
        long rtt = b.rec.rxTimes().get(0) - b.rec.times().get(0);
        assertTrue(rtt >= 10 * MS && rtt < 10 * MS + 50_000, "RTT " + rtt);
    }

    @Test
    void withoutWindowScalingNoWsOptionAndWindowsStayBelow64K() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        b.h.inLoop(() -> b.h1.sysctl("net.ipv4.tcp_window_scaling", "0"));
        TcpSock[] cs = connect(b);
        byte[] syn = tcp(b.rec.frames()).get(0), synack = tcp(b.rec.rxFrames()).get(0);
        assertArrayEquals(hex("020405b40402080a0000000000000000"), noTs(opts(syn)), "MSS, SACK_PERM+TS, no WS");
        // h2 allows scaling but h1 did not offer it: none in the SYN-ACK either
        assertArrayEquals(hex("020405b40402080a0000000000000000"), noTs(opts(synack)));
        for (TcpSock t : cs) {
            assertFalse(t.wscaleOk);
            assertEquals(0, t.sndWscale);
            assertEquals(0, t.rcvWscale);
        }
        // a 2 MB transfer: no advertised window ever above 65535, both ways
        TcpBed.Sink[] sink = new TcpBed.Sink[1];
        TcpBed.Bulk[] bulk = new TcpBed.Bulk[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5002);
            bulk[0] = b.new Bulk(5002, 2_000_000, "cubic", 3);
        });
        long max = 0;
        for (int i = 0; i < 100 && !sink[0].eof; i++) {
            b.h.runUntil(b.h.now() + 50 * MS);
            if (bulk[0].sk.skState == SockConst.TCP_ESTABLISHED) {
                max = Math.max(max, ((TcpSock) bulk[0].sk).sndWnd);
                assertTrue(((TcpSock) bulk[0].sk).sndWnd <= 65535);
            }
        }
        assertEquals(2_000_000, sink[0].bytes);
        assertEquals(TcpBed.hex(bulk[0].sha.digest()), TcpBed.hex(sink[0].sha.digest()));
        assertTrue(max > 60_000, "window reached " + max);
        for (byte[] f : tcp(b.rec.rxFrames())) assertFalse(hasOption(f, TcpOptions.TCPOPT_WINDOW));
        for (byte[] f : tcp(b.rec.frames())) assertFalse(hasOption(f, TcpOptions.TCPOPT_WINDOW));
    }

    static boolean hasOption(byte[] f, int kind) {
        byte[] o = opts(f);
        TcpOptionsReceived rx = new TcpOptionsReceived();
        TcpOptions.parse(o, 0, o.length, rx);
        switch (kind) {
            case TcpOptions.TCPOPT_WINDOW: return rx.hasWscale();
            case TcpOptions.TCPOPT_SACK_PERM: return rx.sackPermitted();
            case TcpOptions.TCPOPT_SACK: return rx.numSacks() > 0;
            default: return rx.sawTstamp();
        }
    }

    @Test
    void withoutSackNoSackPermittedAndTheTimestampsGetTheirNops() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        b.h.inLoop(() -> b.h1.sysctl("net.ipv4.tcp_sack", "0"));
        TcpSock[] cs = connect(b);
        byte[] syn = tcp(b.rec.frames()).get(0), synack = tcp(b.rec.rxFrames()).get(0);
        assertArrayEquals(hex("020405b40101080a00000000000000000103030a"), noTs(opts(syn)), "MSS, NOP, NOP, TS, NOP, WS");
        assertArrayEquals(hex("020405b40101080a00000000000000000103030a"), noTs(opts(synack)));
        for (TcpSock t : cs) {
            assertFalse(t.sackOk);
            assertTrue(t.tstampOk && t.wscaleOk);
            assertEquals(1448, t.mssCache);
        }
    }

    @Test
    void withoutTimestampsTheMssIs1460() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        b.h.inLoop(() -> b.h1.sysctl("net.ipv4.tcp_timestamps", "0"));
        TcpSock[] cs = connect(b);
        byte[] syn = tcp(b.rec.frames()).get(0), synack = tcp(b.rec.rxFrames()).get(0), ack = tcp(b.rec.frames()).get(1);
        assertArrayEquals(hex("020405b4010104020103030a"), noTs(opts(syn)), "MSS, NOP, NOP, SACK_PERM, NOP, WS");
        assertArrayEquals(hex("020405b4010104020103030a"), noTs(opts(synack)));
        assertEquals(20, TcpHeader.headerLength(ack, TH), "no options after the handshake");
        for (TcpSock t : cs) {
            assertFalse(t.tstampOk);
            assertTrue(t.sackOk && t.wscaleOk);
            assertEquals(1460, t.mssCache);
        }
    }

    /** A socket of h1 connecting to {@code daddr:port} (EINPROGRESS) whose error report lands in {@code errs[0]}. */
    static TcpSock connectRecordingErrors(TcpBed b, int daddr, int port, int[] errs) {
        TcpSock[] c = new TcpSock[1];
        b.h.inLoop(() -> {
            Proto p1 = b.h1.proto(6);
            c[0] = (TcpSock) p1.create(0);
            c[0].callbacks = new SockCallbacks() {
                @Override
                public void errorReport(Sock s) {
                    errs[0] = s.skErr;
                }
            };
            assertEquals(-SockConst.EINPROGRESS, p1.connect(c[0], daddr, port));
        });
        return c[0];
    }

    @Test
    void connectToAnOnLinkAddressNobodyHasFailsWithEhostunreachWhenArpGivesUp() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        int[] errs = new int[1];
        TcpSock[] c = {connectRecordingErrors(b, 0xc6120009, 5001, errs)};
        // ARP: requests at 0, 1 and 2 s (mcast_solicit 3, retrans_time 1 s), FAILED at 3 s; the SYN and
        // its retransmissions at 1 s and 3 s (the RTO timer was armed before the neighbour timer for
        // the same instant) wait in the arp_queue and come back as ICMP host unreachable
        b.h.runUntil(2999 * MS);
        assertEquals(SockConst.TCP_SYN_SENT, c[0].skState, "still resolving");
        b.h.runUntil(3001 * MS);
        assertEquals(SockConst.TCP_CLOSE, c[0].skState);
        assertEquals(SockConst.EHOSTUNREACH, c[0].skErr);
        assertEquals(SockConst.EHOSTUNREACH, errs[0], "connect() fails with EHOSTUNREACH (tcp_v4_err in SYN-SENT)");
        assertEquals(0, tcp(b.rec.frames()).size(), "no SYN reached the wire");
        long arp = b.rec.frames().stream().filter(f -> ((f[12] & 0xff) << 8 | (f[13] & 0xff)) == 0x0806).count();
        assertEquals(3, arp, "three ARP requests");
        b.h.inLoop(() -> {
            assertEquals(3, b.h1.inet().counters.arpUnresolvedDrops, "the SYN and its two retransmissions");
            assertEquals(3, b.h1.inet().counters.icmpInDestUnreachs);
            assertEquals(1, ((TcpProto) b.h1.proto(6)).mib.attemptFails);
            assertEquals(0, ((TcpProto) b.h1.proto(6)).mib.outOfWindowIcmps, "the later errors find no connection");
        });
    }

    @Test
    void connectToAClosedPortIsRefusedByRstAck() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        int[] errs = new int[1];
        TcpSock[] c = {connectRecordingErrors(b, TcpBed.IP2, 5999, errs)};
        b.h.runUntil(100 * MS);
        List<byte[]> tx = tcp(b.rec.frames()), rx = tcp(b.rec.rxFrames());
        assertEquals(1, tx.size(), "the SYN only");
        assertEquals(1, rx.size(), "the RST");
        byte[] syn = tx.get(0), rst = rx.get(0);
        assertEquals(TcpHeader.RST | TcpHeader.ACK, TcpHeader.flags(rst, TH));
        assertEquals(0, TcpHeader.seq(rst, TH));
        assertEquals(TcpHeader.seq(syn, TH) + 1, TcpHeader.ackSeq(rst, TH));
        assertEquals(0, TcpHeader.window(rst, TH));
        assertEquals(20, TcpHeader.headerLength(rst, TH));
        assertEquals(TcpHeader.dstPort(syn, TH), TcpHeader.srcPort(rst, TH));
        assertEquals(TcpHeader.srcPort(syn, TH), TcpHeader.dstPort(rst, TH));
        assertTrue(TcpHeader.verifyChecksum(rst, TH, TcpBed.IP2, TcpBed.IP1, Ipv4Header.totalLength(rst, 14) - 20));
        assertEquals(60, rst.length, "54 bytes padded to the Ethernet minimum");
        assertEquals(SockConst.TCP_CLOSE, c[0].skState);
        assertEquals(SockConst.ECONNREFUSED, c[0].skErr);
        assertEquals(SockConst.ECONNREFUSED, errs[0]);
        assertEquals(1, b.h2.inet().tcp.outRsts);
        assertEquals(1, b.h2.inet().tcp.dropNoSocket);
        assertEquals(1, b.h2.inet().tcp.inSegs);
        assertEquals(1, b.h1.inet().tcp.activeOpens);
        assertEquals(1, b.h1.inet().tcp.inSegs);
        assertEquals(0, b.h1.inet().tcp.estabResets);
        assertEquals(0, b.h1.inet().tcp.outRsts);
        // nothing more after: no SYN retransmission
        b.h.runUntil(5 * S);
        assertEquals(1, tcp(b.rec.frames()).size());
        assertEquals(0, b.h1.inet().tcp.timeouts);
    }

    /** Linux counts TCP_MIB_ATTEMPTFAILS when a SYN-SENT socket goes to CLOSE (tcp_done via tcp_set_state). */
    @Test
    void refusedConnectCountsAnAttemptFail() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        b.h.inLoop(() -> {
            Proto p1 = b.h1.proto(6);
            assertEquals(-SockConst.EINPROGRESS, p1.connect(p1.create(0), TcpBed.IP2, 5999));
        });
        b.h.runUntil(100 * MS);
        assertEquals(1, b.h1.inet().tcp.attemptFails);
    }

    @Test
    void simultaneousCloseEndsInTimeWaitOnBothSidesFor60Seconds() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpSock[] cs = connect(b);
        TcpSock c = cs[0], s = cs[1];
        int nTx = tcp(b.rec.frames()).size(), nRx = tcp(b.rec.rxFrames()).size();
        long t0 = b.h.now();
        b.h.inLoop(() -> {
            b.h1.proto(6).close(c);
            b.h2.proto(6).close(s);
        });
        assertEquals(SockConst.TCP_FIN_WAIT1, c.skState);
        assertEquals(SockConst.TCP_FIN_WAIT1, s.skState);
        b.h.runUntil(t0 + 100 * MS);
        assertEquals(SockConst.TCP_TIME_WAIT, c.skState);
        assertEquals(SockConst.TCP_TIME_WAIT, s.skState);
        // on the wire: each side sent FIN|ACK, then each ACKed the other's FIN (CLOSING → TIME-WAIT)
        List<byte[]> tx = tcp(b.rec.frames()).subList(nTx, tcp(b.rec.frames()).size());
        List<byte[]> rx = tcp(b.rec.rxFrames()).subList(nRx, tcp(b.rec.rxFrames()).size());
        assertEquals(2, tx.size());
        assertEquals(2, rx.size());
        for (List<byte[]> l : List.of(tx, rx)) {
            assertEquals(TcpHeader.FIN | TcpHeader.ACK, TcpHeader.flags(l.get(0), TH));
            assertEquals(TcpHeader.ACK, TcpHeader.flags(l.get(1), TH));
            assertEquals(TcpHeader.seq(l.get(0), TH) + 1, TcpHeader.seq(l.get(1), TH));
        }
        assertEquals(TcpHeader.seq(rx.get(0), TH) + 1, TcpHeader.ackSeq(tx.get(1), TH));
        assertEquals(TcpHeader.seq(tx.get(0), TH) + 1, TcpHeader.ackSeq(rx.get(1), TH));
        // TIME-WAIT = 60 s from the moment each side got the ACK of its FIN
        long lastRx = b.rec.rxTimes().get(b.rec.rxTimes().size() - 1);
        long cExp = c.timewaitTimer.expiresNanos(), sExp = s.timewaitTimer.expiresNanos();
        assertTrue(cExp - lastRx >= 60 * S && cExp - lastRx < 60 * S + MS, "h1 TIME-WAIT ends " + (cExp - lastRx));
        assertTrue(sExp >= t0 + 60 * S && sExp < t0 + 60 * S + 20 * MS);
        assertEquals(t0 + 60 * S, t0 + 60 * S);
        long first = Math.min(cExp, sExp), last = Math.max(cExp, sExp);
        b.h.runUntil(first - 1);
        assertTrue(b.h1.proto(6).sockets().contains(c));
        assertTrue(b.h2.proto(6).sockets().contains(s));
        assertEquals(SockConst.TCP_TIME_WAIT, c.skState);
        b.h.runUntil(last);
        assertEquals(SockConst.TCP_CLOSE, c.skState);
        assertEquals(SockConst.TCP_CLOSE, s.skState);
        assertFalse(b.h1.proto(6).sockets().contains(c));
        assertFalse(b.h2.proto(6).sockets().contains(s));
        assertEquals(0, b.h1.inet().tcp.outRsts + b.h2.inet().tcp.outRsts);
        assertEquals(2, tcp(b.rec.frames()).size() - nTx, "nothing sent in TIME-WAIT");
    }
}
