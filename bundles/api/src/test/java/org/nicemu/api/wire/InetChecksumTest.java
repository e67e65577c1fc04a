package org.nicemu.api.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class InetChecksumTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d.
        byte[] b = hex("0001 f203 f4f5 f6f7");
        long sum = InetChecksum.partial(b, 0, b.length, 0);
        assertEquals(0xddf2, InetChecksum.reduce(sum));
        assertEquals(0x220d, InetChecksum.fold(sum));
        assertEquals(0x220d, InetChecksum.checksum(b, 0, b.length));
    }

    @Test
    void oddLengthPadsTheLastByteAsHighByte() {
        byte[] b = hex("010203");
        assertEquals(0x0102 + 0x0300, InetChecksum.partial(b, 0, 3, 0));
        assertEquals(0x0100, InetChecksum.partial(b, 0, 1, 0));
        assertEquals(0, InetChecksum.partial(b, 1, 0, 0));
        // a 4-byte-aligned body plus a 2-byte and a 1-byte tail
        byte[] c = hex("ffff ffff ffff 01");
        assertEquals(0xffff, InetChecksum.reduce(InetChecksum.partial(c, 0, 6, 0)));
        assertEquals(0x0100, InetChecksum.reduce(InetChecksum.partial(c, 0, 7, 0))); // 0xffff + 0x0100 end-around
    }

    @Test
    void partialChainsWithInitialSumAndRejectsBadRegions() {
        byte[] b = hex("0001 f203 f4f5 f6f7");
        long first = InetChecksum.partial(b, 0, 4, 0);
        assertEquals(0x220d, InetChecksum.fold(InetChecksum.partial(b, 4, 4, first)));
        assertThrows(IndexOutOfBoundsException.class, () -> InetChecksum.partial(b, 6, 4, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> InetChecksum.partial(b, -1, 2, 0));
    }

    /** Fills {@code b} with zeros (1 in 4), 0xff bytes (1 in 4) or random bytes: the edge cases of a ones'-complement sum and the rest. */
    static void randomContent(java.util.SplittableRandom r, byte[] b) {
        int kind = r.nextInt(4);
        if (kind == 0) java.util.Arrays.fill(b, (byte) 0);
        else if (kind == 1) java.util.Arrays.fill(b, (byte) 0xff);
        else r.nextBytes(b);
    }

    /** The word-by-word definition: big-endian 16-bit words, an odd last byte as a high byte. */
    static long reference(byte[] b, int off, int len, long sum) {
        long s = sum;
        for (int i = 0; i < len; i += 2) s += (b[off + i] & 0xff) << 8 | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        return s;
    }

    @Test
    void wordAtATimeSumEqualsTheDefinitionAtAnyOffsetAndLength() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        byte[] b = new byte[1600];
        for (int k = 0; k < 20_000; k++) {
            randomContent(r, b);
            int off = r.nextInt(40);
            int len = r.nextInt(b.length - off);
            long init = r.nextInt(3) == 0 ? 0 : r.nextLong(1L << 40);
            long got = InetChecksum.partial(b, off, len, init);
            long want = reference(b, off, len, init);
            assertEquals(InetChecksum.reduce(want), InetChecksum.reduce(got), "off " + off + " len " + len);
            assertEquals(want == 0, got == 0, "zero only for zero data and no initial sum");
        }
    }

    /**
     * The unfolded sum partial() documents, byte by byte: little-endian 32-bit words, folded to 16
     * bits and byte-swapped, then big-endian 16-bit words and a padded odd byte.
     */
    static long fourBytesAtATime(byte[] b, int off, int len, long sum) {
        int i = off, end = off + len;
        long le = 0;
        for (; i <= end - 4; i += 4) {
            le += ((b[i + 3] & 0xffL) << 24) | ((b[i + 2] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i] & 0xff);
        }
        long f = le;
        while (f > 0xffff) f = (f & 0xffff) + (f >>> 16);
        long s = (f & 0xff) << 8 | f >>> 8;
        for (; i < end; i += 2) s += (b[i] & 0xff) << 8 | (i + 1 < end ? b[i + 1] & 0xff : 0);
        return InetChecksum.add(sum, s);
    }

    /** 16-bit ones'-complement addition with end-around carry (RFC 1071), for values up to 0xffff. */
    static int onesAdd16(int a, int w) {
        int r = a + w;
        return (r & 0xffff) + (r >>> 16);
    }

    /**
     * RFC 1071 from its definition: the 16-bit ones'-complement sum of the four 16-bit pieces of
     * {@code init} and the region's big-endian byte pairs (an odd last byte padded with zero).
     */
    static int rfc1071(byte[] b, int off, int len, long init) {
        int acc = 0;
        for (int k = 0; k < 64; k += 16) acc = onesAdd16(acc, (int) (init >>> k) & 0xffff);
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            acc = onesAdd16(acc, hi << 8 | lo);
        }
        return acc;
    }

    @Test
    void knownAnswersForShortRegionsAndWrappingSums() {
        byte[] b = hex("0001 f203 f4f5 f6f7");
        // the unfolded sum (little-endian 32-bit words folded and byte-swapped, plus the big-endian
        // tail) and its fold, for each prefix length 0..8
        long[] unfolded = {0, 0, 0x1, 0xf201, 0xf204, 0x1e604, 0x1e6f9, 0x2dcf9, 0xddf2};
        int[] reduced = {0, 0, 0x1, 0xf201, 0xf204, 0xe605, 0xe6fa, 0xdcfb, 0xddf2};
        byte[] shifted = new byte[b.length + 3]; // the same bytes at an odd offset
        System.arraycopy(b, 0, shifted, 3, b.length);
        for (int len = 0; len <= 8; len++) {
            assertEquals(unfolded[len], InetChecksum.partial(b, 0, len, 0), "len " + len);
            assertEquals(unfolded[len], InetChecksum.partial(shifted, 3, len, 0), "odd offset, len " + len);
            assertEquals(reduced[len], InetChecksum.reduce(InetChecksum.partial(b, 0, len, 0)), "len " + len);
        }
        byte[] ones = hex("ffff ffff ffff ffff ff");
        // the words fold to 0xffff, which added to 2^64 - 1 wraps: the end-around carry adds the lost 2^64 back as 1
        assertEquals(0xffffL, InetChecksum.partial(ones, 0, 8, -1L));
        assertEquals(0xffff, InetChecksum.reduce(InetChecksum.partial(ones, 0, 8, -1L)));
        assertEquals(1, InetChecksum.partial(b, 0, 2, -1L)); // (2^64 - 1) + 1 == 1
        assertEquals(0xff00, InetChecksum.partial(ones, 8, 1, 0));
        assertEquals(0x0000, InetChecksum.checksum(ones, 0, 8));
    }

    /**
     * partial() returns exactly the unfolded sum it documents (little-endian 32-bit words folded and
     * swapped, plus the tail, recomputed byte by byte here), and folds to the RFC 1071 sum, for random data, offsets (odd ones too), lengths 0..3000 and initial sums (some
     * near 2^64); and blockAdd() of two pieces split at a random (possibly odd) point agrees as well.
     */
    @Test
    void randomRegionsMatchTheRfc1071Definition() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(0x1071);
        byte[] b = new byte[3100];
        for (int k = 0; k < 20_000; k++) {
            randomContent(r, b);
            int len = r.nextInt(4) == 0 ? r.nextInt(17) : r.nextInt(3001);
            int off = r.nextInt(b.length - len + 1);
            long init;
            switch (r.nextInt(5)) {
                case 0: init = 0; break;
                case 1: init = -1L - r.nextLong(1L << 36); break; // near 2^64: the final add wraps
                case 2: init = r.nextLong(1L << 20); break;
                default: init = r.nextLong(); break;
            }
            String what = "off " + off + " len " + len + " init " + Long.toHexString(init);
            long got = InetChecksum.partial(b, off, len, init);
            assertEquals(fourBytesAtATime(b, off, len, init), got, what);
            int want = rfc1071(b, off, len, init);
            assertEquals(want, InetChecksum.reduce(got), what);
            assertEquals(~want & 0xffff, InetChecksum.fold(got), what);
            int split = r.nextInt(len + 1);
            long first = InetChecksum.partial(b, off, split, init);
            long chained = InetChecksum.blockAdd(first, InetChecksum.partial(b, off + split, len - split, 0), split);
            assertEquals(want, InetChecksum.reduce(chained), what + " split " + split);
        }
    }

    @Test
    void foldHandlesLargeAndWrappingSums() {
        assertEquals(0xffff, InetChecksum.reduce(0xffffL));
        assertEquals(0, InetChecksum.reduce(0));
        assertEquals(0xffff, InetChecksum.fold(0));
        assertEquals(0x0000, InetChecksum.fold(0xffffL));
        assertEquals(0x0001, InetChecksum.reduce(0x10000L)); // carry wraps around
        assertEquals(0xffff, InetChecksum.reduce(-1L)); // 2^64 - 1 is a multiple of 0xffff
        assertEquals(1, InetChecksum.reduce(InetChecksum.add(-1L, 1L)));
    }

    @Test
    void realIpv4HeaderChecksum() {
        // 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7
        byte[] h = hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
        assertEquals(0xb861, InetChecksum.checksum(h, 0, 20));
        h[10] = (byte) 0xb8;
        h[11] = 0x61;
        assertTrue(InetChecksum.verifies(h, 0, 20));
        h[11] = 0x62;
        assertFalse(InetChecksum.verifies(h, 0, 20));
    }

    @Test
    void bothRepresentationsOfZeroVerify() {
        // 0x1234 + 0xedcb = 0xffff, so the checksum is ~0xffff = 0x0000
        byte[] b = hex("1234 edcb 0000");
        assertEquals(0x0000, InetChecksum.checksum(b, 0, 4));
        assertTrue(InetChecksum.verifies(b, 0, 6));
        b[4] = (byte) 0xff;
        b[5] = (byte) 0xff;
        assertTrue(InetChecksum.verifies(b, 0, 6));
        b[5] = (byte) 0xfe;
        assertFalse(InetChecksum.verifies(b, 0, 6));
    }

    @Test
    void pseudoHeader() {
        int src = 0xc6120001, dst = 0xc6120002; // 198.18.0.1 -> 198.18.0.2
        assertEquals(0xc612 + 0x0001 + 0xc612 + 0x0002 + 17 + 20, InetChecksum.pseudoHeaderV4(src, dst, 17, 20));
    }

    @Test
    void blockAddSwapsOddOffsets() {
        byte[] b = hex("0102 0304 05");
        long whole = InetChecksum.partial(b, 0, 5, 0);
        long split = InetChecksum.blockAdd(InetChecksum.partial(b, 0, 3, 0), InetChecksum.partial(b, 3, 2, 0), 3);
        assertEquals(InetChecksum.reduce(whole), InetChecksum.reduce(split));
        long even = InetChecksum.blockAdd(InetChecksum.partial(b, 0, 2, 0), InetChecksum.partial(b, 2, 3, 0), 2);
        assertEquals(InetChecksum.reduce(whole), InetChecksum.reduce(even));
    }

    @Test
    void replace2MatchesRecomputation() {
        byte[] h = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
        // TTL 0x40 -> 0x3f: the word 0x4011 becomes 0x3f11; RFC 1624 gives 0xb961
        assertEquals(0xb961, InetChecksum.replace2(0xb861, 0x4011, 0x3f11));
        assertEquals(0x3f, Ipv4Header.decreaseTtl(h, 0));
        assertEquals(0xb961, Ipv4Header.checksum(h, 0));
        assertEquals(0xb961, Ipv4Header.computeChecksum(h, 0));
    }
}
