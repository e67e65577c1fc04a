package org.nicemu.core.testing;

import org.nicemu.api.mptcp.sched.MptcpSegmentView;

/** A plain {@link MptcpSegmentView} for scheduler unit tests: public fields, no skb behind them. */
public final class MptcpTestSegment implements MptcpSegmentView {
    public long seq;
    public int len;
    public int pathMask;
    public boolean dataFin;

    public MptcpTestSegment(long seq, int len) {
        this.seq = seq;
        this.len = len;
    }

    @Override public long dataSeq() { return seq; }
    @Override public long endDataSeq() { return seq + len + (dataFin ? 1 : 0); }
    @Override public int len() { return len; }
    @Override public int pathMask() { return pathMask; }
    @Override public void setPathMask(int mask) { pathMask = mask; }
    @Override public boolean isDataFin() { return dataFin; }

    @Override
    public String toString() {
        return "seg[" + seq + ".." + endDataSeq() + " mask " + Integer.toBinaryString(pathMask) + "]";
    }
}
