package org.nicemu.qdisc.pfifo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.nicemu.api.qdisc.AbstractFifo;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.skb.SkBuff;

/**
 * The packet-limited tail-drop FIFO, mirroring {@code pfifo_qdisc_ops} of net/sched/sch_fifo.c:
 * {@link #enqueue} is {@code pfifo_enqueue()} (queue while {@code q.qlen < limit}, else
 * {@code qdisc_drop()}), {@link #dequeue} is {@code qdisc_dequeue_head()}, {@link #init}/{@link #change}
 * are {@code fifo_init()} (one function in Linux) and {@link #dump} is {@code fifo_dump()}.
 *
 * <p>Parameter (tc): {@code limit PACKETS}; default {@code dev->tx_queue_len} (or the component's
 * configured {@code limitPackets}). As in {@code fifo_init()}, the qdisc is bypassable
 * ({@code TCQ_F_CAN_BYPASS}) when {@code limit >= 1}. The limit counts {@code sch->q.qlen}, which
 * includes skbs the core requeued after {@code NETDEV_TX_BUSY}, as in Linux.
 *
 * <p>Deliberate difference: Linux's {@code tc qdisc change ... pfifo} without {@code limit} resets the
 * limit to {@code tx_queue_len}; here a parameter that is not given keeps its current value.
 */
public final class Pfifo extends AbstractFifo {
    /** The kind, as tc names it. */
    public static final String KIND = "pfifo";
    /** The accepted tc parameters. */
    public static final Set<String> PARAMS = Set.of("limit");
    /** Largest limit (the kernel's {@code u32 limit}, bounded by Java's int queue length). */
    static final long MAX_LIMIT = Integer.MAX_VALUE;

    /** Configured default limit in packets; 0 = the device's tx_queue_len. */
    private final long defaultLimitPackets;
    private int limit;

    /** A pfifo whose default limit is the device's tx_queue_len. */
    public Pfifo() {
        this(0);
    }

    /**
     * A pfifo with a configured default limit.
     *
     * @param defaultLimitPackets the limit when tc gives none; 0 (or less) = {@code dev->tx_queue_len}
     */
    public Pfifo(long defaultLimitPackets) {
        this.defaultLimitPackets = Math.max(0, defaultLimitPackets);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Mirrors {@code fifo_init()} without options: {@code limit = dev->tx_queue_len} (or the configured default). */
    @Override
    protected void initDefaults() {
        limit = (int) Math.min(MAX_LIMIT, defaultLimitPackets > 0 ? defaultLimitPackets : Math.max(0, env.txQueueLen()));
    }

    /** Mirrors {@code fifo_init()} with a {@code tc_fifo_qopt}: sets the packet limit; nothing changes on error. */
    @Override
    public void change(QdiscParams params) throws QdiscParamException {
        params.requireOnly(KIND, PARAMS);
        long l;
        try {
            l = params.getLong("limit", limit);
        } catch (QdiscParamException e) {
            throw new QdiscParamException(KIND + ": " + e.getMessage() + "; expected a number of packets, e.g. limit 1000");
        }
        if (l > MAX_LIMIT) {
            throw new QdiscParamException(KIND + ": parameter 'limit': " + l + " packets is too large; accepted: 0.." + MAX_LIMIT);
        }
        limit = (int) l;
    }

    /** Mirrors {@code pfifo_enqueue()}: tail drop once {@code q.qlen} reaches the limit. */
    @Override
    public int enqueue(SkBuff skb) {
        return pfifoEnqueue(skb, limit);
    }

    /** Mirrors {@code fifo_dump()}; tc prints the limit as {@code limit 1000p}. */
    @Override
    public Map<String, Object> dump() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("limit", limit + "p");
        return m;
    }

    /** {@code TCQ_F_CAN_BYPASS} when {@code limit >= 1}, as {@code fifo_init()} sets it. */
    @Override
    public int flags() {
        return limit >= 1 ? TCQ_F_CAN_BYPASS : 0;
    }

    /** The current limit in packets ({@code sch->limit}). */
    public int limit() {
        return limit;
    }
}
