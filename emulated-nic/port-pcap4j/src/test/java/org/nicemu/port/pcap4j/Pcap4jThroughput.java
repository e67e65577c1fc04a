package org.nicemu.port.pcap4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.nicemu.api.nic.NicPort;
import org.nicemu.port.pcap.TestFrames;

/**
 * Quick throughput measurement of the {@code pcap4j} port on one thread. Not a test (nothing is
 * asserted, the build never runs it); run it by hand with the test class path, e.g.
 * <pre>
 * mvn -q -o -pl emulated-nic/port-pcap4j dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp emulated-nic/port-pcap4j/target/classes:emulated-nic/port-pcap4j/target/test-classes:$(cat /tmp/cp.txt) \
 *      org.nicemu.port.pcap4j.Pcap4jThroughput [DIR] [RECORDS]
 * </pre>
 */
public final class Pcap4jThroughput {
    private Pcap4jThroughput() {
    }

    /** Entry point: {@code [DIR] [RECORDS]}. */
    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("nicemu-throughput");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        Path file = dir.resolve("t-pcap4j.pcap");
        for (int round = 0; round < 3; round++) { // round 0 is warm-up
            for (int len : new int[] {64, 1514}) {
                byte[] frame = TestFrames.udp(len, 1);
                Files.deleteIfExists(file);
                long t0 = System.nanoTime();
                NicPort p = new Pcap4jPortFactory().open("eth0", 1, Map.of("file", file.toString()));
                for (int i = 0; i < n; i++) {
                    p.transmit(i * 100L, 0, frame, 0, frame.length);
                }
                p.close();
                double s = (System.nanoTime() - t0) / 1e9;
                if (round > 0) {
                    System.out.printf(Locale.ROOT, "pcap4j %4d B frames: %6.3f M records/s (%d records in %.2f s)%n",
                            len, n / s / 1e6, n, s);
                }
            }
        }
        Files.deleteIfExists(file);
        if (args.length == 0) {
            Files.deleteIfExists(dir);
        }
    }
}
