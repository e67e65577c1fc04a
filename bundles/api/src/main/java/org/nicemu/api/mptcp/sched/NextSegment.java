package org.nicemu.api.mptcp.sched;

/**
 * The result of {@link MptcpSchedOps#nextSegment}: the out-parameters of the kernel's
 * {@code next_segment(meta_sk, &reinject, &subsk, &sublimit)} as {@code mptcp_write_xmit()} declares
 * them. One instance per connection, reused for every segment (no allocation per segment); the
 * scheduler overwrites every field on every call ({@link #reset()} first).
 */
public final class NextSegment {
    /** {@code reinject == 0}: new data, the meta send head. */
    public static final int NEW_DATA = 0;
    /** {@code reinject == 1}: a segment of the reinject queue (sent on another subflow before). */
    public static final int REINJECT = 1;
    /** {@code reinject == -1}: a retransmission of the meta retransmission-queue head (window stall, receive-buffer optimisation, redundant copies). */
    public static final int META_RETRANSMIT = -1;

    /** The segment to send, or null when the scheduler has nothing to send now (the function's return value). */
    public MptcpSegmentView segment;
    /** The subflow to send it on ({@code *subsk}); meaningful only with a segment. */
    public MptcpSubflowView subflow;
    /** Bytes at most to take from the segment ({@code *limit}); 0 = no limit beyond the MSS split of the caller. */
    public int limit;
    /** {@link #NEW_DATA}, {@link #REINJECT} or {@link #META_RETRANSMIT} ({@code *reinject}). */
    public int reinject;

    /** Clears every field (segment and subflow null, limit 0, reinject {@link #NEW_DATA}). */
    public void reset() {
        segment = null;
        subflow = null;
        limit = 0;
        reinject = NEW_DATA;
    }

    /** Sets the result and returns {@code seg}. */
    public MptcpSegmentView set(MptcpSegmentView seg, MptcpSubflowView sub, int sublimit, int kind) {
        segment = seg;
        subflow = sub;
        limit = sublimit;
        reinject = kind;
        return seg;
    }

    @Override
    public String toString() {
        return segment == null ? "none"
                : "dsn " + segment.dataSeq() + ".." + segment.endDataSeq() + " on path " + subflow.pathIndex()
                        + " limit " + limit + " reinject " + reinject;
    }
}
