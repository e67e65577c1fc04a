package org.nicemu.api.qdisc;

import java.util.function.Consumer;

import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkBuffHead;

/**
 * Base class for the tail-drop FIFOs, mirroring the part of net/sched/sch_fifo.c that
 * {@code pfifo_qdisc_ops} and {@code bfifo_qdisc_ops} share: one skb list ({@code sch->q}) with
 * {@link #dequeue} = {@code qdisc_dequeue_head()}, {@link #peek} = {@code qdisc_peek_head()} and
 * {@link #reset} = {@code qdisc_reset_queue()}, plus the two enqueue tests {@link #pfifoEnqueue}
 * ({@code pfifo_enqueue()}) and {@link #bfifoEnqueue} ({@code bfifo_enqueue()}).
 *
 * <p>A subclass gives the kind, the limit and its parameters ({@code fifo_init()}), the enqueue it
 * uses, the dump and the flags.
 */
public abstract class AbstractFifo extends AbstractQdisc {
    private final SkBuffHead queue = new SkBuffHead();

    /** Mirrors {@code pfifo_enqueue()}: queues while {@code q.qlen < limit}, else {@code qdisc_drop()}. */
    protected final int pfifoEnqueue(SkBuff skb, long limit) {
        if (stats.qlen < limit) return enqueueTail(skb, queue);
        return drop(skb);
    }

    /**
     * Mirrors {@code bfifo_enqueue()}: queues while {@code backlog + qdisc_pkt_len(skb) <= limit},
     * else {@code qdisc_drop()}.
     */
    protected final int bfifoEnqueue(SkBuff skb, long limit) {
        if (stats.backlog + qdiscPktLen(skb) <= limit) return enqueueTail(skb, queue);
        return drop(skb);
    }

    /** Mirrors {@code qdisc_dequeue_head()}. */
    @Override
    public SkBuff dequeue() {
        return dequeueHead(queue);
    }

    /** Mirrors {@code qdisc_peek_head()}. */
    @Override
    public SkBuff peek() {
        return queue.peek();
    }

    /** Mirrors {@code qdisc_reset_queue()}: frees every queued skb (reason swap-flush). */
    @Override
    public void reset() {
        purge(queue);
    }

    /** Hands every queued skb to {@code sink}, oldest first. */
    @Override
    public void drain(Consumer<SkBuff> sink) {
        drainList(queue, sink);
    }
}
