package org.nicemu.apps;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;

/**
 * Hashes received bytes (SHA-256) and, when an expected seed is given, compares them with that
 * {@link SeededStream}, remembering the stream offset of the first byte that differs; with an
 * expected seed the hash can be left out. Both happen on a pool thread ({@link ChunkPipe});
 * {@link #sha256} and {@link #mismatchAt} wait for it.
 */
final class StreamChecker {
    /** Bytes handed to the pipe per chunk (at least). */
    private static final int CHUNK = 256 * 1024;
    /** Most bytes one in-place receive ({@link #buffer}) may write. */
    static final int MAX_RECEIVE = 64 * 1024;

    private final ChunkPipe pipe = new ChunkPipe(CHUNK, MAX_RECEIVE, this::check, ForkJoinPool.commonPool());
    /** Pool-thread state (read after {@link ChunkPipe#await}). */
    private final MessageDigest sha;
    private final SeededStream expect;
    private final byte[] scratch;
    private long checked;
    private long mismatch = -1;
    /** Bytes received. */
    long bytes;

    /** {@code expectSeed} null: hash only. */
    StreamChecker(Long expectSeed) {
        this(expectSeed, true);
    }

    /** @param hash false: compare only ({@code expectSeed} is then required; {@link #sha256} is null) */
    StreamChecker(Long expectSeed, boolean hash) {
        if (!hash && expectSeed == null) throw new IllegalArgumentException("without hashing there must be a seed to compare with");
        sha = hash ? Sha.newDigest() : null;
        expect = expectSeed == null ? null : new SeededStream(expectSeed);
        scratch = expectSeed == null ? null : new byte[CHUNK + MAX_RECEIVE];
    }

    /** Where to receive the next at most {@link #MAX_RECEIVE} bytes: {@code buffer()[offset()]}, then {@link #received(int)}. */
    byte[] buffer() {
        return pipe.chunk();
    }

    int offset() {
        return pipe.filled();
    }

    /** Accounts {@code n} bytes received in place at {@code buffer()[offset()]}. */
    void received(int n) {
        pipe.commit(n);
        bytes += n;
    }

    /** Accounts bytes received elsewhere: copies them in. */
    void received(byte[] b, int off, int n) {
        pipe.append(b, off, n);
        bytes += n;
    }

    /** SHA-256 (hex) of the bytes received so far; null when not hashing. */
    String sha256() {
        if (sha == null) return null;
        pipe.await();
        return Sha.hex(sha);
    }

    /** Offset of the first wrong byte, -1 while everything matched (or nothing is expected). */
    long mismatchAt() {
        pipe.await();
        return mismatch;
    }

    /** Pool thread: hashes {@code b[off, off+n)} and compares it with the expected stream. */
    private void check(byte[] b, int off, int n) {
        if (sha != null) sha.update(b, off, n);
        if (expect != null) {
            if (mismatch < 0) {
                expect.fill(scratch, 0, n);
                int m = Arrays.mismatch(b, off, off + n, scratch, 0, n);
                if (m >= 0) mismatch = checked + m;
            } else {
                expect.skip(n);
            }
        }
        checked += n;
    }
}
