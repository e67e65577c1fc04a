package org.nicemu.mptcp;

import org.nicemu.api.mptcp.sched.DefSchedPriv;
import org.nicemu.api.mptcp.sched.MptcpMetaView;
import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.api.tcp.cc.TcpCc;

/**
 * The MPTCP layer's own copy of the default scheduler ({@code mptcp_sched_default}, built into the
 * multipath-tcp.org kernel), made of the shared functions in {@link MptcpSched}: connections use it
 * when no scheduler bundle named {@code default} is present, so that stopping every scheduler bundle
 * never leaves a connection without one (DESIGN §6).
 */
final class BuiltinDefaultSched implements MptcpSchedOps {
    @Override
    public String name() { return "default"; }

    @Override
    public void initSubflow(MptcpMetaView meta, MptcpSubflowView sub) {
        sub.setSchedPriv(new DefSchedPriv(TcpCc.jiffies(meta.nowUs())));
    }

    @Override
    public MptcpSubflowView getSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
        return MptcpSched.getAvailableSubflow(meta, skb, zeroWndTest);
    }

    @Override
    public MptcpSegmentView nextSegment(MptcpMetaView meta, NextSegment out) {
        return MptcpSched.nextSegment(this, meta, out);
    }
}
