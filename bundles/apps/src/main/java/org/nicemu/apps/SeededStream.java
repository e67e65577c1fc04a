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

    /** Fills {@code buf[off, off+len)} with the next {@code len} bytes of the stream. */
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    public void fill(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off > buf.length - len) throw new IndexOutOfBoundsException("off " + off + " len " + len + " of " + buf.length);
        long p = position;
        int i = off, end = off + len;
        while (i < end && (p & 7) != 0) { // up to the next whole word
            buf[i++] = byteAt(seed, p++);
        }
        while (end - i >= 8) { // whole words, little-endian as byteAt() defines them
            LONG_LE.set(buf, i, word(seed, p >>> 3));
            i += 8;
            p += 8;
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
        long z = seed + (i + 1) * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
