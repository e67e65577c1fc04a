package org.nicemu.api.driver;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.stats.DropReason;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The core's device services that a driver calls ({@code struct net_device} and the helpers of
 * include/linux/netdevice.h). Every method runs on the emulation's loop.
 */
@ProviderType
public interface NetDevice {
    /** netif_rx() / netif_receive_skb() return values (include/linux/netdevice.h). */
    int NET_RX_SUCCESS = 0, NET_RX_DROP = 1;

    String name();

    EventLoop loop();

    SkbAllocator allocator();

    CostCounters counters();

    int mtu();

    /** netif_set_real_num_tx_queues(); at most the number of TX queues the device was made with. */
    void setRealNumTxQueues(int n);

    int realNumTxQueues();

    /** Sets dev->features (NETIF_F_*, see {@link NetdevFeatures}). */
    void setFeatures(long features);

    long features();

    /** netif_tx_stop_queue(): sets __QUEUE_STATE_DRV_XOFF. */
    void netifTxStopQueue(int queue);

    /** netif_tx_wake_queue(): clears DRV_XOFF and reschedules the queue's qdisc (__netif_schedule). */
    void netifTxWakeQueue(int queue);

    /** netif_tx_queue_stopped(): stopped by the driver (DRV_XOFF). */
    boolean netifTxQueueStopped(int queue);

    /** netif_xmit_stopped(): stopped by the driver or by BQL (DRV_XOFF or STACK_XOFF). */
    boolean netifXmitStopped(int queue);

    /** netdev_tx_sent_queue(): BQL accounting of bytes handed to the hardware; may stop the queue (STACK_XOFF). */
    void netdevTxSentQueue(int queue, int bytes);

    /** netdev_tx_completed_queue(): BQL completion; may wake the queue. */
    void netdevTxCompletedQueue(int queue, int packets, long bytes);

    /** netdev_tx_reset_queue(): clears BQL state after the ring was drained; a BQL-stopped queue is woken. */
    void netdevTxResetQueue(int queue);

    /** dev_consume_skb_any(): the skb was sent; it is freed through the CPU's completion queue (net_tx_action). */
    void devConsumeSkbAny(SkBuff skb);

    /** dev_kfree_skb_any() with a drop reason: freed and counted as dropped at this device. */
    void devKfreeSkbAny(SkBuff skb, DropReason reason);

    /**
     * Hands back, from ndo_stop, an skb whose descriptor the hardware never started sending (a TX
     * ring reset gives them back, oldest first): the device takes it. Call it for each such skb of
     * queue {@code queue} in ring order. When ndo_stop returns, the core puts the skbs of each queue
     * back at the head of that queue's qdisc, ahead of what is queued and in the order given (as
     * {@code dev_requeue_skb()} does, counted as requeues), and undoes their tx_packets/tx_bytes;
     * the driver resets BQL ({@link #netdevTxResetQueue}) as usual. They are sent again once the
     * device is open (after a driver swap by the new driver, after {@code ip link set down} on
     * {@code up}); a device whose queue has no qdisc to hold them (noqueue) frees them as
     * ring-flush. A descriptor the NIC already started (a TSO burst cut short) must not be handed
     * back, or its sent segments would go out twice: free it with reason ring-flush. Outside
     * ndo_stop the skb is requeued at once.
     */
    void netdevTxReturnUnsent(int queue, SkBuff skb);

    /** napi_schedule(): the poll function will run from the NET_RX softirq. */
    void napiSchedule();

    /** napi_complete_done(): ends polling; returns false if polling must go on. */
    boolean napiCompleteDone(int workDone);

    /**
     * Mirrors {@code napi_gro_receive()} (without GRO) → {@code netif_receive_skb()}: called from the
     * NAPI poll function with a filled RX buffer (skb->data at the Ethernet header, len = frame
     * length, hash/queue_mapping/tstamp as the NIC set them). The core runs {@code eth_type_trans()}
     * (a driver would call it first; here the core does) and {@code __netif_receive_skb_core()},
     * which delivers it to the host's packet handler for its EtherType or frees it as a counted drop.
     * Takes the skb. Counts the device's rx_packets/rx_bytes.
     */
    void netifReceiveSkb(SkBuff skb);

    /**
     * Mirrors {@code netif_rx()} for drivers without NAPI, typically from the interrupt handler:
     * {@code eth_type_trans()}, then {@code enqueue_to_backlog()} on the current CPU's
     * {@code softnet_data.input_pkt_queue}, processed by the backlog NAPI ({@code process_backlog()})
     * in the NET_RX softirq. When the queue already holds more than {@code net.core.netdev_max_backlog}
     * frames the skb is freed and counted (reason cpu-backlog). Takes the skb. Returns
     * {@link #NET_RX_SUCCESS} or {@link #NET_RX_DROP}.
     */
    int netifRx(SkBuff skb);

    /** The number of RX queues of the device (dev->real_num_rx_queues): the NIC's RX queue count. */
    int realNumRxQueues();

    /** netif_carrier_on(). */
    void netifCarrierOn();

    /** netif_carrier_off(). */
    void netifCarrierOff();
}
