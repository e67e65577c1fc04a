package org.nicemu.qdisc.tbf;

/**
 * A rate prepared for length-to-time conversion, mirroring {@code struct psched_ratecfg}
 * (include/net/sch_generic.h) with {@code psched_ratecfg_precompute()} (net/sched/sch_generic.c) and
 * {@code psched_l2t_ns()}: the time to send {@code len} bytes is {@code (len * mult) >> shift}
 * nanoseconds, with {@code mult}/{@code shift} chosen as the kernel chooses them (the largest
 * {@code mult} below 2^32), so the results match the kernel's to the nanosecond, truncation
 * included. The ATM link-layer table ({@code linklayer atm}) is not modelled.
 */
final class PschedRatecfg {
    private static final long NSEC_PER_SEC = 1_000_000_000L;

    /** {@code rate_bytes_ps}. */
    final long rateBytesPs;
    /** {@code mult}: a u32 (kept in a long). */
    final long mult;
    /** {@code shift}. */
    final int shift;
    /** {@code overhead}: bytes added to every packet. */
    final int overhead;
    /** {@code mpu}: minimum packet unit in bytes. */
    final int mpu;

    /** Mirrors {@code psched_ratecfg_precompute()}. */
    PschedRatecfg(long rateBytesPs, int overhead, int mpu) {
        this.rateBytesPs = rateBytesPs;
        this.overhead = overhead;
        this.mpu = mpu;
        long m = 1;
        int s = 0;
        if (rateBytesPs > 0) {
            long factor = NSEC_PER_SEC;
            for (;;) {
                m = Long.divideUnsigned(factor, rateBytesPs);
                if ((m & (1L << 31)) != 0 || (factor & (1L << 63)) != 0) break;
                factor <<= 1;
                s++;
            }
        }
        this.mult = m;
        this.shift = s;
    }

    /** Mirrors {@code psched_l2t_ns()}: nanoseconds to send {@code len} bytes at this rate (u64 arithmetic). */
    long l2tNs(long len) {
        long l = len + overhead;
        if (l < mpu) l = mpu;
        return (l * mult) >>> shift;
    }
}
