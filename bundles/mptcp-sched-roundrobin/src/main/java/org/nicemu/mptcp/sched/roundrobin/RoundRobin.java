package org.nicemu.mptcp.sched.roundrobin;

import org.nicemu.api.mptcp.sched.MptcpMetaView;
import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.api.tcp.cc.TcpCc;

/**
 * Round robin: mirrors {@code struct mptcp_sched_ops mptcp_sched_rr} of net/mptcp/mptcp_rr.c. Each
 * subflow gets a burst of {@code num_segments} segments (its {@code quota}) before the next one; when
 * every considered subflow has a full quota the round restarts. With {@code cwnd_limited} only
 * subflows with congestion-window space are considered; without, a full subflow keeps its turn and
 * nothing is sent until it has space. Reinjections go to any available subflow not yet used for
 * them ({@code rr_get_available_subflow()}, no RTT preference).
 */
public final class RoundRobin implements MptcpSchedOps {
    /** The scheduler name, {@code mptcp_sched_rr.name}. */
    public static final String NAME = "roundrobin";

    /** {@code struct rrsched_priv}: the subflow's burst counter. */
    static final class RrPriv {
        int quota;
    }

    private final int numSegments;
    private final boolean cwndLimited;

    RoundRobin(int numSegments, boolean cwndLimited) {
        this.numSegments = numSegments;
        this.cwndLimited = cwndLimited;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void initSubflow(MptcpMetaView meta, MptcpSubflowView sub) {
        sub.setSchedPriv(new RrPriv());
    }

    private static RrPriv priv(MptcpSubflowView sub) {
        Object p = sub.schedPriv();
        if (p instanceof RrPriv) {
            return (RrPriv) p;
        }
        RrPriv r = new RrPriv();
        sub.setSchedPriv(r);
        return r;
    }

    /** Mirrors {@code mptcp_rr_is_available()}: {@code mptcp_is_available()} with the cwnd test optional. */
    static boolean rrIsAvailable(MptcpSubflowView tp, MptcpSegmentView skb, boolean zeroWndTest, boolean cwndTest) {
        if (MptcpSched.isDefUnavailable(tp)) {
            return false;
        }
        if (tp.caState() == TcpCc.TCP_CA_LOSS && (!tp.tcpIsReno() || tp.sndUna() != tp.highSeq())) {
            return false;
        }
        if (!tp.fullyEstablished() && skb != null && tp.secondPacket() && tp.lastEndDataSeq() != skb.dataSeq()) {
            return false;
        }
        if (cwndTest) {
            long inFlight = tp.packetsInFlight();
            if (inFlight >= tp.sndCwnd()) {
                return false;
            }
            long space = (tp.sndCwnd() - inFlight) * tp.mssCache();
            if (Integer.toUnsignedLong(tp.writeSeq() - tp.sndNxt()) > space) {
                return false;
            }
        }
        return !(zeroWndTest && !TcpCc.before(tp.writeSeq(), tp.wndEnd()));
    }

    /** Mirrors {@code rr_get_available_subflow()}: the last available subflow not used for {@code skb}, else one used (path mask reset). */
    @Override
    public MptcpSubflowView getSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
        int n = meta.subflowCount();
        if (meta.rcvShutdown() && skb != null && skb.isDataFin()) {
            for (int i = 0; i < n; i++) {
                MptcpSubflowView sk = meta.subflow(i);
                if (sk.pathIndex() == meta.dfinPathIndex() && rrIsAvailable(sk, skb, zeroWndTest, true)) {
                    return sk;
                }
            }
        }
        MptcpSubflowView bestsk = null;
        MptcpSubflowView backupsk = null;
        for (int i = 0; i < n; i++) {
            MptcpSubflowView sk = meta.subflow(i);
            if (!rrIsAvailable(sk, skb, zeroWndTest, true)) {
                continue;
            }
            if (MptcpSched.dontReinjectSkb(sk, skb)) {
                backupsk = sk;
                continue;
            }
            bestsk = sk;
        }
        if (bestsk != null) {
            return bestsk;
        }
        if (backupsk != null && skb != null) {
            skb.setPathMask(0);
        }
        return backupsk;
    }

    /** Mirrors {@code mptcp_rr_next_segment()} (with {@code __mptcp_rr_next_segment()}). */
    @Override
    public MptcpSegmentView nextSegment(MptcpMetaView meta, NextSegment out) {
        out.reset();
        MptcpSegmentView skb;
        int reinject = NextSegment.NEW_DATA;
        if (meta.infiniteMapping()) {
            skb = meta.sendHead();
        } else {
            skb = meta.reinjectHead();
            if (skb != null) {
                reinject = NextSegment.REINJECT;
            } else {
                skb = meta.sendHead();
            }
        }
        if (skb == null) {
            return null;
        }
        if (reinject != NextSegment.NEW_DATA) {
            MptcpSubflowView subsk = getSubflow(meta, skb, false);
            return subsk == null ? null : out.set(skb, subsk, 0, reinject);
        }
        int n = meta.subflowCount();
        while (true) {
            MptcpSubflowView chooseSk = null;
            int split = numSegments;
            int iter = 0;
            int fullSubs = 0;
            boolean found = false;
            for (int i = 0; i < n; i++) {
                MptcpSubflowView it = meta.subflow(i);
                RrPriv rsp = priv(it);
                if (!rrIsAvailable(it, skb, false, cwndLimited)) {
                    continue;
                }
                iter++;
                if (rsp.quota > 0 && rsp.quota < numSegments) {
                    split = numSegments - rsp.quota;
                    chooseSk = it;
                    found = true;
                    break;
                }
                if (rsp.quota == 0) {
                    split = numSegments;
                    chooseSk = it;
                }
                if (rsp.quota >= numSegments) {
                    fullSubs++;
                }
            }
            if (!found && iter > 0 && iter == fullSubs) {
                for (int i = 0; i < n; i++) {
                    MptcpSubflowView it = meta.subflow(i);
                    if (rrIsAvailable(it, skb, false, cwndLimited)) {
                        priv(it).quota = 0;
                    }
                }
                continue;
            }
            if (chooseSk == null) {
                return null;
            }
            if (!rrIsAvailable(chooseSk, skb, false, true)) {
                return null;
            }
            int mssNow = chooseSk.currentMss();
            RrPriv rsp = priv(chooseSk);
            if (skb.len() > mssNow) {
                rsp.quota += (skb.len() + mssNow - 1) / mssNow;
            } else {
                rsp.quota++;
            }
            return out.set(skb, chooseSk, split * mssNow, NextSegment.NEW_DATA);
        }
    }
}
