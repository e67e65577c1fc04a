package org.nicemu.mptcp;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.mptcp.wire.MptcpOption;
import org.nicemu.mptcp.wire.MptcpOptions;
import org.nicemu.mptcp.wire.MptcpOptionsReceived;
import org.nicemu.tcp.wire.PcapFrames;
import org.nicemu.tcp.wire.PcapFrames.TcpFrame;

/**
 * The cryptography recomputed from the keys and nonces of the Linux capture {@code linux-mptcp.pcap}
 * (client 198.18.1.2 = host A, the initiator; server 198.18.1.1 = host B).
 */
class MptcpCryptoTest {

    private static final HexFormat HEX = HexFormat.of();

    /** The one MPTCP option of capture frame {@code number}. */
    private static MptcpOption option(List<TcpFrame> frames, int number) {
        TcpFrame f = frames.get(number - 1);
        MptcpOptionsReceived rx = new MptcpOptionsReceived();
        assertEquals(1, MptcpOptions.parseTcpOptions(f.frame(), f.optOff(), f.optLen(), rx));
        assertTrue(rx.ok());
        return rx.option(0);
    }

    @Test
    void tokensAndIdsnsFromTheCaptureKeys() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        MptcpOption mpcAck = option(frames, 3);
        long keyA = mpcAck.sndrKey();
        long keyB = mpcAck.rcvrKey();
        assertEquals(option(frames, 2).sndrKey(), keyB, "the third ACK echoes the SYN-ACK key");
        MptcpCrypto c = new MptcpCrypto();

        // tshark: expected_token / expected_idsn
        assertEquals(606728017, c.token(keyB));
        assertEquals(3199528826502529419L, c.idsn(keyB));
        assertEquals(4000762796L, c.token(keyA) & 0xffffffffL);
        assertEquals(0xe0089ed7a4e33458L, c.idsn(keyA)); // 16143327513331053656

        // the MP_JOIN SYN of the second path carries the server's token
        MptcpOption joinSyn = option(frames, 6);
        assertEquals(c.token(keyB), joinSyn.token());

        // the first data: DSN = IDSN + 1 (RFC 8684 §3.1: the SYN takes IDSN), subflow sequence 1
        MptcpOption firstData = option(frames, 12);
        assertEquals(c.idsn(keyA) + 1, firstData.dsn());
        assertEquals(1, firstData.subflowSeq());
        // the server sends no data: its DATA_FIN takes IDSN + 1, and the client's 32-bit DATA_ACKs
        // are the low bits of it (then + 1 after the DATA_FIN)
        assertEquals(c.idsn(keyB) + 1, option(frames, 203).dsn());
        assertEquals((c.idsn(keyB) + 1) & 0xffffffffL, firstData.dataAck());
        assertEquals((c.idsn(keyB) + 2) & 0xffffffffL, option(frames, 205).dataAck());
        // the server's first 64-bit DATA_ACK acknowledges the first 1424 bytes
        assertEquals(c.idsn(keyA) + 1 + 1424, option(frames, 13).dataAck());
    }

    @Test
    void mpJoinHmacsFromTheCaptureKeysAndNonces() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        long keyA = option(frames, 3).sndrKey();
        long keyB = option(frames, 3).rcvrKey();
        int nonceA = option(frames, 6).nonce();
        MptcpOption synAck = option(frames, 7);
        int nonceB = synAck.nonce();
        MptcpCrypto c = new MptcpCrypto();

        // SYN-ACK (host B): leftmost 64 bits of HMAC(Key-B || Key-A, R-B || R-A)
        assertEquals(synAck.truncatedHmac(), c.joinTruncatedHmac(keyB, keyA, nonceB, nonceA));
        assertEquals(0x38ceae96cd7b5e34L, c.joinTruncatedHmac(keyB, keyA, nonceB, nonceA));

        // third ACK (host A): leftmost 160 bits of HMAC(Key-A || Key-B, R-A || R-B)
        byte[] expected = new byte[20];
        option(frames, 8).copyHmac(expected, 0);
        byte[] h = new byte[24];
        c.joinHmac160(keyA, keyB, nonceA, nonceB, h, 2);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(h, 2, 22));
        assertArrayEquals(HEX.parseHex("88f2c0db57950431f767ce9c7d64498810ec3639"), expected);
        // host B checks it
        assertTrue(c.joinHmac160Valid(keyB, keyA, nonceB, nonceA, expected, 0));
        expected[19] ^= 1;
        assertFalse(c.joinHmac160Valid(keyB, keyA, nonceB, nonceA, expected, 0));
        // the argument order matters
        assertFalse(c.joinTruncatedHmac(keyA, keyB, nonceA, nonceB) == synAck.truncatedHmac());
    }

    @Test
    void addAddrHmacsFromTheCapture() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-mptcp.pcap");
        long keyA = option(frames, 3).sndrKey();
        long keyB = option(frames, 3).rcvrKey();
        MptcpCrypto c = new MptcpCrypto();

        // the server (B) announces 198.18.2.1 id 2: rightmost 64 bits of HMAC(Key-B || Key-A, id || addr || port 0)
        MptcpOption fromServer = option(frames, 4);
        assertEquals(fromServer.addrHmac(),
                c.addAddrHmac4(keyB, keyA, fromServer.addressId(), fromServer.addrIpv4(), fromServer.port()));
        assertEquals(0xd86c01e7202a548eL, c.addAddrHmac4(keyB, keyA, 2, 0xc6120201, 0));
        byte[] a = new byte[6];
        fromServer.copyAddr(a, 1);
        assertEquals(0xd86c01e7202a548eL, c.addAddrHmac(keyB, keyA, 2, a, 1, 4, 0));

        // the client (A) announces 198.18.2.2 id 2
        MptcpOption fromClient = option(frames, 10);
        assertEquals(0xff66103ecb5f6fa8L, fromClient.addrHmac());
        assertEquals(fromClient.addrHmac(), c.addAddrHmac4(keyA, keyB, 2, 0xc6120202, 0));
        // the port is part of the message
        assertFalse(c.addAddrHmac4(keyA, keyB, 2, 0xc6120202, 5108) == fromClient.addrHmac());
    }

    @Test
    void dssChecksumHandChecked() {
        // DSN 0x0102030405060708, ssn 1, length 4, payload "abcd":
        // 0102+0304+0506+0708 = 1014; + 0000 + 0001 (ssn) + 0004 (len) + 0000 (csum) = 1019;
        // + 6162 + 6364 = d4df; ones' complement: 2b20
        byte[] p = "abcd".getBytes(StandardCharsets.US_ASCII);
        int csum = MptcpCrypto.dssChecksum(0x0102030405060708L, 1, p, 0, 4);
        assertEquals(0x2b20, csum);
        assertTrue(MptcpCrypto.dssChecksumValid(0x0102030405060708L, 1, 4, csum, MptcpCrypto.csumPartial(p, 0, 4, 0)));
        assertFalse(MptcpCrypto.dssChecksumValid(0x0102030405060708L, 2, 4, csum, MptcpCrypto.csumPartial(p, 0, 4, 0)));

        // with carries and an odd length: DSN ffff...ffff fffe, ssn 0xffffffff, length 3, payload ff ff ff
        // words: ffff ffff ffff fffe | ffff ffff | 0003 | 0000 | ffff ff00 (odd byte padded with zero)
        // sum = 6 * 0xffff + 0xfffe + 0x0003 + 0xff00 = 0x5fffa + 0xfffe + 0x3 + 0xff00 = 0x7fefb;
        // fold: 0xfefb + 0x7 = 0xff02; ones' complement: 0x00fd
        byte[] q = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertEquals(0x00fd, MptcpCrypto.dssChecksum(0xfffffffffffffffeL, 0xffffffff, q, 0, 3));
    }

    @Test
    void dssChecksumOnACraftedMappingSplitOverSegments() {
        // a 3000-byte mapping sent as 1448 + 1448 + 104: the partial sums chain
        byte[] payload = new byte[3000];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 7 + 3);
        long dsn = 0xe0089ed7a4e33459L;
        int ssn = 1;
        int whole = MptcpCrypto.dssChecksum(dsn, ssn, payload, 0, 3000);
        long sum = MptcpCrypto.csumPartial(payload, 0, 1448, 0);
        sum = MptcpCrypto.csumPartial(payload, 1448, 1448, sum);
        sum = MptcpCrypto.csumPartial(payload, 2896, 104, sum);
        assertEquals(whole, MptcpCrypto.dssChecksum(dsn, ssn, 3000, sum));
        assertEquals(reference(dsn, ssn, payload), whole);
        assertTrue(MptcpCrypto.dssChecksumValid(dsn, ssn, 3000, whole, sum));
        // the option carrying it round-trips
        MptcpOption o = new MptcpOption().dss().withDataAck(0x104e418cL, false).withMapping(dsn, true, ssn, 3000, false)
                .withChecksum(whole);
        byte[] b = new byte[24];
        assertEquals(24, o.write(b, 0));
        MptcpOption r = new MptcpOption();
        MptcpOptions.parse(b, 0, 24, r);
        assertTrue(r.ok());
        assertEquals(whole, r.checksum());
        // a flipped payload bit is caught
        payload[1000] ^= 0x10;
        assertFalse(MptcpCrypto.dssChecksumValid(dsn, ssn, 3000, whole, MptcpCrypto.csumPartial(payload, 0, 3000, 0)));
    }

    /** RFC 1071 over the serialized pseudo-header and payload, a second implementation. */
    private static int reference(long dsn, int ssn, byte[] payload) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(16 + payload.length + 1);
        bb.putLong(dsn).putInt(ssn).putShort((short) payload.length).putShort((short) 0).put(payload);
        byte[] all = bb.array();
        int n = 16 + payload.length;
        long sum = 0;
        for (int i = 0; i < n; i += 2) sum += ((all[i] & 0xff) << 8) + (i + 1 < n ? all[i + 1] & 0xff : 0);
        while (sum > 0xffff) sum = (sum >> 16) + (sum & 0xffff);
        return (int) (~sum & 0xffff);
    }

    @Test
    void sha256TokenOfAKnownKey() throws Exception {
        // a second computation through java.security directly
        long key = 0x0123456789abcdefL;
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(HEX.parseHex("0123456789abcdef"));
        MptcpCrypto c = new MptcpCrypto();
        assertEquals(java.nio.ByteBuffer.wrap(d).getInt(0), c.token(key));
        assertEquals(java.nio.ByteBuffer.wrap(d).getLong(24), c.idsn(key));
    }
}
