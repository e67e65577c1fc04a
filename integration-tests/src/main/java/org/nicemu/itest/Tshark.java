package org.nicemu.itest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The external oracle: runs the real {@code tshark} over a capture with IP/UDP/TCP checksum
 * validation on and counts frames, malformed frames and bad checksums (status 0 = bad once
 * validation is on). Fails loudly when tshark is missing: CI installs it.
 */
final class Tshark {
    /**
     * What tshark saw in one capture; {@code missingMapping}: TCP segments with payload that MPTCP
     * analysis found without a DSS mapping ({@code mptcp.dss.missing_mapping}, {@link #readMptcp} only).
     */
    record Report(long frames, long malformed, long badIp, long badUdp, long badTcp, long udp, long missingMapping) {
        boolean clean() { return malformed == 0 && badIp == 0 && badUdp == 0 && badTcp == 0 && missingMapping == 0; }
    }

    private Tshark() {
    }

    /**
     * Decode every TCP and UDP payload as plain data: the emulator's streams are pseudo-random
     * bytes, in which port-based and heuristic dissectors (Gryphon on 7000, Thrift, ...) would
     * "find" their protocol and report it malformed. Frame, IP and TCP/UDP checks stay on.
     */
    static final List<String> PAYLOAD_AS_DATA = List.of("-d", "tcp.port==1-65535,data", "-d", "udp.port==1-65535,data",
            "-o", "tcp.desegment_tcp_streams:FALSE"); // per-frame checks; reassembling 200 MB streams takes minutes

    static Report read(Path capture) throws IOException, InterruptedException {
        return read(capture, false);
    }

    /**
     * {@link #read(Path)} with Wireshark's MPTCP analysis on ({@code mptcp.analyze_mptcp},
     * {@code mptcp.analyze_mappings}), counting segments with payload and no DSS mapping.
     */
    static Report readMptcp(Path capture) throws IOException, InterruptedException {
        return read(capture, true);
    }

    private static Report read(Path capture, boolean mptcp) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", capture.toString(), "-n",
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"));
        if (mptcp) cmd.addAll(List.of("-o", "mptcp.analyze_mptcp:TRUE", "-o", "mptcp.analyze_mappings:TRUE"));
        cmd.addAll(List.of("-T", "fields", "-E", "separator=|", "-e", "frame.number", "-e", "_ws.malformed",
                "-e", "ip.checksum.status", "-e", "udp.checksum.status", "-e", "tcp.checksum.status", "-e", "udp.srcport"));
        if (mptcp) cmd.addAll(List.of("-e", "mptcp.dss.missing_mapping", "-e", "tcp.len"));
        cmd.addAll(PAYLOAD_AS_DATA);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IOException("tshark is not installed (apt-get install -y tshark): " + e.getMessage(), e);
        }
        long frames = 0, malformed = 0, badIp = 0, badUdp = 0, badTcp = 0, udp = 0, missing = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\\|", -1);
                frames++;
                if (f.length > 1 && !f[1].isEmpty()) malformed++;
                if (f.length > 2 && f[2].equals("0")) badIp++;
                if (f.length > 3 && f[3].equals("0")) badUdp++;
                if (f.length > 4 && f[4].equals("0")) badTcp++;
                if (f.length > 5 && !f[5].isEmpty()) udp++;
                if (f.length > 7 && !f[6].isEmpty() && !f[7].isEmpty() && !f[7].equals("0")) missing++;
            }
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) throw new IOException("tshark exited " + rc + " on " + capture + ": " + err);
        return new Report(frames, malformed, badIp, badUdp, badTcp, udp, missing);
    }
}
