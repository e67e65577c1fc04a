package org.nicemu.qdisc.tbf;

import java.util.Map;
import java.util.Set;

import org.nicemu.api.qdisc.AbstractFifo;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.qdisc.TcFormat;
import org.nicemu.api.skb.SkBuff;

/**
 * tbf's fallback inner queue when the {@code bfifo} kind is not available: a byte-limited tail-drop
 * FIFO with the behaviour of {@code bfifo_enqueue()} (net/sched/sch_fifo.c), private to the tbf
 * instance (the core does not see it as a separate qdisc). Its only parameter is {@code limit}
 * (bytes), set by tbf as {@code fifo_set_limit()} does.
 */
final class ByteFifo extends AbstractFifo {
    private long limit;

    @Override
    public String kind() {
        return "bfifo";
    }

    @Override
    protected void initDefaults() {
        limit = 0;
    }

    @Override
    public void change(QdiscParams params) throws QdiscParamException {
        params.requireOnly("bfifo", Set.of("limit"));
        limit = params.getSizeBytes("limit", limit);
    }

    /** Mirrors {@code bfifo_enqueue()}. */
    @Override
    public int enqueue(SkBuff skb) {
        return bfifoEnqueue(skb, limit);
    }

    @Override
    public Map<String, Object> dump() {
        return Map.of("limit", TcFormat.size(limit));
    }

    @Override
    public int flags() {
        return 0;
    }
}
