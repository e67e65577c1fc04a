package org.nicemu.core.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The external oracle of the tests: one pass of the real {@code tshark} (Wireshark 4.0) over a
 * capture with IPv4, UDP and TCP checksum validation on, optionally MPTCP analysis, tallying per
 * frame what the tests check. Payload is decoded as plain data (the emulator's streams are
 * pseudo-random bytes in which port-based and heuristic dissectors would "find" protocols and call
 * them malformed) and TCP reassembly is off (the checks are per frame; reassembling a 200 MB stream
 * takes minutes). Checksum status: 0 bad, 1 good, 2 unverified. A missing tshark is a failure, not
 * a skip: CI installs it.
 */
public final class Tshark {
    /** Wireshark's expert severity "Error" as {@code _ws.expert.severity} prints it. */
    static final String SEVERITY_ERROR = "8388608";

    /**
     * What tshark saw in one capture.
     *
     * @param frames         frames read
     * @param malformed      malformed frames ({@code _ws.malformed})
     * @param expertErrors   frames with an expert info of severity Error
     * @param badIp          bad IPv4 header checksums
     * @param badUdp         bad UDP checksums
     * @param udp            UDP frames
     * @param tcp            TCP segments
     * @param tcpGood        TCP segments whose checksum tshark verified good
     * @param badTcp         bad TCP checksums
     * @param badTcpFfff     of those, 0xffff written where 0x0000 is computed (RFC 1624)
     * @param missingMapping TCP segments with payload that MPTCP analysis found without a DSS mapping
     * @param keyMismatch    MP_CAPABLE handshakes whose echoed key does not match
     * @param mptcpStreams   MPTCP connections tshark identified ({@code mptcp.stream})
     * @param tcpStreams     TCP connections ({@code tcp.stream})
     * @param firstBad       up to 10 raw lines of bad frames
     */
    public record Report(long frames, long malformed, long expertErrors, long badIp, long badUdp, long udp, long tcp, long tcpGood,
            long badTcp, long badTcpFfff, long missingMapping, long keyMismatch, Set<String> mptcpStreams, Set<String> tcpStreams,
            List<String> firstBad) {
        /** No malformed frame, no bad checksum, no data without a mapping. */
        public boolean clean() {
            return malformed == 0 && badIp == 0 && badUdp == 0 && badTcp == 0 && missingMapping == 0 && keyMismatch == 0;
        }

        /** TCP segments whose checksum tshark left unverified. */
        public long tcpUnverified() {
            return tcp - tcpGood - badTcp;
        }

        /**
         * Every problem, one line each, empty when the capture is clean in the strict sense: also no
         * expert error and every TCP checksum verified (not merely "unverified").
         */
        public List<String> problems(String where) {
            List<String> p = new ArrayList<>();
            if (frames == 0) p.add(where + ": no frame");
            if (malformed != 0) p.add(where + ": " + malformed + " malformed frames");
            if (expertErrors != 0) p.add(where + ": " + expertErrors + " frames with expert infos of severity Error");
            if (badIp != 0) p.add(where + ": " + badIp + " bad IPv4 header checksums");
            if (badUdp != 0) p.add(where + ": " + badUdp + " bad UDP checksums");
            if (badTcp != 0) {
                p.add(where + ": " + badTcp + " bad TCP checksums, " + badTcpFfff + " of them 0xffff where 0x0000 is computed");
            }
            if (tcpUnverified() != 0) p.add(where + ": " + tcpUnverified() + " TCP segments whose checksum tshark did not verify");
            if (missingMapping != 0) p.add(where + ": " + missingMapping + " segments with data and no DSS mapping");
            if (keyMismatch != 0) p.add(where + ": " + keyMismatch + " MP_CAPABLE key mismatches");
            if (!p.isEmpty()) p.add(where + ": first bad frames (frame|malformed|severities|ip|udp|tcp status|tcp checksum|...): " + firstBad);
            return p;
        }
    }

    private Tshark() {
    }

    /** One pass over {@code pcap}. */
    public static Report read(Path pcap) throws IOException, InterruptedException {
        return read(pcap, false);
    }

    /** One pass with MPTCP analysis ({@code mptcp.analyze_mptcp}, {@code mptcp.analyze_mappings}). */
    public static Report readMptcp(Path pcap) throws IOException, InterruptedException {
        return read(pcap, true);
    }

    private static Report read(Path pcap, boolean mptcp) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(executable(), "-r", pcap.toString(), "-n",
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                "-o", "tcp.desegment_tcp_streams:FALSE", "-d", "tcp.port==1-65535,data", "-d", "udp.port==1-65535,data"));
        if (mptcp) cmd.addAll(List.of("-o", "mptcp.analyze_mptcp:TRUE", "-o", "mptcp.analyze_mappings:TRUE"));
        cmd.addAll(List.of("-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.number", "-e", "_ws.malformed", "-e", "_ws.expert.severity", "-e", "ip.checksum.status",
                "-e", "udp.checksum.status", "-e", "tcp.checksum.status", "-e", "tcp.checksum", "-e", "tcp.len",
                "-e", "tcp.stream", "-e", "udp.srcport"));
        if (mptcp) cmd.addAll(List.of("-e", "mptcp.dss.missing_mapping", "-e", "mptcp.connection.echoed_key_mismatch", "-e", "mptcp.stream"));
        Path err = Files.createTempFile("tshark", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            long frames = 0, malformed = 0, errors = 0, badIp = 0, badUdp = 0, udp = 0, tcp = 0, tcpGood = 0, badTcp = 0, ffff = 0;
            long missing = 0, mismatch = 0;
            Set<String> mstreams = new TreeSet<>(), tstreams = new TreeSet<>();
            List<String> firstBad = new ArrayList<>();
            try (var in = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null;) {
                    if (line.isEmpty()) continue;
                    String[] f = line.split("\\|", -1);
                    frames++;
                    boolean bad = false;
                    if (!f[1].isEmpty()) { malformed++; bad = true; }
                    if (has(f[2], SEVERITY_ERROR) || has(f[2], "error")) { errors++; bad = true; }
                    if (has(f[3], "0")) { badIp++; bad = true; }
                    if (has(f[4], "0")) { badUdp++; bad = true; }
                    if (!f[5].isEmpty()) {
                        tcp++;
                        if (has(f[5], "0")) {
                            badTcp++;
                            if (f[6].equalsIgnoreCase("0xffff")) ffff++;
                            bad = true;
                        } else if (f[5].equals("1")) {
                            tcpGood++;
                        }
                    }
                    if (!f[8].isEmpty()) tstreams.add(f[8]);
                    if (!f[9].isEmpty()) udp++;
                    if (mptcp) {
                        if (!f[10].isEmpty() && !f[7].isEmpty() && !f[7].equals("0")) { missing++; bad = true; }
                        if (!f[11].isEmpty()) { mismatch++; bad = true; }
                        if (!f[12].isEmpty()) mstreams.add(f[12]);
                    }
                    if (bad && firstBad.size() < 10) firstBad.add(line);
                }
            }
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("tshark did not finish within 600 s on " + pcap);
            }
            String stderr = Files.readString(err).lines().filter(l -> !l.isBlank() && !l.startsWith("Running as user"))
                    .reduce("", (a, b) -> a + b + "\n").strip();
            if (p.exitValue() != 0 || !stderr.isEmpty()) throw new IOException("tshark on " + pcap + " exited " + p.exitValue() + ": " + stderr);
            return new Report(frames, malformed, errors, badIp, badUdp, udp, tcp, tcpGood, badTcp, ffff, missing, mismatch, mstreams,
                    tstreams, firstBad);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static boolean has(String values, String v) {
        if (values.isEmpty()) return false;
        for (String s : values.split(",")) if (s.equalsIgnoreCase(v)) return true;
        return false;
    }

    /** tshark on the PATH, or an exception naming the package to install. */
    public static String executable() throws IOException {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path x = Path.of(d, "tshark");
                if (Files.isExecutable(x)) return x.toString();
            }
        }
        throw new IOException("tshark is not installed (not on PATH); as root: apt-get update && apt-get install -y tshark");
    }
}
