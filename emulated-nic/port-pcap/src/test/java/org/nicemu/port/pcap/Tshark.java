package org.nicemu.port.pcap;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: reads a capture file with the real {@code tshark} (Wireshark), IPv4/UDP/TCP
 * checksum validation on, and reports frame, malformed and bad-checksum counts. Reusable from
 * other modules through this module's test jar.
 *
 * <p>Tshark is an external oracle that CI installs: when it is missing, every method throws an
 * {@link AssertionError} (the test fails, it is not skipped) that says how to install it.
 */
public final class Tshark {
    /** What tshark says about one file. */
    public record Report(int frames, int malformed, int badIpChecksums, int badUdpChecksums,
            int badTcpChecksums, int exitCode, String stderr) {
        /** True when tshark read the file without error and found nothing malformed or bad. */
        public boolean clean() {
            return exitCode == 0 && malformed == 0 && badIpChecksums == 0 && badUdpChecksums == 0
                    && badTcpChecksums == 0 && stderr.isEmpty();
        }
    }

    private static final List<String> CHECKSUM_PREFS = List.of(
            "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE");

    private Tshark() {
    }

    /** Runs tshark once over {@code file} and counts frames, {@code _ws.malformed} and bad checksums. */
    public static Report analyze(Path file) {
        List<String> cmd = new ArrayList<>(List.of(executable(), "-r", file.toString(), "-n"));
        cmd.addAll(CHECKSUM_PREFS);
        cmd.addAll(List.of("-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.number", "-e", "_ws.malformed", "-e", "ip.checksum.status",
                "-e", "udp.checksum.status", "-e", "tcp.checksum.status"));
        Output out = run(cmd);
        int frames = 0;
        int malformed = 0;
        int badIp = 0;
        int badUdp = 0;
        int badTcp = 0;
        for (String line : out.stdout) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            frames++;
            if (f.length > 1 && !f[1].isEmpty()) {
                malformed++;
            }
            badIp += countBad(f, 2);
            badUdp += countBad(f, 3);
            badTcp += countBad(f, 4);
        }
        return new Report(frames, malformed, badIp, badUdp, badTcp, out.exitCode, out.stderr);
    }

    /**
     * Runs tshark over {@code file} and returns the values of the given fields, one list per
     * frame (for example {@code "frame.time_epoch"}, {@code "frame.interface_id"}, {@code "frame.len"}).
     */
    public static List<List<String>> fields(Path file, String... fields) {
        List<String> cmd = new ArrayList<>(List.of(executable(), "-r", file.toString(), "-n"));
        cmd.addAll(List.of("-T", "fields", "-E", "separator=|", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Output out = run(cmd);
        if (out.exitCode != 0) {
            throw new AssertionError("tshark failed on " + file + " (exit " + out.exitCode + "): " + out.stderr);
        }
        List<List<String>> rows = new ArrayList<>();
        for (String line : out.stdout) {
            if (!line.isEmpty()) {
                rows.add(List.of(line.split("\\|", -1)));
            }
        }
        return rows;
    }

    /**
     * Asserts that tshark reads exactly {@code expectedFrames} frames from {@code file}, none
     * malformed, no bad IPv4/UDP/TCP checksum, and reports no error.
     */
    public static Report assertClean(Path file, int expectedFrames) {
        Report r = analyze(file);
        if (!r.clean() || r.frames() != expectedFrames) {
            throw new AssertionError("tshark on " + file + ": expected " + expectedFrames
                    + " clean frames, got " + r);
        }
        return r;
    }

    private static int countBad(String[] f, int i) {
        if (i >= f.length || f[i].isEmpty()) {
            return 0;
        }
        int n = 0;
        for (String v : f[i].split(",")) {
            if (v.equals("0")) { // 0 = Bad, 1 = Good, 2 = Unverified
                n++;
            }
        }
        return n;
    }

    /** The tshark executable on the PATH; an AssertionError saying how to install it when missing. */
    public static String executable() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, "tshark");
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        throw new AssertionError("tshark is not installed (not on PATH). The capture tests validate"
                + " every file with Wireshark's tshark; install it, e.g. on Debian/Ubuntu as root:"
                + " apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tshark");
    }

    private record Output(List<String> stdout, String stderr, int exitCode) {
    }

    private static Output run(List<String> cmd) {
        try {
            Path err = Files.createTempFile("tshark", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                List<String> lines = new ArrayList<>();
                try (var r = p.inputReader(StandardCharsets.UTF_8)) {
                    for (String line; (line = r.readLine()) != null;) {
                        lines.add(line);
                    }
                }
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("tshark did not finish within 120 s: " + cmd);
                }
                return new Output(lines, filterStderr(Files.readString(err)), p.exitValue());
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run tshark " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running tshark", e);
        }
    }

    /** Drops tshark's warning about running as root, which says nothing about the file. */
    private static String filterStderr(String s) {
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("Running as user \"root\"")) {
                continue;
            }
            b.append(l).append('\n');
        }
        return b.toString().strip();
    }
}
