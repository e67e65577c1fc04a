package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.ScenarioRunner;
import org.nicemu.core.testing.Tshark;
import org.osgi.test.common.annotation.InjectService;

/**
 * The embedded demo scenario run through the ScenarioRunner service inside Felix, as `nicemu demo`
 * runs it: balanced frame accounting, a clean pcap for tshark whose frame count is the NIC's, and
 * the same bytes for the same seed.
 */
class ScenarioIT {
    @InjectService(timeout = 10_000)
    ScenarioRunner runner;

    @SuppressWarnings("unchecked")
    @Test
    void demoIsBalancedCleanAndReproducible() throws Exception {
        Path a = Files.createTempDirectory("nicemu-demo-a");
        Path b = Files.createTempDirectory("nicemu-demo-b");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Map<String, Object> s = runner.run(runner.demoScenario(), a, new PrintStream(progress, true, StandardCharsets.UTF_8));
        Map<String, Object> check = (Map<String, Object>) s.get("check");
        System.out.println("demo: " + check + ", wall " + s.get("wallTimeMillis") + " ms");
        assertEquals(Boolean.TRUE, check.get("balanced"), check.toString());
        assertEquals(Boolean.TRUE, s.get("drained"));
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("%"), "progress is reported");
        assertTrue(Files.exists(a.resolve("summary.json")));
        Path pcap = a.resolve("h1-eth0.pcap");
        Tshark.Report r = Tshark.read(pcap);
        System.out.println("demo: tshark " + r);
        Map<String, Object> h1 = ((List<Map<String, Object>>) s.get("hosts")).get(0);
        Map<String, Object> eth0 = ((List<Map<String, Object>>) h1.get("devices")).get(0);
        Map<String, Object> eth = (Map<String, Object>) eth0.get("ethtool");
        long h1Frames = ((Number) eth.get("tx_packets")).longValue() + ((Number) eth.get("rx_packets")).longValue();
        assertEquals(h1Frames, r.frames(), "h1's pcap = what h1's NIC sent + what it received");
        assertTrue(r.clean() && r.badTcp() == 0, r.toString());
        List<Map<String, Object>> flows = (List<Map<String, Object>>) s.get("flows");
        assertEquals(3, flows.size());
        for (Map<String, Object> f : flows) assertEquals(Boolean.TRUE, f.get("byte_exact"), f.toString());
        assertTrue(Tshark.read(a.resolve("h2-eth0.pcap")).clean());
        String ss = null;
        for (Map<String, Object> act : (List<Map<String, Object>>) s.get("actions")) {
            if ("ss -tin".equals(act.get("cmd"))) ss = String.valueOf(act.get("output"));
        }
        assertTrue(ss != null && ss.contains("ESTAB") && ss.contains("cubic") && ss.contains("198.18.0.1:") && ss.contains("rtt:"),
                "ss -tin at 120 ms shows the established connections: " + ss);

        runner.run(runner.demoScenario(), b, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        assertArrayEquals(md.digest(Files.readAllBytes(pcap)), md.digest(Files.readAllBytes(b.resolve("h1-eth0.pcap"))),
                "same scenario, same seed: byte-identical pcap");
        delete(a);
        delete(b);
    }

    @Test
    void badScenarioNamesTheField() {
        String bad = runner.demoScenario().replaceFirst("\"txQueues\"\\s*:\\s*\\d+", "\"txQueues\": \"many\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runner.validate(bad));
        assertTrue(e.getMessage().contains("txQueues"), e.getMessage());
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) w.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }
}
