package org.nicemu.apps;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Hashes received bytes and, when an expected seed is given, compares them with that
 * {@link SeededStream}, remembering the stream offset of the first byte that differs.
 */
final class StreamChecker {
    final MessageDigest sha = Sha.newDigest();
    private final SeededStream expect;
    private final byte[] scratch;
    long bytes;
    /** Offset of the first wrong byte, -1 while everything matched (or nothing is expected). */
    long mismatchAt = -1;

    /** {@code expectSeed} null: hash only. */
    StreamChecker(Long expectSeed, int bufSize) {
        expect = expectSeed == null ? null : new SeededStream(expectSeed);
        scratch = expectSeed == null ? null : new byte[bufSize];
    }

    void received(byte[] b, int off, int n) {
        sha.update(b, off, n);
        if (expect != null) {
            if (mismatchAt < 0) {
                expect.fill(scratch, 0, n);
                int m = Arrays.mismatch(b, off, off + n, scratch, 0, n);
                if (m >= 0) mismatchAt = bytes + m;
            } else {
                expect.skip(n);
            }
        }
        bytes += n;
    }
}
