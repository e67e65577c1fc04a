package org.nicemu.mptcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Wireshark's view of an MPTCP capture: one tshark pass with IPv4/TCP checksum validation and MPTCP
 * analysis ({@code mptcp.analyze_mptcp}, {@code mptcp.analyze_mappings}) counting frames, malformed
 * frames, bad checksums, DSS data without a mapping, handshake key mismatches, and which TCP streams
 * tshark ties to which MPTCP connection (it follows MP_JOIN tokens, so a wrong token splits them).
 */
final class MptcpTshark {
    /** What tshark found. */
    record Report(long frames, long malformed, long badIp, long badTcp, long unverifiedTcp, long missingMapping,
            long keyMismatch, long infiniteMapping, Set<String> mptcpStreams, Set<String> tcpStreams, List<String> firstBad) {
        /** Problems, empty when the capture is clean. */
        List<String> problems(String where) {
            List<String> p = new ArrayList<>();
            if (frames == 0) p.add(where + ": no frame");
            if (malformed != 0) p.add(where + ": " + malformed + " malformed frames");
            if (badIp != 0) p.add(where + ": " + badIp + " bad IPv4 checksums");
            if (badTcp != 0) p.add(where + ": " + badTcp + " bad TCP checksums");
            if (unverifiedTcp != 0) p.add(where + ": " + unverifiedTcp + " TCP checksums not verified");
            if (missingMapping != 0) p.add(where + ": " + missingMapping + " segments with data and no DSS mapping");
            if (keyMismatch != 0) p.add(where + ": " + keyMismatch + " MP_CAPABLE key mismatches");
            if (!p.isEmpty()) p.add(where + ": first bad frames: " + firstBad);
            return p;
        }
    }

    private MptcpTshark() {
    }

    static Report run(Path pcap) throws Exception {
        List<String> cmd = List.of(exe(), "-r", pcap.toString(), "-n",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "tcp.desegment_tcp_streams:FALSE",
                "-o", "mptcp.analyze_mptcp:TRUE", "-o", "mptcp.analyze_mappings:TRUE",
                "-d", "tcp.port==1-65535,data",
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.number", "-e", "_ws.malformed", "-e", "ip.checksum.status", "-e", "tcp.checksum.status",
                "-e", "mptcp.dss.missing_mapping", "-e", "mptcp.connection.echoed_key_mismatch",
                "-e", "mptcp.dss.infinite_mapping", "-e", "mptcp.stream", "-e", "tcp.stream", "-e", "tcp.len");
        Path err = Files.createTempFile("tshark", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            long frames = 0, malformed = 0, badIp = 0, badTcp = 0, unverified = 0, missing = 0, mismatch = 0, infinite = 0;
            Set<String> mstreams = new TreeSet<>(), tstreams = new TreeSet<>();
            List<String> firstBad = new ArrayList<>();
            try (var in = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null;) {
                    if (line.isEmpty()) continue;
                    String[] f = line.split("\\|", -1);
                    frames++;
                    boolean bad = false;
                    if (!f[1].isEmpty()) { malformed++; bad = true; }
                    if (f[2].contains("0")) { badIp++; bad = true; }
                    boolean tcpFrame = !f[8].isEmpty();
                    if (tcpFrame && f[3].equals("0")) { badTcp++; bad = true; } else if (tcpFrame && !f[3].equals("1")) { unverified++; bad = true; }
                    if (!f[4].isEmpty() && !f[9].equals("0")) { missing++; bad = true; }
                    if (!f[5].isEmpty()) { mismatch++; bad = true; }
                    if (!f[6].isEmpty()) infinite++;
                    if (!f[7].isEmpty()) mstreams.add(f[7]);
                    if (!f[8].isEmpty()) tstreams.add(f[8]);
                    if (bad && firstBad.size() < 10) firstBad.add(line);
                }
            }
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("tshark did not finish within 600 s on " + pcap);
            }
            String stderr = Files.readString(err).lines().filter(l -> !l.isBlank() && !l.startsWith("Running as user"))
                    .reduce("", (a, b) -> a + b + "\n").strip();
            assertEquals(0, p.exitValue(), "tshark exit on " + pcap + ": " + stderr);
            assertEquals("", stderr, "tshark stderr on " + pcap);
            return new Report(frames, malformed, badIp, badTcp, unverified, missing, mismatch, infinite, mstreams, tstreams, firstBad);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** tshark on the PATH; fails (does not skip) when missing: it is the external oracle. */
    static String exe() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path x = Path.of(d, "tshark");
                if (Files.isExecutable(x)) return x.toString();
            }
        }
        return fail("tshark is not installed; as root: apt-get update && apt-get install -y tshark");
    }
}
