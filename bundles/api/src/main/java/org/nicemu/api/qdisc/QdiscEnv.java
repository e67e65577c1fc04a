package org.nicemu.api.qdisc;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropReason;
import org.osgi.annotation.versioning.ProviderType;

/** What the core gives a qdisc instance: its device, the loop, dropping and rescheduling. */
@ProviderType
public interface QdiscEnv {
    /** The emulation loop (timers, time, seeded randomness). */
    EventLoop loop();

    /** The qdisc handle, e.g. 0x10000 for "1:". */
    int handle();

    /** The device name, e.g. "eth0". */
    String devName();

    /** Number of real TX queues of the device. */
    int numTxQueues();

    /** dev->tx_queue_len, the default packet limit of fifo qdiscs. */
    int txQueueLen();

    /** dev->mtu. */
    int mtu();

    /** Link-layer header length (psched_mtu() adds it: 14 for Ethernet). */
    int hardHeaderLen();

    /** Frees {@code skb} and counts it as dropped with {@code reason} at the device (kfree_skb_reason). */
    void drop(SkBuff skb, DropReason reason);

    /**
     * Mirrors {@code __netif_schedule(qdisc_root(sch))}: asks the NET_TX softirq to run the root
     * qdisc again, e.g. from a throttling watchdog timer (qdisc_watchdog).
     */
    void netifSchedule();

    /**
     * Creates a child qdisc of the given kind (qdisc_create_dflt()), e.g. the pfifo bands of prio.
     * Throws if that kind is not available, naming the kinds that are.
     */
    Qdisc createChild(String kind, int handle, QdiscParams params) throws QdiscParamException;
}
