package org.nicemu.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Host;
import org.nicemu.api.sock.SocketLayer;

/**
 * The applications end to end on a stack of two hosts h1 (addr1) and h2 (addr2) that can reach each
 * other. {@link PipeStackTest} runs it on a stand-in stack (byte pipes); {@link AppsOverTcpTest} on
 * two hosts joined by a wire with the real NIC, driver, IPv4, TCP and socket layer, running
 * the very same tests.
 */
abstract class AppsContract {
    static final long MS = 1_000_000L;

    /** Two connected hosts. */
    interface Stack {
        SocketLayer layer();
        Host h1();
        Host h2();
        int addr1();
        int addr2();
        void runUntil(long ns);
        long now();
    }

    abstract Stack stack();

    /** Emulated time the tests allow for their traffic. */
    long horizonNs() {
        return 10_000 * MS;
    }

    /** The first {@code n} bytes of {@code new SeededStream(seed)}. */
    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new SeededStream(seed).fill(b, 0, n);
        return b;
    }

    static String sha(long seed, long n) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        SeededStream s = new SeededStream(seed);
        byte[] b = new byte[8192];
        for (long left = n; left > 0; ) {
            int k = (int) Math.min(b.length, left);
            s.fill(b, 0, k);
            d.update(b, 0, k);
            left -= k;
        }
        return java.util.HexFormat.of().formatHex(d.digest());
    }

    static void assertCpusIdle(Host h) {
        for (int c = 0; c < h.numCpus(); c++) assertNull(h.tasks().current(c), "cpu" + c + " of " + h.name() + " released by every app task");
    }

    @Test
    void bulkTransferIsByteExact() throws Exception {
        Stack st = stack();
        long n = 1_000_003;
        int[] doneCalls = new int[2];
        Sink sink = new Sink(st.layer(), st.h2(), "sink", 0, 0, 5001).maxConnections(1).verify(77);
        BulkSender tx = new BulkSender(st.layer(), st.h1(), "bulk", 1, st.addr2(), 5001, n, 77)
                .options(new TcpOptions("cubic", true, 262144, null));
        sink.onDone(() -> doneCalls[0]++);
        tx.onDone(() -> doneCalls[1]++);
        st.h2().loop().post(sink::start);
        st.h1().loop().post(tx::start);
        st.runUntil(st.now() + horizonNs());
        assertTrue(tx.done() && sink.done(), "both done");
        assertEquals(1, doneCalls[0]);
        assertEquals(1, doneCalls[1]);
        FlowResult s = tx.results().get(0);
        List<FlowResult> rs = sink.results();
        assertEquals(1, rs.size());
        FlowResult r = rs.get(0);
        assertNull(s.error());
        assertNull(r.error());
        assertTrue(s.finished() && r.finished());
        assertEquals(n, s.bytes());
        assertEquals(n, r.bytes());
        String expect = sha(77, n);
        assertEquals(expect, s.sha256());
        assertEquals(expect, r.sha256());
        assertEquals(-1L, r.extra().get("firstMismatch"));
        assertEquals("sender", s.role());
        assertEquals("receiver", r.role());
        assertEquals(s.local(), r.remote());
        assertEquals(s.remote(), r.local());
        assertTrue(s.startNs() >= 0 && s.connectedNs() > s.startNs() && s.endNs() > s.connectedNs(), s.toString());
        assertTrue((long) r.extra().get("firstByteNs") <= (long) r.extra().get("lastByteNs"));
        assertTrue(s.goodputBps() > 0);
        assertNotNull(s.tcpInfo());
        assertTrue(s.toMap().containsKey("tcpInfo"));
        assertCpusIdle(st.h1());
        assertCpusIdle(st.h2());
    }

    @Test
    void aBulkTransferCheckedByComparisonOnlyHashesNothingAndIsByteExact() throws Exception {
        Stack st = stack();
        long n = 700_001;
        Sink sink = new Sink(st.layer(), st.h2(), "sink", 0, 0, 5009).maxConnections(1).verify(78, false);
        BulkSender tx = new BulkSender(st.layer(), st.h1(), "bulk", 1, st.addr2(), 5009, n, 78).hash(false);
        st.h2().loop().post(sink::start);
        st.h1().loop().post(tx::start);
        st.runUntil(st.now() + horizonNs());
        assertTrue(tx.done() && sink.done(), "both done");
        FlowResult s = tx.results().get(0), r = sink.results().get(0);
        assertNull(s.error());
        assertNull(r.error());
        assertEquals(n, s.bytes());
        assertEquals(n, r.bytes());
        assertNull(s.sha256(), "the sender hashes nothing");
        assertNull(r.sha256(), "the receiver hashes nothing");
        assertEquals(-1L, r.extra().get("firstMismatch"), "every byte compared equal to the seeded stream");
        assertTrue(r.toMap().containsKey("sha256") && r.toMap().get("sha256") == null);
    }

    @Test
    void oddChunksAndZeroBytes() throws Exception {
        Stack st = stack();
        Sink sink = new Sink(st.layer(), st.h2(), "sink", 1, 0, 5002).maxConnections(2);
        BulkSender a = new BulkSender(st.layer(), st.h1(), "a", 0, st.addr2(), 5002, 100_000, 5).chunk(7);
        BulkSender b = new BulkSender(st.layer(), st.h1(), "b", 1, st.addr2(), 5002, 0, 6);
        st.h2().loop().post(sink::start);
        st.h1().loop().post(a::start);
        st.h1().loop().post(b::start);
        st.runUntil(st.now() + horizonNs());
        assertTrue(a.done() && b.done() && sink.done());
        assertNull(a.error());
        assertNull(b.error());
        assertEquals(sha(5, 100_000), a.sha256());
        assertEquals(sha(6, 0), b.sha256());
        Set<String> got = new HashSet<>();
        for (FlowResult r : sink.results()) got.add(r.bytes() + " " + r.sha256());
        assertEquals(Set.of("100000 " + sha(5, 100_000), "0 " + sha(6, 0)), got);
        assertCpusIdle(st.h1());
        assertCpusIdle(st.h2());
    }

    @Test
    void sinkServesConnectionsRoundRobinOverCpus() throws Exception {
        Stack st = stack();
        Sink sink = new Sink(st.layer(), st.h2(), "sink", 0, 0, 5003).maxConnections(3);
        BulkSender[] tx = new BulkSender[3];
        st.h2().loop().post(sink::start);
        for (int i = 0; i < 3; i++) {
            tx[i] = new BulkSender(st.layer(), st.h1(), "tx" + i, i % 2, st.addr2(), 5003, 50_000 * (i + 1), 100 + i);
            st.h1().loop().post(tx[i]::start);
        }
        st.runUntil(st.now() + horizonNs());
        assertTrue(sink.done());
        assertEquals(3, sink.connections());
        Set<String> sent = new HashSet<>(), got = new HashSet<>();
        for (BulkSender t : tx) {
            assertNull(t.error());
            sent.add(t.results().get(0).local() + " " + t.sha256());
        }
        for (FlowResult r : sink.results()) {
            assertNull(r.error());
            got.add(r.remote() + " " + r.sha256());
        }
        assertEquals(sent, got, "each connection's bytes match its sender");
        assertCpusIdle(st.h2());
    }

    @Test
    void requestResponseCountsTransactionsAndLatency() throws Exception {
        Stack st = stack();
        Sink server = new Sink(st.layer(), st.h2(), "rr-server", 0, 0, 5004).maxConnections(1).respond(100, 1000, 9).kind("request-response");
        RequestResponse rr = new RequestResponse(st.layer(), st.h1(), "rr", 0, st.addr2(), 5004, 100, 1000, 50, 8, 9);
        st.h2().loop().post(server::start);
        st.h1().loop().post(rr::start);
        st.runUntil(st.now() + horizonNs());
        assertTrue(rr.done() && server.done());
        FlowResult c = rr.results().get(0);
        FlowResult s = server.results().get(0);
        assertNull(c.error(), c.error());
        assertNull(s.error(), s.error());
        assertEquals(50, rr.transactions());
        assertEquals(50L, s.extra().get("transactions"));
        assertEquals(5000L, c.bytes());
        assertEquals(5000L, s.bytes());
        assertEquals(sha(8, 5000), c.sha256());
        assertEquals(c.sha256(), s.sha256());
        assertEquals(sha(9, 50_000), c.extra().get("sha256Responses"));
        assertEquals(c.extra().get("sha256Responses"), s.extra().get("sha256Responses"));
        assertEquals(-1L, c.extra().get("responseFirstMismatch"));
        double min = (double) c.extra().get("latencyMinUs"), avg = (double) c.extra().get("latencyAvgUs"), max = (double) c.extra().get("latencyMaxUs");
        assertTrue(min > 0 && min <= avg && avg <= max, min + " " + avg + " " + max);
        assertCpusIdle(st.h1());
        assertCpusIdle(st.h2());
    }

    @Test
    void connectToAClosedPortFails() {
        Stack st = stack();
        BulkSender tx = new BulkSender(st.layer(), st.h1(), "nobody", 0, st.addr2(), 5999, 1000, 1);
        st.h1().loop().post(tx::start);
        st.runUntil(st.now() + horizonNs());
        assertTrue(tx.done());
        assertEquals("connect: ECONNREFUSED", tx.error());
        assertFalse(tx.results().get(0).finished());
        assertCpusIdle(st.h1());
    }

    @Test
    void unknownCongestionControlIsAnError() {
        Stack st = stack();
        BulkSender tx = new BulkSender(st.layer(), st.h1(), "bad-cc", 0, st.addr2(), 5001, 1000, 1).options(new TcpOptions("nope", null, null, null));
        st.h1().loop().post(tx::start);
        st.runUntil(st.now() + horizonNs());
        assertTrue(tx.done());
        assertTrue(tx.error().startsWith("setsockopt TCP_CONGESTION 'nope': "), tx.error());
        assertCpusIdle(st.h1());
    }
}
