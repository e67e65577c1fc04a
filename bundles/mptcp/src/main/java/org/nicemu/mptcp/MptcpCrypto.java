package org.nicemu.mptcp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptography of MPTCP v1 (RFC 8684), as net/mptcp/crypto.c and options.c compute it:
 * <ul>
 * <li>key → token (most significant 32 bits of SHA-256 of the 64-bit key in network order) and
 * IDSN (least significant 64 bits), §3.1 ({@code mptcp_crypto_key_sha()});</li>
 * <li>MP_JOIN HMACs, §3.2: HMAC-SHA256 with key {@code Key-X || Key-Y} (8 + 8 bytes) over
 * {@code R-X || R-Y} (4 + 4 bytes), X being the sender: the SYN-ACK carries the leftmost 64 bits
 * (host B: {@code HMAC(Key-B||Key-A, R-B||R-A)}), the third ACK the leftmost 160 bits (host A:
 * {@code HMAC(Key-A||Key-B, R-A||R-B)});</li>
 * <li>ADD_ADDR HMAC, §3.4.1: key {@code Key-sender || Key-receiver} over
 * {@code address id || address || port} (port 2 bytes, 0 when absent); the option carries the
 * rightmost 64 bits ({@code add_addr_generate_hmac()});</li>
 * <li>the DSS checksum, §3.3.1: the Internet checksum over the pseudo-header
 * {@code DSN (64) || subflow sequence number (32) || data-level length (16) || 0 (16)} and the
 * payload ({@code __mptcp_make_csum()}).</li>
 * </ul>
 * An instance holds one {@link MessageDigest} and one {@link Mac} with scratch buffers and is not
 * thread-safe: keep one per CPU or per socket. The checksum methods are static.
 */
public final class MptcpCrypto {
    /** SHA-256 output length. */
    public static final int SHA256_DIGEST_SIZE = 32;
    /** The MP_JOIN third-ACK HMAC length: 160 bits. */
    public static final int MPTCP_JOIN_HMAC_LEN = 20;

    private final MessageDigest sha256;
    private final Mac hmac;
    private final byte[] key8 = new byte[8];
    private final byte[] key16 = new byte[16];
    private final byte[] msg = new byte[1 + 16 + 2];
    private final byte[] digest = new byte[SHA256_DIGEST_SIZE];
    private long cachedKeyHi;
    private long cachedKeyLo;
    private boolean keyed;

    public MptcpCrypto() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            hmac = Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every Java platform", e);
        }
    }

    // ------------------------------------------------------------------ key → token, IDSN

    private void keySha(long key) {
        put64(key8, 0, key);
        sha256.update(key8, 0, 8);
        try {
            sha256.digest(digest, 0, SHA256_DIGEST_SIZE);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token of {@code key}: the most significant 32 bits of SHA-256(key), §3.1. */
    public int token(long key) {
        keySha(key);
        return i32(digest, 0);
    }

    /** The initial data sequence number of {@code key}: the least significant 64 bits of SHA-256(key), §3.1. */
    public long idsn(long key) {
        keySha(key);
        return i64(digest, SHA256_DIGEST_SIZE - 8);
    }

    // ------------------------------------------------------------------ HMAC-SHA256

    /** HMAC-SHA256 keyed with {@code key1 || key2} over {@code msg[0..len)} into {@link #digest}. */
    private void hmac(long key1, long key2, byte[] m, int len) {
        try {
            if (!keyed || key1 != cachedKeyHi || key2 != cachedKeyLo) {
                put64(key16, 0, key1);
                put64(key16, 8, key2);
                hmac.init(new SecretKeySpec(key16, "HmacSHA256")); // a new key: handshake time only
                cachedKeyHi = key1;
                cachedKeyLo = key2;
                keyed = true;
            }
            hmac.update(m, 0, len);
            hmac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            keyed = false;
            throw new IllegalStateException(e);
        }
    }

    private void joinHmac(long keyLocal, long keyRemote, int nonceLocal, int nonceRemote) {
        put32(msg, 0, nonceLocal);
        put32(msg, 4, nonceRemote);
        hmac(keyLocal, keyRemote, msg, 8);
    }

    /**
     * The MP_JOIN SYN-ACK truncated HMAC (§3.2): the leftmost 64 bits of
     * {@code HMAC(Key=(keyLocal||keyRemote), Msg=(nonceLocal||nonceRemote))}, where "local" is the
     * sender of the SYN-ACK (the responder, host B).
     */
    public long joinTruncatedHmac(long keyLocal, long keyRemote, int nonceLocal, int nonceRemote) {
        joinHmac(keyLocal, keyRemote, nonceLocal, nonceRemote);
        return i64(digest, 0);
    }

    /**
     * The MP_JOIN third-ACK HMAC (§3.2): the leftmost 160 bits of
     * {@code HMAC(Key=(keyLocal||keyRemote), Msg=(nonceLocal||nonceRemote))}, "local" being the
     * initiator (host A), written to {@code out[off..off+20)}.
     */
    public void joinHmac160(long keyLocal, long keyRemote, int nonceLocal, int nonceRemote, byte[] out, int off) {
        joinHmac(keyLocal, keyRemote, nonceLocal, nonceRemote);
        System.arraycopy(digest, 0, out, off, MPTCP_JOIN_HMAC_LEN);
    }

    /**
     * Checks a received third-ACK HMAC at {@code hmac[off..off+20)} in constant time against
     * {@code HMAC(Key=(keyRemote||keyLocal), Msg=(nonceRemote||nonceLocal))}: arguments from the
     * receiver's (host B's) point of view, as {@code subflow_hmac_valid()}.
     */
    public boolean joinHmac160Valid(long keyLocal, long keyRemote, int nonceLocal, int nonceRemote, byte[] hmac,
            int off) {
        joinHmac(keyRemote, keyLocal, nonceRemote, nonceLocal);
        int diff = 0;
        for (int i = 0; i < MPTCP_JOIN_HMAC_LEN; i++) diff |= digest[i] ^ hmac[off + i];
        return diff == 0;
    }

    /**
     * The ADD_ADDR truncated HMAC (§3.4.1): the rightmost 64 bits of
     * {@code HMAC(Key=(keySender||keyReceiver), Msg=(addressId||address||port))}, the address
     * {@code addrLen} (4 or 16) bytes at {@code addr[off]}, the port 2 bytes (0 when absent).
     */
    public long addAddrHmac(long keySender, long keyReceiver, int addressId, byte[] addr, int off, int addrLen,
            int port) {
        if (addrLen != 4 && addrLen != 16) throw new IllegalArgumentException("address length " + addrLen);
        msg[0] = (byte) addressId;
        System.arraycopy(addr, off, msg, 1, addrLen);
        msg[1 + addrLen] = (byte) (port >>> 8);
        msg[2 + addrLen] = (byte) port;
        hmac(keySender, keyReceiver, msg, 3 + addrLen);
        return i64(digest, SHA256_DIGEST_SIZE - 8);
    }

    /** {@link #addAddrHmac(long, long, int, byte[], int, int, int)} for an IPv4 address as an int. */
    public long addAddrHmac4(long keySender, long keyReceiver, int addressId, int ipv4, int port) {
        msg[0] = (byte) addressId;
        put32(msg, 1, ipv4);
        msg[5] = (byte) (port >>> 8);
        msg[6] = (byte) port;
        hmac(keySender, keyReceiver, msg, 7);
        return i64(digest, SHA256_DIGEST_SIZE - 8);
    }

    // ------------------------------------------------------------------ DSS checksum

    /**
     * Adds {@code b[off..off+len)} as big-endian 16-bit words to the unfolded ones'-complement
     * accumulator {@code sum} ({@code csum_partial()}); an odd last byte is padded with zero. To
     * sum a mapping spread over several buffers, give every piece but the last an even length.
     */
    public static long csumPartial(byte[] b, int off, int len, long sum) {
        int end = off + len;
        int i = off;
        for (; i + 1 < end; i += 2) sum += (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
        if (i < end) sum += (b[i] & 0xff) << 8;
        return sum;
    }

    /** Folds an accumulator to 16 bits (without complementing). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** Adds the DSS pseudo-header (checksum field {@code csumField}) to {@code sum}. */
    private static long pseudoHeader(long dsn, int subflowSeq, int dataLen, int csumField, long sum) {
        sum += (dsn >>> 48) & 0xffff;
        sum += (dsn >>> 32) & 0xffff;
        sum += (dsn >>> 16) & 0xffff;
        sum += dsn & 0xffff;
        sum += (subflowSeq >>> 16) & 0xffff;
        sum += subflowSeq & 0xffff;
        sum += dataLen & 0xffff;
        sum += csumField & 0xffff;
        return sum;
    }

    /**
     * The DSS checksum (§3.3.1) to put in the option: the ones' complement of the ones'-complement
     * sum of the pseudo-header (64-bit DSN, relative subflow sequence number, data-level length,
     * zero checksum) and the mapping's payload, whose unfolded sum is {@code payloadSum} (from
     * {@link #csumPartial}).
     */
    public static int dssChecksum(long dsn, int subflowSeq, int dataLen, long payloadSum) {
        return ~fold(pseudoHeader(dsn, subflowSeq, dataLen, 0, payloadSum)) & 0xffff;
    }

    /** {@link #dssChecksum(long, int, int, long)} over the payload {@code b[off..off+dataLen)}. */
    public static int dssChecksum(long dsn, int subflowSeq, byte[] b, int off, int dataLen) {
        return dssChecksum(dsn, subflowSeq, dataLen, csumPartial(b, off, dataLen, 0));
    }

    /**
     * Receiver side ({@code __mptcp_validate_data_checksum()}): the received checksum is valid
     * when the sum over the pseudo-header carrying it and the payload folds to 0xffff.
     */
    public static boolean dssChecksumValid(long dsn, int subflowSeq, int dataLen, int checksum, long payloadSum) {
        return fold(pseudoHeader(dsn, subflowSeq, dataLen, checksum, payloadSum)) == 0xffff;
    }

    // ------------------------------------------------------------------ bytes

    private static int i32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static long i64(byte[] b, int off) {
        return (long) i32(b, off) << 32 | (i32(b, off + 4) & 0xffffffffL);
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) (v >>> 32));
        put32(b, off + 4, (int) v);
    }
}
