package org.nicemu.core.sched;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.nicemu.api.qdisc.AbstractQdisc;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkBuffHead;

/**
 * The default qdisc, built into the core as in net/sched/sch_generic.c: three FIFO bands, the
 * skb's priority mapped to a band through the priomap ({@code prio2band}), band 0 dequeued first.
 * Limit: dev->tx_queue_len packets per band (each band is an skb_array of that size since Linux
 * 4.16). Lockless (TCQ_F_NOLOCK) and bypassable.
 */
public final class PfifoFast extends AbstractQdisc {
    public static final String KIND = "pfifo_fast";
    public static final int TC_PRIO_MAX = 15;
    /** sch_generic.c prio2band: TC_PRIO_* → band. */
    static final int[] PRIO2BAND = {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};

    private final SkBuffHead[] bands = {new SkBuffHead(), new SkBuffHead(), new SkBuffHead()};
    private int limit;

    @Override
    public String kind() { return KIND; }

    @Override
    protected void initDefaults() {
        limit = env.txQueueLen();
    }

    @Override
    public void change(QdiscParams params) throws QdiscParamException {
        params.requireOnly(KIND, Set.of());
    }

    /** pfifo_fast_enqueue(): tail drop when the skb's band already holds tx_queue_len packets. */
    @Override
    public int enqueue(SkBuff skb) {
        SkBuffHead b = bands[band(skb.priority)];
        if (b.len() >= limit) return drop(skb);
        return enqueueTail(skb, b);
    }

    /** The band of a priority: prio2band[priority & TC_PRIO_MAX]. */
    public static int band(int priority) {
        return PRIO2BAND[priority & TC_PRIO_MAX];
    }

    /** pfifo_fast_dequeue(): the head of the first non-empty band. */
    @Override
    public SkBuff dequeue() {
        for (SkBuffHead b : bands) {
            if (!b.isEmpty()) return dequeueHead(b);
        }
        return null;
    }

    @Override
    public SkBuff peek() {
        for (SkBuffHead b : bands) {
            if (!b.isEmpty()) return b.peek();
        }
        return null;
    }

    @Override
    public void reset() {
        for (SkBuffHead b : bands) purge(b);
    }

    @Override
    public void drain(Consumer<SkBuff> sink) {
        for (SkBuffHead b : bands) drainList(b, sink);
    }

    /** Packets in band {@code i}. */
    public int bandLen(int i) { return bands[i].len(); }

    @Override
    public Map<String, Object> dump() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bands", 3);
        m.put("priomap", PRIO2BAND.clone());
        return m;
    }

    @Override
    public int flags() { return TCQ_F_CAN_BYPASS | TCQ_F_NOLOCK; }

    /** Accepted parameters (none: pfifo_fast has no tc options). */
    public static String usage() { return "pfifo_fast: no parameters (3 bands, priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1, limit txqueuelen per band)"; }

}
