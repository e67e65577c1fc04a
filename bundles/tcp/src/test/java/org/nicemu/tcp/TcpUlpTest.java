package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockCallbacks;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.tcp.ulp.TcpSubflow;
import org.nicemu.api.tcp.ulp.TcpUlp;
import org.nicemu.api.tcp.ulp.UlpCb;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.tcp.wire.PcapFrames;
import org.nicemu.tcp.wire.PcapFrames.TcpFrame;
import org.nicemu.tcp.wire.TcpOptions;
import org.nicemu.tcp.wire.TcpOptionsReceived;

/**
 * The ULP hooks of TCP (the MPTCP subflow interface, {@link TcpUlp} / {@link TcpSubflow}) on the
 * real engine: two hosts on a 5 ms wire, checked on the pcaps the bed writes and on what a small
 * test ULP saw. The test ULP writes real-looking MPTCP options: MP_CAPABLE on the handshake, a DSS
 * with DATA_ACK and a 64-bit mapping (22 bytes, as Linux's data segments) on mapped data, a DSS
 * DATA_ACK plus MP_PRIO (11 bytes: NOP padding) on other segments.
 */
class TcpUlpTest {
    static final long MS = TcpBed.MS, S = TcpBed.S;
    static final byte[] KEY_C = hex("0102030405060708"), KEY_S = hex("a1a2a3a4a5a6a7a8");
    static final int DATA_ACK = 0x104e418c;
    static final long DSN = 0x1122334455667788L;

    // ================================================================ the test ULP

    /** One establishedOptions() call with an skb: what the skb and its ULP area showed. */
    record Seen(int flags, int seq, int len, long dataSeq, int subflowSeq, int dataLen, int ulpFlags, int written) {
    }

    static final class TestUlp implements TcpUlp {
        final String name;
        final List<String> log;
        final byte[] key;
        final boolean active;
        byte[] peerKey;
        boolean capableAckSent;
        /** Listener: REJECT every SYN; child: established() returns true. */
        boolean reject, take;
        /** Option lengths returned beyond the limits (0 = the normal options). */
        int synOver, dataOver, ackOver;
        int estimate = 22;
        final List<Seen> seen = new ArrayList<>();
        int released, estimates;
        TcpSubflow sf;
        /** Listener: the children's ULPs and the callbacks their sockets get. */
        final List<TestUlp> children = new ArrayList<>();
        SockCallbacks childCallbacks;
        boolean childTakes;

        TestUlp(String name, List<String> log, byte[] key, boolean active) {
            this.name = name;
            this.log = log;
            this.key = key;
            this.active = active;
        }

        @Override
        public int synOptions(TcpSubflow s, byte[] out) {
            log.add(name + " synOptions");
            if (synOver > 0) return fill(out, synOver);
            return put(out, 0, hex("1e040181"));
        }

        @Override
        public TcpUlp synReceived(TcpSubflow listener, TcpSubflow child, byte[] opts, int optOff, int optLen) {
            log.add(name + " synReceived " + hexOf(Arrays.copyOfRange(opts, optOff, optOff + optLen)));
            if (reject) return REJECT;
            assertSame(listener.sock().host, child.sock().host);
            assertEquals(SockConst.TCP_SYN_RECV, child.sock().skState);
            TestUlp c = new TestUlp("child" + children.size(), log, KEY_S, false);
            c.take = childTakes;
            c.sf = child;
            if (childCallbacks != null) child.sock().callbacks = childCallbacks;
            children.add(c);
            return c;
        }

        @Override
        public int synackOptions(TcpSubflow child, byte[] out) {
            log.add(name + " synackOptions");
            int n = put(out, 0, hex("1e0c0181"));
            return put(out, n, key);
        }

        @Override
        public int establishedOptions(TcpSubflow s, SkBuff skb, int tcpFlags, int remaining, byte[] out) {
            if (skb == null) {
                estimates++;
                int n = put(out, 0, new byte[] {30, (byte) estimate, 0x20, 0x0d});
                Arrays.fill(out, n, estimate, (byte) 0);
                return estimate;
            }
            boolean mapped = (UlpCb.flags(skb) & UlpCb.F_MAP) != 0;
            int n;
            if (mapped && dataOver > 0) {
                n = fill(out, dataOver);
            } else if (!mapped && skb.len() == 0 && ackOver > 0) {
                n = fill(out, ackOver);
            } else if (active && !capableAckSent && skb.len() == 0) {
                // MP_CAPABLE ACK: both keys, the peer's learnt from the SYN-ACK by incomingOptions()
                capableAckSent = true;
                n = put(out, 0, hex("1e140181"));
                n = put(out, n, key);
                n = put(out, n, peerKey != null ? peerKey : new byte[8]);
            } else if (mapped) {
                n = put(out, 0, hex("1e16200d"));
                n = put32(out, n, DATA_ACK);
                for (int i = 7; i >= 0; i--) out[n++] = (byte) (UlpCb.dataSeq(skb) >>> (8 * i));
                n = put32(out, n, UlpCb.subflowSeq(skb));
                out[n++] = (byte) (UlpCb.dataLen(skb) >>> 8);
                out[n++] = (byte) UlpCb.dataLen(skb);
            } else {
                n = put(out, 0, hex("1e082001"));
                n = put32(out, n, DATA_ACK);
                n = put(out, n, hex("1e0351")); // MP_PRIO, 3 bytes: one NOP pads the options
            }
            seen.add(new Seen(tcpFlags, TcpSock.cbSeq(skb), skb.len(), UlpCb.dataSeq(skb), UlpCb.subflowSeq(skb),
                    UlpCb.dataLen(skb), UlpCb.flags(skb), n));
            return n;
        }

        @Override
        public void incomingOptions(TcpSubflow s, int tcpFlags, int seq, int payloadLen, byte[] opts, int optOff, int optLen) {
            log.add(name + " incoming " + flagName(tcpFlags) + " " + payloadLen);
            if ((tcpFlags & TcpHeader.SYN) != 0) {
                TcpOptionsReceived rx = new TcpOptionsReceived();
                TcpOptions.parse(opts, optOff, optLen, rx);
                for (int i = 0; i < rx.numRaw(); i++) {
                    if (rx.rawKind(i) == 30 && rx.rawLength(i) == 12) {
                        int o = rx.rawOffset(i);
                        peerKey = Arrays.copyOfRange(opts, o + 4, o + 12);
                    }
                }
            }
        }

        @Override
        public boolean established(TcpSubflow s) {
            log.add(name + " established " + SockConst.stateName(s.sock().skState));
            return take;
        }

        @Override
        public void release(TcpSubflow s) {
            released++;
            log.add(name + " release");
        }

        /** A well-formed kind-30 option of {@code len} bytes (len 2..40). */
        static int fill(byte[] out, int len) {
            out[0] = 30;
            out[1] = (byte) len;
            for (int i = 2; i < len; i++) out[i] = (byte) (0x40 + i);
            return len;
        }
    }

    static String flagName(int f) {
        return ((f & TcpHeader.SYN) != 0 ? "S" : "") + ((f & TcpHeader.FIN) != 0 ? "F" : "") + ((f & TcpHeader.RST) != 0 ? "R" : "")
                + ((f & TcpHeader.ACK) != 0 ? "A" : "");
    }

    static int put(byte[] out, int off, byte[] b) {
        System.arraycopy(b, 0, out, off, b.length);
        return off + b.length;
    }

    static int put32(byte[] out, int off, int v) {
        out[off] = (byte) (v >>> 24);
        out[off + 1] = (byte) (v >>> 16);
        out[off + 2] = (byte) (v >>> 8);
        out[off + 3] = (byte) v;
        return off + 4;
    }

    static byte[] hex(String s) {
        return TcpHandshakeTest.hex(s);
    }

    static String hexOf(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    // ================================================================ a connection with ULPs

    /** A reader that drains a subflow with read() into {@link #got} (posted, as an application would). */
    static final class Reader implements SockCallbacks {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        TcpSock sk;
        int errs;

        @Override
        public void dataReady(Sock s) {
            sk = (TcpSock) s;
            s.host.loop().post(this::drain);
        }

        @Override
        public void errorReport(Sock s) {
            errs = s.skErr;
        }

        void drain() {
            byte[] buf = new byte[3000];
            int r;
            while (sk.readable() > 0) {
                r = sk.read(buf, 0, buf.length);
                assertTrue(r > 0);
                got.write(buf, 0, r);
            }
            assertEquals(0, sk.read(buf, 0, buf.length), "nothing queued: 0");
        }
    }

    /** Client h1 (ULP {@link #cu}) to a listener on h2:5001 (ULP {@link #lu}). */
    static final class Conn {
        final TcpBed b;
        final List<String> log = new ArrayList<>();
        final TestUlp cu = new TestUlp("client", log, KEY_C, true);
        final TestUlp lu = new TestUlp("listener", log, KEY_S, false);
        final Reader serverReader = new Reader(), clientReader = new Reader();
        TcpSock c, l, child;
        int clientErr;

        Conn(TcpBed b) {
            this.b = b;
            lu.childCallbacks = serverReader;
        }

        Conn start(boolean childTakes) {
            lu.childTakes = childTakes;
            b.h.inLoop(() -> {
                Proto p2 = b.h2.proto(6);
                l = (TcpSock) p2.create(0);
                l.setUlp(lu);
                assertEquals(0, p2.bind(l, 0, 5001));
                assertEquals(0, p2.listen(l, 8));
                l.callbacks = new SockCallbacks() {
                    @Override
                    public void dataReady(Sock s) {
                        Sock a = p2.accept(l);
                        if (a != null) {
                            child = (TcpSock) a;
                            child.callbacks = serverReader;
                        }
                    }
                };
                Proto p1 = b.h1.proto(6);
                c = (TcpSock) p1.create(0);
                c.setUlp(cu);
                c.callbacks = new SockCallbacks() {
                    @Override
                    public void dataReady(Sock s) {
                        clientReader.dataReady(s);
                    }

                    @Override
                    public void errorReport(Sock s) {
                        clientErr = s.skErr;
                    }
                };
                assertEquals(-SockConst.EINPROGRESS, p1.connect(c, TcpBed.IP2, 5001));
            });
            b.h.runUntil(b.h.now() + 100 * MS);
            return this;
        }

        TcpSock serverChild() {
            return child != null ? child : (TcpSock) lu.children.get(0).sf;
        }
    }

    static byte[] pattern(int n, int seed) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) d[i] = (byte) (i * 31 + seed + (i >>> 8));
        return d;
    }

    /** The options with the timestamp words zeroed. */
    static String opts(TcpFrame f) {
        return hexOf(TcpHandshakeTest.noTs(f.options()));
    }

    /** Every frame is a well-formed IPv4/TCP segment: lengths, data offset, options, checksum. */
    static void assertWellFormed(List<TcpFrame> frames) {
        for (TcpFrame f : frames) {
            byte[] fr = f.frame();
            int doff = TcpHeader.headerLength(fr, f.tcpOff());
            assertTrue(doff >= 20 && doff <= 60, "doff " + doff);
            int ipLen = (fr[16] & 0xff) << 8 | (fr[17] & 0xff);
            assertTrue(ipLen >= 20 + doff && 14 + ipLen <= fr.length, "frame " + f.number() + ": ip length " + ipLen);
            TcpOptionsReceived rx = new TcpOptionsReceived();
            assertTrue(TcpOptions.parse(fr, f.optOff(), f.optLen(), rx).equals(TcpOptionsReceived.Status.OK),
                    "frame " + f.number() + " options " + hexOf(f.options()) + ": " + rx.status());
            int src = (fr[26] & 0xff) << 24 | (fr[27] & 0xff) << 16 | (fr[28] & 0xff) << 8 | (fr[29] & 0xff);
            int dst = (fr[30] & 0xff) << 24 | (fr[31] & 0xff) << 16 | (fr[32] & 0xff) << 8 | (fr[33] & 0xff);
            assertTrue(TcpHeader.verifyChecksum(fr, f.tcpOff(), src, dst, ipLen - 20), "frame " + f.number() + " checksum");
        }
    }

    // ================================================================ tests

    /**
     * The handshake and data options byte for byte as Linux lays them out (MP_CAPABLE after MSS,
     * SACK_PERM, TS, WS; the DSS after NOP, NOP, TS and padded with two NOPs), 1424-byte segments
     * (1500 - 20 - 20 - 12 - align4(22)), a 20,000-byte mapped write sent with TSO after a loss: every
     * skb the ULP saw, split or retransmitted, keeps the whole mapping, and read() returns the bytes.
     */
    @Test
    void optionsOnTheWireAndAMappedWriteSurvivesTsoSplitsAndRetransmissions(@TempDir Path dir) throws Exception {
        TcpBed b = new TcpBed(Map.of("delay", "5ms"), 1_000_000_000L, true, dir);
        Conn k = new Conn(b);
        byte[] data = pattern(20_000, 3);
        try {
            k.start(false);
            assertEquals(SockConst.TCP_ESTABLISHED, k.c.skState);
            assertNotNull(k.child, "plain MP_CAPABLE child: accepted");
            assertEquals(1424, k.c.currentMss(), "1448 less align4(22)");
            assertEquals(1448, k.c.mssCache);
            // lose the first flight: h2's link is down while it arrives
            b.h.inLoop(() -> {
                b.d2.setLink(false);
                assertEquals(20_000, k.c.queueMapped(data, 0, data.length, DSN, false));
                assertEquals(20_000, k.c.wmemQueued());
                assertEquals(k.c.iss + 1 + 20_000, k.c.writeSeq());
                k.c.push();
            });
            b.h.runUntil(b.h.now() + 30 * MS);
            b.h.inLoop(() -> b.d2.setLink(true));
            b.h.runUntil(b.h.now() + 3 * S);
        } finally {
            b.closeCaptures();
        }
        assertArrayEquals(data, k.serverReader.got.toByteArray(), "read() returns exactly the bytes sent");
        assertTrue(k.c.totalRetrans() > 0, "retransmissions happened");
        assertEquals(0, k.c.packetsOut());
        assertEquals(k.c.iss + 1 + 20_000, k.c.sndUna);

        // what the client's ULP saw: every data skb carries the whole mapping (dataSeq, 1, 20000)
        List<Seen> data1 = new ArrayList<>();
        for (Seen s : k.cu.seen) if (s.len() > 0) data1.add(s);
        assertTrue(data1.size() >= 3, "data skbs seen " + data1.size());
        int payloadSeen = 0;
        for (Seen s : data1) {
            assertEquals(DSN, s.dataSeq(), s.toString());
            assertEquals(1, s.subflowSeq(), s.toString());
            assertEquals(20_000, s.dataLen(), s.toString());
            assertEquals(UlpCb.F_MAP, s.ulpFlags(), s.toString());
            payloadSeen += s.len();
        }
        assertTrue(payloadSeen > 20_000, "retransmitted skbs were shown too: " + payloadSeen);
        boolean tso = false;
        for (Seen s : data1) tso |= s.len() > 1424;
        assertTrue(tso, "TSO skbs bigger than one segment: " + data1);
        // segments without payload showed a cleared ULP area
        for (Seen s : k.cu.seen) if (s.len() == 0) assertEquals(0, s.ulpFlags() | s.dataLen() | s.subflowSeq(), s.toString());
        for (Seen s : k.lu.children.get(0).seen) {
            assertEquals(0, s.len());
            assertEquals(0L, s.dataSeq());
            assertEquals(0, s.ulpFlags());
        }
        assertTrue(k.cu.estimates > 0, "tcp_current_mss asked for the estimate");

        // the wire (h1's capture, both directions)
        List<TcpFrame> fr = PcapFrames.readTcp(b.pcap1);
        assertWellFormed(fr);
        int cport = k.c.sport;
        List<TcpFrame> tx = new ArrayList<>(), rx = new ArrayList<>();
        for (TcpFrame f : fr) (f.srcPort() == cport ? tx : rx).add(f);
        TcpFrame syn = tx.get(0), synack = rx.get(0), ack3 = tx.get(1);
        assertTrue(syn.syn() && !syn.ack());
        assertEquals("020405b40402080a00000000000000000103030a" + "1e040181", opts(syn), "SYN: Linux's options + MP_CAPABLE");
        assertEquals(44, syn.optOff() - syn.tcpOff() + syn.optLen());
        assertTrue(synack.syn() && synack.ack());
        assertEquals("020405b40402080a00000000000000000103030a" + "1e0c0181" + hexOf(KEY_S), opts(synack));
        assertEquals(52, 20 + synack.optLen());
        assertEquals(TcpHeader.ACK, ack3.flags());
        assertEquals(0, ack3.payloadLen());
        assertEquals("0101080a0000000000000000" + "1e140181" + hexOf(KEY_C) + hexOf(KEY_S), opts(ack3),
                "third ACK: the key learnt from the SYN-ACK");
        String dss = "0101080a0000000000000000" + "1e16200d" + String.format("%08x", DATA_ACK) + String.format("%016x", DSN)
                + "00000001" + "4e20" + "0101";
        Map<Long, Integer> sent = new HashMap<>();
        int full = 0, dataFrames = 0;
        for (TcpFrame f : tx) {
            if (f.payloadLen() == 0) continue;
            dataFrames++;
            assertEquals(dss, opts(f), "frame " + f.number());
            assertEquals(56, 20 + f.optLen());
            assertTrue(f.payloadLen() == 1424 || f.payloadLen() == 20_000 - 14 * 1424, "frame " + f.number() + ": " + f.payloadLen());
            if (f.payloadLen() == 1424) {
                full++;
                assertEquals(1500 + 14, f.frame().length, "a full 1500-byte IP packet");
            }
            sent.merge(f.tcpSeq(), 1, Integer::sum);
        }
        assertTrue(full >= 14, "14 full segments at least: " + full);
        assertTrue(sent.size() == 15 && dataFrames > 15, "15 segments, some more than once: " + sent);
        // the server's pure ACKs: DSS DATA_ACK + MP_PRIO (11 bytes, one NOP)
        // (after a SACK block when there is one: MPTCP options are written last, as tcp_options_write() does)
        int acks = 0, sacks = 0;
        for (TcpFrame f : rx) {
            if (f.syn() || f.payloadLen() != 0) continue;
            acks++;
            String o = opts(f), mp = "1e082001" + String.format("%08x", DATA_ACK) + "1e0351" + "01";
            assertTrue(o.startsWith("0101080a0000000000000000") && o.endsWith(mp), o);
            if (o.length() == 2 * 24) continue;
            sacks++;
            assertEquals(2 * 36, o.length(), "TS, one SACK block, then the ULP's 11 bytes + NOP: " + o);
            assertTrue(o.startsWith("0101080a00000000000000000101050a"), o);
        }
        assertTrue(acks > 0);
        assertTrue(sacks > 0, "the loss made the receiver SACK");
    }

    /**
     * The ULP sees each side's handshake in order: the SYN-ACK's options before established() on the
     * active side, the third ACK's before established() on the passive child; a child the ULP takes
     * (an MP_JOIN) stays out of the accept queue and still carries data both ways; release() once
     * per socket.
     */
    @Test
    void takenChildStaysOutOfTheAcceptQueueAndCarriesDataBothWays() {
        TcpBed b = new TcpBed(Map.of("delay", "5ms"));
        Conn k = new Conn(b).start(true);
        assertNull(k.child, "never accepted");
        TestUlp cu = k.lu.children.get(0);
        TcpSock child = (TcpSock) cu.sf;
        assertEquals(SockConst.TCP_ESTABLISHED, child.skState);
        assertTrue(k.l.acceptQueue.isEmpty());
        assertFalse(b.h2.proto(6).acceptable(k.l));
        assertEquals(0, k.l.synQueueLen);
        assertNull(child.parent);
        assertTrue(child.hashed && !child.orphan);
        assertTrue(b.h2.proto(6).sockets().contains(child));
        assertSame(cu, child.ulp());
        assertSame(k.cu, k.c.ulp());
        assertEquals(1, b.h2.inet().tcp.passiveOpens);

        // the order of the hooks on each side
        List<String> cl = new ArrayList<>(), ch = new ArrayList<>();
        for (String e : k.log) {
            if (e.startsWith("client")) cl.add(e);
            if (e.startsWith("child0")) ch.add(e);
        }
        assertEquals(List.of("client synOptions", "client incoming SA 0", "client established ESTAB"), cl);
        assertEquals(List.of("child0 synackOptions", "child0 incoming A 0", "child0 established ESTAB"), ch);
        assertTrue(k.log.get(1).startsWith("listener synReceived 020405b40402080a"));
        assertTrue(k.log.get(1).endsWith("0103030a1e040181"), k.log.get(1));

        // data both ways through queueMapped / read
        byte[] up = pattern(5000, 1), down = pattern(3000, 2);
        b.h.inLoop(() -> {
            assertEquals(5000, k.c.queueMapped(up, 0, up.length, 1000, false));
            k.c.push();
            assertEquals(3000, child.queueMapped(down, 0, down.length, 77, true));
            child.push();
        });
        b.h.runUntil(b.h.now() + 500 * MS);
        assertArrayEquals(up, k.serverReader.got.toByteArray());
        assertArrayEquals(down, k.clientReader.got.toByteArray());
        for (Seen s : cu.seen) {
            if (s.len() == 0) continue;
            assertEquals(77, s.dataSeq());
            assertEquals(3001, s.dataLen(), "the DATA_FIN counts");
            assertEquals(UlpCb.F_MAP | UlpCb.F_DATA_FIN, s.ulpFlags());
        }
        assertTrue(k.c.bytesAcked() >= 5000 && child.bytesReceived() == 5000 && child.bytesAcked() >= 3000);
        assertEquals(0, k.c.readable());

        // close both: release() exactly once per socket, after TIME-WAIT too
        b.h.inLoop(() -> {
            k.c.close();
            child.close();
        });
        b.h.runUntil(b.h.now() + 70 * S);
        assertEquals(SockConst.TCP_CLOSE, k.c.skState);
        assertEquals(SockConst.TCP_CLOSE, child.skState);
        assertEquals(1, k.cu.released);
        assertEquals(1, cu.released);
        assertNull(k.c.ulp());
        assertEquals(0, k.lu.released, "the listener is still open");
        b.h.inLoop(() -> b.h2.proto(6).close(k.l));
        b.h.inLoop(() -> b.h2.proto(6).close(k.l));
        assertEquals(1, k.lu.released);
        assertEquals(1, k.log.stream().filter(e -> e.equals("client release")).count());
    }

    /** REJECT from synReceived(): the SYN is answered with a RST, no child remains, the client sees ECONNREFUSED. */
    @Test
    void rejectAnswersTheSynWithARstAndTheClientIsRefused(@TempDir Path dir) throws Exception {
        TcpBed b = new TcpBed(Map.of("delay", "5ms"), 1_000_000_000L, false, dir);
        Conn k = new Conn(b);
        k.lu.reject = true;
        try {
            k.start(false);
        } finally {
            b.closeCaptures();
        }
        assertEquals(SockConst.ECONNREFUSED, k.clientErr);
        assertEquals(SockConst.TCP_CLOSE, k.c.skState);
        assertTrue(k.lu.children.isEmpty());
        assertEquals(List.of(k.l), b.h2.proto(6).sockets(), "no request sock left");
        assertEquals(0, k.l.synQueueLen);
        assertEquals(1, k.cu.released, "the client's ULP released once");
        assertEquals(0, b.h2.inet().tcp.passiveOpens);
        List<TcpFrame> fr = PcapFrames.readTcp(b.pcap1);
        assertEquals(2, fr.size(), "SYN, RST");
        assertEquals(TcpHeader.RST | TcpHeader.ACK, fr.get(1).flags());
        assertEquals(fr.get(0).tcpSeq() + 1, TcpHeader.ackSeq(fr.get(1).frame(), fr.get(1).tcpOff()) & 0xffffffffL);
        assertWellFormed(fr);
    }

    /**
     * A ULP that answers with more option bytes than fit never produces a malformed segment: a
     * 32-byte SYN option (20 bytes of TCP options already) and a 40-byte data option (28 left
     * after the timestamps) are dropped, an over-large estimate is ignored (1448-byte segments),
     * while exactly the space left (28) is written (a 60-byte header).
     */
    @Test
    void optionsThatDoNotFitAreDroppedNotMalformed(@TempDir Path dir) throws Exception {
        TcpBed b = new TcpBed(Map.of("delay", "5ms"), 1_000_000_000L, false, dir);
        Conn k = new Conn(b);
        k.cu.synOver = 32;
        k.cu.dataOver = 40;
        k.cu.estimate = 36;
        k.cu.capableAckSent = true;
        k.cu.ackOver = 28;
        byte[] data = pattern(10_000, 9);
        try {
            k.start(false);
            assertEquals(1448, k.c.currentMss());
            b.h.inLoop(() -> {
                assertEquals(10_000, k.c.queueMapped(data, 0, data.length, 5, false));
                k.c.push();
            });
            b.h.runUntil(b.h.now() + 300 * MS);
            b.h.inLoop(() -> k.c.sendAck());
            b.h.runUntil(b.h.now() + 100 * MS);
        } finally {
            b.closeCaptures();
        }
        assertArrayEquals(data, k.serverReader.got.toByteArray());
        List<TcpFrame> fr = PcapFrames.readTcp(b.pcap1);
        assertWellFormed(fr);
        int cport = k.c.sport;
        TcpFrame syn = fr.get(0);
        assertEquals("020405b40402080a00000000000000000103030a", opts(syn), "the SYN option did not fit: dropped");
        int data1 = 0, fullAcks = 0;
        for (TcpFrame f : fr) {
            if (f.srcPort() != cport || f.syn()) continue;
            if (f.payloadLen() > 0) {
                data1++;
                assertEquals("0101080a0000000000000000", opts(f));
                assertTrue(f.payloadLen() == 1448 || f.payloadLen() == 10_000 - 6 * 1448, "" + f.payloadLen());
            } else {
                assertEquals(40, f.optLen(), "exactly the 28 bytes left: written");
                fullAcks++;
            }
        }
        assertEquals(7, data1);
        assertTrue(fullAcks >= 2, "third ACK and the sendAck()");
    }

    /** sendmsg never appends to an skb with a mapping; queueMapped's argument and state checks. */
    @Test
    void sendmsgNeverAppendsToAMappedSkbAndQueueMappedChecksItsArguments() {
        TcpBed b = new TcpBed(Map.of("delay", "5ms"));
        Conn k = new Conn(b).start(false);
        TcpSock c = k.c;
        byte[] d = pattern(70_000, 4);
        b.h.inLoop(() -> {
            assertEquals(-SockConst.EINVAL, c.queueMapped(d, 0, 0, 1, false));
            assertEquals(-SockConst.EINVAL, c.queueMapped(d, 0, 65_536, 1, false));
            assertEquals(-SockConst.EINVAL, c.queueMapped(d, 0, 65_535, 1, true));
            assertEquals(-SockConst.EPIPE, k.l.queueMapped(d, 0, 10, 1, false), "a listener cannot send");
            assertEquals(0, b.h1.proto(6).setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CORK, 1));
            int ws = c.writeSeq();
            assertEquals(100, c.queueMapped(d, 0, 100, 9, false));
            assertEquals(1, c.writeQueue.len());
            SkBuff m = c.writeQueue.peek();
            assertEquals(100, b.h1.proto(6).sendmsgLocked(c, d, 100, 100, 0));
            // the plain bytes went to a new skb (corked at the tail); the mapped one before it was sent
            assertEquals(1, c.writeQueue.len());
            assertSame(m, c.rtxQueue.peekTail());
            SkBuff p = c.writeQueue.peekTail();
            assertEquals(UlpCb.F_MAP, UlpCb.flags(m));
            assertEquals(9, UlpCb.dataSeq(m));
            assertEquals(ws - c.iss(), UlpCb.subflowSeq(m));
            assertEquals(100, UlpCb.dataLen(m));
            assertEquals(100, m.len());
            assertEquals(0, UlpCb.flags(p));
            assertEquals(100, p.len());
            assertEquals(100, c.queueMapped(d, 200, 100, 109, false));
            assertEquals(2, c.writeQueue.len(), "a mapping never merges with earlier data");
            assertEquals(100, p.len());
            assertEquals(0, b.h1.proto(6).setsockopt(c, SockConst.IPPROTO_TCP, SockConst.TCP_CORK, 0));
        });
        b.h.runUntil(b.h.now() + 200 * MS);
        assertArrayEquals(Arrays.copyOf(d, 300), k.serverReader.got.toByteArray());
        List<Seen> s = new ArrayList<>();
        for (Seen x : k.cu.seen) if (x.len() > 0) s.add(x);
        assertEquals(3, s.size(), s.toString());
        assertEquals(UlpCb.F_MAP, s.get(0).ulpFlags());
        assertEquals(0, s.get(1).ulpFlags());
        assertEquals(109, s.get(2).dataSeq());
        b.h.inLoop(() -> {
            b.h1.proto(6).shutdown(c, SockConst.SHUT_WR);
            assertEquals(-SockConst.EPIPE, c.queueMapped(d, 0, 10, 1, false), "after SHUT_WR");
        });
    }

    /** TcpSubflow's view of the socket matches the fields it mirrors; reset() reports its error. */
    @Test
    void subflowViewAndReset() {
        TcpBed b = new TcpBed(Map.of("delay", "5ms"));
        Conn k = new Conn(b).start(false);
        TcpSock c = k.c;
        assertSame(c, c.sock());
        assertEquals(c.iss, c.iss());
        assertEquals(k.child.iss, c.irs());
        assertEquals(c.rcvNxt, c.rcvNxt());
        assertEquals(c.rtt.rttvarUs(), c.rttvarUs());
        assertTrue(c.rttvarUs() > 0);
        assertTrue(c.sackOk());
        assertEquals(c.sndWnd, c.sndWnd());
        assertTrue(c.gsoMaxSegs() > 0);
        assertNull(c.coupled(), "the test ULP couples nothing");
        b.h.inLoop(() -> c.reset(SockConst.ECONNABORTED));
        assertEquals(SockConst.ECONNABORTED, k.clientErr);
        assertEquals(SockConst.TCP_CLOSE, c.skState);
        assertEquals(1, k.cu.released);
        b.h.runUntil(b.h.now() + 100 * MS);
        assertEquals(SockConst.TCP_CLOSE, k.child.skState, "the peer got the RST");
        assertEquals(1, k.lu.children.get(0).released);
        List<Seen> rst = new ArrayList<>();
        for (Seen s : k.cu.seen) if ((s.flags() & TcpHeader.RST) != 0) rst.add(s);
        assertEquals(1, rst.size(), "the RST asked the ULP for its options");
        assertTrue(k.log.contains("child0 incoming RA 0"), "the accepted RST's options reached the peer's ULP: " + k.log);
    }

    /** Destroying the protocol releases every ULP once: connected sockets (aborted) and never-connected ones. */
    @Test
    void protocolDestroyReleasesEveryUlpOnce() {
        TcpBed b = new TcpBed(Map.of("delay", "5ms"));
        Conn k = new Conn(b).start(false);
        TestUlp idle = new TestUlp("idle", k.log, KEY_C, true);
        b.h.inLoop(() -> {
            TcpSock s = (TcpSock) b.h1.proto(6).create(0);
            s.setUlp(idle);
            b.h1.proto(6).destroy();
            b.h1.proto(6).destroy();
        });
        assertEquals(1, idle.released);
        assertEquals(1, k.cu.released);
        assertEquals(SockConst.ECONNABORTED, k.clientErr);
        b.h.inLoop(() -> k.c.close());
        assertEquals(1, k.cu.released);
        b.h.runUntil(b.h.now() + 100 * MS);
        assertEquals(1, k.lu.children.get(0).released, "the peer got the RST");
        assertEquals(0, k.lu.released);
    }
}
