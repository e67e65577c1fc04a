package org.nicemu.mptcp.sched.redundant;

import org.nicemu.api.mptcp.sched.MptcpMetaView;
import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;

/**
 * Redundant: mirrors {@code struct mptcp_sched_ops mptcp_sched_red} of net/mptcp/mptcp_redundant.c
 * (v0.95, Frömmgen et al.). Every segment is sent on every available active subflow: each subflow
 * keeps its own pointer into the meta queue ({@code redsched_priv.skb} with its end DSN), subflows are
 * served in turn ({@code redsched_cb.next_subflow}); the first subflow to reach a segment sends it as
 * new data, the others send it as a meta retransmission ({@code reinject = -1}) since it is in the
 * retransmission queue by then. Backup subflows send only new data, and only when no active subflow is
 * valid. A pointer whose segment was DATA_ACKed (or is beyond snd_nxt) is reset to the queue head, so a
 * slow subflow skips what is already acknowledged. Reinjections go through {@code get_available_subflow()}.
 */
public final class Redundant implements MptcpSchedOps {
    /** The scheduler name. */
    public static final String NAME = "redundant";

    /** {@code struct redsched_priv}: this subflow's pointer into the meta queue. */
    static final class RedPriv {
        MptcpSegmentView skb;
        long skbEndSeq;
    }

    /** {@code redsched_cb.next_subflow}, kept as a path index (0 = none, start at the list head). */
    private int nextSubflow;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(MptcpMetaView meta) {
        nextSubflow = 0;
    }

    @Override
    public void initSubflow(MptcpMetaView meta, MptcpSubflowView sub) {
        sub.setSchedPriv(new RedPriv());
    }

    private static RedPriv priv(MptcpSubflowView sub) {
        Object p = sub.schedPriv();
        if (p instanceof RedPriv) {
            return (RedPriv) p;
        }
        RedPriv r = new RedPriv();
        sub.setSchedPriv(r);
        return r;
    }

    /** Mirrors {@code redsched_get_active_valid_sks()}: active subflows not definitely unavailable. */
    static int activeValidSks(MptcpMetaView meta) {
        int n = 0;
        for (int i = 0, c = meta.subflowCount(); i < c; i++) {
            MptcpSubflowView sk = meta.subflow(i);
            if (sk.isActive() && !MptcpSched.isDefUnavailable(sk)) {
                n++;
            }
        }
        return n;
    }

    /** Mirrors {@code redsched_use_subflow()}. */
    static boolean useSubflow(MptcpMetaView meta, int activeValidSks, MptcpSubflowView tp, MptcpSegmentView skb) {
        if (skb == null || !MptcpSched.isAvailable(tp, skb, false)) {
            return false;
        }
        if (skb.pathMask() != 0) {
            return tp.isActive();
        }
        return !(tp.isBackup() && activeValidSks > 0);
    }

    private static int indexOf(MptcpMetaView meta, int pathIndex) {
        for (int i = 0, n = meta.subflowCount(); i < n; i++) {
            if (meta.subflow(i).pathIndex() == pathIndex) {
                return i;
            }
        }
        return -1;
    }

    /** Mirrors {@code redsched_update_next_subflow()}: the subflow after {@code i}, or none (list head). */
    private void updateNextSubflow(MptcpMetaView meta, int i) {
        nextSubflow = i + 1 < meta.subflowCount() ? meta.subflow(i + 1).pathIndex() : 0;
    }

    private int firstIndex(MptcpMetaView meta) {
        int first = nextSubflow == 0 ? 0 : indexOf(meta, nextSubflow);
        return first < 0 ? 0 : first;
    }

    /** Mirrors {@code red_get_available_subflow()}: the first usable subflow from {@code next_subflow} on. */
    @Override
    public MptcpSubflowView getSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
        int n = meta.subflowCount();
        if (n == 0) {
            return null;
        }
        MptcpSubflowView dfin = MptcpSched.dataFinSubflow(meta, skb, zeroWndTest);
        if (dfin != null) {
            return dfin;
        }
        int active = activeValidSks(meta);
        int first = firstIndex(meta);
        int i = first;
        do {
            MptcpSubflowView tp = meta.subflow(i);
            if (useSubflow(meta, active, tp, skb)) {
                updateNextSubflow(meta, i);
                return tp;
            }
            i = (i + 1) % n;
        } while (i != first);
        return null;
    }

    /**
     * Mirrors {@code redsched_correct_skb_pointers()}: forget a segment DATA_ACKed or beyond snd_nxt
     * (scheduled but not sent). The kernel compares the end sequence it copied when it chose the
     * segment, because the skb may be freed meanwhile; here the segment object stays valid, and its
     * end is read again: when the layer cut the segment at the subflow's limit
     * ({@code mptcp_fragment()}, the chosen object keeps the part that was sent), the copied end lies
     * beyond snd_nxt although the part was sent, and forgetting it would make the subflow start again
     * at the oldest unacknowledged segment and send its whole flight a second time.
     */
    private static void correctSkbPointers(MptcpMetaView meta, RedPriv p) {
        if (p.skb == null) return;
        p.skbEndSeq = p.skb.endDataSeq();
        if (p.skbEndSeq <= meta.sndUna() || p.skbEndSeq > meta.sndNxt()) p.skb = null;
    }

    /** Mirrors {@code redsched_next_skb_from_queue()}. */
    private static MptcpSegmentView nextSkbFromQueue(MptcpMetaView meta, MptcpSegmentView previous) {
        if (previous == null) {
            MptcpSegmentView h = meta.rtxHead();
            return h != null ? h : meta.sendHead();
        }
        if (meta.sendHead() == previous) {
            return previous;
        }
        MptcpSegmentView skb = meta.rtxNext(previous);
        return skb != null ? skb : meta.sendHead();
    }

    /** Mirrors {@code mptcp_red_next_segment()}. */
    @Override
    public MptcpSegmentView nextSegment(MptcpMetaView meta, NextSegment out) {
        out.reset();
        if (meta.reinjectHead() == null && meta.sendHead() == null && meta.rtxHead() == null) {
            return null;
        }
        MptcpSegmentView skb = meta.reinjectHead();
        if (skb != null) {
            MptcpSubflowView subsk = MptcpSched.getAvailableSubflow(meta, skb, false);
            return subsk == null ? null : out.set(skb, subsk, 0, NextSegment.REINJECT);
        }
        int n = meta.subflowCount();
        if (n == 0) {
            return null;
        }
        int active = activeValidSks(meta);
        int first = firstIndex(meta);
        int i = first;
        do {
            MptcpSubflowView tp = meta.subflow(i);
            RedPriv p = priv(tp);
            correctSkbPointers(meta, p);
            skb = nextSkbFromQueue(meta, p.skb);
            if (skb != null && useSubflow(meta, active, tp, skb)) {
                p.skb = skb;
                p.skbEndSeq = skb.endDataSeq();
                updateNextSubflow(meta, i);
                return out.set(skb, tp, 0, skb.pathMask() != 0 ? NextSegment.META_RETRANSMIT : NextSegment.NEW_DATA);
            }
            i = (i + 1) % n;
        } while (i != first);
        return null;
    }
}
