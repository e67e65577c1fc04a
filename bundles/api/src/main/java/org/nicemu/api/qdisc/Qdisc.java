package org.nicemu.api.qdisc;

import java.util.Map;
import java.util.function.Consumer;

import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.QdiscStats;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One queueing discipline instance, shaped like {@code struct Qdisc_ops} (include/net/sch_generic.h).
 * Instances are made per device (or per class) by a {@link QdiscFactory} and are only ever called on
 * the emulation's loop. Most implementations extend {@link AbstractQdisc}.
 */
@ConsumerType
public interface Qdisc {
    /** TCQ_F_CAN_BYPASS: work-conserving; an empty qdisc may be bypassed (__dev_xmit_skb). */
    int TCQ_F_CAN_BYPASS = 4;
    /** TCQ_F_ONETXQUEUE: dequeues only for one TX queue, so bulk dequeue is allowed. */
    int TCQ_F_ONETXQUEUE = 0x10;
    /** TCQ_F_NOLOCK: lockless qdisc (pfifo_fast since 4.16): no root lock, no busylock. */
    int TCQ_F_NOLOCK = 0x100;

    /** The kind, as tc shows it ("pfifo_fast", "tbf", ...). */
    String kind();

    /**
     * Mirrors {@code Qdisc_ops.init}: applies defaults, then {@link #change}. Called once, before
     * any other call. Rejects bad parameters with a {@link QdiscParamException}.
     */
    void init(QdiscEnv env, QdiscParams params) throws QdiscParamException;

    /** Mirrors {@code Qdisc_ops.change} ({@code tc qdisc change}); atomic: on error nothing changes. */
    void change(QdiscParams params) throws QdiscParamException;

    /**
     * Mirrors {@code Qdisc_ops.enqueue}: returns {@link NetXmit#NET_XMIT_SUCCESS},
     * {@link NetXmit#NET_XMIT_DROP} (the skb was freed through {@link QdiscEnv#drop}) or
     * {@link NetXmit#NET_XMIT_CN}.
     */
    int enqueue(SkBuff skb);

    /** Mirrors {@code Qdisc_ops.dequeue}: the next skb to send, or null (empty or throttled). */
    SkBuff dequeue();

    /** Mirrors {@code Qdisc_ops.peek}: the skb the next dequeue would return, without removing it. */
    SkBuff peek();

    /** Mirrors {@code Qdisc_ops.reset}: frees every queued skb (reason: swap-flush) and resets state. */
    void reset();

    /** Mirrors {@code Qdisc_ops.destroy}: releases timers; the qdisc is empty by then. */
    void destroy();

    /**
     * Hands every queued skb to {@code sink} in the order {@link #dequeue} would send them, ignoring
     * shaping, and leaves the qdisc empty with its backlog and qlen at zero. Used to migrate packets
     * on a hot swap; Linux has no such operation (it drops them), see DESIGN §6.
     */
    void drain(Consumer<SkBuff> sink);

    /** Mirrors {@code Qdisc_ops.dump}: the current parameters, for {@code tc qdisc show}. */
    Map<String, Object> dump();

    /** Mirrors {@code Qdisc_ops.dump_stats} + the generic counters, for {@code tc -s qdisc show}. */
    QdiscStats stats();

    /** TCQ_F_* flags. */
    int flags();
}
