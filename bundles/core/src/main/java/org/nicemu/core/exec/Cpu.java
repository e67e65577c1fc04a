package org.nicemu.core.exec;

import java.util.ArrayDeque;

import org.nicemu.api.skb.SkBuff;

/**
 * One emulated CPU with its {@code struct softnet_data}: pending softirq bits, the output queue of
 * qdiscs to run (NET_TX), the completion queue of skbs to free, the NAPI poll list (NET_RX), its
 * run queue of tasks and the TIF_NEED_RESCHED flag.
 */
public final class Cpu {
    public static final int NET_TX_SOFTIRQ = 2;
    public static final int NET_RX_SOFTIRQ = 3;

    public final int id;
    /** Pending softirq bits (local_softirq_pending()). */
    public int pending;
    /** softnet_data.output_queue: qdiscs waiting for net_tx_action(), linked through their nextSched. */
    public Object outputQueueHead, outputQueueTail;
    /** softnet_data.completion_queue: skbs freed in IRQ context, linked through next. */
    public SkBuff completionQueue;
    /** softnet_data.poll_list. */
    public final ArrayDeque<Object> pollList = new ArrayDeque<>();
    /** TIF_NEED_RESCHED of the task running here. */
    public boolean needResched;
    /** The task running on this CPU, or null for the idle task. */
    public Task current;
    /** Runnable tasks waiting for this CPU. */
    public final ArrayDeque<Task> runQueue = new ArrayDeque<>();
    /** Link in the host's list of CPUs with pending softirqs. */
    boolean onPendingList;

    public Cpu(int id) {
        this.id = id;
    }

    @Override
    public String toString() { return "cpu" + id; }
}
