package org.nicemu.api.mptcp.sched;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The part of an MPTCP connection (the meta socket, {@code meta_sk} / {@code meta_tp} with its
 * {@code struct mptcp_cb *mpcb}) that a scheduler reads; implemented by the MPTCP layer and passed to
 * every {@link MptcpSchedOps} call as the kernel passes {@code meta_sk}.
 *
 * <p>The meta socket has three queues, as in the multipath-tcp.org kernel: the retransmission queue
 * (sent, not yet DATA_ACKed: {@link #rtxHead()}, {@link #rtxNext}), the write queue from
 * {@link #sendHead()} (not yet sent on any subflow) and the reinject queue ({@link #reinjectHead()}:
 * copies of data to send again on another subflow, {@code mpcb->reinject_queue}). Data sequence
 * numbers are 64-bit (MPTCP v1).
 *
 * <p>Subflows are indexed {@code 0 .. subflowCount()-1} in the order of {@code mpcb->conn_list}
 * ({@code mptcp_for_each_sub}); the order is stable between two calls unless a subflow is added or
 * removed. Indexing (not an iterator) keeps the scheduler free of allocation per segment.
 */
@ProviderType
public interface MptcpMetaView {
    /** Number of subflows in the connection list ({@code mpcb->cnt_subflows}), established or not. */
    int subflowCount();

    /** The {@code i}-th subflow of the connection list. */
    MptcpSubflowView subflow(int i);

    /** First segment of the reinject queue ({@code skb_peek(&mpcb->reinject_queue)}), or null. */
    MptcpSegmentView reinjectHead();

    /** First segment not yet sent ({@code tcp_send_head(meta_sk)}), or null. */
    MptcpSegmentView sendHead();

    /** Oldest segment sent and not yet DATA_ACKed ({@code tcp_rtx_queue_head(meta_sk)}), or null. */
    MptcpSegmentView rtxHead();

    /** The segment after {@code seg} in the retransmission queue ({@code skb_rb_next(skb)}), or null at its end or if {@code seg} is not in it. */
    MptcpSegmentView rtxNext(MptcpSegmentView seg);

    /** Data-level first unacknowledged DSN ({@code meta_tp->snd_una}). */
    long sndUna();

    /** Data-level next DSN to send ({@code meta_tp->snd_nxt}). */
    long sndNxt();

    /** The peer's data-level receive window in bytes ({@code meta_tp->snd_wnd}). */
    long sndWnd();

    /** Meta-level packets sent and not DATA_ACKed ({@code meta_tp->packets_out}). */
    long packetsOut();

    /** Bytes queued in the meta socket ({@code meta_sk->sk_wmem_queued}). */
    long wmemQueued();

    /**
     * The application is blocked on a full send buffer: {@code SOCK_NOSPACE} is set and
     * {@code sk_stream_wspace(meta_sk) < sk_stream_min_wspace(meta_sk)}.
     */
    boolean sndbufFull();

    /** {@code sk_stream_memory_free(meta_sk)}: the send buffer has room. */
    boolean streamMemoryFree();

    /** The connection fell back to plain TCP ({@code mpcb->infinite_mapping_snd || mpcb->send_infinite_mapping}). */
    boolean infiniteMapping();

    /** {@code meta_sk->sk_shutdown & RCV_SHUTDOWN}: the peer's DATA_FIN was received. */
    boolean rcvShutdown();

    /** Path index of the subflow the peer's DATA_FIN came on ({@code mpcb->dfin_path_index}); a DATA_FIN is answered there. */
    int dfinPathIndex();

    /** The emulation's time in microseconds ({@code tcp_jiffies32} derives from it, see {@link org.nicemu.api.tcp.cc.TcpCc#jiffies}). */
    long nowUs();

    /** {@code tcp_wnd_end(meta_tp)}: {@code snd_una + snd_wnd}. */
    default long wndEnd() {
        return sndUna() + sndWnd();
    }

    /** Whether {@code seg} is the head of the retransmission queue (the segment a -1 "meta retransmission" resends). */
    default boolean isMetaHead(MptcpSegmentView seg) {
        return seg != null && seg == rtxHead();
    }

    /** Whether {@code seg} was already sent (or queued) on {@code sub} ({@code path_mask & mptcp_pi_to_flag(path_index)}). */
    default boolean sentOn(MptcpSegmentView seg, MptcpSubflowView sub) {
        return seg.sentOn(sub.pathIndex());
    }

    /** The subflow with this path index, or null. */
    default MptcpSubflowView subflowByPathIndex(int pathIndex) {
        for (int i = 0, n = subflowCount(); i < n; i++) {
            MptcpSubflowView s = subflow(i);
            if (s.pathIndex() == pathIndex) {
                return s;
            }
        }
        return null;
    }
}
