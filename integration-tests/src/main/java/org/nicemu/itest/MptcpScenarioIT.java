package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.ScenarioRunner;
import org.nicemu.core.testing.Tshark;
import org.osgi.test.common.annotation.InjectService;

/**
 * examples/mptcp-scheduler-swap.json (embedded in this bundle) run through the ScenarioRunner
 * service inside Felix with the MPTCP bundle and the five scheduler bundles: one 100 MB MPTCP bulk
 * flow over two wires whose scheduler is swapped five times mid-transfer with {@code mptcp
 * scheduler} actions must arrive byte-exact, over two subflows that both carried data, with every
 * swap counted, and its four pcaps must read clean in tshark with MPTCP mapping analysis.
 */
class MptcpScenarioIT {
    static final String EXAMPLE = "/examples/mptcp-scheduler-swap.json";
    static final List<String> PCAPS = List.of("h1-eth0.pcap", "h1-eth1.pcap", "h2-eth0.pcap", "h2-eth1.pcap");

    @InjectService(timeout = 10_000)
    ScenarioRunner runner;

    @SuppressWarnings("unchecked")
    @Test
    void schedulerSwapsKeepTheStreamExactOnTwoSubflows() throws Exception {
        String json;
        try (InputStream in = MptcpScenarioIT.class.getResourceAsStream(EXAMPLE)) {
            assertNotNull(in, EXAMPLE + " is a resource of the test bundle");
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        long swaps = json.lines().filter(l -> l.contains("\"mptcp scheduler ")).count();
        assertTrue(swaps >= 5, "the example swaps the scheduler at least five times");
        Path out = Files.createTempDirectory("nicemu-mptcp-swap");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Map<String, Object> s = runner.run(json, out, new PrintStream(progress, true, StandardCharsets.UTF_8));
        System.out.println("mptcp-scheduler-swap: emulated " + s.get("emulatedTimeNanos") + " ns, wall " + s.get("wallTimeMillis") + " ms");
        assertEquals(Boolean.TRUE, s.get("drained"));
        assertEquals(Boolean.TRUE, ((Map<String, Object>) s.get("check")).get("balanced"), String.valueOf(s.get("check")));
        for (Map<String, Object> a : (List<Map<String, Object>>) s.get("actions")) {
            assertEquals(null, a.get("error"), "action " + a.get("cmd"));
        }

        List<Map<String, Object>> flows = (List<Map<String, Object>>) s.get("flows");
        assertEquals(1, flows.size());
        Map<String, Object> f = flows.get(0);
        assertEquals(Boolean.TRUE, f.get("byte_exact"), String.valueOf(f.get("error")));
        assertEquals("mptcp", f.get("protocol"));
        assertEquals(100_000_000L, ((Number) f.get("bytesReceived")).longValue());
        Map<String, Object> mptcp = (Map<String, Object>) f.get("mptcp");
        Map<String, Object> client = (Map<String, Object>) mptcp.get("client");
        Map<String, Object> server = (Map<String, Object>) mptcp.get("server");
        System.out.println("mptcp-scheduler-swap: client " + client);
        System.out.println("mptcp-scheduler-swap: server " + server);
        assertEquals(Boolean.FALSE, client.get("fallback"));
        assertEquals("default", client.get("scheduler"), "the last swap");
        assertTrue(((Number) client.get("scheduler_changes")).longValue() >= swaps + 1, "every swap counted, plus the first assignment: " + client);
        assertEquals(100_000_000L, ((Number) client.get("bytes_sent")).longValue());
        assertEquals(100_000_000L, ((Number) server.get("bytes_received")).longValue());
        List<Map<String, Object>> cs = (List<Map<String, Object>>) client.get("subflows");
        List<Map<String, Object>> ss = (List<Map<String, Object>>) server.get("subflows");
        assertEquals(2, cs.size(), "two subflows: " + cs);
        assertEquals(2, ss.size(), "two subflows: " + ss);
        for (Map<String, Object> x : cs) assertTrue(((Number) x.get("sched_bytes")).longValue() > 1_000_000, "the client sent on every subflow: " + x);
        for (Map<String, Object> x : ss) assertTrue(((Number) x.get("rcv_bytes")).longValue() > 1_000_000, "the server received on every subflow: " + x);
        long rcv = 0;
        for (Map<String, Object> x : ss) rcv += ((Number) x.get("rcv_bytes")).longValue();
        assertEquals(100_000_000L + ((Number) server.get("dup_bytes_received")).longValue(), rcv, "every byte read once, copies counted as duplicates");

        for (String p : PCAPS) {
            Tshark.Report r = Tshark.readMptcp(out.resolve(p));
            System.out.println("mptcp-scheduler-swap: tshark " + p + " " + r);
            assertTrue(r.frames() > 1000, p + ": " + r);
            assertTrue(r.clean(), p + ": " + r);
            assertEquals(0, r.missingMapping(), p + ": " + r);
        }
        try (Stream<Path> w = Files.walk(out)) {
            for (Path p : (Iterable<Path>) w.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }
}
