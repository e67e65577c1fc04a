package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.ScenarioRunner;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.api.sock.TransportFactory;
import org.nicemu.core.testing.Tshark;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;

/**
 * Scenario flows over the real stack (apps → socket layer → TCP → IPv4 → NIC → wire): the
 * two-host-tcp scenario (h1 → h2, 1 Gbit/s, 5 ms, 10,000,000 bytes with cubic) must deliver every
 * byte (SHA-256 of sent = received), with clean captures on both sides.
 */
class TcpFlowsIT {
    static final String SCENARIO = """
            {"name": "two-host-tcp-it", "seed": 1, "duration": "3s",
             "hosts": [
              {"name": "h1", "cpus": 2, "devices": [{"name": "eth0", "rate": "1gbit", "mac": "02:00:00:00:01:01",
                "addresses": ["198.18.0.1/24"], "capture": [{"kind": "pcap", "file": "h1-eth0.pcap"}]}]},
              {"name": "h2", "cpus": 2, "devices": [{"name": "eth0", "rate": "1gbit", "mac": "02:00:00:00:02:01",
                "addresses": ["198.18.0.2/24"], "capture": [{"kind": "pcap", "file": "h2-eth0.pcap"}]}]}],
             "wires": [{"name": "w1", "a": "h1:eth0", "b": "h2:eth0", "params": {"rate": "1gbit", "delay": "5ms"}}],
             "flows": [
              {"name": "bulk1", "kind": "bulk", "from": "h1", "to": "h2", "dst": "198.18.0.2", "port": 5001, "bytes": 10000000, "cc": "cubic"},
              {"name": "rr1", "kind": "request-response", "from": "h2", "to": "h1", "dst": "198.18.0.1", "port": 6001,
               "requestBytes": 100, "responseBytes": 2000, "transactions": 20, "nodelay": true, "cpu": 1}]}
            """;

    @InjectService(timeout = 10_000)
    ScenarioRunner runner;

    /** Whether the socket layer and TCP are in the framework (the test fails without them). */
    static boolean tcpStackPresent() {
        BundleContext bc = FrameworkUtil.getBundle(TcpFlowsIT.class).getBundleContext();
        try {
            return bc.getServiceReference(SocketLayer.class) != null
                    && !bc.getServiceReferences(TransportFactory.class, "(" + TransportFactory.KIND + "=tcp)").isEmpty();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void bulkAndRequestResponseAreByteExact() throws Exception {
        assertTrue(tcpStackPresent(), "the socket layer and TCP services are active");
        Path dir = Files.createTempDirectory("nicemu-tcp-flows");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Map<String, Object> s = runner.run(SCENARIO, dir, new PrintStream(progress, true, StandardCharsets.UTF_8));
        List<Map<String, Object>> flows = (List<Map<String, Object>>) s.get("flows");
        assertEquals(2, flows.size());
        Map<String, Object> bulk = flows.get(0);
        System.out.println("tcp flows: bulk " + bulk.get("goodput") + " in " + bulk.get("duration") + ", rr latency avg "
                + flows.get(1).get("latencyAvgUs") + " us");
        for (Map<String, Object> f : flows) {
            assertNull(f.get("error"), f.toString());
            assertEquals(Boolean.TRUE, f.get("done"), f.toString());
            assertEquals(Boolean.TRUE, f.get("byte_exact"), f.toString());
            assertEquals(f.get("sha256_sent"), f.get("sha256_received"));
        }
        assertEquals(10_000_000L, ((Number) bulk.get("bytes")).longValue());
        assertEquals(10_000_000L, ((Number) bulk.get("bytesReceived")).longValue());
        long goodput = ((Number) bulk.get("goodputBps")).longValue();
        assertTrue(goodput > 100_000_000L && goodput < 1_000_000_000L, "goodput below the 1 Gbit/s wire: " + goodput);
        assertTrue(((Map<String, Object>) bulk.get("sender")).containsKey("tcpInfo"), "ss info of the sender at close");
        assertEquals(20, ((Number) flows.get(1).get("transactions")).intValue());
        for (String pcap : List.of("h1-eth0.pcap", "h2-eth0.pcap")) {
            Tshark.Report r = Tshark.read(dir.resolve(pcap));
            assertTrue(r.clean() && r.badTcp() == 0, pcap + ": " + r);
        }
    }

    /**
     * GRO on h2 by its device's {@code offloads} and on h1 by an {@code ethtool -K eth0 gro on} action, with 50 µs RX interrupt coalescing on h2 so that
     * a NAPI poll holds several frames, over a wire with 1 % loss, 2 % reordering and 1 % duplicates
     * (merged skbs go through the out-of-order queue and are trimmed): the receiver merges segments
     * (ethtool -S gro_merged_segs), the transfer is byte-exact, both captures (taken at the NICs,
     * one frame per segment) are clean, and a second run writes byte-identical captures.
     */
    @SuppressWarnings("unchecked")
    @Test
    void groMergesReceivedSegmentsAndTheTransferStaysExact() throws Exception {
        String sc = SCENARIO.substring(0, SCENARIO.indexOf("{\"name\": \"rr1\"")).replace("two-host-tcp-it", "gro-it").replace("\"duration\": \"3s\"", "\"duration\": \"20s\"")
                .replace("\"addresses\": [\"198.18.0.2/24\"]", "\"offloads\": [\"sg\", \"csum\", \"tso\", \"gro\"], \"driverParams\": {\"rxCoalesceUsecs\": 50}, \"addresses\": [\"198.18.0.2/24\"]")
                .replace("\"delay\": \"5ms\"}", "\"delay\": \"5ms\", \"loss\": \"1%\", \"reorder\": \"2%\", \"duplicate\": \"1%\"}")
                .replace("\"bytes\": 10000000, \"cc\": \"cubic\"},", "\"bytes\": 10000000, \"cc\": \"cubic\"}]")
                .replace("\"flows\": [", "\"actions\": [{\"at\": \"0ms\", \"host\": \"h1\", \"cmd\": \"ethtool -K eth0 gro on\"},\n"
                        + "{\"at\": \"0ms\", \"host\": \"h1\", \"cmd\": \"ethtool -k eth0\"}, {\"at\": \"0ms\", \"host\": \"h2\", \"cmd\": \"ethtool -k eth0\"}],\n\"flows\": [") + "}\n";
        assertTrue(sc.contains("rxCoalesceUsecs") && sc.contains("gro on") && sc.contains("\"gro\"]") && sc.contains("\"loss\": \"1%\""), sc);
        Path dir = Files.createTempDirectory("nicemu-gro");
        Map<String, Object> s = runner.run(sc, dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Map<String, Object> f = ((List<Map<String, Object>>) s.get("flows")).get(0);
        assertEquals(Boolean.TRUE, f.get("byte_exact"), f.toString());
        List<Map<String, Object>> actions = (List<Map<String, Object>>) s.get("actions");
        assertTrue(String.valueOf(actions.get(1).get("output")).contains("generic-receive-offload: on"), "h1, by ethtool -K: " + actions);
        assertTrue(String.valueOf(actions.get(2).get("output")).contains("generic-receive-offload: on"), "h2, by its offloads: " + actions);
        Map<String, Object> h2 = ((List<Map<String, Object>>) s.get("hosts")).get(1);
        Map<String, Object> eth = (Map<String, Object>) ((List<Map<String, Object>>) h2.get("devices")).get(0).get("ethtool");
        long merged = ((Number) eth.get("gro_merged_segs")).longValue();
        long skbs = ((Number) eth.get("gro_merged_skbs")).longValue();
        long rx = ((Number) eth.get("rx_packets")).longValue();
        System.out.println("gro: " + merged + " of " + rx + " frames merged into " + skbs + " skbs");
        assertTrue(skbs > 0 && merged > skbs && merged < rx, eth.toString());
        Map<String, Object> recv = (Map<String, Object>) ((Map<String, Object>) f.get("receiver")).get("tcpInfo");
        assertTrue(((Number) recv.get("dataSegsIn")).longValue() >= 10_000_000L / 1448, "segs_in counts merged segments: " + recv);
        Map<String, Object> sent = (Map<String, Object>) ((Map<String, Object>) f.get("sender")).get("tcpInfo");
        assertTrue(((Number) sent.get("totalRetrans")).longValue() > 0, "the loss made the sender retransmit: " + sent);
        Path again = Files.createTempDirectory("nicemu-gro-again");
        runner.run(sc, again, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        for (String pcap : List.of("h1-eth0.pcap", "h2-eth0.pcap")) {
            Tshark.Report r = Tshark.read(dir.resolve(pcap));
            assertTrue(r.clean() && r.badTcp() == 0, pcap + ": " + r);
            assertEquals(-1L, Files.mismatch(dir.resolve(pcap), again.resolve(pcap)), pcap + ": the same scenario and seed give the same bytes");
        }
    }

    /**
     * {@code "after"}: the second flow's client starts when the first flow's client is done (and not
     * before its own {@code start}); the third has no {@code after} and starts at 0 alongside the first;
     * it is checked by comparison only ({@code "verify": "compare"}: no SHA-256, every byte compared).
     */
    @SuppressWarnings("unchecked")
    @Test
    void afterStartsAFlowWhenTheEarlierOneIsDone() throws Exception {
        String sc = SCENARIO.substring(0, SCENARIO.indexOf("{\"name\": \"rr1\"")).replace("two-host-tcp-it", "flows-after-it")
                + "{\"name\": \"second\", \"kind\": \"bulk\", \"from\": \"h1\", \"to\": \"h2\", \"port\": 5002, \"bytes\": 2000000, \"after\": \"bulk1\", \"start\": \"10ms\"},\n"
                + "{\"name\": \"third\", \"kind\": \"bulk\", \"from\": \"h1\", \"to\": \"h2\", \"port\": 5003, \"bytes\": 1000000, \"verify\": \"compare\"}]}\n";
        assertTrue(sc.contains("\"after\": \"bulk1\"") && !sc.contains("rr1"), sc);
        Path dir = Files.createTempDirectory("nicemu-flows-after");
        Map<String, Object> s = runner.run(sc, dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<Map<String, Object>> flows = (List<Map<String, Object>>) s.get("flows");
        for (Map<String, Object> f : flows) assertEquals(Boolean.TRUE, f.get("byte_exact"), f.toString());
        long firstEnd = ((Number) ((Map<String, Object>) flows.get(0).get("sender")).get("endNs")).longValue();
        Map<String, Object> second = (Map<String, Object>) flows.get(1).get("sender");
        long secondStart = ((Number) second.get("startNs")).longValue();
        assertEquals("bulk1", flows.get(1).get("after"));
        assertEquals(firstEnd, secondStart, "the second client starts at the first client's end: " + flows.get(1));
        long thirdStart = ((Number) ((Map<String, Object>) flows.get(2).get("sender")).get("startNs")).longValue();
        assertEquals(0L, thirdStart, "a flow without 'after' starts at its start time");
        Map<String, Object> third = flows.get(2);
        assertEquals("compare", third.get("verify"));
        assertEquals("sha256", flows.get(0).get("verify"));
        assertNull(third.get("sha256_sent"), "verify compare: nothing hashed");
        assertNull(third.get("sha256_received"));
        assertEquals(-1L, ((Number) ((Map<String, Object>) third.get("receiver")).get("firstMismatch")).longValue(), third.toString());
        assertEquals(1_000_000L, ((Number) third.get("bytesReceived")).longValue());
        assertTrue(firstEnd > 50_000_000L, "the first flow took a while: " + firstEnd);
    }
}
