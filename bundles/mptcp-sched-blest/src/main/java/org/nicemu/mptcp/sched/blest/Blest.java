package org.nicemu.mptcp.sched.blest;

import org.nicemu.api.mptcp.sched.DefSchedPriv;
import org.nicemu.api.mptcp.sched.MptcpMetaView;
import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.api.tcp.cc.TcpCc;

/**
 * BLEST (BLocking ESTimation): mirrors {@code struct mptcp_sched_ops mptcp_sched_blest} of
 * net/mptcp/mptcp_blest.c. The default scheduler picks the subflow; when it is not the fastest
 * ({@code minsk}, lowest srtt), BLEST estimates how many bytes the fast subflow could send while a
 * segment sent now on the slow one is in flight, {@code X = lambda * packets * mss} with
 * {@code n = linger / avg_rtt_fast + 1} fast RTTs ({@code packets = cwnd * (2^n - 1)} in initial slow
 * start, {@code (max(cwnd, ssthresh + 1) + (n - 1) / 2) * n} otherwise), and skips the slow subflow
 * (returns none) if {@code X} exceeds the data-level send window left after the slow subflow's bytes
 * ({@code snd_wnd - (len + write_seq - snd_una)}): sending there would block the fast subflow.
 * {@code lambda} adapts once per fast min-RTT: + {@code dyn_lambda_bad} after a meta retransmission,
 * else - {@code dyn_lambda_good}, within [min_lambda, max_lambda].
 */
public final class Blest implements MptcpSchedOps {
    /** The scheduler name. */
    public static final String NAME = "blest";

    /** {@code struct blestsched_priv}: the default's {@code last_rbuf_opti} plus the subflow's srtt range. */
    static final class BlestPriv extends DefSchedPriv {
        long minSrttUs = 0xffffffffL;
        long maxSrttUs;

        BlestPriv(int nowJiffies) {
            super(nowJiffies);
        }
    }

    private final BlestParams params;
    /** {@code blestsched_cb.retrans_flag}. */
    boolean retransFlag;
    /** {@code blestsched_cb.lambda_1000}: lambda in thousandths. */
    int lambda1000;
    /** {@code blestsched_cb.last_lambda_update} (u32 jiffies). */
    int lastLambdaUpdate;

    Blest(BlestParams params) {
        this.params = params;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(MptcpMetaView meta) {
        lambda1000 = params.lambda() * 100;
        lastLambdaUpdate = TcpCc.jiffies(meta.nowUs());
        retransFlag = false;
    }

    /** Mirrors {@code blestsched_init()} for one subflow. */
    @Override
    public void initSubflow(MptcpMetaView meta, MptcpSubflowView sub) {
        sub.setSchedPriv(new BlestPriv(TcpCc.jiffies(meta.nowUs())));
    }

    private static BlestPriv priv(MptcpMetaView meta, MptcpSubflowView sub) {
        Object p = sub.schedPriv();
        if (p instanceof BlestPriv) {
            return (BlestPriv) p;
        }
        BlestPriv b = new BlestPriv(TcpCc.jiffies(meta.nowUs()));
        sub.setSchedPriv(b);
        return b;
    }

    /** Mirrors {@code blestsched_update_lambda(meta_sk, sk)}. */
    void updateLambda(MptcpMetaView meta, MptcpSubflowView sk) {
        BlestPriv p = priv(meta, sk);
        int now = TcpCc.jiffies(meta.nowUs());
        if (Integer.toUnsignedLong(now - lastLambdaUpdate) < TcpCc.usecsToJiffies(p.minSrttUs)) {
            return;
        }
        lambda1000 += retransFlag ? params.dynLambdaBad() : -params.dynLambdaGood();
        retransFlag = false;
        lambda1000 = Math.min(lambda1000, params.maxLambda() * 100);
        lambda1000 = Math.max(lambda1000, params.minLambda() * 100);
        lastLambdaUpdate = now;
    }

    /** Mirrors {@code blestsched_estimate_bytes(sk, time)}: bytes {@code sk} sends in {@code timeUs}. */
    long estimateBytes(MptcpMetaView meta, MptcpSubflowView tp, long timeUs) {
        BlestPriv p = priv(meta, tp);
        long avgRtt = (p.minSrttUs + p.maxSrttUs) / 2;
        long numRtts = avgRtt == 0 ? 1 : timeUs / avgRtt + 1;
        long packets;
        if (tp.sndSsthresh() == TcpCc.TCP_INFINITE_SSTHRESH) {
            numRtts = Math.min(numRtts, 16);
            packets = tp.sndCwnd() * ((1L << numRtts) - 1);
        } else {
            long caCwnd = Math.max(tp.sndCwnd(), tp.sndSsthresh() + 1);
            packets = (caCwnd + (numRtts - 1) / 2) * numRtts;
        }
        return packets * tp.mssCache() * lambda1000 / 1000;
    }

    /** Mirrors {@code blestsched_estimate_linger_time(sk)}: how long a segment sent now on {@code sk} stays unacknowledged. */
    long estimateLingerTime(MptcpMetaView meta, MptcpSubflowView tp) {
        BlestPriv p = priv(meta, tp);
        long inflight = tp.packetsInFlight() + 1;
        long cwnd = tp.sndCwnd();
        long estimate;
        if (inflight >= cwnd) {
            estimate = p.maxSrttUs;
        } else {
            long slope = p.maxSrttUs - p.minSrttUs;
            if (cwnd == 0) {
                cwnd = 1;
            }
            estimate = p.minSrttUs + slope * inflight / cwnd;
        }
        return Math.max(tp.srttUs(), estimate);
    }

    /** Mirrors {@code blest_get_available_subflow()}. */
    @Override
    public MptcpSubflowView getSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
        int n = meta.subflowCount();
        MptcpSubflowView dfin = MptcpSched.dataFinSubflow(meta, skb, zeroWndTest);
        if (dfin != null) {
            return dfin;
        }
        MptcpSubflowView minsk = null;
        long minSrtt = 0xffffffffL;
        for (int i = 0; i < n; i++) {
            MptcpSubflowView sk = meta.subflow(i);
            if (!sk.canSendState() || sk.preEstablished()) {
                continue;
            }
            BlestPriv p = priv(meta, sk);
            p.minSrttUs = Math.min(p.minSrttUs, sk.srttUs());
            p.maxSrttUs = Math.max(p.maxSrttUs, sk.srttUs());
            if (sk.srttUs() < minSrtt) {
                minSrtt = sk.srttUs();
                minsk = sk;
            }
        }
        MptcpSubflowView bestsk = MptcpSched.getAvailableSubflow(meta, skb, zeroWndTest);
        if (bestsk != null && minsk != null && bestsk != minsk) {
            updateLambda(meta, bestsk);
            long slowLingerTime = estimateLingerTime(meta, bestsk);
            long fastBytes = estimateBytes(meta, minsk, slowLingerTime);
            long slowInflightBytes = Integer.toUnsignedLong(bestsk.writeSeq() - bestsk.sndUna());
            long slowBytes = (skb == null ? 0 : skb.len()) + slowInflightBytes;
            long availSpace = slowBytes < meta.sndWnd() ? meta.sndWnd() - slowBytes : 0;
            if (fastBytes > availSpace) {
                return null;
            }
        }
        return bestsk;
    }

    /** Mirrors {@code mptcp_blest_rcv_buf_optimization()}: the default's, recording the retransmission for lambda. */
    private MptcpSegmentView rcvBufOptimization(MptcpMetaView meta, MptcpSubflowView sk, boolean penal) {
        if (meta.rtxHead() == null) {
            return null;
        }
        if (penal || !meta.streamMemoryFree()) {
            retransFlag = true;
        }
        return MptcpSched.rcvBufOptimization(meta, sk, penal, priv(meta, sk));
    }

    /** Mirrors {@code mptcp_blest_next_segment()} (a copy of {@code mptcp_next_segment()} with BLEST's parts). */
    @Override
    public MptcpSegmentView nextSegment(MptcpMetaView meta, NextSegment out) {
        out.reset();
        int reinject = NextSegment.NEW_DATA;
        MptcpSegmentView skb;
        if (meta.infiniteMapping()) {
            skb = meta.sendHead();
        } else {
            skb = meta.reinjectHead();
            if (skb != null) {
                reinject = NextSegment.REINJECT;
            } else {
                skb = meta.sendHead();
                if (skb == null && meta.sndbufFull()) {
                    MptcpSubflowView subsk = getSubflow(meta, null, false);
                    if (subsk == null) {
                        return null;
                    }
                    skb = rcvBufOptimization(meta, subsk, false);
                    if (skb != null) {
                        reinject = NextSegment.META_RETRANSMIT;
                    }
                }
            }
        }
        if (skb == null) {
            return null;
        }
        MptcpSubflowView subsk = getSubflow(meta, skb, false);
        if (subsk == null) {
            return null;
        }
        int mssNow = subsk.currentMss();
        if (reinject == NextSegment.NEW_DATA && !MptcpSched.sndWndTest(meta, skb, mssNow)) {
            skb = rcvBufOptimization(meta, subsk, true);
            if (skb == null) {
                return null;
            }
            reinject = NextSegment.META_RETRANSMIT;
        }
        int limit = MptcpSched.subLimit(subsk, skb, mssNow);
        if (limit < 0) {
            return null;
        }
        return out.set(skb, subsk, limit, reinject);
    }
}
