package org.nicemu.mptcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.inet.NfHook;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.SockConst;

/**
 * The MPTCP acceptance cases on two paths (100 Mbit/s 10 ms, 50 Mbit/s 40 ms), 100 MB each: the
 * scheduler of a live connection swapped across all schedulers with the bundle in use stopped once;
 * one path's link down and up again; MPTCP options stripped on one path by a POST_ROUTING hook.
 */
class MptcpAcceptanceTest {
    static final long BYTES = 100_000_000L;

    /** One transfer h1 → h2; {@code during} runs every 100 ms of emulated time with the elapsed time. */
    record Run(MptcpBed bed, MptcpBed.Bulk bulk, MptcpBed.Sink sink, MptcpSock client, MptcpSock server, long elapsedNs) {
    }

    static Run run(MptcpBed b, String scheduler, Consumer<Long> during) {
        return run(b, scheduler, BYTES, during);
    }

    static Run run(MptcpBed b, String scheduler, long bytes, Consumer<Long> during) {
        MptcpBed.Sink[] sink = new MptcpBed.Sink[1];
        MptcpBed.Bulk[] bulk = new MptcpBed.Bulk[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, bytes, scheduler, 7);
        });
        long t0 = b.h.now();
        long limit = t0 + 900 * MptcpBed.S;
        MptcpSock server = null;
        while (!sink[0].eof && b.h.now() < limit) {
            b.h.runUntil(b.h.now() + 100 * MptcpBed.MS);
            if (server == null && sink[0].conn != null) server = MptcpBed.msk(sink[0].conn);
            long t = b.h.now() - t0;
            b.h.inLoop(() -> during.accept(t));
        }
        long elapsed = b.h.now() - t0;
        b.h.runUntil(b.h.now() + MptcpBed.S); // the last DATA_ACK and DATA_FIN exchange
        assertEquals(0, bulk[0].err, "sender error " + SockConst.errnoName(bulk[0].err));
        assertEquals(0, sink[0].err, "receiver error " + SockConst.errnoName(sink[0].err));
        assertTrue(sink[0].eof, "end of stream within the limit (received " + sink[0].bytes + ")");
        assertEquals(bytes, sink[0].bytes, "bytes received");
        assertEquals(MptcpBed.hex(bulk[0].sha.digest()), MptcpBed.hex(sink[0].sha.digest()), "SHA-256");
        return new Run(b, bulk[0], sink[0], MptcpBed.msk(bulk[0].sk), server, elapsed);
    }

    /** Data-level bookkeeping agrees at both ends and with what the subflows carried. */
    static void reconcile(Run r) {
        reconcile(r, BYTES);
    }

    static void reconcile(Run r, long bytes) {
        MptcpCounters c = r.client().counters, s = r.server().counters;
        assertEquals(bytes, c.bytesSent, "client data bytes sent once");
        assertEquals(bytes, c.bytesAcked, "client data bytes DATA_ACKed");
        assertEquals(bytes, s.bytesReceived, "server in-order data bytes");
        assertEquals(s.bytesReceivedSubflows, s.bytesReceived + s.dupBytes, "server: bytes read from subflows = in-order + duplicates");
    }

    @Test
    void schedulerSwappedTenTimesAndItsBundleStopped() {
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null);
        String[] order = {"roundrobin", "blest", "redundant", "ecf", "default", "roundrobin", "redundant", "blest", "ecf", "roundrobin"};
        List<String> seen = new ArrayList<>();
        int[] step = {0};
        boolean[] stopped = {false};
        Run r = run(b, "default", t -> {
            MptcpSock m = MptcpBed.msk(b.h1.proto(SockConst.IPPROTO_MPTCP).sockets().isEmpty() ? null
                    : b.h1.proto(SockConst.IPPROTO_MPTCP).sockets().get(0));
            if (m == null || m.sched == null) return;
            long at = 500 * MptcpBed.MS * (step[0] + 1);
            if (step[0] < order.length && t >= at) {
                int rc = b.h1.proto(SockConst.IPPROTO_MPTCP).setsockopt(m, SockConst.SOL_TCP, SockConst.MPTCP_SCHEDULER, order[step[0]]);
                assertEquals(0, rc, "setsockopt MPTCP_SCHEDULER " + order[step[0]]);
                seen.add(m.schedName());
                step[0]++;
            } else if (step[0] == order.length && !stopped[0]) {
                // the bundle of the scheduler in use goes away: the connection moves to default
                stopped[0] = true;
                b.mptcp.removeScheduler(b.scheds.get("roundrobin"));
                seen.add(m.schedName());
            }
        });
        assertEquals(List.of("roundrobin", "blest", "redundant", "ecf", "default", "roundrobin", "redundant", "blest", "ecf", "roundrobin", "default"), seen);
        reconcile(r);
        assertEquals(1 + 10 + 1, r.client().counters.schedChanges, "scheduler assignments: initial, 10 swaps, bundle stop");
        assertEquals(0, r.client().counters.subflowsClosed, "no subflow closed or reset during the transfer");
        assertEquals(0, b.h1.inet().tcp.outRsts + b.h2.inet().tcp.outRsts, "no RST sent");
        for (Subflow s : r.client().subflows) assertTrue(s.schedBytes > 1_000_000, "subflow " + s.pathIndex + " carried data: " + s.schedBytes);
        System.out.printf("swaps: %d bytes in %.3f s emulated, subflows %s, client %s%n", BYTES, r.elapsedNs() / 1e9,
                r.client().subflows.stream().map(s -> s.pathIndex + ":" + s.schedBytes).toList(), r.client().counters.toMap());
    }

    @Test
    void linkDownMovesDataToTheOtherSubflowAndThePathIsUsedAgain() {
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null);
        long[] atDown = {-1}, atUp = {-1};
        long[] path2Before = {0}, path2During = {0};
        Run r = run(b, "default", t -> {
            MptcpSock m = b.h1.proto(SockConst.IPPROTO_MPTCP).sockets().isEmpty() ? null : MptcpBed.msk(b.h1.proto(SockConst.IPPROTO_MPTCP).sockets().get(0));
            if (m == null) return;
            Subflow p2 = null;
            for (Subflow s : m.subflows) if (s.pathIndex == 2) p2 = s;
            if (atDown[0] < 0 && t >= 1500 * MptcpBed.MS && p2 != null) {
                atDown[0] = t;
                path2Before[0] = p2.schedBytes;
                b.d11.setLink(false);
                b.d21.setLink(false);
            } else if (atDown[0] >= 0 && atUp[0] < 0 && t >= atDown[0] + 3 * MptcpBed.S) {
                atUp[0] = t;
                path2During[0] = p2 == null ? 0 : p2.schedBytes;
                b.d11.setLink(true);
                b.d21.setLink(true);
            }
        });
        reconcile(r);
        MptcpCounters c = r.client().counters;
        assertTrue(atUp[0] > 0, "the link came back before the end");
        assertTrue(c.reinjectedBytes > 0, "data of the dead path was reinjected: " + c.toMap());
        Subflow p2 = null;
        for (Subflow s : r.client().subflows) if (s.pathIndex == 2) p2 = s;
        assertTrue(p2 != null, "subflow 2 survived the outage");
        assertTrue(p2.schedBytes > path2During[0] + 1_000_000, "path 2 used again after the link came back: " + path2During[0] + " -> " + p2.schedBytes);
        System.out.printf("link down: %d bytes in %.3f s emulated, path 2 bytes before %d, at up %d, end %d, client %s%n", BYTES, r.elapsedNs() / 1e9,
                path2Before[0], path2During[0], p2.schedBytes, c.toMap());
    }

    /** A middlebox on eth1 that turns every MPTCP option into NOPs (lengths and checksums stay right: the NIC computes them). */
    static final class StripMptcp implements NfHook {
        long stripped;

        @Override
        public int hook(SkBuff skb, Device out) {
            if (!out.name().equals("eth1")) return NF_ACCEPT;
            byte[] b = skb.head();
            int ip = skb.dataOffset();
            if ((b[ip + 9] & 0xff) != 6) return NF_ACCEPT;
            int tcp = ip + (b[ip] & 0x0f) * 4;
            int end = tcp + ((b[tcp + 12] & 0xf0) >>> 4) * 4;
            int p = tcp + 20;
            while (p < end) {
                int kind = b[p] & 0xff;
                if (kind == 0) break;
                if (kind == 1) { p++; continue; }
                int len = b[p + 1] & 0xff;
                if (len < 2) break;
                if (kind == 30) {
                    for (int i = 0; i < len; i++) b[p + i] = 1;
                    stripped++;
                }
                p += len;
            }
            if (skb.ipSummed != SkBuff.CHECKSUM_PARTIAL) throw new IllegalStateException("expected checksum offload");
            return NF_ACCEPT;
        }
    }

    @Test
    void optionsStrippedOnOnePathCloseThatSubflowAndTheTransferCompletes() {
        StripMptcp strip = new StripMptcp();
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null, strip);
        Run r = run(b, "default", t -> {
        });
        reconcile(r);
        MptcpCounters c = r.client().counters;
        assertTrue(strip.stripped > 0, "the hook stripped options");
        assertEquals(0, c.joinOk, "no MP_JOIN completed over the stripping path");
        assertEquals(0, c.fallbacks, "the connection itself kept MPTCP (the initial path is clean)");
        assertEquals(1, r.client().subflows.size(), "only the initial subflow");
        assertEquals(1, r.client().counters.subflowsClosed, "the join attempt was reset");
        for (var sk : b.h2.proto(SockConst.IPPROTO_MPTCP).sockets()) {
            assertTrue(sk == r.server() || sk.skState == SockConst.TCP_LISTEN, "no other connection on the server: " + sk);
        }
        assertTrue(!b.h2.proto(SockConst.IPPROTO_MPTCP).acceptable(r.sink().listener), "nothing left in the accept queue");
        System.out.printf("stripped: %d bytes in %.3f s emulated, %d options stripped, client %s%n", BYTES, r.elapsedNs() / 1e9, strip.stripped, c.toMap());
    }

    @Test
    void optionsStrippedOnTheOnlyPathFallBackToTcp() {
        StripMptcp strip = new StripMptcp();
        MptcpBed b = new MptcpBed(MptcpTransferTest.SLOW, MptcpTransferTest.FAST, null, strip);
        // route the initial subflow over eth1 (stripped): connect to h2's eth1 address
        Run r = runTo(b, MptcpBed.B2);
        MptcpCounters c = r.client().counters;
        assertTrue(strip.stripped > 0, "the hook stripped options");
        assertTrue(r.client().fallback && r.server().fallback, "both ends fell back to TCP");
        assertEquals(BYTES, r.sink().bytes);
        System.out.printf("fallback: %d bytes in %.3f s emulated, client %s%n", BYTES, r.elapsedNs() / 1e9, c.toMap());
    }

    static Run runTo(MptcpBed b, int daddr) {
        MptcpBed.Sink[] sink = new MptcpBed.Sink[1];
        MptcpBed.Bulk[] bulk = new MptcpBed.Bulk[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, BYTES, null, 7, daddr);
        });
        long t0 = b.h.now();
        long limit = t0 + 900 * MptcpBed.S;
        while (!sink[0].eof && b.h.now() < limit) b.h.runUntil(b.h.now() + 100 * MptcpBed.MS);
        assertEquals(0, bulk[0].err, "sender error");
        assertTrue(sink[0].eof, "end of stream (received " + sink[0].bytes + ")");
        assertEquals(MptcpBed.hex(bulk[0].sha.digest()), MptcpBed.hex(sink[0].sha.digest()), "SHA-256");
        return new Run(b, bulk[0], sink[0], MptcpBed.msk(bulk[0].sk), MptcpBed.msk(sink[0].conn), b.h.now() - t0);
    }
}
