package org.nicemu.mptcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.core.testing.Tshark;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.emu.Device;
import org.nicemu.api.inet.NfHook;
import org.nicemu.api.skb.SkBuff;

/**
 * DSS checksums (RFC 8684 §3.3.1), off by default as in Linux: negotiated when either end asks
 * ({@code net.mptcp.checksum_enabled}), carried in every mapping, checked over whole mappings by the
 * receiver; a payload change on one path is caught, that subflow is reset and the data arrives
 * through the other.
 */
class MptcpChecksumTest {
    static final long BYTES = 20_000_000L;

    @TempDir
    Path dir;

    static MptcpAcceptanceTest.Run transfer(MptcpBed b) {
        MptcpBed.Sink[] sink = new MptcpBed.Sink[1];
        MptcpBed.Bulk[] bulk = new MptcpBed.Bulk[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, BYTES, null, 5);
        });
        long t0 = b.h.now();
        while (!sink[0].eof && b.h.now() < t0 + 300 * MptcpBed.S) b.h.runUntil(b.h.now() + 100 * MptcpBed.MS);
        assertEquals(0, bulk[0].err, "sender error");
        assertTrue(sink[0].eof, "end of stream (received " + sink[0].bytes + ")");
        assertEquals(BYTES, sink[0].bytes);
        assertEquals(MptcpBed.hex(bulk[0].sha.digest()), MptcpBed.hex(sink[0].sha.digest()), "SHA-256");
        return new MptcpAcceptanceTest.Run(b, bulk[0], sink[0], MptcpBed.msk(bulk[0].sk), MptcpBed.msk(sink[0].conn), b.h.now() - t0);
    }

    @Test
    void offByDefault() {
        MptcpAcceptanceTest.Run r = transfer(new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null));
        assertTrue(!r.client().csum && !r.server().csum);
    }

    @Test
    void clientAsksServerFollowsAndEveryMappingIsChecked() throws Exception {
        Path out = System.getProperty("mptcp.pcapdir") != null ? Path.of(System.getProperty("mptcp.pcapdir")) : dir;
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, out);
        b.h.inLoop(() -> b.h1.inet().mptcp.checksumEnabled = true);
        MptcpAcceptanceTest.Run r = transfer(b);
        assertTrue(r.client().csum && r.server().csum, "both ends use checksums");
        assertEquals(0, r.server().counters.csumFailures);
        assertEquals(2, r.client().subflows.size());
        b.closeCaptures();
        // every data segment's mapping carries a checksum on the wire (tshark 4.0 does not decode DSS
        // checksums, so the frames are parsed here), and each checksum verifies over its mapping's bytes
        for (Path p : List.of(out.resolve("h1-eth0.pcap"), out.resolve("h1-eth1.pcap"))) {
            int[] verified = verifyChecksums(p);
            assertTrue(verified[0] > 100 && verified[1] == verified[0], p.getFileName() + ": " + verified[1] + " of " + verified[0] + " mappings verified");
            assertTrue(Tshark.readMptcp(p).problems(p.getFileName().toString()).isEmpty());
        }
    }

    /** Client data frames of one capture: {mappings seen, mappings whose DSS checksum verifies over their whole payload}. */
    static int[] verifyChecksums(Path pcap) throws Exception {
        var frames = org.nicemu.tcp.wire.PcapFrames.readTcp(pcap);
        var rx = new org.nicemu.mptcp.wire.MptcpOptionsReceived();
        var crypto = new MptcpCrypto();
        long iss = -1;
        java.util.Map<Integer, long[]> maps = new java.util.TreeMap<>(); // ssn -> {dsn, len, csum}
        java.util.Map<Integer, byte[]> data = new java.util.HashMap<>();
        java.util.Map<Integer, java.util.BitSet> have = new java.util.HashMap<>();
        for (var f : frames) {
            if (f.srcPort() == 5001) continue;
            if (f.syn()) {
                iss = f.tcpSeq();
                continue;
            }
            if (f.payloadLen() == 0) continue;
            org.nicemu.mptcp.wire.MptcpOptions.parseTcpOptions(f.frame(), f.optOff(), f.optLen(), rx);
            var o = rx.find(org.nicemu.mptcp.wire.MptcpOptions.MPTCPOPT_DSS);
            long dsn;
            int ssn, len;
            if (o != null && o.hasMapping()) {
                assertTrue(o.hasChecksum(), "frame " + f.number() + ": a DSS mapping without checksum");
                dsn = o.dsn();
                ssn = o.subflowSeq();
                len = o.dataLen();
            } else {
                o = rx.find(org.nicemu.mptcp.wire.MptcpOptions.MPTCPOPT_MP_CAPABLE);
                assertTrue(o != null && o.hasMapping() && o.hasChecksum(), "frame " + f.number() + ": data without a mapping and checksum");
                dsn = crypto.idsn(o.sndrKey()) + 1;
                ssn = 1;
                len = o.dataLen();
            }
            maps.putIfAbsent(ssn, new long[] {dsn, len, o.checksum()});
            byte[] d = data.computeIfAbsent(ssn, k -> new byte[len]);
            java.util.BitSet bits = have.computeIfAbsent(ssn, k -> new java.util.BitSet());
            int at = (int) (f.tcpSeq() - iss) - ssn;
            int n = f.payloadLen();
            System.arraycopy(f.frame(), f.optOff() + f.optLen(), d, at, n);
            bits.set(at, at + n);
        }
        int ok = 0;
        for (var e : maps.entrySet()) {
            long[] m = e.getValue();
            if (have.get(e.getKey()).cardinality() != m[1]) continue;
            long sum = MptcpCrypto.csumPartial(data.get(e.getKey()), 0, (int) m[1], 0);
            if (MptcpCrypto.dssChecksumValid(m[0], e.getKey(), (int) m[1], (int) m[2], sum)) ok++;
        }
        return new int[] {maps.size(), ok};
    }

    @Test
    void serverAsksClientFollows() {
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null);
        b.h.inLoop(() -> b.h2.inet().mptcp.checksumEnabled = true);
        MptcpAcceptanceTest.Run r = transfer(b);
        assertTrue(r.client().csum && r.server().csum, "the client adopts the server's A flag");
        assertEquals(0, r.server().counters.csumFailures);
    }

    /**
     * A middlebox on eth1 that rewrites one payload byte of the 50th data segment it forwards (the
     * NIC then computes a valid TCP checksum, so only the DSS checksum can tell). The byte is changed
     * in the page the segment shares with the sender's retransmission queue, so the subflow's own
     * retransmissions would carry it too; the receiver resets that subflow at the first failure.
     */
    static final class Rewrite implements NfHook {
        int dataSegs;
        int rewritten;

        @Override
        public int hook(SkBuff skb, Device out) {
            if (!out.name().equals("eth1") || rewritten > 0) return NF_ACCEPT;
            byte[] b = skb.head();
            int ip = skb.dataOffset();
            int tcp = ip + (b[ip] & 0x0f) * 4;
            int hdr = tcp + ((b[tcp + 12] & 0xf0) >>> 4) * 4 - ip;
            if (skb.len() <= hdr || skb.shinfo().nrFrags() == 0) return NF_ACCEPT;
            if (++dataSegs < 50) return NF_ACCEPT;
            var f = skb.shinfo().frag(0);
            f.page().bytes()[f.offset() + 7] ^= 0x5a;
            rewritten++;
            return NF_ACCEPT;
        }
    }

    @Test
    void aRewrittenPayloadIsCaughtAndTheDataTakesTheOtherPath() {
        Rewrite rw = new Rewrite();
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null, rw);
        b.h.inLoop(() -> b.h1.inet().mptcp.checksumEnabled = true);
        MptcpAcceptanceTest.Run r = transfer(b);
        assertEquals(1, rw.rewritten);
        assertEquals(1, r.server().counters.csumFailures, "the server caught it: " + r.server().counters.csumFailureReason);
        assertTrue(r.client().counters.subflowsClosed >= 1, "the subflow was reset");
        assertTrue(r.client().counters.reinjectedBytes > 0, "its data was reinjected");
    }
}
