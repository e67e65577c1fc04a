package org.nicemu.port.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.nic.NicPort;

/**
 * External oracle: Wireshark's tshark must read every file the ports write, count exactly the
 * frames written, and find nothing malformed and no bad checksum. Fails (does not skip) when
 * tshark is not installed.
 */
class TsharkValidationTest {
    @TempDir
    Path dir;

    /** Mixed UDP and TCP frames of many sizes, on 4 TX queues; timestamps 1 µs + 1 ns apart. */
    private static int send(NicPort port, int n, int queues) {
        for (int i = 0; i < n; i++) {
            int len = 60 + (i * 37) % 1455;
            byte[] f = i % 3 == 0 ? TestFrames.tcp(len, i) : TestFrames.udp(len, i);
            port.transmit(1_700_000_000_000_000_000L + i * 1_001L, i % queues, f, 0, f.length);
        }
        return n;
    }

    @Test
    void pcapPortFileIsCleanForTshark() {
        Path f = dir.resolve("h1-eth0.pcap");
        NicPort port = new PcapPortFactory().open("eth0", 4, Map.of("file", f.toString()));
        int n = send(port, 500, 4);
        port.close();
        Tshark.assertClean(f, n);
    }

    @Test
    void pcapPerQueueFilesAreCleanForTshark() {
        Path f = dir.resolve("h1-eth0.pcap");
        NicPort port = new PcapPortFactory().open("eth0", 4, Map.of("file", f.toString(), "perQueue", "true"));
        send(port, 400, 4);
        port.close();
        for (int q = 0; q < 4; q++) {
            Tshark.assertClean(dir.resolve("h1-eth0-tx" + q + ".pcap"), 100);
        }
    }

    @Test
    void pcapngPortFileIsCleanForTsharkWithOneInterfacePerQueue() {
        Path f = dir.resolve("h1-eth0.pcapng");
        PcapngPort port = (PcapngPort) new PcapngPortFactory().open("eth0", 4, Map.of("file", f.toString()));
        int n = send(port, 500, 4);
        port.addDrops(2, 9);
        port.close();
        Tshark.assertClean(f, n);
        List<List<String>> rows = Tshark.fields(f, "frame.interface_id", "frame.interface_name", "frame.len");
        assertEquals(n, rows.size());
        for (int i = 0; i < n; i++) {
            assertEquals(List.of(String.valueOf(i % 4), "eth0-tx" + (i % 4), String.valueOf(60 + (i * 37) % 1455)),
                    rows.get(i), "frame " + (i + 1));
        }
    }

    @Test
    void tsharkSeesNanosecondTimestamps() {
        for (String kind : List.of("pcap", "pcapng")) {
            Path f = dir.resolve("ts." + kind);
            NicPort port = (kind.equals("pcap") ? new PcapPortFactory() : new PcapngPortFactory())
                    .open("eth0", 1, Map.of("file", f.toString()));
            byte[] fr = TestFrames.udp(60, 1);
            port.transmit(1_234_567_890_123_456_789L, 0, fr, 0, fr.length);
            port.transmit(1_234_567_890_123_456_790L, 0, fr, 0, fr.length);
            port.close();
            List<List<String>> rows = Tshark.fields(f, "frame.time_epoch");
            assertEquals(List.of(List.of("1234567890.123456789"), List.of("1234567890.123456790")), rows, kind);
        }
    }

    @Test
    void theOracleDetectsBadChecksumsAndMalformedFrames() {
        Path f = dir.resolve("bad.pcap");
        try (PcapWriter w = new PcapWriter(f)) {
            byte[] good = TestFrames.udp(100, 1);
            byte[] badUdp = TestFrames.udp(100, 2);
            badUdp[70] ^= 0x55;
            byte[] badTcp = TestFrames.tcp(100, 3);
            badTcp[80] ^= 0x55;
            byte[] badIp = TestFrames.udp(100, 4);
            badIp[14 + 8] = 63; // TTL changed, header checksum not updated
            byte[] cut = TestFrames.udp(100, 5);
            w.write(1, good, 0, good.length);
            w.write(2, badUdp, 0, badUdp.length);
            w.write(3, badTcp, 0, badTcp.length);
            w.write(4, badIp, 0, badIp.length);
            w.write(5, cut, 0, 30); // IPv4 header cut short
        }
        Tshark.Report r = Tshark.analyze(f);
        assertEquals(5, r.frames());
        assertEquals(1, r.malformed());
        assertEquals(1, r.badIpChecksums());
        assertEquals(1, r.badUdpChecksums());
        assertEquals(1, r.badTcpChecksums());
    }
}
