package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.core.testing.Tshark;
import org.osgi.test.common.annotation.InjectService;

/** The same scenario and seed in virtual time give byte-identical pcaps, qdisc swaps included. */
class DeterminismIT {
    @InjectService(timeout = 10_000)
    Emulations emulations;
    @InjectService(timeout = 10_000)
    PktgenService pktgen;
    @InjectService(timeout = 10_000, filter = "(port.kind=pcap)")
    NicPortFactory pcapPorts;

    private byte[] runOnce(String name, Path pcap) throws Exception {
        try (Rig rig = new Rig(emulations, name, 99, pcapPorts, pcap)) {
            rig.generator(pktgen, "a", Map.of("count", "20000", "pkt_size", "300", "rate", "6gbit", "flows", "8", "cpu", "2"));
            rig.generator(pktgen, "b", Map.of("count", "10000", "pkt_size", "1400", "rate", "3gbit", "flows", "3", "udp_src_min", "5000", "tos", "16", "cpu", "3"));
            rig.emu.runUntil(2_000_000L);
            rig.replaceRoot("tbf rate 5gbit burst 64kb latency 1ms");
            rig.emu.runUntil(5_000_000L);
            rig.replaceRoot("prio");
            rig.emu.runUntil(7_000_000L);
            rig.onLoop(() -> {
                rig.dev.setDriver("legacy", Map.of("forceBusyEvery", "7"));
                return null;
            });
            rig.emu.runUntil(9_000_000L);
            rig.replaceRoot("pfifo_fast");
            rig.emu.runUntil(1_000_000_000L);
            assertTrue(rig.gensDone());
        }
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(pcap));
    }

    @Test
    void sameSeedSamePcapBytes() throws Exception {
        Path dir = Files.createTempDirectory("nicemu-determinism");
        byte[] a = runOnce("det-a", dir.resolve("a.pcap"));
        byte[] b = runOnce("det-b", dir.resolve("b.pcap"));
        assertArrayEquals(a, b, "SHA-256 of the two pcaps");
        Tshark.Report r = Tshark.read(dir.resolve("a.pcap"));
        assertTrue(r.frames() > 20_000 && r.clean(), r.toString());
        assertEquals(Files.size(dir.resolve("a.pcap")), Files.size(dir.resolve("b.pcap")));
        Files.delete(dir.resolve("a.pcap"));
        Files.delete(dir.resolve("b.pcap"));
        Files.delete(dir);
    }
}
