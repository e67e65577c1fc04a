package org.nicemu.port.pcap4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.nic.NicPort;
import org.nicemu.port.pcap.CaptureReader;
import org.nicemu.port.pcap.PcapWriter;
import org.nicemu.port.pcap.PcapngWriter;
import org.nicemu.port.pcap.TestFrames;
import org.nicemu.port.pcap.Tshark;
import org.nicemu.port.pcap4j.reader.PcapReader;
import org.nicemu.port.pcap4j.reader.PcapRecord;

/** Needs libpcap (apt-get install -y libpcap0.8) and tshark; fails, not skips, without them. */
class Pcap4jPortTest {
    @TempDir
    Path dir;

    private record Frame(long ts, int queue, byte[] bytes) {
    }

    private static List<Frame> frames(int n) {
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 60 + (i * 53) % 1455;
            byte[] b = i % 4 == 0 ? TestFrames.tcp(len, i) : TestFrames.udp(len, i);
            out.add(new Frame(1_700_000_000_123_456_789L + i * 999_999_937L, i % 2, b));
        }
        return out;
    }

    @Test
    void pcap4jWriterAndOwnPcapWriterProduceEquivalentFiles() throws IOException {
        List<Frame> fs = frames(300);
        Path viaPcap4j = dir.resolve("pcap4j.pcap");
        Path viaOwn = dir.resolve("own.pcap");
        NicPort p = new Pcap4jPortFactory().open("eth0", 2, Map.of("file", viaPcap4j.toString()));
        try (PcapWriter w = new PcapWriter(viaOwn, Pcap4jPort.SNAPLEN, 1 << 16)) {
            for (Frame f : fs) {
                p.transmit(f.ts, f.queue, f.bytes, 0, f.bytes.length);
                w.write(f.ts, f.bytes, 0, f.bytes.length);
            }
        }
        p.close();

        // records: same timestamps (ns), lengths and bytes, read by our own strict reader ...
        CaptureReader.Pcap a = CaptureReader.readPcap(viaPcap4j);
        CaptureReader.Pcap b = CaptureReader.readPcap(viaOwn);
        assertEquals(fs.size(), a.records().size());
        for (int i = 0; i < fs.size(); i++) {
            CaptureReader.PcapRecord ra = a.records().get(i);
            CaptureReader.PcapRecord rb = b.records().get(i);
            assertEquals(fs.get(i).ts, ra.timestampNanos(), "ts " + i);
            assertEquals(rb.timestampNanos(), ra.timestampNanos());
            assertEquals(rb.inclLen(), ra.inclLen());
            assertEquals(rb.origLen(), ra.origLen());
            assertArrayEquals(rb.data(), ra.data());
        }
        // ... and by libpcap through PcapReader
        assertEquals(PcapReader.readAll(viaOwn), PcapReader.readAll(viaPcap4j));

        // global header: libpcap writes host byte order and snaplen 65536; ours is always
        // little-endian with the snaplen asked for (here also 65536): on a little-endian host
        // with equal snaplen the headers, and so the whole files, are identical.
        assertEquals(new CaptureReader.PcapHeader(0xa1b23c4d, 2, 4, 0, 0, 65_536, 1), b.header());
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            assertEquals(b.header(), a.header());
            assertArrayEquals(Files.readAllBytes(viaOwn), Files.readAllBytes(viaPcap4j));
        }
        Tshark.assertClean(viaPcap4j, fs.size());
    }

    @Test
    void readerReturnsNanosecondRecordsOfPcapAndPcapng() {
        List<Frame> fs = frames(50);
        Path ng = dir.resolve("x.pcapng");
        try (PcapngWriter w = new PcapngWriter(ng, "eth0", 2, 262_144)) {
            for (Frame f : fs) {
                w.write(f.ts, f.queue, f.bytes, 0, f.bytes.length);
            }
            w.addDrops(1, 3);
        }
        List<PcapRecord> rs = PcapReader.readAll(ng);
        assertEquals(fs.size(), rs.size());
        for (int i = 0; i < fs.size(); i++) {
            assertEquals(new PcapRecord(fs.get(i).ts, fs.get(i).bytes.length, fs.get(i).bytes), rs.get(i));
        }
        try (PcapReader r = PcapReader.open(ng)) {
            assertEquals(1, r.dataLinkType());
            assertEquals(262_144, r.snaplen());
        }
    }

    @Test
    void receivedFramesAreWrittenInTimeOrderWithTransmittedOnes() throws IOException {
        Path f = dir.resolve("both.pcap");
        byte[] a = TestFrames.udp(100, 1);
        byte[] b = TestFrames.tcp(200, 2);
        NicPort p = new Pcap4jPortFactory().open("eth0", 1, Map.of("file", f.toString()));
        p.transmit(1_000, 0, a, 0, a.length);
        p.received(2_000, 3, b, 0, b.length);
        p.close();
        List<CaptureReader.PcapRecord> rs = CaptureReader.readPcap(f).records();
        assertEquals(2, rs.size());
        assertEquals(2_000, rs.get(1).timestampNanos());
        assertArrayEquals(b, rs.get(1).data());
    }

    @Test
    void snaplenCutsLongFrames() throws IOException {
        Path f = dir.resolve("long.pcap");
        byte[] jumbo = new byte[70_000];
        Arrays.fill(jumbo, (byte) 7);
        NicPort p = new Pcap4jPortFactory().open("eth0", 1, Map.of("file", f.toString()));
        p.transmit(5, 0, jumbo, 0, jumbo.length);
        p.close();
        CaptureReader.PcapRecord r = CaptureReader.readPcap(f).records().get(0);
        assertEquals(Pcap4jPort.SNAPLEN, r.inclLen());
        assertEquals(Pcap4jPort.SNAPLEN, r.origLen()); // Pcap4J's dumpRaw: original length = length given
    }

    @Test
    void parametersAndErrors() throws IOException {
        Pcap4jPortFactory f = new Pcap4jPortFactory();
        assertEquals("pcap4j", f.kind());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.open("eth0", 1, Map.of()));
        assertTrue(e.getMessage().contains("'file'") && e.getMessage().contains("required"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> f.open("eth0", 1, Map.of("file", dir.resolve("a.pcap").toString(), "perQueue", "true")));
        assertTrue(e.getMessage().contains("'perQueue'") && e.getMessage().contains("accepted: file"), e.getMessage());

        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        Path bad = blocker.resolve("a.pcap");
        UncheckedIOException io = assertThrows(UncheckedIOException.class,
                () -> f.open("eth0", 1, Map.of("file", bad.toString())));
        assertTrue(io.getMessage().contains(bad.toString()), io.getMessage());
        Path missing = dir.resolve("missing.pcap");
        io = assertThrows(UncheckedIOException.class, () -> PcapReader.open(missing));
        assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
        assertEquals(0, f.openPorts());
    }

    @Test
    void deactivationAndShutdownCloseOpenPorts() throws IOException {
        Pcap4jPortFactory f = new Pcap4jPortFactory();
        Path a = dir.resolve("a.pcap");
        Path b = dir.resolve("b.pcap");
        NicPort pa = f.open("eth0", 1, Map.of("file", a.toString()));
        NicPort pb = f.open("eth1", 1, Map.of("file", b.toString()));
        byte[] fr = TestFrames.udp(60, 1);
        pa.transmit(1, 0, fr, 0, fr.length);
        pb.transmit(2, 0, fr, 0, fr.length);
        assertEquals(2, f.openPorts());
        assertEquals(2, Pcap4jPortFactory.openInJvm());
        Pcap4jPortFactory.closeAllOpen(); // what the shutdown hook runs
        assertEquals(0, Pcap4jPortFactory.openInJvm());
        assertEquals(0, f.openPorts());
        pa.transmit(3, 0, fr, 0, fr.length); // ignored after close
        pa.close();
        f.deactivate();
        assertEquals(1, CaptureReader.readPcap(a).records().size());
        assertEquals(1, CaptureReader.readPcap(b).records().size());

        NicPort pc = f.open("eth2", 1, Map.of("file", dir.resolve("c.pcap").toString()));
        pc.transmit(1, 0, fr, 0, fr.length);
        f.deactivate();
        assertEquals(1, CaptureReader.readPcap(dir.resolve("c.pcap")).records().size());
        assertTrue(pc.describe().startsWith("pcap4j " + dir.resolve("c.pcap").toAbsolutePath()));
    }
}
