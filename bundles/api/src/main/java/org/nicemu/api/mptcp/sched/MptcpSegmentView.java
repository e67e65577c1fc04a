package org.nicemu.api.mptcp.sched;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A segment of the meta socket's queues (an skb of the meta write queue, retransmission queue or
 * reinject queue, with its {@code TCP_SKB_CB(skb)} fields at the data level); implemented by the MPTCP
 * layer. The object must stay the same for as long as the segment is queued (schedulers keep
 * references, as {@code mptcp_redundant.c} keeps {@code red_p->skb}); after a split
 * ({@code mptcp_fragment()}) the original object keeps the first part.
 *
 * <p>Data sequence numbers are the 64-bit DSNs of MPTCP v1 (RFC 8684), compared with plain
 * {@code <}; the multipath-tcp.org kernel keeps the low 32 bits in {@code TCP_SKB_CB(skb)->seq}.
 */
@ProviderType
public interface MptcpSegmentView {
    /** First data sequence number ({@code TCP_SKB_CB(skb)->seq} of the meta skb). */
    long dataSeq();

    /** Data sequence number after the last byte, including the DATA_FIN if any ({@code TCP_SKB_CB(skb)->end_seq}). */
    long endDataSeq();

    /** Payload length in bytes ({@code skb->len}). */
    int len();

    /**
     * The subflows this segment was already sent on: bit {@code pathIndex - 1} for each
     * ({@code TCP_SKB_CB(skb)->path_mask}, see {@link MptcpSched#piToFlag}); 0 if never sent.
     */
    int pathMask();

    /**
     * Sets the path mask; {@code get_available_subflow()} clears it when a segment has been tried on
     * every subflow, so that it may be sent again anywhere.
     */
    void setPathMask(int mask);

    /** Whether the segment carries the DATA_FIN ({@code mptcp_is_data_fin(skb)}). */
    boolean isDataFin();

    /** Whether this segment was already sent on the subflow with this path index. */
    default boolean sentOn(int pathIndex) {
        return (pathMask() & MptcpSched.piToFlag(pathIndex)) != 0;
    }
}
