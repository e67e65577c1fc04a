package org.nicemu.api.mptcp.sched;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An MPTCP packet scheduler attached to one connection: mirrors {@code struct mptcp_sched_ops}
 * (include/net/mptcp.h of the multipath-tcp.org kernel: {@code get_subflow}, {@code next_segment},
 * {@code init}, {@code release}, {@code name}). The kernel shares one ops table among all
 * connections and keeps private state in {@code mpcb->mptcp_sched[]} (per connection) and
 * {@code tp->mptcp->mptcp_sched[]} (per subflow); here a {@link MptcpSchedulerFactory} makes one
 * instance per connection whose fields are the per-connection state, and the per-subflow state lives
 * in {@link MptcpSubflowView#schedPriv()}.
 *
 * <p>All methods run on the emulation's event loop (DESIGN §1.5), never concurrently, read time only
 * through {@link MptcpMetaView#nowUs()}, and must not allocate per segment.
 *
 * <p>Call order, as in net/mptcp/mptcp_ctrl.c and mptcp_output.c:
 * <ul>
 * <li>{@link #init} once when the connection gets this scheduler ({@code mptcp_init_scheduler()} at
 *     connection setup, or a live change), then {@link #initSubflow} for every subflow already in
 *     the list and for every subflow added later ({@code sched_ops->init(sk)} from
 *     {@code mptcp_add_sock()}).</li>
 * <li>{@link #nextSegment} in a loop from {@code mptcp_write_xmit()} (the seed's function) until it
 *     returns null: every time data is pushed ({@code sendmsg}, an ACK opening a window, a subflow
 *     becoming established, a reinjection queued, the meta retransmission timer). For each result the
 *     caller drops a reinjection already DATA_ACKed (and asks again), checks the meta receive window
 *     and Nagle (not for reinjections), cuts the segment to {@code min(mss split, limit)}
 *     ({@code mptcp_fragment()}), queues it on the subflow ({@code mptcp_skb_entail()}: sets the
 *     subflow's bit in the path mask), advances the send head for new data, unlinks a sent
 *     reinjection, and finally pushes every subflow it used.</li>
 * <li>{@link #getSubflow} directly by the MPTCP layer when it needs "a subflow" without a segment or
 *     for a given one: sending a DATA_ACK / DATA_FIN / ADD_ADDR on a pure ACK
 *     ({@code mptcp_send_active_reset}, window updates), reinjecting after a subflow failure
 *     ({@code __mptcp_reinject_data}); and by the scheduler itself from {@code nextSegment}.</li>
 * <li>{@link #releaseSubflow} when a subflow leaves the connection ({@code sched_ops->release(sk)} from
 *     {@code mptcp_del_sock()}); {@link #release} when the connection loses this scheduler (closed, or
 *     a live change: then {@code releaseSubflow} for every subflow first).</li>
 * </ul>
 *
 * <p>Live change (DESIGN §6): the MPTCP layer calls {@code releaseSubflow} for each subflow and
 * {@code release} on the old instance, clears every {@link MptcpSubflowView#setSchedPriv schedPriv}, then
 * {@code init}/{@code initSubflow} on the new one, between two calls of {@code mptcp_write_xmit}. The
 * meta queues (retransmission, write, reinject) and the path masks are the stack's, not the
 * scheduler's, so no data is lost or sent twice at the data level by the change itself.
 */
@ConsumerType
public interface MptcpSchedOps {
    /** The scheduler's name, as {@code mptcp_sched_ops.name}: {@code "default"}, {@code "roundrobin"}, ... */
    String name();

    /** Initialises the per-connection state. Called on a fresh instance, before any other method. */
    default void init(MptcpMetaView meta) {
    }

    /** Initialises the per-subflow state of {@code sub} (mirrors {@code sched_ops->init(sk)}). */
    default void initSubflow(MptcpMetaView meta, MptcpSubflowView sub) {
    }

    /** {@code sub} leaves the connection or the scheduler (mirrors {@code sched_ops->release(sk)}). */
    default void releaseSubflow(MptcpMetaView meta, MptcpSubflowView sub) {
    }

    /** The connection stops using this instance. */
    default void release(MptcpMetaView meta) {
    }

    /**
     * The subflow to send {@code skb} on, or null if none may take it now (mirrors
     * {@code sched_ops->get_subflow(meta_sk, skb, zero_wnd_test)}). Required.
     *
     * @param skb         the segment, or null when the caller only needs a subflow (a pure ACK)
     * @param zeroWndTest also require room in the subflow's receive window (the caller is about to
     *                    send data, not a probe)
     */
    MptcpSubflowView getSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest);

    /**
     * The next segment to send and where (mirrors
     * {@code sched_ops->next_segment(meta_sk, &reinject, &subsk, &limit)}). Required.
     *
     * @param out reset and filled: segment, subflow, sub-limit in bytes (0 = none) and the reinject kind
     *            ({@link NextSegment#NEW_DATA}, {@link NextSegment#REINJECT},
     *            {@link NextSegment#META_RETRANSMIT})
     * @return {@code out.segment}: the segment, or null if nothing is to be sent now
     */
    MptcpSegmentView nextSegment(MptcpMetaView meta, NextSegment out);
}
