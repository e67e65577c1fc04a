package org.nicemu.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Benchmark-style (asserts correctness, not speed; docs/benchmarks.md "Hardware in the loop"):
 * TCP (CUBIC) from the emulator to a Linux server over one veth, no capture on either side (a
 * capture costs CPU on this 2-core machine). Two 500 MB warm-up transfers to two Linux servers run
 * first, one after the other (the JIT compiles the hot path: in a cold JVM the compiler threads take
 * about a core for seconds, and the end of the first connection loads classes that make it throw
 * away and redo much of that work); the measured 1 GB transfer ({@code -Dhil.bench.bytes}) to a third
 * server starts when they are done (flow field {@code after}). Reports the goodput measured by both ends and the frames
 * per second the live port injected and captured (its counters in summary.json). Pass
 * {@code -Dhil.jvmArgs="-XX:StartFlightRecording=..."} to profile it.
 */
class HilBenchmarkTest {
    static final long WARM_UP = Long.getLong("hil.bench.warmup", 500_000_000L);
    static final long BYTES = Long.getLong("hil.bench.bytes", 1_000_000_000L);

    @Test
    void tcpEmulatorToLinuxThroughputAndInjectedFramesPerSecond() throws Exception {
        try (HilBed bed = HilBed.open("bench-tcp-emu-to-linux")) {
            Process warm1 = bed.peer("warm1", "server", "--port", "5001", "--timeout", "200");
            Process warm2 = bed.peer("warm2", "server", "--port", "5002", "--timeout", "200");
            Process srv = bed.peer("srv", "server", "--port", "5003", "--timeout", "200");
            String flows = String.format(Locale.ROOT, """
                    {"name": "warmup1", "kind": "bulk", "from": "h1", "to": "198.18.1.2", "port": 5001, "bytes": %d, "cc": "cubic", "start": "10ms"},
                     {"name": "warmup2", "kind": "bulk", "from": "h1", "to": "198.18.1.2", "port": 5002, "bytes": %d, "cc": "cubic", "after": "warmup1"},
                     {"name": "bench", "kind": "bulk", "from": "h1", "to": "198.18.1.2", "port": 5003, "bytes": %d, "cc": "cubic", "after": "warmup2"}""",
                    WARM_UP, WARM_UP, BYTES);
            String scen = bed.scenario("cubic", false, flows, "", "180s")
                    .replace(", \"capture\": [{\"kind\": \"pcap\", \"file\": \"h1-eth0.pcap\"}]", "");
            Process emu = bed.emulator(scen);
            JsonNode sum = bed.emulatorResult(emu, 240);
            JsonNode peer = bed.peerResult("srv", srv, 30);
            for (int i = 0; i < 2; i++) {
                JsonNode w = bed.peerResult("warm" + (i + 1), i == 0 ? warm1 : warm2, 30);
                JsonNode wfi = sum.path("flows").get(i);
                assertEquals(WARM_UP, w.path("bytes_received").asLong());
                assertEquals(wfi.path("sha256_sent").asText(), w.path("sha256_received").asText(), "warm-up " + (i + 1) + ": SHA-256 sent = received");
            }
            JsonNode wf = sum.path("flows").get(1), f = sum.path("flows").get(2);
            assertEquals(BYTES, peer.path("bytes_received").asLong());
            assertEquals(f.path("sha256_sent").asText(), peer.path("sha256_received").asText(), "SHA-256 sent = received");
            assertTrue(f.path("sender").path("startNs").asLong() >= wf.path("sender").path("endNs").asLong(), "the measured flow starts after the warm-up");
            JsonNode dev = sum.path("hosts").get(0).path("devices").get(0);
            JsonNode ps = dev.path("portStats").elements().next();
            long tx = ps.path("tx_frames").asLong(), rx = ps.path("rx_frames").asLong();
            assertTrue(tx > (2 * WARM_UP + BYTES) / 1500, "frames injected: " + ps);
            long dur = f.path("sender").path("endNs").asLong() - f.path("sender").path("connectedNs").asLong();
            long frames = BYTES / 1448; // full-sized segments of the measured flow (MSS 1448 with timestamps)
            HilBed.result(String.format(Locale.ROOT,
                    "bench TCP emulator(cubic) -> Linux(bbr) over one veth, %d MB after two %d MB warm-ups, no capture: emulator goodput %.0f Mbit/s (connect to end of stream), "
                            + "Linux-measured %.0f Mbit/s; about %.0f k data frames/s injected; whole run: live port injected %d frames, captured %d, tx_ring_full %d, "
                            + "tx_errors %d, rx_overruns %d, pcap_drop %d; second warm-up %.0f Mbit/s",
                    BYTES / 1_000_000, WARM_UP / 1_000_000, f.path("goodputBps").asLong() / 1e6, peer.path("mbit_per_s").asDouble(), frames / (dur / 1e9) / 1e3, tx, rx,
                    ps.path("tx_ring_full").asLong(), ps.path("tx_errors").asLong(), ps.path("rx_overruns").asLong(), ps.path("pcap_drop").asLong(),
                    wf.path("goodputBps").asLong() / 1e6));
        }
    }

    /**
     * The same shape for MPTCP: the emulator's MPTCP client (default scheduler, CUBIC subflows) to
     * a Linux MPTCP server over two veths, joining the second path after the server's ADD_ADDR. Two
     * warm-up connections, then the measured one; no capture. Reports the steady-state goodput
     * (HilTest d, a 50 MB transfer in a cold JVM, measures mostly the JIT warm-up) and the bytes
     * each subflow carried.
     */
    @Test
    void mptcpEmulatorToLinuxThroughputOverTwoPaths() throws Exception {
        long warm = WARM_UP / 2, bytes = BYTES / 2;
        try (HilBed bed = HilBed.open("bench-mptcp-emu-to-linux")) {
            Process[] servers = new Process[3];
            for (int i = 0; i < 3; i++) {
                servers[i] = bed.peer("mp" + (i + 1), "server", "--mptcp", "--port", String.valueOf(5001 + i), "--timeout", "200");
            }
            String flows = String.format(Locale.ROOT, """
                    {"name": "warmup1", "kind": "bulk", "protocol": "mptcp", "from": "h1", "to": "198.18.1.2", "port": 5001, "bytes": %d, "cc": "cubic", "start": "10ms"},
                     {"name": "warmup2", "kind": "bulk", "protocol": "mptcp", "from": "h1", "to": "198.18.1.2", "port": 5002, "bytes": %d, "cc": "cubic", "after": "warmup1"},
                     {"name": "bench", "kind": "bulk", "protocol": "mptcp", "from": "h1", "to": "198.18.1.2", "port": 5003, "bytes": %d, "cc": "cubic", "after": "warmup2"}""",
                    warm, warm, bytes);
            String scen = bed.scenario("cubic", true, flows, HilTest.action("0ms", "ip mptcp limits set subflows 2 add_addr_accepted 1"), "180s")
                    .replaceAll(", \"capture\": \\[\\{\"kind\": \"pcap\", \"file\": \"h1-eth[01].pcap\"}]", "");
            assertTrue(!scen.contains("capture"), "no capture in the benchmark scenario: " + scen);
            Process emu = bed.emulator(scen);
            JsonNode sum = bed.emulatorResult(emu, 240);
            long[] expect = {warm, warm, bytes};
            JsonNode peer = null;
            for (int i = 0; i < 3; i++) {
                JsonNode p = bed.peerResult("mp" + (i + 1), servers[i], 30);
                JsonNode fi = sum.path("flows").get(i);
                assertEquals(expect[i], p.path("bytes_received").asLong(), "bytes Linux received on flow " + (i + 1));
                assertEquals(fi.path("sha256_sent").asText(), p.path("sha256_received").asText(), "flow " + (i + 1) + ": SHA-256 sent = received");
                peer = p;
            }
            JsonNode wf = sum.path("flows").get(1), f = sum.path("flows").get(2);
            assertTrue(f.path("sender").path("startNs").asLong() >= wf.path("sender").path("endNs").asLong(), "the measured flow starts after the warm-up");
            JsonNode m = f.path("mptcp").path("client");
            assertFalse(m.path("fallback").asBoolean(true), "MPTCP, no fallback: " + m);
            assertEquals(2, m.path("subflows").size(), "two subflows: " + m);
            List<String> esf = new ArrayList<>();
            for (JsonNode s : m.path("subflows")) {
                assertTrue(s.path("sched_bytes").asLong() > 0, "both subflows carried data: " + m);
                esf.add(s.path("local").asText() + "->" + s.path("remote").asText() + " " + s.path("sched_bytes").asLong() + " B");
            }
            assertTrue(peer.path("mptcp").path("max_subflows_seen").asInt() >= 2, "Linux saw two subflows: " + peer.path("mptcp"));
            HilBed.result(String.format(Locale.ROOT,
                    "bench MPTCP emulator(default scheduler, cubic) -> Linux over two veths, %d MB after two %d MB warm-ups, no capture: emulator goodput %.0f Mbit/s, "
                            + "Linux-measured %.0f Mbit/s; second warm-up %.0f Mbit/s; subflows %s; reinjected %d B",
                    bytes / 1_000_000, warm / 1_000_000, f.path("goodputBps").asLong() / 1e6, peer.path("mbit_per_s").asDouble(),
                    wf.path("goodputBps").asLong() / 1e6, esf, m.path("bytes_reinjected").asLong()));
        }
    }
}
