package org.nicemu.qdisc.bfifo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.nicemu.api.qdisc.AbstractFifo;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.qdisc.TcFormat;
import org.nicemu.api.skb.SkBuff;

/**
 * The byte-limited tail-drop FIFO, mirroring {@code bfifo_qdisc_ops} of net/sched/sch_fifo.c:
 * {@link #enqueue} is {@code bfifo_enqueue()} (queue while {@code backlog + qdisc_pkt_len(skb) <= limit},
 * else {@code qdisc_drop()}), {@link #dequeue} is {@code qdisc_dequeue_head()},
 * {@link #init}/{@link #change} are {@code fifo_init()} and {@link #dump} is {@code fifo_dump()}.
 *
 * <p>Parameter (tc): {@code limit SIZE} in bytes (tc units: {@code 1514}, {@code 10kb}, {@code 1mb},
 * {@code 64kbit}); default {@code tx_queue_len * psched_mtu(dev)} = {@code txqueuelen * (mtu + hard_header_len)}
 * (or the component's configured {@code limitBytes}). As in {@code fifo_init()}, the qdisc is
 * bypassable ({@code TCQ_F_CAN_BYPASS}) when {@code limit >= psched_mtu(dev)}. The backlog counts
 * skbs the core requeued after {@code NETDEV_TX_BUSY}, as in Linux.
 *
 * <p>Deliberate difference: Linux's {@code tc qdisc change ... bfifo} without {@code limit} resets the
 * limit to its default; here a parameter that is not given keeps its current value.
 */
public final class Bfifo extends AbstractFifo {
    /** The kind, as tc names it. */
    public static final String KIND = "bfifo";
    /** The accepted tc parameters. */
    public static final Set<String> PARAMS = Set.of("limit");
    /** Largest limit: the kernel's {@code u32 limit}. */
    static final long MAX_LIMIT = 0xffff_ffffL;

    /** Configured default limit in bytes; 0 = txqueuelen * psched_mtu. */
    private final long defaultLimitBytes;
    private long limit;

    /** A bfifo whose default limit is {@code txqueuelen * psched_mtu(dev)}. */
    public Bfifo() {
        this(0);
    }

    /**
     * A bfifo with a configured default limit.
     *
     * @param defaultLimitBytes the limit when tc gives none; 0 (or less) = {@code txqueuelen * psched_mtu(dev)}
     */
    public Bfifo(long defaultLimitBytes) {
        this.defaultLimitBytes = Math.max(0, defaultLimitBytes);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** {@code psched_mtu()}: {@code dev->mtu + dev->hard_header_len}. */
    private int pschedMtu() {
        return env.mtu() + env.hardHeaderLen();
    }

    /** Mirrors {@code fifo_init()} without options: {@code limit = tx_queue_len * psched_mtu(dev)} (or the configured default). */
    @Override
    protected void initDefaults() {
        long l = defaultLimitBytes > 0 ? defaultLimitBytes : (long) Math.max(0, env.txQueueLen()) * pschedMtu();
        limit = Math.min(MAX_LIMIT, l);
    }

    /** Mirrors {@code fifo_init()} with a {@code tc_fifo_qopt}: sets the byte limit; nothing changes on error. */
    @Override
    public void change(QdiscParams params) throws QdiscParamException {
        params.requireOnly(KIND, PARAMS);
        long l;
        try {
            l = params.getSizeBytes("limit", limit);
        } catch (QdiscParamException e) {
            throw new QdiscParamException(KIND + ": " + e.getMessage());
        }
        if (l > MAX_LIMIT) {
            throw new QdiscParamException(KIND + ": parameter 'limit': " + l + " bytes is too large; accepted: 0.." + MAX_LIMIT + " bytes");
        }
        limit = l;
    }

    /** Mirrors {@code bfifo_enqueue()}: tail drop when the skb would take the backlog over the limit. */
    @Override
    public int enqueue(SkBuff skb) {
        return bfifoEnqueue(skb, limit);
    }

    /** Mirrors {@code fifo_dump()}; tc prints the limit with {@code sprint_size()}, e.g. {@code limit 1514000b}. */
    @Override
    public Map<String, Object> dump() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("limit", TcFormat.size(limit));
        return m;
    }

    /** {@code TCQ_F_CAN_BYPASS} when {@code limit >= psched_mtu(dev)}, as {@code fifo_init()} sets it. */
    @Override
    public int flags() {
        return limit >= pschedMtu() ? TCQ_F_CAN_BYPASS : 0;
    }

    /** The current limit in bytes ({@code sch->limit}). */
    public long limit() {
        return limit;
    }
}
