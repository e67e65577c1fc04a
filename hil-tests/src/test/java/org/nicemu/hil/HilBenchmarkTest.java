package org.nicemu.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
