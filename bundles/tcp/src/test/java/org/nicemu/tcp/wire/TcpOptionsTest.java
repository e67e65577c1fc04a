package org.nicemu.tcp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nicemu.tcp.wire.PcapFrames.TcpFrame;
import org.nicemu.tcp.wire.TcpOptionsReceived.Status;

class TcpOptionsTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    private static byte[] written(TcpOutOptions o) {
        byte[] buf = new byte[60];
        Arrays.fill(buf, (byte) 0xee);
        int n = TcpOptions.write(buf, 10, o);
        assertEquals(o.size(), n, "write returns size()");
        assertEquals((byte) 0xee, buf[10 + n], "nothing written past size()");
        return Arrays.copyOfRange(buf, 10, 10 + n);
    }

    private static TcpOptionsReceived parse(byte[] opts) {
        TcpOptionsReceived rx = new TcpOptionsReceived();
        TcpOptions.parse(opts, 0, opts.length, rx);
        return rx;
    }

    // ------------------------------------------------------------------ the Linux capture

    @Test
    void linuxSynOptionsAreParsedAndRewrittenByteForByte() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-tcp.pcap");
        TcpFrame syn = frames.get(0);
        assertEquals(1, syn.number());
        assertTrue(syn.syn());
        assertEquals(20, syn.optLen());
        // MSS 1460, SACK_PERM, TS, NOP, WS 10 (tshark: "MSS=1460 SACK_PERM TSval=648152562 TSecr=0 WS=1024")
        assertArrayEquals(hex("020405b4 0402 080a 26a205f2 00000000 01 03030a"), syn.options());

        TcpOptionsReceived rx = new TcpOptionsReceived();
        assertEquals(Status.OK, TcpOptions.parse(syn.frame(), syn.optOff(), syn.optLen(), rx));
        assertTrue(rx.hasMss());
        assertEquals(1460, rx.mss());
        assertTrue(rx.sackPermitted());
        assertTrue(rx.sawTstamp());
        assertEquals(648152562L, rx.tsval() & 0xffffffffL);
        assertEquals(0, rx.tsecr());
        assertTrue(rx.hasWscale());
        assertEquals(10, rx.wscale());
        assertEquals(0, rx.numSacks());
        assertEquals(0, rx.numRaw());

        TcpOutOptions out = new TcpOutOptions();
        int size = out.tcpSynOptions(1460, true, 648152562, 0, true, 10, true);
        assertEquals(20, size);
        assertArrayEquals(syn.options(), written(out));
    }

    @Test
    void linuxSynAckAndFirstAckAreRewrittenByteForByte() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-tcp.pcap");
        TcpFrame synAck = frames.get(1);
        TcpOutOptions out = new TcpOutOptions();
        assertEquals(20, out.tcpSynackOptions(1460, true, (int) 2763214579L, 648152562, true, 10, true));
        assertArrayEquals(synAck.options(), written(out));

        TcpFrame ack = frames.get(2);
        assertEquals(12, ack.optLen());
        // NOP, NOP, TS(10): TSval=648152562 TSecr=2763214579
        assertArrayEquals(hex("0101080a 26a205f2 a4b34ef3"), ack.options());
        assertEquals(12, out.tcpEstablishedOptions(true, 648152562, (int) 2763214579L, null, null, 0));
        assertArrayEquals(ack.options(), written(out));
    }

    @Test
    void everyFrameOfBothCapturesRoundTripsThroughParseAndWrite() throws IOException {
        int compared = 0;
        int withMptcp = 0;
        for (String file : List.of("linux-tcp.pcap", "linux-mptcp.pcap")) {
            for (TcpFrame f : PcapFrames.readTcp(file)) {
                TcpOptionsReceived rx = new TcpOptionsReceived();
                assertEquals(Status.OK, TcpOptions.parse(f.frame(), f.optOff(), f.optLen(), rx), file + " frame " + f.number());
                TcpOutOptions out = rebuild(f, rx);
                assertArrayEquals(f.options(), written(out), file + " frame " + f.number() + " " + rx);
                compared++;
                if (rx.findRaw(TcpOptions.TCPOPT_MPTCP) >= 0) withMptcp++;
            }
        }
        assertEquals(176 + 212, compared);
        assertEquals(212, withMptcp, "every MPTCP frame carries kind 30, kept raw");
    }

    /** What the sender must have put into tcp_out_options to produce these options. */
    private static TcpOutOptions rebuild(TcpFrame f, TcpOptionsReceived rx) {
        TcpOutOptions out = new TcpOutOptions();
        int mp = rx.findRaw(TcpOptions.TCPOPT_MPTCP);
        if (mp >= 0) {
            int from = rx.rawOffset(mp);
            out.setExtra(f.frame(), from, f.optOff() + f.optLen() - from);
        }
        int starts[] = new int[4], ends[] = new int[4];
        int n = rx.copySacks(starts, ends);
        if (f.syn()) {
            int size = out.tcpSynOptions(rx.mss(), rx.sawTstamp(), rx.tsval(), rx.tsecr(), rx.hasWscale(), rx.wscale(),
                    rx.sackPermitted());
            assertEquals(f.optLen(), size);
        } else {
            int size = out.tcpEstablishedOptions(rx.sawTstamp(), rx.tsval(), rx.tsecr(), starts, ends, n);
            assertEquals(f.optLen(), size);
        }
        return out;
    }

    @Test
    void mptcpSynKeepsMpCapableRawAfterTheLinuxSynOptions() throws IOException {
        TcpFrame syn = PcapFrames.readTcp("linux-mptcp.pcap").get(0);
        TcpOptionsReceived rx = new TcpOptionsReceived();
        assertEquals(Status.OK, TcpOptions.parse(syn.frame(), syn.optOff(), syn.optLen(), rx));
        assertEquals(1460, rx.mss());
        assertEquals(10, rx.wscale());
        assertEquals(1, rx.numRaw());
        assertEquals(30, rx.rawKind(0));
        assertEquals(4, rx.rawLength(0));
        assertEquals(syn.optOff() + 20, rx.rawOffset(0));
        assertArrayEquals(hex("1e040101"), rx.rawBytes(syn.frame(), 0)); // MP_CAPABLE v1, flag H
    }

    @Test
    void fastParseReadsTheAlignedTimestampBlock() throws IOException {
        TcpFrame ack = PcapFrames.readTcp("linux-tcp.pcap").get(2);
        TcpOptionsReceived rx = new TcpOptionsReceived();
        assertTrue(TcpOptions.parseAlignedTimestamp(ack.frame(), ack.optOff(), rx));
        assertEquals(648152562, rx.tsval());
        assertEquals((int) 2763214579L, rx.tsecr());
        assertEquals(Status.OK, TcpOptions.parseFast(ack.frame(), ack.optOff(), 12, true, rx));
        assertTrue(rx.sawTstamp());
        // not the aligned form: TS, NOP, NOP is still found by the full walk
        byte[] other = hex("080a 00000001 00000002 0101");
        assertFalse(TcpOptions.parseAlignedTimestamp(other, 0, rx));
        assertEquals(Status.OK, TcpOptions.parseFast(other, 0, 12, true, rx));
        assertEquals(1, rx.tsval());
        assertEquals(2, rx.tsecr());
        assertEquals(Status.OK, TcpOptions.parseFast(other, 0, 0, true, rx));
        assertFalse(rx.sawTstamp());
    }

    // ------------------------------------------------------------------ writer layouts (tcp_options_write)

    @Test
    void synLayoutsForEachCombinationOfOptions() {
        TcpOutOptions o = new TcpOutOptions();
        // no timestamps: MSS, NOP NOP SACK_PERM, NOP WS
        assertEquals(12, o.tcpSynOptions(1460, false, 0, 0, true, 7, true));
        assertArrayEquals(hex("020405b4 01010402 01030307"), written(o));
        // timestamps, no SACK: MSS, NOP NOP TS, NOP WS
        assertEquals(20, o.tcpSynOptions(1460, true, 0x01020304, 0, true, 7, false));
        assertArrayEquals(hex("020405b4 0101080a 01020304 00000000 01030307"), written(o));
        // SACK + TS, no window scaling: MSS, SACK_PERM TS
        assertEquals(16, o.tcpSynOptions(536, true, 5, 6, false, 0, true));
        assertArrayEquals(hex("02040218 0402080a 00000005 00000006"), written(o));
        // MSS only
        assertEquals(4, o.tcpSynOptions(1460, false, 0, 0, false, 0, false));
        assertArrayEquals(hex("020405b4"), written(o));
    }

    @Test
    void sackBlocksFollowNopNopAndAreLimitedByTheSpace() {
        int[] s = { 0xfffffff0, 1000, 3000, 5000 };
        int[] e = { 0x00000010, 2000, 4000, 6000 };
        TcpOutOptions o = new TcpOutOptions();
        // with timestamps: 12 + 4 + 3 * 8 = 40, the fourth block does not fit
        assertEquals(40, o.tcpEstablishedOptions(true, 7, 8, s, e, 4));
        assertEquals(3, o.numSackBlocks());
        assertArrayEquals(hex("0101080a 00000007 00000008 0101051a fffffff0 00000010 000003e8 000007d0 00000bb8 00000fa0"),
                written(o));
        // without timestamps: 4 + 4 * 8 = 36
        assertEquals(36, o.tcpEstablishedOptions(false, 0, 0, s, e, 4));
        assertArrayEquals(hex("01010522 fffffff0 00000010 000003e8 000007d0 00000bb8 00000fa0 00001388 00001770"),
                written(o));
        // one block (a D-SACK goes first, as duplicate_sack precedes selective_acks)
        assertEquals(24, o.tcpEstablishedOptions(true, 1, 2, new int[] { 100 }, new int[] { 200 }, 1));
        assertArrayEquals(hex("0101080a 00000001 00000002 0101050a 00000064 000000c8"), written(o));

        // and they parse back, wrap-around included
        o.tcpEstablishedOptions(true, 7, 8, s, e, 4);
        TcpOptionsReceived rx = parse(written(o));
        assertEquals(3, rx.numSacks());
        assertEquals(0xfffffff0, rx.sackStart(0));
        assertEquals(0x00000010, rx.sackEnd(0));
        assertEquals(3000, rx.sackStart(2));
        assertEquals(4000, rx.sackEnd(2));
    }

    @Test
    void mptcpTakesPrecedenceOverSackForTheSpaceAndIsWrittenLast() {
        TcpOutOptions o = new TcpOutOptions();
        byte[] dss = hex("1e08 2001 01020304"); // DSS with a 4-byte DATA_ACK
        o.setExtra(dss, 0, dss.length);
        int[] s = { 10, 30, 50 };
        int[] e = { 20, 40, 60 };
        // 12 (TS) + 8 (MPTCP) leaves 20: (20 - 4) / 8 = 2 blocks
        assertEquals(40, o.tcpEstablishedOptions(true, 1, 2, s, e, 3));
        assertEquals(2, o.numSackBlocks());
        assertArrayEquals(hex("0101080a 00000001 00000002 01010512 0000000a 00000014 0000001e 00000028 1e082001 01020304"),
                written(o));
        // an unaligned raw option is padded with NOPs
        o.setExtra(hex("1e06 0000 abcd"), 0, 6);
        assertEquals(20, o.tcpEstablishedOptions(true, 1, 2, null, null, 0));
        assertArrayEquals(hex("0101080a 00000001 00000002 1e060000 abcd0101"), written(o));
    }

    // ------------------------------------------------------------------ malformed input

    @Test
    void truncatedOptionsStopTheWalkAndAreFlagged() {
        TcpOptionsReceived rx = parse(hex("020405"));
        assertEquals(Status.TRUNCATED, rx.status());
        assertEquals(0, rx.malformedOffset());
        assertFalse(rx.hasMss());

        // a kind byte without its length byte at the very end
        rx = parse(hex("010101 08"));
        assertEquals(Status.TRUNCATED, rx.status());
        assertEquals(3, rx.malformedOffset());

        // options before the bad one are kept (tcp_parse_options returns at the bad one)
        rx = parse(hex("020405b4 080c 0000"));
        assertEquals(Status.TRUNCATED, rx.status());
        assertEquals(4, rx.malformedOffset());
        assertEquals(1460, rx.mss());
        assertFalse(rx.sawTstamp());
    }

    @Test
    void lengthBelowTwoIsABadLength() {
        assertEquals(Status.BAD_LENGTH, parse(hex("0800 00000000 00000000")).status());
        assertEquals(Status.BAD_LENGTH, parse(hex("0101 1e01")).status());
        assertEquals(2, parse(hex("0101 1e01")).malformedOffset());
    }

    @Test
    void knownOptionsWithTheWrongLengthAreIgnoredAndFlagged() {
        TcpOptionsReceived rx = parse(hex("020305 0103030a"));
        assertEquals(Status.BAD_OPTION_LENGTH, rx.status());
        assertFalse(rx.hasMss());
        assertTrue(rx.hasWscale(), "the walk goes on after a wrongly sized known option");
        assertEquals(10, rx.wscale());

        assertEquals(Status.BAD_OPTION_LENGTH, parse(hex("0502 0101")).status()); // SACK without a block
        assertEquals(Status.BAD_OPTION_LENGTH, parse(hex("050c 00000001 00000002 0000")).status()); // 12 != 2 + 8n
        assertEquals(Status.BAD_OPTION_LENGTH, parse(hex("0403 00 01")).status()); // SACK_PERM of 3
        assertEquals(Status.BAD_OPTION_LENGTH, parse(hex("0308 00000000 0000")).status()); // WS of 8
        assertEquals(Status.BAD_OPTION_LENGTH, parse(hex("080b 00000000 00000000 00")).status()); // TS of 11
    }

    @Test
    void eolEndsTheListAndUnknownKindsAreKeptRaw() {
        TcpOptionsReceived rx = parse(hex("00 020405b4 000000"));
        assertTrue(rx.ok());
        assertFalse(rx.hasMss(), "nothing after EOL is read");

        rx = parse(hex("fe06 f989 0102 6302 2204 abcd 1e0c 0101 00112233 44556677"));
        assertTrue(rx.ok());
        assertEquals(4, rx.numRaw());
        assertEquals(254, rx.rawKind(0));
        assertEquals(6, rx.rawLength(0));
        assertEquals(99, rx.rawKind(1));
        assertEquals(34, rx.rawKind(2));
        assertEquals(30, rx.rawKind(3));
        assertEquals(12, rx.rawOffset(3));
        assertEquals(3, rx.findRaw(TcpOptions.TCPOPT_MPTCP));
        assertEquals(-1, rx.findRaw(TcpOptions.TCPOPT_MD5SIG));
    }

    @Test
    void windowScaleAboveFourteenIsClampedByTheCaller() {
        TcpOptionsReceived rx = parse(hex("01 03030f"));
        assertTrue(rx.ok());
        assertEquals(15, rx.wscale());
        assertEquals(14, TcpOptions.clampWscale(rx.wscale()));
        assertEquals(10, TcpOptions.clampWscale(10));
    }

    @Test
    void regionsOutsideTheBufferAndOverlongAreasNeverThrow() {
        TcpOptionsReceived rx = new TcpOptionsReceived();
        assertEquals(Status.TRUNCATED, TcpOptions.parse(new byte[20], 10, 40, rx));
        assertEquals(Status.TRUNCATED, TcpOptions.parse(null, 0, 4, rx));
        assertEquals(Status.TRUNCATED, TcpOptions.parse(new byte[20], -1, 4, rx));
        assertEquals(Status.TRUNCATED, TcpOptions.parse(new byte[20], 0, -4, rx));
        assertEquals(Status.TOO_LONG, TcpOptions.parse(new byte[60], 0, 44, rx));
        assertFalse(TcpOptions.parseAlignedTimestamp(new byte[8], 0, rx));
        assertEquals(Status.OK, TcpOptions.parse(new byte[40], 0, 40, rx), "all EOL is fine");
    }

    @Test
    void randomAndMutatedOptionsNeverThrowAndAreEitherOkOrFlagged() throws IOException {
        SplittableRandom rnd = new SplittableRandom(20240601L);
        TcpOptionsReceived rx = new TcpOptionsReceived();
        byte[] buf = new byte[40];
        int ok = 0;
        int flagged = 0;
        for (int i = 0; i < 100_000; i++) {
            int len = rnd.nextInt(11) * 4;
            for (int j = 0; j < len; j++) {
                // bias towards real kinds and small lengths so that the walk goes deep
                int r = rnd.nextInt(10);
                buf[j] = (byte) (r < 3 ? 1 : r < 6 ? rnd.nextInt(12) : rnd.nextInt(256));
            }
            Status st = TcpOptions.parse(buf, 0, len, rx);
            if (st == Status.OK) {
                ok++;
                assertEquals(-1, rx.malformedOffset());
            } else {
                flagged++;
                assertTrue(rx.malformedOffset() >= 0 && rx.malformedOffset() < len, st + " at " + rx.malformedOffset());
            }
            assertTrue(rx.numSacks() <= 4);
        }
        assertTrue(ok > 1000 && flagged > 1000, ok + " ok, " + flagged + " flagged");

        // every capture frame, truncated at every length and with every length byte bent
        for (TcpFrame f : PcapFrames.readTcp("linux-mptcp.pcap")) {
            byte[] o = f.options();
            for (int cut = 0; cut <= o.length; cut++) TcpOptions.parse(o, 0, cut, rx);
            for (int k = 0; k < o.length; k++) {
                byte[] m = o.clone();
                m[k] = (byte) rnd.nextInt(256);
                TcpOptions.parse(m, 0, m.length, rx);
            }
        }
    }

    @Test
    void theHolderIsClearedBetweenParses() {
        TcpOptionsReceived rx = parse(hex("020405b4 0101 0502 0101"));
        assertEquals(Status.BAD_OPTION_LENGTH, rx.status());
        TcpOptions.parse(hex("0101080a 00000001 00000002"), 0, 12, rx);
        assertTrue(rx.ok());
        assertFalse(rx.hasMss());
        assertNotEquals(0, rx.tsval());
        assertEquals(-1, rx.malformedOffset());
    }
}
