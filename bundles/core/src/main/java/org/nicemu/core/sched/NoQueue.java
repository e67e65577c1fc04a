package org.nicemu.core.sched;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.nicemu.api.qdisc.AbstractQdisc;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.skb.SkBuff;

/**
 * noqueue (sch_generic.c noqueue_qdisc_ops): no queue at all; dev_queue_xmit() hands skbs straight
 * to the driver and drops them when the TX queue is stopped. Never enqueues.
 */
public final class NoQueue extends AbstractQdisc {
    public static final String KIND = "noqueue";

    @Override
    public String kind() { return KIND; }

    @Override
    protected void initDefaults() {
    }

    @Override
    public void change(QdiscParams params) throws QdiscParamException {
        params.requireOnly(KIND, Set.of());
    }

    @Override
    public int enqueue(SkBuff skb) { throw new IllegalStateException("noqueue has no enqueue"); }

    @Override
    public SkBuff dequeue() { return null; }

    @Override
    public SkBuff peek() { return null; }

    @Override
    public void reset() {
    }

    @Override
    public void drain(Consumer<SkBuff> sink) {
    }

    @Override
    public Map<String, Object> dump() { return Map.of(); }

    @Override
    public int flags() { return 0; }
}
