package org.nicemu.mptcp.wire;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nicemu.mptcp.wire.MptcpOption.Status;
import org.nicemu.mptcp.wire.MptcpOption.Variant;
import org.nicemu.tcp.wire.PcapFrames;
import org.nicemu.tcp.wire.PcapFrames.TcpFrame;
import org.nicemu.tcp.wire.TcpOptions;
import org.nicemu.tcp.wire.TcpOptionsReceived;
import org.nicemu.tcp.wire.TcpOutOptions;

/**
 * The codec against the Linux 6.18 capture {@code linux-mptcp.pcap} (expected values from
 * {@code tshark -o mptcp.analyze_mptcp:TRUE -T fields -e tcp.options.mptcp.*}) and crafted options.
 */
class MptcpOptionsTest {

    private static final HexFormat HEX = HexFormat.of();
    static final long KEY_CLIENT = 0x91a81d1d0e351681L; // tshark sendkey 10495670942216558209
    static final long KEY_SERVER = 0xfe2e14992ddd215cL; // tshark sendkey 18315599382694404444

    static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    static byte[] written(MptcpOption o) {
        byte[] buf = new byte[60];
        Arrays.fill(buf, (byte) 0xee);
        int n = o.write(buf, 10);
        assertEquals(o.size(), n, "write returns size()");
        assertEquals(0, n & 3, "padded to 4");
        assertEquals((byte) 0xee, buf[10 + n], "nothing written past size()");
        return Arrays.copyOfRange(buf, 10, 10 + n);
    }

    static MptcpOption parse(String hex) {
        byte[] b = hex(hex);
        MptcpOption o = new MptcpOption();
        MptcpOptions.parse(b, 0, b.length, o);
        return o;
    }

    /** Parses, checks OK, rewrites and compares with the input (padded as Linux pads). */
    static MptcpOption roundTrip(String hex) {
        byte[] b = hex(hex);
        MptcpOption o = new MptcpOption();
        assertEquals(Status.OK, MptcpOptions.parse(b, 0, b.length, o), hex);
        assertEquals(b[1] & 0xff, o.length());
        assertArrayEquals(b, written(o), hex);
        return o;
    }

    // ------------------------------------------------------------------ the Linux capture

    @Test
    void everyOptionOfTheCaptureIsParsedAndTheWholeOptionBlockRewrittenByteForByte() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        assertEquals(212, frames.size());
        MptcpOptionsReceived rx = new MptcpOptionsReceived();
        TcpOptionsReceived tcp = new TcpOptionsReceived();
        TcpOutOptions out = new TcpOutOptions();
        int[] perSubtype = new int[16];
        byte[] mp = new byte[40];
        byte[] block = new byte[40];
        for (TcpFrame f : frames) {
            String at = "frame " + f.number();
            assertEquals(1, MptcpOptions.parseTcpOptions(f.frame(), f.optOff(), f.optLen(), rx), at);
            assertTrue(rx.ok(), at);
            MptcpOption o = rx.option(0);
            perSubtype[o.subtype()]++;
            int n = o.write(mp, 0);
            // the option as written is the capture from the option's start, padding included
            assertArrayEquals(Arrays.copyOfRange(f.frame(), f.optOff() + rx.offset(0), f.optOff() + rx.offset(0) + n),
                    Arrays.copyOf(mp, n), at);

            // the whole block: Linux's TCP options, then MPTCP last (tcp_options_write → mptcp_options_write)
            assertEquals(TcpOptionsReceived.Status.OK, TcpOptions.parse(f.frame(), f.optOff(), f.optLen(), tcp), at);
            out.clear();
            out.setExtra(mp, 0, n);
            int size = f.syn()
                    ? out.tcpSynOptions(tcp.mss(), tcp.sawTstamp(), tcp.tsval(), tcp.tsecr(), tcp.hasWscale(), tcp.wscale(),
                            tcp.sackPermitted())
                    : out.tcpEstablishedOptions(tcp.sawTstamp(), tcp.tsval(), tcp.tsecr(), null, null, 0);
            assertEquals(f.optLen(), size, at);
            assertEquals(size, TcpOptions.write(block, 0, out), at);
            assertArrayEquals(f.options(), Arrays.copyOf(block, size), at);
        }
        // tshark: 3 MP_CAPABLE, 3 MP_JOIN, 202 DSS, 4 ADD_ADDR
        assertEquals(3, perSubtype[MptcpOptions.MPTCPOPT_MP_CAPABLE]);
        assertEquals(3, perSubtype[MptcpOptions.MPTCPOPT_MP_JOIN]);
        assertEquals(202, perSubtype[MptcpOptions.MPTCPOPT_DSS]);
        assertEquals(4, perSubtype[MptcpOptions.MPTCPOPT_ADD_ADDR]);
    }

    private static MptcpOption optionOf(List<TcpFrame> frames, int number) {
        TcpFrame f = frames.get(number - 1);
        assertEquals(number, f.number());
        MptcpOptionsReceived rx = new MptcpOptionsReceived();
        assertEquals(1, MptcpOptions.parseTcpOptions(f.frame(), f.optOff(), f.optLen(), rx));
        MptcpOption o = rx.option(0);
        assertTrue(o.ok(), o.toString());
        return o;
    }

    @Test
    void theMpCapableHandshakeOfTheCapture() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        // frame 1: 1e04 0101 — v1 SYN carries no key
        MptcpOption syn = optionOf(frames, 1);
        assertEquals(MptcpOptions.MPTCPOPT_MP_CAPABLE, syn.subtype());
        assertEquals(Variant.SYN, syn.variant());
        assertEquals(1, syn.version());
        assertEquals(MptcpOptions.MPTCP_CAP_HMAC_SHA256, syn.flags());
        assertFalse(syn.checksumRequired());
        assertFalse(syn.denyJoinId0());
        assertArrayEquals(hex("1e040101"), written(new MptcpOption().mpCapableSyn(MptcpOptions.MPTCP_CAP_HMAC_SHA256)));

        MptcpOption synAck = optionOf(frames, 2);
        assertEquals(Variant.SYN_ACK, synAck.variant());
        assertEquals(KEY_SERVER, synAck.sndrKey());
        assertArrayEquals(hex("1e0c0101 fe2e14992ddd215c"), written(new MptcpOption().mpCapableSynAck(0x01, KEY_SERVER)));

        // the third ACK echoes both keys: the initiator's first (tshark sendkey/recvkey)
        MptcpOption ack = optionOf(frames, 3);
        assertEquals(Variant.ACK, ack.variant());
        assertEquals(KEY_CLIENT, ack.sndrKey());
        assertEquals(KEY_SERVER, ack.rcvrKey());
        assertFalse(ack.hasMapping());
        assertArrayEquals(hex("1e140101 91a81d1d0e351681 fe2e14992ddd215c"),
                written(new MptcpOption().mpCapableAck(0x01, KEY_CLIENT, KEY_SERVER)));
    }

    @Test
    void theMpJoinHandshakeOfTheCapture() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        MptcpOption syn = optionOf(frames, 6);
        assertEquals(MptcpOptions.MPTCPOPT_MP_JOIN, syn.subtype());
        assertEquals(Variant.SYN, syn.variant());
        assertFalse(syn.backup());
        assertEquals(2, syn.addressId());
        assertEquals(606728017, syn.token()); // tshark recvtok
        assertEquals(2626827688L, syn.nonce() & 0xffffffffL); // tshark sendrand
        assertArrayEquals(hex("1e0c1002 2429ef51 9c9235a8"),
                written(new MptcpOption().mpJoinSyn(false, 2, 0x2429ef51, 0x9c9235a8)));

        MptcpOption synAck = optionOf(frames, 7);
        assertEquals(Variant.SYN_ACK, synAck.variant());
        assertEquals(2, synAck.addressId());
        assertEquals(4093401074042101300L, synAck.truncatedHmac()); // tshark sendtrunchmac
        assertEquals(4226137259L, synAck.nonce() & 0xffffffffL);
        assertArrayEquals(hex("1e101002 38ceae96cd7b5e34 fbe5bcab"),
                written(new MptcpOption().mpJoinSynAck(false, 2, 0x38ceae96cd7b5e34L, 0xfbe5bcab)));

        MptcpOption ack = optionOf(frames, 8);
        assertEquals(Variant.ACK, ack.variant());
        byte[] h = new byte[20];
        ack.copyHmac(h, 0);
        assertArrayEquals(hex("88f2c0db57950431f767ce9c7d64498810ec3639"), h); // tshark sendhmac
        assertArrayEquals(hex("1e181000 88f2c0db57950431f767ce9c7d64498810ec3639"), written(new MptcpOption().mpJoinAck(h, 0)));
    }

    @Test
    void theAddAddrsOfTheCaptureAndTheirEchoes() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        MptcpOption adv = optionOf(frames, 4); // server announces 198.18.2.1 id 2
        assertEquals(MptcpOptions.MPTCPOPT_ADD_ADDR, adv.subtype());
        assertFalse(adv.echo());
        assertEquals(2, adv.addressId());
        assertEquals(4, adv.addrLen());
        assertEquals(0xc6120201, adv.addrIpv4());
        assertFalse(adv.hasPort());
        assertTrue(adv.hasAddrHmac());
        assertEquals(Long.parseUnsignedLong("15594841701865903246"), adv.addrHmac()); // tshark addaddrtrunchmac
        assertArrayEquals(hex("1e103002 c6120201 d86c01e7202a548e"),
                written(new MptcpOption().addAddr4(2, 0xc6120201, 0, false, 0xd86c01e7202a548eL)));

        MptcpOption echo = optionOf(frames, 5);
        assertTrue(echo.echo());
        assertFalse(echo.hasAddrHmac());
        assertEquals(0xc6120201, echo.addrIpv4());
        assertArrayEquals(hex("1e083102 c6120201"), written(new MptcpOption().addAddr4(2, 0xc6120201, 0, true, 0)));

        MptcpOption client = optionOf(frames, 10); // the client announces 198.18.2.2, also id 2
        assertEquals(0xc6120202, client.addrIpv4());
        assertEquals(2, client.addressId());
        assertEquals(0xff66103ecb5f6fa8L, client.addrHmac());
        assertTrue(optionOf(frames, 11).echo());
    }

    @Test
    void theDssOfTheCapture() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        // frame 12, first data: A + M + m (0x0d): 32-bit DATA_ACK, 64-bit DSN, one mapping for a 31328-byte GSO burst
        MptcpOption data = optionOf(frames, 12);
        assertEquals(MptcpOptions.MPTCPOPT_DSS, data.subtype());
        assertEquals(22, data.length());
        assertTrue(data.hasDataAck());
        assertFalse(data.dataAck64());
        assertEquals(273564044L, data.dataAck());
        assertTrue(data.hasMapping());
        assertTrue(data.dsn64());
        assertEquals(0xe0089ed7a4e33459L, data.dsn()); // tshark rawdataseqno 16143327513331053657
        assertEquals(1, data.subflowSeq());
        assertEquals(31328, data.dataLen());
        assertFalse(data.hasChecksum());
        assertFalse(data.dataFin());
        assertArrayEquals(hex("1e16200d 104e418c e0089ed7a4e33459 00000001 7a60 0101"),
                written(new MptcpOption().dss().withDataAck(0x104e418cL, false)
                        .withMapping(0xe0089ed7a4e33459L, true, 1, 31328, false)));

        // frame 13: the server's pure DATA_ACK is 64-bit (a + A), it has seen 64-bit DSNs
        MptcpOption ack = optionOf(frames, 13);
        assertTrue(ack.dataAck64());
        assertFalse(ack.hasMapping());
        assertEquals(Long.parseUnsignedLong("16143327513331055081"), ack.dataAck());
        assertArrayEquals(hex("1e0c2003 e0089ed7a4e339e9"), written(new MptcpOption().dss().withDataAck(0xe0089ed7a4e339e9L, true)));

        // frame 9: the 32-bit DATA_ACK alone (8 bytes) on the joined subflow
        MptcpOption ack32 = optionOf(frames, 9);
        assertEquals(8, ack32.length());
        assertEquals(2766353497L, ack32.dataAck());

        // frame 199: the client's DATA_FIN: F + M + m + A, subflow sequence 0, data-level length 1
        MptcpOption fin = optionOf(frames, 199);
        assertTrue(fin.dataFin());
        assertEquals(0xe0089ed7a4e65459L, fin.dsn());
        assertEquals(0, fin.subflowSeq());
        assertEquals(1, fin.dataLen());
        assertFalse(fin.infiniteMapping());
        assertArrayEquals(hex("1e16201d 104e418c e0089ed7a4e65459 00000000 0001 0101"),
                written(new MptcpOption().dss().withDataAck(0x104e418cL, false).withMapping(0xe0089ed7a4e65459L, true, 0, 1, true)));

        // frame 203: the server's DATA_FIN with a 64-bit DATA_ACK (0x1f, 26 bytes + NOP, NOP)
        MptcpOption sfin = optionOf(frames, 203);
        assertEquals(26, sfin.length());
        assertEquals(0x1f, (frames.get(202).frame()[frames.get(202).optOff() + 12 + 3]) & 0xff);
        assertEquals(0xe0089ed7a4e6545aL, sfin.dataAck());
        assertEquals(0x2c670284104e418cL, sfin.dsn());
        assertArrayEquals(hex("1e1a201f e0089ed7a4e6545a 2c670284104e418c 00000000 0001 0101"),
                written(new MptcpOption().dss().withDataAck(0xe0089ed7a4e6545aL, true)
                        .withMapping(0x2c670284104e418cL, true, 0, 1, true)));
    }

    @Test
    void dssMappingsCoverTheSubflowBytesTheyCarry() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        MptcpOptionsReceived rx = new MptcpOptionsReceived();
        java.util.Map<Integer, Long> isn = new java.util.HashMap<>();
        long firstDsn = 0xe0089ed7a4e33459L;
        long maxEnd = firstDsn;
        long bytes = 0;
        for (TcpFrame f : frames) {
            long seq = f.tcpSeq();
            if (f.syn()) isn.put(f.srcPort(), seq);
            if (f.payloadLen() == 0) continue;
            MptcpOptions.parseTcpOptions(f.frame(), f.optOff(), f.optLen(), rx);
            MptcpOption o = rx.find(MptcpOptions.MPTCPOPT_DSS);
            assertNotNull(o);
            assertTrue(o.hasMapping());
            int rel = (int) (seq - isn.get(f.srcPort()));
            // the relative subflow sequence number: the segment lies in [ssn, ssn + len)
            assertTrue(rel >= o.subflowSeq() && rel + f.payloadLen() <= o.subflowSeq() + o.dataLen(), "frame " + f.number());
            long dsnEnd = o.dsn() + (rel - o.subflowSeq()) + f.payloadLen();
            maxEnd = Long.compareUnsigned(dsnEnd, maxEnd) > 0 ? dsnEnd : maxEnd;
            bytes += f.payloadLen();
        }
        assertEquals(200 * 1024, maxEnd - firstDsn, "200 KiB uploaded");
        assertTrue(bytes >= 200 * 1024);
        // the DATA_FIN takes the DSN right after the data
        assertEquals(maxEnd, optionOf(frames, 199).dsn());
    }

    // ------------------------------------------------------------------ crafted options, every subtype

    @Test
    void mpCapableWithDataWithAndWithoutChecksum() {
        MptcpOption o = roundTrip("1e16 0101 91a81d1d0e351681 fe2e14992ddd215c 05b4 0101");
        assertEquals(Variant.ACK_DATA, o.variant());
        assertTrue(o.hasMapping());
        assertEquals(1460, o.dataLen());
        assertFalse(o.hasChecksum());
        assertArrayEquals(hex("1e16 0101 91a81d1d0e351681 fe2e14992ddd215c 05b4 0101"),
                written(new MptcpOption().mpCapableAckData(0x01, KEY_CLIENT, KEY_SERVER, 1460, false, 0)));

        o = roundTrip("1e18 0181 91a81d1d0e351681 fe2e14992ddd215c 05b4 beef");
        assertTrue(o.checksumRequired());
        assertTrue(o.hasChecksum());
        assertEquals(0xbeef, o.checksum());
        assertArrayEquals(hex("1e18 0181 91a81d1d0e351681 fe2e14992ddd215c 05b4 beef"),
                written(new MptcpOption().mpCapableAckData(0x81, KEY_CLIENT, KEY_SERVER, 1460, true, 0xbeef)));

        // flags A, C, H on a SYN; a SYN may offer a later version
        o = roundTrip("1e04 01a1");
        assertTrue(o.checksumRequired());
        assertTrue(o.denyJoinId0());
        assertEquals(Status.OK, parse("1e04 0201").status());
        assertEquals(2, parse("1e04 0201").version());
    }

    @Test
    void mpJoinWithBackup() {
        MptcpOption o = roundTrip("1e0c 1105 01020304 05060708");
        assertTrue(o.backup());
        assertEquals(5, o.addressId());
        o = roundTrip("1e10 1107 0102030405060708 0a0b0c0d");
        assertTrue(o.backup());
        assertEquals(0x0102030405060708L, o.truncatedHmac());
        assertEquals(0x0a0b0c0d, o.nonce());
    }

    @Test
    void dssVariants() {
        // 32-bit DSN mapping, no DATA_ACK: 4 + 10 = 14, padded with NOP, NOP
        MptcpOption o = roundTrip("1e0e 2004 a4e33459 00000001 05a8 0101");
        assertFalse(o.dsn64());
        assertEquals(0xa4e33459L, o.dsn());
        assertEquals(1448, o.dataLen());
        assertArrayEquals(hex("1e0e2004 a4e33459 00000001 05a8 0101"),
                written(new MptcpOption().dss().withMapping(0xa4e33459L, false, 1, 1448, false)));
        // 64-bit DATA_ACK + 64-bit DSN + checksum: 28 bytes
        o = roundTrip("1e1c 200f 0000000100000002 0000000300000004 00000005 0006 1234");
        assertTrue(o.hasChecksum());
        assertEquals(0x1234, o.checksum());
        assertEquals(0x0000000300000004L, o.dsn());
        assertArrayEquals(hex("1e1c200f 0000000100000002 0000000300000004 00000005 0006 1234"),
                written(new MptcpOption().dss().withDataAck(0x100000002L, true).withMapping(0x300000004L, true, 5, 6, false)
                        .withChecksum(0x1234)));
        // 32-bit DATA_ACK + 64-bit mapping + checksum: 24 bytes (what Linux sends with checksums on)
        o = roundTrip("1e18 200d 104e418c e0089ed7a4e33459 00000001 7a60 abcd");
        assertTrue(o.hasChecksum());
        // the infinite mapping (data-level length 0)
        o = roundTrip("1e12 200c 0000000000000001 00000000 0000 0101");
        assertTrue(o.infiniteMapping());
        // an empty DSS (no flag) is 4 bytes
        assertEquals(Status.OK, roundTrip("1e04 2000").status());
    }

    @Test
    void addAddrVariants() {
        // IPv4 with port and HMAC: 18 bytes, NOP, NOP
        MptcpOption o = roundTrip("1e12 3003 c6120201 13f4 0102030405060708 0101");
        assertTrue(o.hasPort());
        assertEquals(5108, o.port());
        assertEquals(0x0102030405060708L, o.addrHmac());
        assertArrayEquals(hex("1e12 3003 c6120201 13f4 0102030405060708 0101"),
                written(new MptcpOption().addAddr4(3, 0xc6120201, 5108, false, 0x0102030405060708L)));
        // the echo with a port: 10 bytes
        o = roundTrip("1e0a 3103 c6120201 13f4 0101");
        assertTrue(o.echo());
        assertTrue(o.hasPort());
        // IPv6 with HMAC (28), with port (30), echo (20), echo with port (22)
        String v6 = "20010db8000000000000000000000001";
        o = roundTrip("1e1c 3007 " + v6 + " 1112131415161718");
        assertEquals(16, o.addrLen());
        assertEquals((byte) 0x20, o.addr(0));
        roundTrip("1e1e 3007 " + v6 + " 0050 1112131415161718 0101");
        roundTrip("1e14 3107 " + v6);
        roundTrip("1e16 3107 " + v6 + " 0050 0101");
        byte[] a = hex(v6);
        assertArrayEquals(hex("1e1e3007" + v6 + "0050 1112131415161718 0101"),
                written(new MptcpOption().addAddr(7, a, 0, 16, 80, false, 0x1112131415161718L)));
    }

    @Test
    void removeAddrPrioFailFastcloseRst() {
        MptcpOption o = roundTrip("1e04 4002");
        assertEquals(1, o.numRemoveIds());
        assertEquals(2, o.removeId(0));
        o = roundTrip("1e09 4001 02030405 0a 010101"); // 6 ids: Linux fills the last word with NOPs
        assertEquals(6, o.numRemoveIds());
        assertEquals(0x0a, o.removeId(5));
        assertArrayEquals(hex("1e0b4001 0203040506070801"), written(new MptcpOption().removeAddr(hex("0102030405060708"), 0, 8)));

        o = roundTrip("1e03 51 01"); // MP_PRIO backup, one NOP (mptcp_option(MP_PRIO, 3, backup, TCPOPT_NOP))
        assertTrue(o.backup());
        assertArrayEquals(hex("1e035001"), written(new MptcpOption().mpPrio(false)));

        o = roundTrip("1e0c 6000 e0089ed7a4e33459");
        assertEquals(0xe0089ed7a4e33459L, o.failSeq());
        assertArrayEquals(hex("1e0c6000 e0089ed7a4e33459"), written(new MptcpOption().mpFail(0xe0089ed7a4e33459L)));

        o = roundTrip("1e0c 7000 fe2e14992ddd215c");
        assertEquals(KEY_SERVER, o.rcvrKey());
        assertArrayEquals(hex("1e0c7000 fe2e14992ddd215c"), written(new MptcpOption().mpFastclose(KEY_SERVER)));

        o = roundTrip("1e04 8106");
        assertTrue(o.rstTransient());
        assertEquals(MptcpOptions.MPTCP_RST_EMIDDLEBOX, o.rstReason());
        assertArrayEquals(hex("1e048003"), written(new MptcpOption().mpTcpRst(0, MptcpOptions.MPTCP_RST_EPROHIBIT)));
    }

    @Test
    void severalMptcpOptionsInOneSegment() {
        // NOP NOP TS, DSS (32-bit DATA_ACK), MP_PRIO + NOP, REMOVE_ADDR one id
        byte[] b = hex("0101080a 00000001 00000002 1e082001 104e418c 1e035101 1e044002");
        MptcpOptionsReceived rx = new MptcpOptionsReceived();
        assertEquals(3, MptcpOptions.parseTcpOptions(b, 0, b.length, rx));
        assertTrue(rx.ok());
        assertEquals(12, rx.offset(0));
        assertEquals(MptcpOptions.MPTCPOPT_DSS, rx.option(0).subtype());
        assertTrue(rx.find(MptcpOptions.MPTCPOPT_MP_PRIO).backup());
        assertEquals(2, rx.find(MptcpOptions.MPTCPOPT_RM_ADDR).removeId(0));
        assertNull(rx.find(MptcpOptions.MPTCPOPT_MP_JOIN));
    }

    // ------------------------------------------------------------------ malformed input

    @Test
    void wrongLengthsPerSubtypeAreBadLength() {
        for (String s : new String[] {
            "1e05 0101 00", "1e0d 0101 fe2e14992ddd215c 00", "1e15 0101 " + "00".repeat(17), "1e17 0101 " + "00".repeat(19),
            "1e0b 1000 " + "00".repeat(7), "1e0d 1000 " + "00".repeat(9), "1e14 1000 " + "00".repeat(16),
            "1e05 2001 00", "1e03 20", "1e0a 2001 00000000 0000", "1e0c 2001 00000000 00000000", // A: 8 expected
            "1e0c 2004 " + "00".repeat(8), "1e10 2005 " + "00".repeat(12), // M without m: 14 (or 16) with A... 18
            "1e0a 2000 000000000000", // no flag, checksum-sized tail without a mapping
            "1e10 3102 c6120201 0102030405060708", // an echo with an HMAC
            "1e08 3002 c6120201", // an advertisement without HMAC
            "1e09 3002 c6120201 00", "1e03 4000", "1e0c 4000 " + "00".repeat(9), // 0 and 9 ids
            "1e04 5001", "1e0b 6000 " + "00".repeat(7), "1e0d 7000 " + "00".repeat(9), "1e05 8000 00", "1e03 80",
            "1e02 00", "1e00", "1e01",
        }) {
            MptcpOption o = parse(s);
            assertEquals(Status.BAD_LENGTH, o.status(), s);
            assertFalse(o.ok());
        }
        // the DSS lengths that are right
        assertEquals(Status.OK, parse("1e0e 2004 00000000 00000000 0000").status());
        assertEquals(Status.OK, parse("1e10 2004 00000000 00000000 0000 0000").status());
        assertTrue(parse("1e10 2004 00000000 00000000 0000 0000").hasChecksum());
    }

    @Test
    void truncatedUnknownNotMptcpAndUnsupported() {
        assertEquals(Status.TRUNCATED, parse("1e14 0101 91a81d1d0e351681").status());
        assertEquals(Status.TRUNCATED, parse("1e").status());
        assertEquals(Status.TRUNCATED, parse("").status());
        MptcpOption o = new MptcpOption();
        assertEquals(Status.TRUNCATED, MptcpOptions.parse(null, 0, 4, o));
        assertEquals(Status.TRUNCATED, MptcpOptions.parse(new byte[4], 2, 4, o));
        assertEquals(Status.TRUNCATED, MptcpOptions.parse(new byte[4], -1, 4, o));
        assertEquals(Status.NOT_MPTCP, parse("0204 05b4").status());
        for (int st = 9; st <= 15; st++) {
            String s = "1e04 " + Integer.toHexString(st) + "000";
            assertEquals(Status.UNKNOWN_SUBTYPE, parse(s).status(), s);
            assertEquals(st, parse(s).subtype());
        }
        assertEquals(Status.UNSUPPORTED, parse("1e04 0001").status(), "version 0");
        assertEquals(Status.UNSUPPORTED, parse("1e0c 0201 fe2e14992ddd215c").status(), "version 2 on a SYN-ACK");
        assertEquals(Status.UNSUPPORTED, parse("1e04 0180").status(), "no HMAC-SHA256");
        assertEquals(Status.UNSUPPORTED, parse("1e04 0141").status(), "extensibility");

        // the TCP option walk
        MptcpOptionsReceived rx = new MptcpOptionsReceived();
        byte[] b = hex("0101 1e08 2001 104e418c 1e");
        assertEquals(1, MptcpOptions.parseTcpOptions(b, 0, b.length, rx));
        assertEquals(Status.TRUNCATED, rx.walkStatus());
        assertFalse(rx.ok());
        b = hex("1e08 2001 104e418c 1e01");
        MptcpOptions.parseTcpOptions(b, 0, b.length, rx);
        assertEquals(Status.BAD_LENGTH, rx.walkStatus());
        b = hex("1e0c 2001 104e418c");
        MptcpOptions.parseTcpOptions(b, 0, b.length, rx);
        assertEquals(Status.TRUNCATED, rx.walkStatus());
        assertEquals(0, rx.count());
        b = hex("1e04 2000 00 1e04 2000");
        assertEquals(1, MptcpOptions.parseTcpOptions(b, 0, b.length, rx), "EOL ends the walk");
        assertEquals(0, MptcpOptions.parseTcpOptions(null, 0, 3, rx));
        assertEquals(Status.TRUNCATED, rx.walkStatus());
        b = hex("1e05 2001 00 1e04 2000");
        assertEquals(2, MptcpOptions.parseTcpOptions(b, 0, b.length, rx));
        assertEquals(Status.OK, rx.walkStatus());
        assertEquals(Status.BAD_LENGTH, rx.option(0).status());
        assertFalse(rx.ok());
        assertNotNull(rx.find(MptcpOptions.MPTCPOPT_DSS));
    }

    @Test
    void fuzzedCaptureOptionsNeverThrow() throws IOException {
        SplittableRandom rnd = new SplittableRandom(8684);
        MptcpOption o = new MptcpOption();
        MptcpOptionsReceived rx = new MptcpOptionsReceived();
        byte[] out = new byte[64];
        int ok = 0;
        int bad = 0;
        for (TcpFrame f : PcapFrames.readTcp("linux-mptcp.pcap")) {
            byte[] opts = f.options();
            for (int cut = 0; cut <= opts.length; cut++) {
                MptcpOptions.parseTcpOptions(opts, 0, cut, rx);
                for (int i = 0; i < cut; i++) MptcpOptions.parse(opts, i, cut - i, o);
            }
            for (int k = 0; k < 40; k++) {
                byte[] m = opts.clone();
                m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                MptcpOptions.parseTcpOptions(m, 0, m.length, rx);
                for (int i = 0; i < rx.count(); i++) {
                    MptcpOption x = rx.option(i);
                    if (x.ok()) {
                        ok++;
                        // whatever parses writes back to the same length
                        assertEquals(x.size(), x.write(out, 0));
                    } else {
                        bad++;
                    }
                }
            }
        }
        for (int k = 0; k < 20000; k++) {
            byte[] m = new byte[rnd.nextInt(42)];
            for (int i = 0; i < m.length; i++) m[i] = (byte) rnd.nextInt(256);
            if (m.length > 0 && rnd.nextBoolean()) m[0] = 30;
            if (m.length > 2 && rnd.nextBoolean()) m[1] = (byte) rnd.nextInt(m.length + 3);
            MptcpOptions.parse(m, 0, m.length, o);
            MptcpOptions.parseTcpOptions(m, 0, m.length, rx);
        }
        assertTrue(ok > 1000 && bad > 100, ok + " ok, " + bad + " bad");
    }

    @Test
    void parsingTheCaptureDoesNotAllocate() throws IOException {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(tmx.isThreadAllocatedMemorySupported() && tmx.isThreadAllocatedMemoryEnabled());
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        byte[][] buf = new byte[frames.size()][];
        int[] off = new int[frames.size()];
        int[] len = new int[frames.size()];
        for (int i = 0; i < buf.length; i++) {
            buf[i] = frames.get(i).frame();
            off[i] = frames.get(i).optOff();
            len[i] = frames.get(i).optLen();
        }
        MptcpOptionsReceived rx = new MptcpOptionsReceived();
        long sink = 0;
        for (int round = 0; round < 200; round++) { // warm up (JIT)
            for (int i = 0; i < buf.length; i++) sink += MptcpOptions.parseTcpOptions(buf[i], off[i], len[i], rx);
        }
        long tid = Thread.currentThread().getId();
        long before = tmx.getThreadAllocatedBytes(tid);
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < buf.length; i++) sink += MptcpOptions.parseTcpOptions(buf[i], off[i], len[i], rx);
        }
        long allocated = tmx.getThreadAllocatedBytes(tid) - before;
        assertEquals(2L * 200 * 212, sink, "every frame has one MPTCP option");
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated for 42400 segments");
    }
}
