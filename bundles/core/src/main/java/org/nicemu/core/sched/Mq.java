package org.nicemu.core.sched;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.nicemu.api.qdisc.AbstractQdisc;
import org.nicemu.api.qdisc.ClassfulQdisc;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.QdiscStats;

/**
 * mq (net/sched/sch_mq.c): a root that only holds one child qdisc per TX queue (class :1 is TX
 * queue 0). The device layer enqueues straight into the child of the chosen TX queue, so mq itself
 * never sees packets; its statistics are the sum of its children's (mq_dump()).
 */
public final class Mq extends AbstractQdisc implements ClassfulQdisc {
    public static final String KIND = "mq";
    private Qdisc[] children = new Qdisc[0];

    @Override
    public String kind() { return KIND; }

    @Override
    protected void initDefaults() {
    }

    @Override
    public void change(QdiscParams params) throws QdiscParamException {
        params.requireOnly(KIND, Set.of());
    }

    /** Installs the children (mq_init() + mq_attach()), one per TX queue. */
    public void setChildren(Qdisc[] kids) { children = kids.clone(); }

    @Override
    public int enqueue(SkBuff skb) { throw new IllegalStateException("mq enqueues through its children"); }

    @Override
    public SkBuff dequeue() { return null; }

    @Override
    public SkBuff peek() { return null; }

    @Override
    public void reset() {
        for (Qdisc c : children) c.reset();
    }

    @Override
    public void drain(Consumer<SkBuff> sink) {
        for (Qdisc c : children) c.drain(sink);
    }

    /** mq_dump(): sums the children's counters. */
    @Override
    public QdiscStats stats() {
        stats.bytes = 0; stats.packets = 0; stats.qlen = 0; stats.backlog = 0;
        stats.drops = 0; stats.requeues = 0; stats.overlimits = 0;
        for (Qdisc c : children) {
            QdiscStats s = c.stats();
            stats.bytes += s.bytes; stats.packets += s.packets; stats.qlen += s.qlen; stats.backlog += s.backlog;
            stats.drops += s.drops; stats.requeues += s.requeues; stats.overlimits += s.overlimits;
        }
        return stats;
    }

    @Override
    public Map<String, Object> dump() { return Map.of(); }

    @Override
    public int flags() { return 0; }

    @Override
    public int classCount() { return children.length; }

    @Override
    public Qdisc leaf(int minor) { return children[minor - 1]; }

    @Override
    public Qdisc graft(int minor, Qdisc child) {
        Qdisc old = children[minor - 1];
        children[minor - 1] = child;
        return old;
    }
}
