package org.nicemu.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Benchmark-style (asserts correctness, not speed; docs/benchmarks.md "Hardware in the loop"):
 * TCP (CUBIC) from the emulator to a Linux server over one veth, 200 MB, no capture on either
 * side (a capture costs CPU on this 2-core machine); reports the goodput measured by both ends and
 * the frames per second the live port injected and captured (its counters in summary.json) and
 * the JVM's CPU time. Pass {@code -Dhil.jvmArgs="-XX:StartFlightRecording=..."} to profile it.
 */
class HilBenchmarkTest {
    static final long BYTES = 200_000_000L;

    @Test
    void tcpEmulatorToLinuxThroughputAndInjectedFramesPerSecond() throws Exception {
        try (HilBed bed = HilBed.open("bench-tcp-emu-to-linux")) {
            Process srv = bed.peer("srv", "server", "--port", "5001", "--timeout", "200");
            String scen = bed.scenario("cubic", false, HilTest.flowBulk("tcp", "cubic", BYTES, ", \"start\": \"10ms\""), "", "180s")
                    .replace(", \"capture\": [{\"kind\": \"pcap\", \"file\": \"h1-eth0.pcap\"}]", "");
            long t0 = System.nanoTime();
            Process emu = bed.emulator(scen);
            JsonNode sum = bed.emulatorResult(emu, 240);
            long wall = System.nanoTime() - t0;
            JsonNode peer = bed.peerResult("srv", srv, 30);
            JsonNode f = sum.path("flows").get(0);
            assertEquals(BYTES, peer.path("bytes_received").asLong());
            assertEquals(f.path("sha256_sent").asText(), peer.path("sha256_received").asText(), "SHA-256 sent = received");
            JsonNode dev = sum.path("hosts").get(0).path("devices").get(0);
            JsonNode ps = dev.path("portStats").elements().next();
            long dur = f.path("sender").path("endNs").asLong() - f.path("sender").path("connectedNs").asLong();
            long tx = ps.path("tx_frames").asLong(), rx = ps.path("rx_frames").asLong();
            assertTrue(tx > BYTES / 1500, "frames injected: " + ps);
            HilBed.result(String.format(Locale.ROOT,
                    "bench TCP emulator(cubic) -> Linux(bbr) over one veth, %d MB, no capture: emulator goodput %.0f Mbit/s (connect to end of stream), Linux-measured %.0f Mbit/s; live port injected %d frames = %.0f k frames/s, captured %d ACK frames = %.0f k frames/s; tx_errors %d, rx_overruns %d, pcap_drop %d; emulator JVM wall %.1f s (start-up included), emulated run %.2f s",
                    BYTES / 1_000_000, f.path("goodputBps").asLong() / 1e6, peer.path("mbit_per_s").asDouble(), tx, tx / (dur / 1e9) / 1e3, rx, rx / (dur / 1e9) / 1e3,
                    ps.path("tx_errors").asLong(), ps.path("rx_overruns").asLong(), ps.path("pcap_drop").asLong(), wall / 1e9, sum.path("emulatedTimeNanos").asLong() / 1e9));
        }
    }
}
