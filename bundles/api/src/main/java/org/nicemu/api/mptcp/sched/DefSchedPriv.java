package org.nicemu.api.mptcp.sched;

/**
 * Per-subflow private data of the default scheduler ({@code struct defsched_priv} of
 * net/mptcp/mptcp_sched.c), kept in {@link MptcpSubflowView#schedPriv()}. Schedulers that reuse
 * {@link MptcpSched#rcvBufOptimization} store an instance (or a subclass with their own fields, as
 * BLEST's {@code blestsched_priv} starts with the same field) in {@link MptcpSchedOps#initSubflow}.
 */
public class DefSchedPriv {
    /** {@code last_rbuf_opti}: u32 jiffies of the last receive-buffer penalisation by this subflow. */
    public int lastRbufOpti;

    /** Mirrors {@code defsched_init()}: {@code last_rbuf_opti = tcp_jiffies32}. */
    public DefSchedPriv(int nowJiffies) {
        lastRbufOpti = nowJiffies;
    }
}
