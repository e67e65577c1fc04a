package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.sock.TcpInfo;
import org.nicemu.port.pcap.PcapPort;

/**
 * The bulk-transfer acceptance: two emulated hosts on a 1 Gbit/s wire with 5 ms one-way delay,
 * 200 MB from h1 to h2, delivered byte-exact (SHA-256 of the stream at sender and receiver) with
 * CUBIC and with Reno on a clean wire, and with 1% random loss, 2% burst loss, reordering and
 * duplication. Both hosts' eth0 are captured to pcap, and Wireshark's tshark (checksum validation
 * on) must find every frame well-formed with good IPv4 and TCP checksums.
 *
 * <p>The wire parameters shape each end's egress, and both ends get the same ones, so the
 * impairments hit the data and the ACKs alike (as netem on both sides would).
 */
class TcpBulkImpairmentTest {
    static final long BYTES = 200_000_000L;
    /** Emulated-time limits: 200 MB at 1 Gbit/s take ~1.7 s clean; with 1% loss ~11 Mbit/s → ~150 s. */
    static final long CLEAN_LIMIT = 60 * TcpBed.S, IMPAIRED_LIMIT = 900 * TcpBed.S;

    @TempDir
    Path dir;

    @Test
    void cubicCleanWire() throws Exception {
        bulk(Map.of("delay", "5ms"), "cubic", CLEAN_LIMIT);
    }

    @Test
    void renoCleanWire() throws Exception {
        bulk(Map.of("delay", "5ms"), "reno", CLEAN_LIMIT);
    }

    @Test
    void cubicOnePercentRandomLoss() throws Exception {
        bulk(Map.of("delay", "5ms", "loss", "1%"), "cubic", IMPAIRED_LIMIT);
    }

    /**
     * Gilbert-Elliott 'p r 1-h 1-k' = 1% 49% 100% 0%: Good→Bad 1%, Bad→Good 49%, every frame in the
     * Bad state lost, none in the Good state. π_bad = p/(p+r) = 0.01/0.50 = 0.02, so the mean loss is
     * π_bad·(1-h) + π_good·(1-k) = 0.02·1 + 0.98·0 = 2.0%, in bursts of 1/r ≈ 2.04 frames on average.
     */
    @Test
    void cubicTwoPercentBurstLoss() throws Exception {
        bulk(Map.of("delay", "5ms", "gemodel", "1% 49% 100% 0%"), "cubic", IMPAIRED_LIMIT);
    }

    /** netem's own example 'reorder 25% gap 5': every 5th frame skips the 5 ms delay with probability 25% (5% of frames). */
    @Test
    void cubicReordering() throws Exception {
        bulk(Map.of("delay", "5ms", "reorder", "25%", "gap", "5"), "cubic", IMPAIRED_LIMIT);
    }

    @Test
    void cubicDuplication() throws Exception {
        bulk(Map.of("delay", "5ms", "duplicate", "2%"), "cubic", IMPAIRED_LIMIT);
    }

    /** Runs one 200 MB transfer with captures on both hosts and checks stream, socket and pcaps. */
    void bulk(Map<String, String> wire, String cc, long limitNs) throws Exception {
        long wall0 = System.nanoTime();
        // -Dnicemu.pcapDir=DIR keeps the captures (DIR/<test>/h{1,2}-eth0.pcap) for a look in Wireshark
        String keep = System.getProperty("nicemu.pcapDir");
        Path out = keep == null ? dir : Files.createDirectories(Path.of(keep, caseName(wire, cc)));
        TcpBed b = new TcpBed(wire, 1_000_000_000L, false, out);
        TcpBed.Sink[] sink = new TcpBed.Sink[1];
        TcpBed.Bulk[] bulk = new TcpBed.Bulk[1];
        long t = 0;
        try {
            b.h.inLoop(() -> {
                sink[0] = b.new Sink(5001);
                bulk[0] = b.new Bulk(5001, BYTES, cc, 42);
            });
            while (t < limitNs && !(sink[0].eof && bulk[0].closed) && bulk[0].err == 0) {
                t += 10 * TcpBed.MS;
                b.h.runUntil(t);
            }
            // let the FIN handshake and the last ACKs finish (and reach the captures)
            b.h.runUntil(t + 2 * TcpBed.S);
        } finally {
            b.closeCaptures();
        }
        long wallMs = (System.nanoTime() - wall0) / 1_000_000;
        TcpInfo info = b.h1.proto(6).info(bulk[0].sk);
        String name = wire + " " + cc;
        System.out.println("== " + name + ": " + sink[0].bytes + " bytes, wall " + wallMs + " ms, emulated "
                + t / TcpBed.MS + " ms (limit " + limitNs / TcpBed.MS + " ms), goodput "
                + String.format("%.1f", sink[0].bytes * 8e3 / Math.max(t, 1)) + " Mbit/s (emulated)"
                + ", retrans " + info.totalRetrans() + " segs / " + info.bytesRetrans() + " bytes");
        System.out.println(info.ssLine());
        System.out.println("h1 " + TcpTransferTest.fields(b.h1.inet().tcp) + "\nh2 " + TcpTransferTest.fields(b.h2.inet().tcp));
        System.out.println("h1 eth0 " + b.d1.stats() + "\nh2 eth0 " + b.d2.stats());

        // the stream: every byte, in order, and nothing else
        assertEquals(0, bulk[0].err, name + ": sender socket error");
        assertTrue(bulk[0].closed, name + ": sender did not finish within " + limitNs / TcpBed.MS + " ms emulated, sent "
                + bulk[0].sent + " " + info.ssLine());
        assertTrue(sink[0].eof, name + ": receiver saw no EOF within the limit, got " + sink[0].bytes + " bytes " + info.ssLine());
        assertEquals(BYTES, sink[0].bytes, name + ": bytes received");
        assertEquals(TcpBed.hex(bulk[0].sha.digest()), TcpBed.hex(sink[0].sha.digest()), name + ": SHA-256 sender vs receiver");

        // the captures: the ports wrote every frame, tshark reads them all and finds nothing wrong
        for (Map.Entry<String, Long> e : new TreeMap<>(b.d1.ethtoolStats()).entrySet()) {
            if (e.getKey().contains("port_errors")) assertEquals(0L, e.getValue(), "h1 " + e.getKey());
        }
        for (Map.Entry<String, Long> e : new TreeMap<>(b.d2.ethtoolStats()).entrySet()) {
            if (e.getKey().contains("port_errors")) assertEquals(0L, e.getValue(), "h2 " + e.getKey());
        }
        List<String> problems = new ArrayList<>(checkPcap(name, b.pcap1, ((PcapPort) b.cap1).frames()));
        problems.addAll(checkPcap(name, b.pcap2, ((PcapPort) b.cap2).frames()));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static String caseName(Map<String, String> wire, String cc) {
        return (cc + "-" + new TreeMap<>(wire)).replaceAll("[^A-Za-z0-9.%-]+", "_");
    }

    // ================================================================ tshark

    /** What tshark found in one capture. */
    record TsharkReport(long frames, long tcpFrames, long tcpGood, long malformed, long expertErrors,
            long badIp, long badTcp, long badTcpFfff, List<String> firstBad, long millis) {
    }

    /**
     * One tshark pass over {@code pcap} with IPv4/TCP checksum validation on: counts frames,
     * malformed frames, expert infos of severity Error and bad IPv4/TCP checksums (status 0 = Bad,
     * 1 = Good, 2 = Unverified — checked with {@code tshark -G values} on 4.0). Expert warnings and
     * notes (retransmission, previous segment not captured, duplicate ACK, out-of-order...) are
     * what loss, reordering and duplication produce and are not failures.
     *
     * @return the problems found, empty when the capture is clean
     */
    List<String> checkPcap(String name, Path pcap, long framesWritten) throws Exception {
        long size = Files.size(pcap);
        TsharkReport r = tshark(pcap);
        System.out.println("tshark " + pcap.getFileName() + ": " + size + " bytes, " + framesWritten + " frames written, " + r);
        List<String> problems = new ArrayList<>();
        String where = name + " " + pcap.getFileName() + ": ";
        if (framesWritten == 0) problems.add(where + "no frame written");
        if (r.frames() != framesWritten) problems.add(where + "tshark read " + r.frames() + " frames, the port wrote " + framesWritten);
        if (r.tcpFrames() == 0) problems.add(where + "no TCP frame");
        if (r.malformed() != 0) problems.add(where + r.malformed() + " malformed frames");
        if (r.expertErrors() != 0) problems.add(where + r.expertErrors() + " frames with expert infos of severity Error");
        if (r.badIp() != 0) problems.add(where + r.badIp() + " bad IPv4 header checksums");
        if (r.badTcp() != 0) {
            problems.add(where + r.badTcp() + " bad TCP checksums, " + r.badTcpFfff()
                    + " of them 0xffff where 0x0000 is computed (tshark: 'TCP Checksum 0xffff instead of 0x0000 (see RFC 1624)')");
        }
        // validation really ran: every TCP segment's checksum was verified Good (not just "Unverified")
        if (r.tcpGood() + r.badTcp() != r.tcpFrames()) {
            problems.add(where + (r.tcpFrames() - r.tcpGood() - r.badTcp()) + " TCP segments whose checksum tshark did not verify");
        }
        if (!problems.isEmpty()) problems.add(where + "first frames (frame|malformed|severities|ip status|tcp status|tcp checksum): " + r.firstBad());
        return problems;
    }

    /**
     * Runs tshark once and tallies the fields of every frame. TCP reassembly is turned off
     * ({@code tcp.desegment_tcp_streams:FALSE}): with it on, tshark 4.0 needs ~4 minutes for one
     * 200 MB capture of a single stream (~1 s per 1000 frames, growing with the stream) instead of
     * ~5 s, and the checks here are per frame (checksums, malformed) and do not need it.
     */
    static TsharkReport tshark(Path pcap) throws IOException, InterruptedException {
        List<String> cmd = List.of(tsharkExecutable(), "-r", pcap.toString(), "-n",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "tcp.desegment_tcp_streams:FALSE",
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.number", "-e", "_ws.malformed", "-e", "_ws.expert.severity",
                "-e", "ip.checksum.status", "-e", "tcp.checksum.status", "-e", "tcp.checksum");
        long t0 = System.nanoTime();
        Path err = Files.createTempFile("tshark", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            long frames = 0, tcp = 0, tcpGood = 0, malformed = 0, errors = 0, badIp = 0, badTcp = 0, badFfff = 0;
            List<String> firstBad = new ArrayList<>();
            try (var in = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null;) {
                    if (line.isEmpty()) continue;
                    String[] f = line.split("\\|", -1);
                    frames++;
                    boolean bad = false;
                    if (f.length > 1 && !f[1].isEmpty()) {
                        malformed++;
                        bad = true;
                    }
                    if (f.length > 2 && !f[2].isEmpty()) {
                        for (String s : f[2].split(",")) {
                            // numeric (8388608 = Error) or the value string, depending on the tshark version
                            if (s.equals("8388608") || s.equalsIgnoreCase("error")) {
                                errors++;
                                bad = true;
                                break;
                            }
                        }
                    }
                    if (f.length > 3 && count(f[3], "0") > 0) {
                        badIp++;
                        bad = true;
                    }
                    if (f.length > 4 && !f[4].isEmpty()) {
                        tcp++;
                        if (count(f[4], "0") > 0) {
                            badTcp++;
                            if (f.length > 5 && f[5].equalsIgnoreCase("0xffff")) badFfff++;
                            bad = true;
                        } else if (count(f[4], "1") == f[4].split(",").length) {
                            tcpGood++;
                        } else {
                            bad = true;
                        }
                    }
                    if (bad && firstBad.size() < 10) firstBad.add(line);
                }
            }
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("tshark did not finish within 600 s on " + pcap);
            }
            String stderr = stripRootWarning(Files.readString(err));
            assertEquals(0, p.exitValue(), "tshark exit on " + pcap + ": " + stderr);
            assertEquals("", stderr, "tshark stderr on " + pcap);
            return new TsharkReport(frames, tcp, tcpGood, malformed, errors, badIp, badTcp, badFfff, firstBad,
                    (System.nanoTime() - t0) / 1_000_000);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static int count(String values, String v) {
        int n = 0;
        for (String s : values.split(",")) if (s.equals(v)) n++;
        return n;
    }

    private static String stripRootWarning(String s) {
        StringBuilder b = new StringBuilder();
        for (String line : s.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("Running as user \"root\"")) continue;
            b.append(l).append('\n');
        }
        return b.toString().strip();
    }

    /** tshark on the PATH; fails (does not skip) when missing: it is the external oracle. */
    static String tsharkExecutable() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d, "tshark");
                if (Files.isExecutable(p)) return p.toString();
            }
        }
        return fail("tshark is not installed (not on PATH); install it, e.g. as root:"
                + " apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tshark");
    }
}
