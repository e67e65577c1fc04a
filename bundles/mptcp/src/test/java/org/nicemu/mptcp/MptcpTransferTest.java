package org.nicemu.mptcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.core.testing.Tshark;
import org.junit.jupiter.api.io.TempDir;

/**
 * MPTCP end to end over two paths (100 Mbit/s 10 ms and 50 Mbit/s 40 ms): the MP_CAPABLE handshake,
 * the ADD_ADDR from the server and the MP_JOIN of the client, data over both subflows, DATA_FIN,
 * byte-exact delivery, and tshark's MPTCP analysis of all four captures.
 */
class MptcpTransferTest {
    static final Map<String, String> FAST = Map.of("rate", "100mbit", "delay", "10ms");
    static final Map<String, String> SLOW = Map.of("rate", "50mbit", "delay", "40ms");

    @TempDir
    Path dir;

    record Result(long bytes, long elapsedNs, long[] perSubflow, MptcpSock client, MptcpSock server) {
    }

    Result transfer(String scheduler, long bytes, boolean pcaps) throws Exception {
        Path out = System.getProperty("mptcp.pcapdir") != null ? Path.of(System.getProperty("mptcp.pcapdir")) : dir;
        MptcpBed b = new MptcpBed(FAST, SLOW, pcaps ? out : null);
        MptcpBed.Sink[] sink = new MptcpBed.Sink[1];
        MptcpBed.Bulk[] bulk = new MptcpBed.Bulk[1];
        long[] perSub = new long[2];
        MptcpSock[] m = new MptcpSock[2];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, bytes, scheduler, 42);
        });
        long t0 = b.h.now();
        long limit = t0 + 600 * MptcpBed.S;
        while (!sink[0].eof && b.h.now() < limit) {
            b.h.runUntil(b.h.now() + 100 * MptcpBed.MS);
            if (m[0] == null) {
                m[0] = MptcpBed.msk(bulk[0].sk);
            }
            if (m[1] == null && sink[0].conn != null) m[1] = MptcpBed.msk(sink[0].conn);
            if (m[0] != null) {
                for (Subflow s : m[0].subflows) if (s.pathIndex <= 2) perSub[s.pathIndex - 1] = Math.max(perSub[s.pathIndex - 1], s.schedBytes);
            }
        }
        long elapsed = b.h.now() - t0;
        b.h.runUntil(b.h.now() + 2 * MptcpBed.S);
        String name = scheduler + " " + bytes;
        assertEquals(0, bulk[0].err, name + ": sender error");
        assertEquals(0, sink[0].err, name + ": receiver error");
        assertTrue(sink[0].eof, name + ": end of stream within the limit (received " + sink[0].bytes + ")");
        assertEquals(bytes, sink[0].bytes, name + ": bytes received");
        assertEquals(MptcpBed.hex(bulk[0].sha.digest()), MptcpBed.hex(sink[0].sha.digest()), name + ": SHA-256");
        System.out.printf("mptcp %s: %d bytes in %.3f s emulated (%.1f Mbit/s), subflow bytes %d / %d, client %s, server %s%n", scheduler, bytes,
                elapsed / 1e9, bytes * 8e3 / elapsed, perSub[0], perSub[1], m[0].counters.toMap(), m[1].counters.toMap());
        if (pcaps) {
            b.closeCaptures();
            List<String> problems = new ArrayList<>();
            for (Path p : b.pcaps) {
                Tshark.Report r = Tshark.readMptcp(p);
                System.out.println("tshark " + p.getFileName() + ": " + r.frames() + " frames, mptcp streams " + r.mptcpStreams() + ", tcp streams " + r.tcpStreams());
                problems.addAll(r.problems(name + " " + p.getFileName()));
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems));
            // tshark ties both subflows of each host to one MPTCP connection (it follows the MP_JOIN token)
            for (String host : List.of("h1", "h2")) {
                Path merged = out.resolve(host + "-merged.pcap");
                Process p = new ProcessBuilder("mergecap", "-w", merged.toString(), out.resolve(host + "-eth0.pcap").toString(),
                        out.resolve(host + "-eth1.pcap").toString()).redirectErrorStream(true).start();
                assertEquals(0, p.waitFor(), "mergecap: " + new String(p.getInputStream().readAllBytes()));
                Tshark.Report r = Tshark.readMptcp(merged);
                assertEquals(java.util.Set.of("0"), r.mptcpStreams(), host + ": one MPTCP connection");
                assertEquals(java.util.Set.of("0", "1"), r.tcpStreams(), host + ": two TCP subflows");
                assertTrue(r.problems(host + " merged").isEmpty(), String.join("\n", r.problems(host + " merged")));
            }
        }
        return new Result(bytes, elapsed, perSub, m[0], m[1]);
    }

    @Test
    void defaultSchedulerTwoPaths() throws Exception {
        Result r = transfer("default", 20_000_000L, true);
        assertEquals(1, r.client().counters.mpCapableOk, "MP_CAPABLE handshake");
        assertEquals(1, r.client().counters.joinOk, "one MP_JOIN");
        assertEquals(1, r.client().counters.addAddrRx, "ADD_ADDR received by the client");
        // the data-transmission cost counters: every segment mptcp_write_xmit put on a subflow is counted once
        var dt = r.client().host.counters().snapshot().get("data_transmission");
        long segs = 0;
        for (Subflow s : r.client().subflows) segs += s.schedSegs;
        assertEquals(segs, dt.get("mptcp_write_xmit_segments"));
        assertTrue(dt.get("mptcp_write_xmit_calls") > 0 && dt.get("tcp_write_xmit_skbs") >= segs, dt.toString());
        assertEquals(0L, dt.get("tcp_sendmsg_calls"), "subflows get data from the meta socket, not from tcp_sendmsg");
        assertTrue(r.perSubflow()[0] > 0 && r.perSubflow()[1] > 0, "both subflows carried data");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"default", "roundrobin", "redundant", "blest", "ecf"})
    void eachScheduler100MB(String sched) throws Exception {
        Result r = transfer(sched, 100_000_000L, false);
        long fast = r.perSubflow()[0], slow = r.perSubflow()[1];
        double slowShare = slow / (double) (fast + slow);
        switch (sched) {
            // round robin alternates bursts: both carry a large share, the slow path less (its cwnd fills)
            case "roundrobin" -> assertTrue(slowShare > 0.3 && slowShare < 0.5, "roundrobin slow-path share " + slowShare);
            // redundant: every segment on every subflow while it can keep up; the slow path repeats much of the fast one
            // redundant: every segment on every subflow that can take it, never twice on the same one: the fast
            // path carries the whole stream once, the slow one copies of what it can fit
            case "redundant" -> {
                assertTrue(fast >= 100_000_000L && fast < 101_000_000L, "redundant: the fast path carried each byte once: " + fast);
                assertTrue(slow > 30_000_000L, "redundant: the slow path carried copies: " + slow);
                assertTrue(r.server().counters.dupBytes > 30_000_000L, "redundant: the receiver got copies: " + r.server().counters.dupBytes);
            }
            // lowest-RTT-first rules (default, blest, ecf): the 10 ms path carries most; the 40 ms path only
            // what the fast path's full cwnd leaves (default) or what it can deliver in time (blest, ecf)
            default -> assertTrue(slowShare > 0.05 && slowShare < 0.35, sched + " slow-path share " + slowShare);
        }
        assertEquals(0, r.server().counters.csumFailures);
        if (!sched.equals("redundant")) assertEquals(0, r.server().counters.dupBytes, sched + ": no data received twice");
    }

    /** The host's net.mptcp.scheduler picks the scheduler of a connection that does not choose one. */
    @Test
    void hostDefaultSchedulerFromTheSysctl() {
        MptcpBed b = new MptcpBed(FAST, SLOW, null);
        b.h.inLoop(() -> b.h1.inet().mptcp.scheduler = "blest");
        MptcpAcceptanceTest.Run r = MptcpAcceptanceTest.run(b, null, 10_000_000L, t -> {
        });
        assertEquals("blest", r.client().schedName());
        assertEquals("default", r.server().schedName(), "the server's own default");
    }

    /** Coupled congestion control (RFC 6356 LIA) on both subflows, chosen with TCP_CONGESTION on the MPTCP socket. */
    @Test
    void liaOnEverySubflow() {
        MptcpBed b = new MptcpBed(FAST, SLOW, null);
        MptcpBed.Bulk[] bulk = new MptcpBed.Bulk[1];
        MptcpBed.Sink[] sink = new MptcpBed.Sink[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, 50_000_000L, null, "lia", 3, MptcpBed.B1);
        });
        String[] ccs = new String[2];
        long t0 = b.h.now();
        while (!sink[0].eof && b.h.now() < t0 + 300 * MptcpBed.S) {
            b.h.runUntil(b.h.now() + 100 * MptcpBed.MS);
            b.h.inLoop(() -> {
                MptcpSock m = MptcpBed.msk(bulk[0].sk);
                var tcp = b.h1.proto(6);
                for (Subflow s : m.subflows) {
                    if (s.pathIndex <= 2 && s.canSendState()) ccs[s.pathIndex - 1] = tcp.getsockoptString(s.sk(), 6, org.nicemu.api.sock.SockConst.TCP_CONGESTION);
                }
            });
        }
        assertEquals(50_000_000L, sink[0].bytes);
        assertEquals(MptcpBed.hex(bulk[0].sha.digest()), MptcpBed.hex(sink[0].sha.digest()));
        assertEquals("lia", ccs[0]);
        assertEquals("lia", ccs[1], "the joined subflow got the connection's algorithm too");
        System.out.printf("lia: 50 MB in %.3f s emulated%n", (b.h.now() - t0) / 1e9);
    }
}
