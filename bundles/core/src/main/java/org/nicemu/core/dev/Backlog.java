package org.nicemu.core.dev;

import org.nicemu.api.skb.SkBuffHead;

/**
 * One CPU's receive backlog: {@code softnet_data.input_pkt_queue} and the backlog NAPI instance
 * ({@code softnet_data.backlog}, polled by {@code process_backlog()}) that {@code netif_rx()} feeds.
 * The skbs are linked through {@code next}; each carries its device in {@code owner} while queued.
 * Counters as {@code /proc/net/softnet_stat}: processed, dropped.
 */
final class Backlog {
    final int cpu;
    final SkBuffHead inputPktQueue = new SkBuffHead();
    /** NAPI_STATE_SCHED of the backlog NAPI: on the CPU's poll list. */
    boolean scheduled;
    long processed;
    long dropped;

    Backlog(int cpu) {
        this.cpu = cpu;
    }

    @Override
    public String toString() { return "backlog cpu" + cpu; }
}
