package org.nicemu.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.nicemu.core.testing.SystemTools.root;
import static org.nicemu.core.testing.SystemTools.which;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assumptions;
import org.nicemu.core.testing.Tshark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One hardware-in-the-loop test bed (hil/testbed.sh, docs/hil.md): two network namespaces made for
 * one test, two veth pairs made directly inside them, the Linux peer (hil/peer.py) and captures
 * (dumpcap) in the Linux namespace, the exported emulator jar in the emulator namespace. Everything
 * it starts it ends by PID; {@link #close()} deletes the namespaces and checks they are gone.
 *
 * <p>Not root: {@link #open} aborts the test (skipped, one line). Root: a missing tool, a missing
 * jar or a bed that cannot be made is a failure, so that CI (root) never skips these tests.
 */
final class HilBed implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMU_MAC1 = "02:00:00:00:01:01", EMU_MAC2 = "02:00:00:00:01:02";
    static final Path ROOT = projectRoot();
    static final Path JAR = ROOT.resolve("cnf/target/nicemu.jar");
    static final Path TESTBED = ROOT.resolve("hil/testbed.sh"), PEER = ROOT.resolve("hil/peer.py");
    /** Result lines of this JVM's tests, also appended to target/hil/results.txt. */
    static final List<String> RESULTS = Collections.synchronizedList(new ArrayList<>());

    final String id, name;
    final Map<String, String> names = new LinkedHashMap<>();
    final Path dir;
    private final List<Process> started = new CopyOnWriteArrayList<>();

    private HilBed(String name, String id, Path dir) {
        this.name = name;
        this.id = id;
        this.dir = dir;
    }

    static Path projectRoot() {
        for (String c : new String[] {System.getProperty("nicemu.root"), "..", "."}) {
            if (c == null || c.isBlank() || c.contains("${")) continue;
            Path p = Path.of(c).toAbsolutePath().normalize();
            if (Files.isRegularFile(p.resolve("hil/testbed.sh"))) return p;
        }
        return Path.of("..").toAbsolutePath().normalize();
    }

    /**
     * Makes the bed for test NAME: skipped (one line) when not root; as root every missing tool or
     * file fails the test.
     */
    static HilBed open(String name) throws Exception {
        Assumptions.assumeTrue(root(), "HIL test skipped: needs root (network namespaces, veths, raw sockets); CI runs as root");
        List<String> missing = new ArrayList<>();
        for (String t : new String[] {"ip", "ethtool", "python3", "dumpcap", "tshark", "ping"}) {
            if (which(t) == null) missing.add(t);
        }
        if (!missing.isEmpty()) {
            fail("HIL test cannot run as root: missing " + missing + " (./nicemu test installs them: apt-get install -y iproute2 ethtool python3 tshark iputils-ping)");
        }
        if (!Files.isRegularFile(JAR)) fail("HIL test cannot run: " + JAR + " is missing (mvn install -pl cnf first)");
        if (!Files.isRegularFile(TESTBED) || !Files.isRegularFile(PEER)) fail("HIL test cannot run: " + TESTBED + " or " + PEER + " is missing");
        String id = Long.toString(ProcessHandle.current().pid() % 1296L, 36) + Long.toString((System.nanoTime() >>> 10) % 46656L, 36);
        Path dir = ROOT.resolve("hil-tests/target/hil/" + name);
        deleteTree(dir);
        Files.createDirectories(dir);
        HilBed bed = new HilBed(name, id, dir);
        String out = sh(true, 30, "bash", TESTBED.toString(), "up", id);
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z_0-9]+")) bed.names.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
        if (!bed.names.containsKey("EMU_NS")) {
            bed.close();
            fail("testbed.sh up printed no names: " + out);
        }
        return bed;
    }

    String n(String key) {
        String v = names.get(key);
        if (v == null) throw new IllegalArgumentException("no " + key + " in " + names);
        return v;
    }

    /** Runs a command (bounded); its output, or a failure when it exits non-zero and {@code check}. */
    static String sh(boolean check, int seconds, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        String s = new String(out, StandardCharsets.UTF_8);
        if (check && p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + s);
        return s;
    }

    String inLinux(String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", n("LNX_NS")));
        c.addAll(List.of(cmd));
        return sh(true, 30, c.toArray(String[]::new));
    }

    /** A process started in one namespace ({@code ip netns exec} execs the command: the PID is the command's). */
    Process start(String ns, Path stdout, Path stderr, List<String> cmd) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(c).redirectOutput(stdout.toFile());
        if (stderr == null) pb.redirectErrorStream(true);
        else pb.redirectError(stderr.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        started.add(p);
        return p;
    }

    /** Waits until {@code file} has a line matching {@code ready}, or the process ends, or the timeout. */
    static String awaitLine(Path file, Process p, Predicate<String> ready, long millis) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (ready.test(l)) return l;
            }
            if (!p.isAlive()) break;
            Thread.sleep(20);
        }
        return null;
    }

    /** The Linux peer (hil/peer.py ARGS) in the Linux namespace; a server is returned once it listens. */
    Process peer(String tag, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(which("python3"), PEER.toString()));
        c.addAll(List.of(args));
        Path out = dir.resolve("peer-" + tag + ".json"), err = dir.resolve("peer-" + tag + ".err");
        Process p = start(n("LNX_NS"), out, err, c);
        if (args[0].equals("server")) {
            String l = awaitLine(out, p, s -> s.contains("\"listening\""), 10_000);
            if (l == null) fail("the Linux peer did not listen: " + Files.readString(err) + Files.readString(out));
        }
        return p;
    }

    /** The peer's final JSON line, after it ended. */
    JsonNode peerResult(String tag, Process p, int seconds) throws Exception {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            stop(p);
            fail("the Linux peer did not finish within " + seconds + " s: " + Files.readString(dir.resolve("peer-" + tag + ".err")));
        }
        List<String> lines = Files.readAllLines(dir.resolve("peer-" + tag + ".json"), StandardCharsets.UTF_8);
        String last = lines.isEmpty() ? "{}" : lines.get(lines.size() - 1);
        JsonNode r = JSON.readTree(last);
        assertTrue(r.path("error").isNull(), "Linux peer failed: " + last + " " + Files.readString(dir.resolve("peer-" + tag + ".err")));
        return r;
    }

    /** dumpcap on the Linux ends of both veth pairs (pcapng with two interfaces), started and ready. */
    Process captureLinux() throws Exception {
        Path err = dir.resolve("dumpcap.err");
        Process p = start(n("LNX_NS"), dir.resolve("dumpcap.out"), err,
                List.of(which("dumpcap"), "-q", "-n", "-B", "128", "-i", n("LNX_IF1"), "-i", n("LNX_IF2"), "-w", linuxPcap().toString()));
        if (awaitLine(err, p, s -> s.startsWith("File:") || s.startsWith("Capturing on"), 10_000) == null) {
            fail("dumpcap did not start: " + Files.readString(err));
        }
        Thread.sleep(300); // "Capturing on" is printed just before the capture loop starts
        return p;
    }

    Path linuxPcap() {
        return dir.resolve("linux.pcapng");
    }

    /** Ends dumpcap with SIGTERM (it closes its file) and returns its summary line. */
    String stopCapture(Process dumpcap) throws Exception {
        Thread.sleep(300); // the last frames (FIN, final ACK) are captured
        stop(dumpcap);
        String e = Files.readString(dir.resolve("dumpcap.err"));
        return e.lines().filter(l -> l.startsWith("Packets")).reduce("", (a, b) -> a + b.strip() + "; ").strip();
    }

    /** The emulator JVM: {@code ip netns exec EMU_NS java -jar cnf/target/nicemu.jar run SCENARIO --out DIR}. */
    Process emulator(String scenario, String... jvmArgs) throws Exception {
        Path scen = dir.resolve("scenario.json");
        Files.writeString(scen, scenario);
        Path out = dir.resolve("emu");
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dgosh.args=--nointeractive"));
        c.addAll(List.of(jvmArgs));
        String extra = System.getProperty("hil.jvmArgs", "");
        if (!extra.isBlank()) c.addAll(List.of(extra.strip().split("\\s+")));
        c.addAll(List.of("-jar", JAR.toString(), "run", scen.toString(), "--out", out.toString()));
        return start(n("EMU_NS"), dir.resolve("emulator.log"), null, c);
    }

    /** Waits for the emulator and returns its summary.json; fails with its log when it did not succeed. */
    JsonNode emulatorResult(Process emu, int seconds) throws Exception {
        if (!emu.waitFor(seconds, TimeUnit.SECONDS)) {
            stop(emu);
            fail("the emulator did not finish within " + seconds + " s:\n" + Files.readString(dir.resolve("emulator.log")));
        }
        String log = Files.readString(dir.resolve("emulator.log"));
        Path summary = dir.resolve("emu/summary.json");
        assertTrue(Files.exists(summary), "no summary.json; emulator exited " + emu.exitValue() + ":\n" + log);
        assertEquals(0, emu.exitValue(), "emulator exit code; log:\n" + log);
        return JSON.readTree(summary.toFile());
    }

    String emulatorLog() throws IOException {
        return Files.readString(dir.resolve("emulator.log"));
    }

    static void stop(Process p) throws InterruptedException {
        if (p == null || !p.isAlive()) return;
        p.destroy(); // SIGTERM to the PID we started
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Ends what this bed started (by PID), deletes both namespaces and checks they are gone. */
    @Override
    public void close() throws Exception {
        for (Process p : started) stop(p);
        sh(false, 30, "bash", TESTBED.toString(), "down", id);
        String left = sh(false, 10, "ip", "netns", "list");
        for (String l : left.split("\n")) {
            String ns = l.strip().split("\\s+")[0];
            assertTrue(!ns.equals(names.get("EMU_NS")) && !ns.equals(names.get("LNX_NS")), "namespaces of bed " + id + " deleted: " + left);
        }
    }

    // ---- scenario ---------------------------------------------------------------------------

    /**
     * A live scenario: host h1 (2 CPUs) with eth0 (198.18.1.1/24) on the emulator end of path 1 and,
     * when {@code twoPaths}, eth1 (198.18.2.1/24) on path 2; a pcap capture on each device.
     */
    String scenario(String cc, boolean twoPaths, String flows, String actions, String duration) {
        StringBuilder d = new StringBuilder();
        d.append(device("eth0", EMU_MAC1, "198.18.1.1/24", n("EMU_IF1")));
        if (twoPaths) d.append(",\n    ").append(device("eth1", EMU_MAC2, "198.18.2.1/24", n("EMU_IF2")));
        return String.format(Locale.ROOT, """
                {"name": "hil-%s", "virtualTime": false, "duration": "%s",
                 "hosts": [{"name": "h1", "cpus": 2, "sysctl": {"net.ipv4.tcp_congestion_control": "%s"},
                   "devices": [
                    %s]}],
                 "flows": [%s],
                 "actions": [%s]
                }
                """, name, duration, cc, d, flows, actions);
    }

    private static String device(String dev, String mac, String addr, String ifname) {
        return String.format(Locale.ROOT, "{\"name\": \"%s\", \"mac\": \"%s\", \"addresses\": [\"%s\"], \"port\": {\"kind\": \"live\", \"ifname\": \"%s\"}, "
                + "\"capture\": [{\"kind\": \"pcap\", \"file\": \"h1-%s.pcap\"}]}", dev, mac, addr, ifname, dev);
    }

    Path emuPcap(String dev) {
        return dir.resolve("emu/h1-" + dev + ".pcap");
    }

    // ---- tshark -----------------------------------------------------------------------------

    /**
     * tshark with checksum validation (and MPTCP analysis): no malformed frame, no expert error, no
     * bad IPv4/UDP checksum, every TCP checksum verified, no data without a DSS mapping, no key
     * mismatch. A TCP checksum of 0xffff where 0x0000 is computed is valid (RFC 1624; Linux sends
     * it now and then, HIL-NOTES) and is only counted. Returns the report; fails with every problem.
     */
    Tshark.Report checkPcap(Path pcap, boolean mptcp, String where) throws Exception {
        Tshark.Report r = mptcp ? Tshark.readMptcp(pcap) : Tshark.read(pcap);
        List<String> problems = new ArrayList<>();
        for (String p : r.problems(where)) {
            if (p.contains("bad TCP checksums") || p.contains("first bad frames")) continue; // judged below
            problems.add(p);
        }
        long really = 0;
        List<String> badLines = new ArrayList<>();
        if (r.badTcp() > 0) {
            String out = sh(true, 300, Tshark.executable(), "-r", pcap.toString(), "-n", "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
                    "-d", "tcp.port==1-65535,data", "-Y", "tcp.checksum.status == 0", "-T", "fields", "-E", "separator=|",
                    "-e", "frame.number", "-e", "ip.src", "-e", "tcp.checksum", "-e", "tcp.checksum_calculated");
            for (String l : out.split("\n")) {
                String[] f = l.split("\\|", -1);
                if (f.length < 4) continue; // "Running as user root" and blank lines
                if (f[2].equalsIgnoreCase("0xffff") && f[3].equalsIgnoreCase("0x0000")) continue;
                really++;
                if (badLines.size() < 10) badLines.add(l);
            }
        }
        if (really > 0) problems.add(where + ": " + really + " bad TCP checksums (not the RFC 1624 0xffff case): " + badLines);
        if (!problems.isEmpty()) {
            problems.add(where + ": first bad frames: " + r.firstBad());
            fail(String.join("\n", problems));
        }
        return r;
    }

    static String tsharkLine(String where, Tshark.Report r) {
        return String.format(Locale.ROOT, "%s: %d frames, %d TCP (%d checksums good, %d x 0xffff/RFC 1624), malformed %d, expert errors %d, bad IP %d, missing mappings %d, MPTCP streams %d",
                where, r.frames(), r.tcp(), r.tcpGood(), r.badTcpFfff(), r.malformed(), r.expertErrors(), r.badIp(), r.missingMapping(), r.mptcpStreams().size());
    }

    /** Records a result line (printed, and appended to target/hil/results.txt). */
    static void result(String line) throws IOException {
        System.out.println("HIL " + line);
        RESULTS.add(line);
        Path f = ROOT.resolve("hil-tests/target/hil/results.txt");
        Files.createDirectories(f.getParent());
        Files.writeString(f, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Large capture files of a passing test are deleted (the summary and logs stay). */
    void dropCaptures() throws IOException {
        for (Path p : new Path[] {linuxPcap(), emuPcap("eth0"), emuPcap("eth1")}) Files.deleteIfExists(p);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static String readAll(Process p) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            return r.lines().reduce("", (a, b) -> a + b + "\n");
        }
    }

    static double mbit(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes * 8.0 / nanos * 1000.0;
    }
}
