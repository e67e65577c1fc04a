package org.nicemu.api.stats;

/**
 * The statistics of one qdisc, as {@code tc -s qdisc show} prints them: {@code gnet_stats_basic}
 * (bytes, packets) and {@code gnet_stats_queue} (qlen, backlog, drops, requeues, overlimits).
 */
public final class QdiscStats {
    /** Bytes dequeued (sent), qdisc_bstats_update(). */
    public long bytes;
    /** Packets dequeued (sent); a GSO skb counts its gso_segs. */
    public long packets;
    /** Packets currently queued (q.qlen). */
    public int qlen;
    /** Bytes currently queued (qstats.backlog). */
    public long backlog;
    /** Packets dropped (qstats.drops). */
    public long drops;
    /** Packets requeued after NETDEV_TX_BUSY (qstats.requeues). */
    public long requeues;
    /** Times the qdisc was over its limit or throttled (qstats.overlimits). */
    public long overlimits;

    /** Copies every field from {@code o}. */
    public void copyFrom(QdiscStats o) {
        bytes = o.bytes; packets = o.packets; qlen = o.qlen; backlog = o.backlog;
        drops = o.drops; requeues = o.requeues; overlimits = o.overlimits;
    }

    @Override
    public String toString() {
        return "Sent " + bytes + " bytes " + packets + " pkt (dropped " + drops + ", overlimits " + overlimits
                + " requeues " + requeues + ") backlog " + backlog + "b " + qlen + "p";
    }
}
