package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.nicemu.core.testing.Tshark;
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

    /**
     * One tshark pass over {@code pcap} ({@link Tshark}: IPv4/TCP checksum validation on, payload as
     * data): every frame the port wrote is read, none malformed, no expert error, every TCP checksum
     * verified good. Expert warnings and notes (retransmission, previous segment not captured,
     * duplicate ACK, out-of-order...) are what loss, reordering and duplication produce and are not
     * failures.
     *
     * @return the problems found, empty when the capture is clean
     */
    List<String> checkPcap(String name, Path pcap, long framesWritten) throws Exception {
        long size = Files.size(pcap);
        long t0 = System.nanoTime();
        Tshark.Report r = Tshark.read(pcap);
        System.out.println("tshark " + pcap.getFileName() + ": " + size + " bytes, " + framesWritten + " frames written, " + r.frames()
                + " read, " + r.tcp() + " TCP, " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        String where = name + " " + pcap.getFileName();
        List<String> problems = new ArrayList<>(r.problems(where));
        if (r.frames() != framesWritten) problems.add(where + ": tshark read " + r.frames() + " frames, the port wrote " + framesWritten);
        if (r.tcp() == 0) problems.add(where + ": no TCP frame");
        return problems;
    }
}
