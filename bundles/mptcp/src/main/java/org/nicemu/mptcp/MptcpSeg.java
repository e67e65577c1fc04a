package org.nicemu.mptcp;

import org.nicemu.api.mptcp.sched.MptcpSegmentView;

/**
 * A segment of the meta socket: a run of data-level bytes with its data sequence number (the meta
 * skb of the multipath-tcp.org kernel, whose {@code TCP_SKB_CB(skb)->seq} is the DSN). Bytes stay
 * here until DATA_ACKed, for reinjection. Linked in the meta queue ({@link #prev}/{@link #next});
 * a copy made for the reinject queue points at the same bytes and links through {@link #origin}.
 */
final class MptcpSeg implements MptcpSegmentView {
    long dataSeq;
    int len;
    final byte[] buf;
    int off;
    int pathMask;
    MptcpSeg prev, next;
    /** For a reinject-queue copy: the meta-queue segment it was copied from (null otherwise). */
    final MptcpSeg origin;

    MptcpSeg(long dataSeq, byte[] buf, int off, int len, MptcpSeg origin) {
        this.dataSeq = dataSeq;
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.origin = origin;
    }

    @Override public long dataSeq() { return dataSeq; }
    @Override public long endDataSeq() { return dataSeq + len; }
    @Override public int len() { return len; }
    @Override public int pathMask() { return pathMask; }
    @Override public void setPathMask(int mask) { pathMask = mask; }
    /** DATA_FIN travels as its own mapping on every subflow (as Linux sends it), never in a segment. */
    @Override public boolean isDataFin() { return false; }

    /** Drops the first {@code n} bytes (a partial DATA_ACK). */
    void trimHead(int n) {
        dataSeq += n;
        off += n;
        len -= n;
    }

    @Override
    public String toString() {
        return "dsn " + dataSeq + ".." + endDataSeq();
    }
}
