package org.nicemu.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The receiver's check: the offset of the first wrong byte, with and without the SHA-256. */
class StreamCheckerTest {
    /** Feeds {@code in} to {@code c} in random pieces, alternately in place and copied in. */
    private static void feed(StreamChecker c, byte[] in) {
        SplittableRandom r = new SplittableRandom(9);
        int off = 0;
        while (off < in.length) {
            int n = Math.min(in.length - off, r.nextInt(1, StreamChecker.MAX_RECEIVE + 1));
            if (r.nextBoolean()) {
                System.arraycopy(in, off, c.buffer(), c.offset(), n);
                c.received(n);
            } else {
                c.received(in, off, n);
            }
            off += n;
        }
    }

    @Test
    void compareOnlyFindsTheFirstWrongByteAndHashesNothing() {
        byte[] in = AppsContract.bytes(11, 2_000_000);
        in[1_234_567] ^= 0x10;
        in[1_500_000] ^= 0x01;
        StreamChecker c = new StreamChecker(11L, false);
        feed(c, in);
        assertEquals(1_234_567L, c.mismatchAt());
        assertNull(c.sha256());
        assertEquals(2_000_000L, c.bytes);
    }

    @Test
    void hashingAndComparingAgreeWithTheSendersHash() throws Exception {
        byte[] in = AppsContract.bytes(12, 1_000_000);
        StreamChecker c = new StreamChecker(12L, true);
        feed(c, in);
        assertEquals(-1L, c.mismatchAt());
        assertEquals(AppsContract.sha(12, 1_000_000), c.sha256());
    }

    @Test
    void resultsReadWhileAReceiveIsPendingLoseNothing() throws Exception {
        byte[] in = AppsContract.bytes(13, 300_000);
        StreamChecker c = new StreamChecker(13L, true);
        int off = 0;
        while (off < in.length) {
            int n = Math.min(in.length - off, 50_000);
            byte[] b = c.buffer();
            int at = c.offset();
            assertEquals(AppsContract.sha(13, off), c.sha256(), "mid-stream, after " + off + " bytes");
            assertEquals(-1L, c.mismatchAt());
            System.arraycopy(in, off, b, at, n);
            c.received(n);
            off += n;
        }
        assertEquals(AppsContract.sha(13, in.length), c.sha256());
        assertEquals(300_000L, c.bytes);
    }

    @Test
    void compareOnlyNeedsASeed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StreamChecker(null, false));
        assertEquals("without hashing there must be a seed to compare with", e.getMessage());
    }
}
