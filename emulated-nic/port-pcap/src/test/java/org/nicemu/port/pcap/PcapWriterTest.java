package org.nicemu.port.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    @TempDir
    Path dir;

    @Test
    void globalHeaderIsNanosecondPcapEthernet() throws IOException {
        Path f = dir.resolve("a/b/empty.pcap"); // parent directories are created
        try (PcapWriter w = new PcapWriter(f)) {
            assertEquals(f.toAbsolutePath().normalize(), w.file());
        }
        byte[] bytes = Files.readAllBytes(f);
        assertEquals("4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "00000400" + "01000000",
                HexFormat.of().formatHex(bytes));
        CaptureReader.Pcap p = CaptureReader.readPcap(f);
        assertEquals(new CaptureReader.PcapHeader(0xa1b23c4d, 2, 4, 0, 0, 262_144, 1), p.header());
        assertTrue(p.records().isEmpty());
    }

    @Test
    void recordsKeepNanosecondTimestampsLengthsAndBytes() throws IOException {
        Path f = dir.resolve("r.pcap");
        long[] ts = {0L, 1L, 999_999_999L, 1_000_000_000L, 1_234_567_890_123L, 4_000_000_000L * 1_000_000_000L + 7};
        byte[][] frames = {TestFrames.udp(60, 1), TestFrames.udp(1514, 2), TestFrames.tcp(54, 3),
            TestFrames.tcp(9014, 4), new byte[14], TestFrames.udp(61, 5)};
        try (PcapWriter w = new PcapWriter(f)) {
            for (int i = 0; i < ts.length; i++) {
                byte[] padded = new byte[frames[i].length + 10]; // off/len honoured
                System.arraycopy(frames[i], 0, padded, 7, frames[i].length);
                w.write(ts[i], padded, 7, frames[i].length);
            }
            assertEquals(ts.length, w.records());
        }
        List<CaptureReader.PcapRecord> rs = CaptureReader.readPcap(f).records();
        assertEquals(ts.length, rs.size());
        for (int i = 0; i < ts.length; i++) {
            CaptureReader.PcapRecord r = rs.get(i);
            assertEquals(ts[i] / 1_000_000_000L, r.tsSec(), "ts_sec " + i);
            assertEquals(ts[i] % 1_000_000_000L, r.tsNsec(), "ts_nsec " + i);
            assertEquals(frames[i].length, r.inclLen());
            assertEquals(frames[i].length, r.origLen());
            assertArrayEquals(frames[i], r.data());
        }
        // whole file = header + (16-byte record header + frame) each
        long expected = 24 + Arrays.stream(frames).mapToLong(b -> 16 + b.length).sum();
        assertEquals(expected, Files.size(f));
    }

    @Test
    void exactRecordBytes() throws IOException {
        Path f = dir.resolve("exact.pcap");
        try (PcapWriter w = new PcapWriter(f, 65_535, 0)) {
            w.write(3_000_000_005L, new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe}, 0, 3);
        }
        String hex = HexFormat.of().formatHex(Files.readAllBytes(f));
        assertEquals("4d3cb2a1020004000000000000000000ffff000001000000"
                + "03000000" + "05000000" + "03000000" + "03000000" + "deadbe", hex);
    }

    @Test
    void anExistingFileIsReplacedWholly() throws IOException {
        Path f = dir.resolve("again.pcap");
        try (PcapWriter w = new PcapWriter(f)) {
            for (int i = 0; i < 1000; i++) w.write(i, TestFrames.udp(1514, i), 0, 1514);
        }
        Path keep = dir.resolve("keep.pcap");
        Files.copy(f, keep);
        try (PcapWriter w = new PcapWriter(f)) { // a shorter capture over the longer one
            w.write(7, TestFrames.tcp(54, 3), 0, 54);
        }
        List<CaptureReader.PcapRecord> rs = CaptureReader.readPcap(f).records();
        assertEquals(1, rs.size());
        assertArrayEquals(TestFrames.tcp(54, 3), rs.get(0).data());
        assertEquals(24 + 16 + 54, Files.size(f));
        assertEquals(24 + 1000 * (16 + 1514), Files.size(keep), "other files are left alone");
    }

    @Test
    void framesLongerThanSnaplenAreTruncatedWithOriginalLengthKept() throws IOException {
        Path f = dir.resolve("snap.pcap");
        byte[] frame = TestFrames.udp(1514, 9);
        try (PcapWriter w = new PcapWriter(f, 96, 0)) {
            w.write(5, frame, 0, frame.length);
            w.write(6, frame, 0, 60);
        }
        CaptureReader.Pcap p = CaptureReader.readPcap(f);
        assertEquals(96, p.header().snaplen());
        assertEquals(96, p.records().get(0).inclLen());
        assertEquals(1514, p.records().get(0).origLen());
        assertArrayEquals(Arrays.copyOf(frame, 96), p.records().get(0).data());
        assertEquals(60, p.records().get(1).inclLen());
        assertEquals(60, p.records().get(1).origLen());
    }

    @Test
    void manyRecordsAcrossBufferDrains() throws IOException {
        Path f = dir.resolve("many.pcap");
        int n = 20_000;
        try (PcapWriter w = new PcapWriter(f, 2048, 4096)) { // tiny buffer: a drain every few records
            for (int i = 0; i < n; i++) {
                byte[] fr = TestFrames.udp(60 + i % 1455, i);
                w.write(i * 1_000L + 17, fr, 0, fr.length);
            }
        }
        List<CaptureReader.PcapRecord> rs = CaptureReader.readPcap(f).records();
        assertEquals(n, rs.size());
        for (int i = 0; i < n; i += 997) {
            assertEquals(i * 1_000L + 17, rs.get(i).timestampNanos());
            assertArrayEquals(TestFrames.udp(60 + i % 1455, i), rs.get(i).data());
        }
    }

    @Test
    void negativeTimestampIsWrittenAsZero() throws IOException {
        Path f = dir.resolve("neg.pcap");
        try (PcapWriter w = new PcapWriter(f)) {
            w.write(-5, new byte[60], 0, 60);
        }
        assertEquals(0, CaptureReader.readPcap(f).records().get(0).timestampNanos());
    }

    @Test
    void flushMakesRecordsVisibleAndCloseIsIdempotent() throws IOException {
        Path f = dir.resolve("flush.pcap");
        PcapWriter w = new PcapWriter(f);
        w.write(1, new byte[60], 0, 60);
        assertEquals(0, Files.size(f), "buffered until flush");
        w.flush();
        assertEquals(24 + 16 + 60, Files.size(f));
        w.close();
        w.close();
        w.write(2, new byte[60], 0, 60); // ignored after close
        w.flush();
        assertTrue(w.isClosed());
        assertEquals(1, CaptureReader.readPcap(f).records().size());
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingIsWritten() throws IOException {
        Path f = dir.resolve("bad.pcap");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PcapWriter(f, 0, 0));
        assertTrue(e.getMessage().contains("snaplen") && e.getMessage().contains("1..262144"), e.getMessage());
        try (PcapWriter w = new PcapWriter(f)) {
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(1, new byte[10], 5, 6));
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(1, new byte[10], 0, -1));
        }
        assertEquals(0, CaptureReader.readPcap(f).records().size());
    }

    @Test
    void unwritableFileGivesUncheckedIOExceptionNamingTheFile() throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        Path f = notADir.resolve("x.pcap");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new PcapWriter(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void closeFromAnotherThreadWhileWritingLeavesWholeRecords() throws Exception {
        Path f = dir.resolve("race.pcap");
        PcapWriter w = new PcapWriter(f, 262_144, 64 << 10);
        byte[] frame = TestFrames.udp(1000, 1);
        AtomicLong written = new AtomicLong();
        Thread loop = new Thread(() -> {
            long i = 0;
            while (!w.isClosed()) {
                w.write(i++, frame, 0, frame.length);
            }
            written.set(w.records());
        });
        loop.start();
        while (w.records() < 5_000) {
            Thread.onSpinWait();
        }
        w.close(); // as the shutdown hook or a DS deactivation would, from another thread
        loop.join(10_000);
        CaptureReader.Pcap p = CaptureReader.readPcap(f);
        assertEquals(written.get(), p.records().size());
        for (CaptureReader.PcapRecord r : p.records()) {
            assertArrayEquals(frame, r.data());
        }
    }
}
