package org.nicemu.port.pcap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Quick throughput measurement of {@link PcapWriter} and {@link PcapngWriter} on one thread. Not a
 * test (nothing is asserted, the build never runs it); run it by hand, e.g.
 * <pre>
 * mvn -q -o -pl emulated-nic/port-pcap test-compile
 * java -cp emulated-nic/port-pcap/target/classes:emulated-nic/port-pcap/target/test-classes:bundles/api/target/classes \
 *      org.nicemu.port.pcap.CaptureThroughput [DIR|-] [RECORDS_64B] [RECORDS_1514B]
 * </pre>
 * Files go to DIR (default: a temporary folder; files are deleted afterwards); {@code -} writes to
 * {@code /dev/null}, which measures the writer's own CPU cost plus the write system calls. The
 * time includes the final drain and close (into the OS page cache, no fsync); an existing file is
 * deleted before each run, outside the timed part (truncating a multi-GB file is slow).
 */
public final class CaptureThroughput {
    private CaptureThroughput() {
    }

    /** Entry point: {@code [DIR|-] [RECORDS_64B] [RECORDS_1514B]}. */
    public static void main(String[] args) throws IOException {
        boolean devNull = args.length > 0 && args[0].equals("-");
        Path dir = devNull ? null : args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("nicemu-throughput");
        int nSmall = args.length > 1 ? Integer.parseInt(args[1]) : 5_000_000;
        int nLarge = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        byte[] small = TestFrames.udp(64, 1);
        byte[] large = TestFrames.udp(1514, 2);
        System.out.println("writing to " + (devNull ? "/dev/null" : dir));
        for (int round = 0; round < 3; round++) { // round 0 is warm-up
            for (boolean ng : new boolean[] {false, true}) {
                Path file = devNull ? Path.of("/dev/null") : dir.resolve(ng ? "t.pcapng" : "t.pcap");
                run(round, ng, file, small, nSmall, devNull);
                run(round, ng, file, large, nLarge, devNull);
            }
        }
        if (!devNull) {
            Files.deleteIfExists(dir.resolve("t.pcap"));
            Files.deleteIfExists(dir.resolve("t.pcapng"));
            if (args.length == 0) {
                Files.deleteIfExists(dir);
            }
        }
    }

    private static void run(int round, boolean ng, Path file, byte[] frame, int n, boolean devNull) throws IOException {
        if (!devNull) {
            Files.deleteIfExists(file);
        }
        long fileBytes;
        long t0 = System.nanoTime();
        if (ng) {
            try (PcapngWriter w = new PcapngWriter(file, "eth0", 4, PcapWriter.MAX_SNAPLEN)) {
                for (int i = 0; i < n; i++) {
                    w.write(i * 100L, i & 3, frame, 0, frame.length);
                }
            }
            fileBytes = (long) n * (PcapngWriter.EPB_OVERHEAD_BYTES + PcapngWriter.pad4(frame.length));
        } else {
            try (PcapWriter w = new PcapWriter(file)) {
                for (int i = 0; i < n; i++) {
                    w.write(i * 100L, frame, 0, frame.length);
                }
            }
            fileBytes = (long) n * (PcapWriter.RECORD_HEADER_BYTES + frame.length);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (round > 0) {
            System.out.printf(Locale.ROOT, "%-6s %4d B frames: %6.2f M records/s, %6.0f MB/s written (%d records in %.2f s)%n",
                    ng ? "pcapng" : "pcap", frame.length, n / s / 1e6, fileBytes / s / 1e6, n, s);
        }
    }
}
