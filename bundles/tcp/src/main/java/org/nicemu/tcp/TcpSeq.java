package org.nicemu.tcp;

/**
 * 32-bit TCP sequence-number arithmetic (RFC 9293 §3.4), mirroring the helpers of
 * include/net/tcp.h {@code before()}, {@code after()} and {@code between()}.
 *
 * <p>Sequence numbers are Java {@code int}s holding the kernel's {@code u32} bit pattern. Comparisons
 * are modulo 2^32: {@code a} is before {@code b} when the signed 32-bit difference {@code a - b} is
 * negative, so the comparison is meaningful for numbers less than 2^31 apart, exactly as in the
 * kernel. Addition and subtraction are plain {@code int} arithmetic (it wraps the same way).
 */
public final class TcpSeq {
    private TcpSeq() {
    }

    /**
     * Whether {@code seq1} comes before {@code seq2}. Mirrors include/net/tcp.h {@code before()}:
     * {@code (s32)(seq1 - seq2) < 0}.
     */
    public static boolean before(int seq1, int seq2) {
        return seq1 - seq2 < 0;
    }

    /**
     * Whether {@code seq2} comes after {@code seq1}. Mirrors include/net/tcp.h {@code after()}
     * ({@code #define after(seq2, seq1) before(seq1, seq2)}).
     */
    public static boolean after(int seq2, int seq1) {
        return before(seq1, seq2);
    }

    /**
     * Whether {@code seq2 <= seq1 <= seq3} in sequence space. Mirrors include/net/tcp.h
     * {@code between()}: {@code seq3 - seq2 >= seq1 - seq2} compared as unsigned 32-bit values.
     */
    public static boolean between(int seq1, int seq2, int seq3) {
        return Integer.compareUnsigned(seq3 - seq2, seq1 - seq2) >= 0;
    }

    /** {@code !before(seq1, seq2)}: seq1 is at or after seq2 (the kernel spells it this way). */
    public static boolean notBefore(int seq1, int seq2) {
        return !before(seq1, seq2);
    }

    /** {@code !after(seq1, seq2)}: seq1 is at or before seq2. */
    public static boolean notAfter(int seq1, int seq2) {
        return !after(seq1, seq2);
    }

    /** The later of two sequence numbers (the kernel writes {@code after(a, b) ? a : b}). */
    public static int max(int a, int b) {
        return after(a, b) ? a : b;
    }

    /** The earlier of two sequence numbers. */
    public static int min(int a, int b) {
        return before(a, b) ? a : b;
    }

    /** The unsigned distance {@code to - from} (u32 subtraction), as a non-negative long. */
    public static long distance(int from, int to) {
        return (to - from) & 0xffff_ffffL;
    }

    /** The {@code u32} value of a sequence number, for printing and comparisons with captures. */
    public static long unsigned(int seq) {
        return seq & 0xffff_ffffL;
    }
}
