package org.nicemu.core.dev;

/**
 * Dynamic queue limits of one TX queue, the algorithm of lib/dynamic_queue_limits.c (BQL): the
 * limit of bytes in flight to the hardware grows when the queue starved and shrinks by the lowest
 * slack seen over {@code slackHoldTime}. Time comes from the emulation clock (jiffies at HZ=1000).
 * Counters are unsigned 32-bit in the kernel; here they are longs and never wrap.
 */
public final class Dql {
    /** DQL_MAX_LIMIT. */
    public static final long MAX_LIMIT = (0xffffffffL / 16);
    private static final long NO_SLACK = Long.MAX_VALUE;
    private static final long JIFFY_NANOS = 1_000_000L;

    long numQueued;
    long adjLimit;
    long lastObjCnt;
    long limit;
    long numCompleted;
    long prevOvlimit;
    long prevNumQueued;
    long prevLastObjCnt;
    long lowestSlack;
    long slackStartTime;
    long maxLimit = MAX_LIMIT;
    long minLimit;
    long slackHoldTimeNanos = 1000 * JIFFY_NANOS;

    public Dql() {
        reset(0);
    }

    /** dql_reset(). */
    public void reset(long nowNanos) {
        limit = minLimit;
        numQueued = 0;
        numCompleted = 0;
        lastObjCnt = 0;
        prevNumQueued = 0;
        prevLastObjCnt = 0;
        prevOvlimit = 0;
        lowestSlack = NO_SLACK;
        slackStartTime = jiffies(nowNanos);
        adjLimit = limit;
    }

    private static long jiffies(long nanos) { return nanos / JIFFY_NANOS; }

    /** dql_queued(): {@code count} bytes handed to the hardware. */
    public void queued(long count) {
        lastObjCnt = count;
        numQueued += count;
    }

    /** dql_avail(): bytes that may still be queued; negative means over the limit. */
    public long avail() { return adjLimit - numQueued; }

    /** dql_completed(): {@code count} bytes completed by the hardware. */
    public void completed(long count, long nowNanos) {
        long queued = numQueued;
        if (count > queued - numCompleted) throw new IllegalStateException("BQL: completed " + count + " > in flight " + (queued - numCompleted));
        long completed = numCompleted + count;
        long lim = limit;
        long ovlimit = posdiff(queued - numCompleted, lim);
        long inprogress = queued - completed;
        long prevInprogress = prevNumQueued - numCompleted;
        boolean allPrevCompleted = completed >= prevNumQueued;
        long now = jiffies(nowNanos);

        if ((ovlimit != 0 && inprogress == 0) || (prevOvlimit != 0 && allPrevCompleted)) {
            // starved: grow by what was sent and completed in the last interval plus the previous over-limit
            lim += posdiff(completed, prevNumQueued) + prevOvlimit;
            slackStartTime = now;
            lowestSlack = NO_SLACK;
        } else if (inprogress != 0 && prevInprogress != 0 && !allPrevCompleted) {
            // busy the whole interval: shrink by the lowest slack seen over the hold time
            long slack = posdiff(lim + prevOvlimit, 2 * (completed - numCompleted));
            long slackLastObjs = prevOvlimit != 0 ? posdiff(prevLastObjCnt, prevOvlimit) : 0;
            slack = Math.max(slack, slackLastObjs);
            if (slack < lowestSlack) lowestSlack = slack;
            if (now > slackStartTime + slackHoldTimeNanos / JIFFY_NANOS) {
                lim = posdiff(lim, lowestSlack);
                slackStartTime = now;
                lowestSlack = NO_SLACK;
            }
        }
        lim = Math.max(minLimit, Math.min(maxLimit, lim));
        if (lim != limit) {
            limit = lim;
            ovlimit = 0;
        }
        adjLimit = lim + completed;
        prevOvlimit = ovlimit;
        prevLastObjCnt = lastObjCnt;
        numCompleted = completed;
        prevNumQueued = queued;
    }

    private static long posdiff(long a, long b) { return a > b ? a - b : 0; }

    /** The current limit in bytes (/sys/class/net/DEV/queues/tx-N/byte_queue_limits/limit). */
    public long limit() { return limit; }

    /** Bytes in flight (inflight). */
    public long inflight() { return numQueued - numCompleted; }
}
