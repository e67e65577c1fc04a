package org.nicemu.port.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;

class PortFactoryTest {
    @TempDir
    Path dir;

    private static IllegalArgumentException bad(NicPortFactory f, Map<String, String> params) {
        return assertThrows(IllegalArgumentException.class, () -> f.open("eth0", 2, params));
    }

    private static void assertMentions(Exception e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + e.getMessage() + "' should mention " + w);
        }
    }

    @Test
    void kindsAndUsage() {
        assertEquals("pcap", new PcapPortFactory().kind());
        assertEquals("pcapng", new PcapngPortFactory().kind());
        assertTrue(new PcapPortFactory().usage().contains("perQueue"));
        assertTrue(new PcapngPortFactory().usage().contains("snaplen"));
    }

    @Test
    void badParametersNameTheParameterAndWhatIsAccepted() {
        PcapPortFactory pcap = new PcapPortFactory();
        assertMentions(bad(pcap, Map.of()), "'file'", "required");
        assertMentions(bad(pcap, Map.of("file", "  ")), "'file'", "required");
        assertMentions(bad(pcap, Map.of("file", dir.resolve("x.pcap").toString(), "perQueue", "yes")),
                "'perQueue'", "true or false");
        assertMentions(bad(pcap, Map.of("file", dir.resolve("x.pcap").toString(), "snaplen", "0")),
                "'snaplen'", "1..262144");
        assertMentions(bad(pcap, Map.of("file", dir.resolve("x.pcap").toString(), "snaplen", "lots")),
                "'snaplen'", "1..262144");
        assertMentions(bad(pcap, Map.of("file", dir.resolve("x.pcap").toString(), "fiel", "y")),
                "'fiel'", "file, perQueue, snaplen");
        assertMentions(assertThrows(IllegalArgumentException.class,
                () -> pcap.open("eth0", 0, Map.of("file", dir.resolve("x.pcap").toString()))), "numTxQueues", "1..65535");

        PcapngPortFactory ng = new PcapngPortFactory();
        assertMentions(bad(ng, Map.of()), "'file'", "required");
        assertMentions(bad(ng, Map.of("file", dir.resolve("x.pcapng").toString(), "perQueue", "true")),
                "'perQueue'", "file, snaplen");
        assertMentions(bad(ng, Map.of("file", dir.resolve("x.pcapng").toString(), "snaplen", "262145")),
                "'snaplen'", "1..262144");
        assertEquals(0, pcap.openPorts());
        assertFalse(Files.exists(dir.resolve("x.pcap")), "nothing created for rejected parameters");
    }

    @Test
    void ioErrorsAreUncheckedIOExceptionsNamingTheFile() throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "not a directory");
        Path f = blocker.resolve("out.pcap");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new PcapPortFactory().open("eth0", 1, Map.of("file", f.toString())));
        assertMentions(e, f.toString());
        Path g = blocker.resolve("out.pcapng");
        e = assertThrows(UncheckedIOException.class,
                () -> new PcapngPortFactory().open("eth0", 1, Map.of("file", g.toString())));
        assertMentions(e, g.toString());
    }

    @Test
    void perQueueWritesOneFilePerQueueAndNoMergedFile() throws IOException {
        Path f = dir.resolve("sub/h1-eth0.pcap");
        NicPort port = new PcapPortFactory().open("eth0", 3, Map.of("file", f.toString(), "perQueue", "TRUE",
                "snaplen", "128"));
        assertEquals("pcap " + dir.resolve("sub/h1-eth0-tx").toAbsolutePath() + "{0..2}.pcap (eth0, one file per TX queue)",
                port.describe());
        for (int i = 0; i < 30; i++) {
            byte[] fr = TestFrames.udp(200, i);
            port.transmit(i, i % 3, fr, 0, fr.length);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> port.transmit(0, 3, new byte[60], 0, 60));
        port.close();
        assertFalse(Files.exists(f));
        for (int q = 0; q < 3; q++) {
            List<CaptureReader.PcapRecord> rs = CaptureReader.readPcap(dir.resolve("sub/h1-eth0-tx" + q + ".pcap")).records();
            assertEquals(10, rs.size());
            for (int k = 0; k < 10; k++) {
                int i = q + 3 * k;
                assertEquals(i, rs.get(k).timestampNanos());
                assertEquals(128, rs.get(k).inclLen());
                assertEquals(200, rs.get(k).origLen());
            }
        }
        assertEquals(Path.of("cap-tx7.pcap"), PcapPort.perQueueFile(Path.of("cap"), 7));
        assertEquals(Path.of("a/b.pcapng-tx0.pcap"), PcapPort.perQueueFile(Path.of("a/b.pcapng"), 0));
    }

    @Test
    void mergedFileKeepsTransmitOrderAcrossQueues() throws IOException {
        Path f = dir.resolve("m.pcap");
        NicPort port = new PcapPortFactory().open("eth0", 2, Map.of("file", f.toString(), "perQueue", "false"));
        assertEquals("pcap " + f.toAbsolutePath() + " (eth0, 2 TX queues merged)", port.describe());
        byte[] a = TestFrames.udp(70, 1);
        byte[] b = TestFrames.udp(80, 2);
        port.transmit(10, 1, a, 0, a.length);
        port.transmit(20, 0, b, 0, b.length);
        port.flush();
        port.close();
        List<CaptureReader.PcapRecord> rs = CaptureReader.readPcap(f).records();
        assertArrayEquals(a, rs.get(0).data());
        assertArrayEquals(b, rs.get(1).data());
    }

    @Test
    void deactivationClosesEveryOpenPortAndFlushes() throws IOException {
        PcapPortFactory pcap = new PcapPortFactory();
        PcapngPortFactory ng = new PcapngPortFactory();
        Path f1 = dir.resolve("d1.pcap");
        Path f2 = dir.resolve("d2.pcapng");
        Path f3 = dir.resolve("d3.pcap");
        NicPort p1 = pcap.open("eth0", 1, Map.of("file", f1.toString()));
        NicPort p2 = ng.open("eth0", 2, Map.of("file", f2.toString()));
        NicPort p3 = pcap.open("eth1", 1, Map.of("file", f3.toString()));
        byte[] fr = TestFrames.udp(60, 0);
        p1.transmit(1, 0, fr, 0, fr.length);
        p2.transmit(1, 1, fr, 0, fr.length);
        p3.close(); // closed by its user: forgotten by the factory
        assertEquals(1, pcap.openPorts());
        assertEquals(1, ng.openPorts());
        assertEquals(0, Files.size(f1), "still buffered");

        pcap.deactivate();
        ng.deactivate();
        assertEquals(0, pcap.openPorts());
        assertEquals(0, ng.openPorts());
        assertEquals(1, CaptureReader.readPcap(f1).records().size());
        List<CaptureReader.Block> blocks = CaptureReader.readBlocks(f2);
        assertEquals(1 + 2 + 1 + 2, blocks.size());
        p1.transmit(2, 0, fr, 0, fr.length); // ignored after close
        p1.close();
        assertEquals(1, CaptureReader.readPcap(f1).records().size());
    }

    @Test
    void pcapngDescribeNamesInterfaces() {
        NicPort p = new PcapngPortFactory().open("veth0", 2, Map.of("file", dir.resolve("x.pcapng").toString()));
        assertEquals("pcapng " + dir.resolve("x.pcapng").toAbsolutePath()
                + " (veth0, 2 TX queues as interfaces veth0-tx0..veth0-tx1)", p.describe());
        p.close();
    }
}
