package org.nicemu.mptcp.sched.ecf;

import org.nicemu.api.mptcp.sched.DefSchedPriv;
import org.nicemu.api.mptcp.sched.MptcpMetaView;
import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.api.tcp.cc.TcpCc;

/**
 * ECF (Earliest Completion First): mirrors {@code struct mptcp_sched_ops mptcp_sched_ecf} of
 * net/mptcp/mptcp_ecf.c. When the default scheduler picks a subflow S slower than the fastest F, with
 * {@code k} = bytes waiting at the meta level not yet on a subflow, {@code x_f = max(k, cwnd_f * mss)},
 * {@code delta = max(rttvar_f, rttvar_s) / 2} (kernel {@code rttvar_us >> 1}) and beta = 1/r_beta:
 * if {@code r_beta * srtt_f * (x_f + cwnd_f*mss) < (r_beta + waiting) * cwnd_f*mss * (srtt_s + delta)}
 * (waiting for F finishes sooner) and {@code srtt_s * max(k, cwnd_s*mss) >= cwnd_s*mss * (2*srtt_f + delta)}
 * (S is too slow), nothing is sent now and {@code waiting} (the hysteresis, {@code switching_margin})
 * becomes 1; when the first test fails, S is used and {@code waiting} becomes 0. Products are computed
 * in 64 bits (the kernel multiplies some in u32 before widening).
 */
public final class Ecf implements MptcpSchedOps {
    /** The scheduler name. */
    public static final String NAME = "ecf";

    private final int rBeta;
    /** {@code ecfsched_cb.switching_margin} ("waiting" in the paper). */
    int switchingMargin;

    Ecf(int rBeta) {
        this.rBeta = rBeta;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(MptcpMetaView meta) {
        switchingMargin = 0;
    }

    /** Mirrors {@code ecfsched_init()}. */
    @Override
    public void initSubflow(MptcpMetaView meta, MptcpSubflowView sub) {
        sub.setSchedPriv(new DefSchedPriv(TcpCc.jiffies(meta.nowUs())));
    }

    /** Mirrors {@code ecf_get_available_subflow()}. */
    @Override
    public MptcpSubflowView getSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
        int n = meta.subflowCount();
        MptcpSubflowView dfin = MptcpSched.dataFinSubflow(meta, skb, zeroWndTest);
        if (dfin != null) {
            return dfin;
        }
        MptcpSubflowView minsk = null;
        long minSrtt = 0xffffffffL;
        long subSndbuf = 0;
        long subPacketsOut = 0;
        for (int i = 0; i < n; i++) {
            MptcpSubflowView sk = meta.subflow(i);
            if (!sk.canSendState() || sk.preEstablished()) {
                continue;
            }
            subSndbuf += sk.wmemQueued();
            subPacketsOut += sk.packetsOut();
            if (sk.srttUs() < minSrtt) {
                minSrtt = sk.srttUs();
                minsk = sk;
            }
        }
        MptcpSubflowView bestsk = MptcpSched.getAvailableSubflow(meta, skb, zeroWndTest);
        if (bestsk != null && minsk != null && bestsk != minsk) {
            long mss = bestsk.currentMss();
            long sndbufMeta = meta.wmemQueued();
            long sndbufMinus = subSndbuf;
            long sndbuf = 0;
            long cwndF = minsk.sndCwnd();
            long srttF = minsk.srttUs();
            long rttvarF = minsk.rttvarUs() >> 1;
            long cwndS = bestsk.sndCwnd();
            long srttS = bestsk.srttUs();
            long rttvarS = bestsk.rttvarUs() >> 1;
            long delta = Math.max(rttvarF, rttvarS);
            if (meta.packetsOut() > subPacketsOut) {
                sndbufMinus += (meta.packetsOut() - subPacketsOut) * mss;
            }
            if (sndbufMeta > sndbufMinus) {
                sndbuf = sndbufMeta - sndbufMinus;
            }
            long xF = Math.max(sndbuf, cwndF * mss);
            long lhs = srttF * (xF + cwndF * mss);
            long rhs = cwndF * mss * (srttS + delta);
            if (rBeta * lhs < rBeta * rhs + switchingMargin * rhs) {
                long xS = Math.max(sndbuf, cwndS * mss);
                long lhsS = srttS * xS;
                long rhsS = cwndS * mss * (2 * srttF + delta);
                if (lhsS >= rhsS) {
                    switchingMargin = 1;
                    return null;
                }
            } else {
                switchingMargin = 0;
            }
        }
        return bestsk;
    }

    /** {@code mptcp_next_segment()} of mptcp_sched.c with ECF's {@code get_subflow}. */
    @Override
    public MptcpSegmentView nextSegment(MptcpMetaView meta, NextSegment out) {
        return MptcpSched.nextSegment(this, meta, out);
    }
}
