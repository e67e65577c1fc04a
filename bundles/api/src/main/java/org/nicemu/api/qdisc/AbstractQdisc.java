package org.nicemu.api.qdisc;

import java.util.function.Consumer;

import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkBuffHead;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.stats.QdiscStats;

/**
 * Base class for qdiscs with the generic helpers of include/net/sch_generic.h: statistics,
 * {@code qdisc_enqueue_tail}, {@code qdisc_dequeue_head}, {@code qdisc_drop},
 * {@code qdisc_qstats_backlog_inc/dec}, {@code qdisc_bstats_update}, {@code qdisc_pkt_len}.
 */
public abstract class AbstractQdisc implements Qdisc {
    protected final QdiscStats stats = new QdiscStats();
    protected QdiscEnv env;

    @Override
    public void init(QdiscEnv env, QdiscParams params) throws QdiscParamException {
        this.env = env;
        initDefaults();
        change(params);
    }

    /** Sets the defaults before {@link #change} applies the given parameters. */
    protected abstract void initDefaults();

    @Override
    public QdiscStats stats() { return stats; }

    @Override
    public void destroy() {
    }

    /** qdisc_pkt_len(). */
    public static int qdiscPktLen(SkBuff skb) { return skb.qdiscPktLen; }

    /** Packets a (GSO) skb stands for: skb_is_gso() ? gso_segs : 1. */
    public static int segs(SkBuff skb) { return skb.isGso() ? Math.max(1, skb.gsoSegs()) : 1; }

    /** qdisc_bstats_update(). */
    protected final void bstatsUpdate(SkBuff skb) {
        stats.bytes += skb.qdiscPktLen;
        stats.packets += segs(skb);
    }

    /** qdisc_qstats_backlog_inc() + qlen++. */
    protected final void backlogInc(SkBuff skb) {
        stats.backlog += skb.qdiscPktLen;
        stats.qlen++;
    }

    /** qdisc_qstats_backlog_dec() + qlen--. */
    protected final void backlogDec(SkBuff skb) {
        stats.backlog -= skb.qdiscPktLen;
        stats.qlen--;
    }

    /** qdisc_enqueue_tail(): queues on {@code list}, counts backlog; returns NET_XMIT_SUCCESS. */
    protected final int enqueueTail(SkBuff skb, SkBuffHead list) {
        list.addTail(skb);
        backlogInc(skb);
        return NetXmit.NET_XMIT_SUCCESS;
    }

    /** qdisc_dequeue_head(): takes the head of {@code list}, updates backlog and bstats. */
    protected final SkBuff dequeueHead(SkBuffHead list) {
        SkBuff skb = list.removeHead();
        if (skb != null) {
            backlogDec(skb);
            bstatsUpdate(skb);
        }
        return skb;
    }

    /** qdisc_drop(): counts a drop and frees the skb (reason qdisc-drop); returns NET_XMIT_DROP. */
    protected final int drop(SkBuff skb) {
        stats.drops += segs(skb);
        env.drop(skb, DropReason.QDISC_DROP);
        return NetXmit.NET_XMIT_DROP;
    }

    /** Frees everything on {@code list} as a reset does (reason swap-flush), fixing qlen/backlog. */
    protected final void purge(SkBuffHead list) {
        SkBuff skb;
        while ((skb = list.removeHead()) != null) {
            backlogDec(skb);
            env.drop(skb, DropReason.SWAP_FLUSH);
        }
    }

    /** Hands everything on {@code list} to {@code sink}, fixing qlen/backlog (for {@link #drain}). */
    protected final void drainList(SkBuffHead list, Consumer<SkBuff> sink) {
        SkBuff skb;
        while ((skb = list.removeHead()) != null) {
            backlogDec(skb);
            sink.accept(skb);
        }
    }

    @Override
    public String toString() {
        return kind() + " " + stats;
    }
}
