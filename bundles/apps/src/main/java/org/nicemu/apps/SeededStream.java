package org.nicemu.apps;

/**
 * A deterministic pseudo-random byte stream from a 64-bit seed, so that a sender and a checker
 * regenerate the same bytes. Byte {@code p} is byte {@code p & 7} (little endian) of the SplitMix64
 * output {@code mix(seed + (p / 8 + 1) * 0x9E3779B97F4A7C15)}: the stream does not depend on how it
 * is cut into chunks, and any position can be regenerated ({@link #byteAt}). Fills caller buffers
 * without allocating. Not thread-safe (one per flow, on the loop thread).
 */
public final class SeededStream {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private long position;

    public SeededStream(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** Bytes produced (or skipped) so far: the position of the next byte. */
    public long position() {
        return position;
    }

    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Words generated per inner loop of {@link #fill}: the length of {@link #GAMMA_MULTIPLES}. */
    private static final int BLOCK = 256;

    /** {@code k * GAMMA} for {@code k < BLOCK} (immutable, shared by all streams). */
    private static final long[] GAMMA_MULTIPLES = new long[BLOCK];

    static {
        for (int k = 0; k < BLOCK; k++) GAMMA_MULTIPLES[k] = k * GAMMA;
    }

    /**
     * Fills {@code buf[off, off+len)} with the next {@code len} bytes of the stream. For speed the
     * whole words are computed in blocks from a table of multiples of the gamma, a loop C2 vectorizes.
     */
    public void fill(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off > buf.length - len) throw new IndexOutOfBoundsException("off " + off + " len " + len + " of " + buf.length);
        long p = position;
        int i = off, end = off + len;
        while (i < end && (p & 7) != 0) { // up to the next whole word
            buf[i++] = byteAt(seed, p++);
        }
        while (end - i >= 8) { // whole words, little-endian as byteAt() defines them
            int n = Math.min(BLOCK, (end - i) >>> 3);
            long state = seed + ((p >>> 3) + 1) * GAMMA; // word(seed, p >>> 3)'s SplitMix64 state
            // word k of the block has state + k * GAMMA; a table load instead of a multiply by the
            // loop index lets C2 (JDK 17) vectorize this loop
            for (int k = 0; k < n; k++) {
                LONG_LE.set(buf, i + 8 * k, mix(state + GAMMA_MULTIPLES[k]));
            }
            i += 8 * n;
            p += 8L * n;
        }
        while (i < end) {
            buf[i++] = byteAt(seed, p++);
        }
        position = p;
    }

    /** Skips {@code n} bytes. */
    public void skip(long n) {
        if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
        position += n;
    }

    /** The byte at stream position {@code p} of the stream with this seed. */
    public static byte byteAt(long seed, long p) {
        return (byte) (word(seed, p >>> 3) >>> (8 * (int) (p & 7)));
    }

    /** The {@code i}-th 64-bit word: SplitMix64's output for state {@code seed + (i + 1) * gamma}. */
    static long word(long seed, long i) {
        return mix(seed + (i + 1) * GAMMA);
    }

    /** SplitMix64's output function, as in {@link #word}: {@code word(seed, i) == mix(seed + (i + 1) * GAMMA)}. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
