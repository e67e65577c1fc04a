package org.nicemu.pktgen;

/**
 * Departure times of a constant-rate stream with exact integer arithmetic: frame {@code n} departs
 * at {@code start + floor(n * num / den)} nanoseconds, for an interval of {@code num / den} ns that
 * need not be an integer. The quotient and remainder of one interval are added per frame, with the
 * remainder carried, so the schedule never drifts and nothing overflows however long it runs.
 *
 * <p>Linux pktgen keeps {@code next_tx} and adds an integer {@code delay} in ns per packet
 * ({@code spin()} in net/core/pktgen.c), losing the fractional nanoseconds; this pacer keeps them.
 */
final class Pacer {
    private final long stepNanos;
    private final long stepRem;
    private final long den;
    private long next;
    private long acc;

    /**
     * @param start first departure time (ns)
     * @param num   interval numerator (ns × den), {@code num >= den}
     * @param den   interval denominator, positive
     */
    Pacer(long start, long num, long den) {
        if (den <= 0 || num < den) throw new IllegalArgumentException("pacing interval " + num + "/" + den + " ns");
        this.stepNanos = num / den;
        this.stepRem = num % den;
        this.den = den;
        this.next = start;
    }

    /** The departure time of the next frame. */
    long next() {
        return next;
    }

    /** Moves to the following frame. */
    void advance() {
        next += stepNanos;
        acc += stepRem;
        if (acc >= den) {
            acc -= den;
            next++;
        }
    }
}
