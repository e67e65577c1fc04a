package org.nicemu.mptcp.sched.default_;

import org.nicemu.api.mptcp.sched.DefSchedPriv;
import org.nicemu.api.mptcp.sched.MptcpMetaView;
import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.api.tcp.cc.TcpCc;

/**
 * The default scheduler: mirrors {@code struct mptcp_sched_ops mptcp_sched_default} of
 * net/mptcp/mptcp_sched.c (multipath-tcp.org v0.95).
 * <ul>
 * <li>{@link #getSubflow} = {@code get_available_subflow()} ({@link MptcpSched#getAvailableSubflow}):
 *     the available subflow (congestion window not full, see {@code mptcp_is_available()}) with the
 *     lowest smoothed RTT; subflows the segment was not yet sent on first (so a reinjection avoids the
 *     subflow it was sent on); backup subflows only when no active subflow exists that could take
 *     it (an active one whose cwnd is merely full makes it wait instead);</li>
 * <li>{@link #nextSegment} = {@code mptcp_next_segment()} ({@link MptcpSched#nextSegment}): the
 *     reinject queue first, then the send head; when new data does not fit the data-level receive
 *     window, the meta retransmission-queue head is resent on the chosen (faster) subflow if it was
 *     sent on a much slower one ({@code mptcp_rcv_buf_optimization()}, reinject = -1), with that slow
 *     subflow's cwnd halved at most once per RTT;</li>
 * <li>{@link #initSubflow} = {@code defsched_init()}: {@code last_rbuf_opti = tcp_jiffies32}.</li>
 * </ul>
 */
public final class DefaultSched implements MptcpSchedOps {
    /** The scheduler name, {@code mptcp_sched_default.name}. */
    public static final String NAME = "default";

    @Override
    public String name() {
        return NAME;
    }

    /** Mirrors {@code defsched_init()}. */
    @Override
    public void initSubflow(MptcpMetaView meta, MptcpSubflowView sub) {
        sub.setSchedPriv(new DefSchedPriv(TcpCc.jiffies(meta.nowUs())));
    }

    /** Mirrors {@code get_available_subflow()}. */
    @Override
    public MptcpSubflowView getSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
        return MptcpSched.getAvailableSubflow(meta, skb, zeroWndTest);
    }

    /** Mirrors {@code mptcp_next_segment()}. */
    @Override
    public MptcpSegmentView nextSegment(MptcpMetaView meta, NextSegment out) {
        return MptcpSched.nextSegment(this, meta, out);
    }
}
