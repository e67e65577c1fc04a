package org.nicemu.api.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seven cost categories of the seed (seed/INDEX.md), counted per host. Plain long fields,
 * incremented on the event loop without allocation; {@link #snapshot()} copies them for reports.
 */
public final class CostCounters {
    // locks: _raw_spin_lock, spin_lock, spin_lock_irq, lock_sock
    public long lockAcquired;
    public long lockContended;
    public long lockIrqOff;
    public long lockSockOwned;
    // context switches: schedule() -> context_switch()
    public long contextSwitches;
    public long scheduleCalls;
    // workqueues: queue_work_on()
    public long workQueued;
    public long workAlreadyPending;
    public long workExecuted;
    // transmit queues: netdev_pick_tx, __dev_xmit_skb, sch_direct_xmit, net_tx_action
    public long txEnqueue;
    public long txDequeue;
    public long txBypass;
    public long txRequeue;
    public long txQueueStop;
    public long txQueueWake;
    public long txPickTx;
    // receive queues: netif_rx -> enqueue_to_backlog (softnet_data.input_pkt_queue)
    public long rxBacklogEnqueue;
    public long rxBacklogDrop;
    // memory copy: sk_stream_alloc_skb, skb_clone, __pskb_copy_fclone, skb_copy, skb_add_data_nocache
    public long skbAlloc;
    public long skbClone;
    public long skbFcloneHit;
    public long skbCopy;
    public long skbFree;
    public long bytesCopied;
    // interrupts: hard IRQs, softirqs, __qdisc_run quota, need_resched
    public long hardIrq;
    public long softirqRaised;
    public long softirqNetTx;
    public long softirqNetRx;
    public long quotaExhausted;
    public long needResched;
    public long netifSchedule;
    public long napiPoll;
    // data transmission, per layer
    public long sockSendmsgCalls;
    public long sockSendmsgBytes;
    /** {@code tcp_sendmsg_locked()} calls and bytes copied into the write queue. */
    public long tcpSendmsgCalls;
    public long tcpSendmsgBytes;
    /** {@code tcp_write_xmit()} calls and the skbs it transmitted ({@code tcp_transmit_skb()} of new data). */
    public long tcpWriteXmitCalls;
    public long tcpWriteXmitSkbs;
    /** {@code mptcp_write_xmit()} calls and the meta segments it put on subflows (reinjections included). */
    public long mptcpWriteXmitCalls;
    public long mptcpWriteXmitSegments;
    public long devQueueXmitPackets;
    public long devQueueXmitBytes;
    public long schDirectXmitPackets;
    public long devHardStartXmitPackets;
    public long devHardStartXmitBytes;
    // data transmission, receive side: netif_receive_skb / netif_rx entries, deliver_skb to handlers
    public long netifReceiveSkbPackets;
    public long netifReceiveSkbBytes;
    public long netifRxPackets;
    public long ptypeDeliver;

    /** Copies all counters, grouped by category, for summaries and the shell. */
    public Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        m.put("locks", map("acquired", lockAcquired, "contended", lockContended, "irq_off", lockIrqOff,
                "lock_sock_owned", lockSockOwned));
        m.put("context_switches", map("context_switch", contextSwitches, "schedule", scheduleCalls));
        m.put("workqueues", map("queued", workQueued, "already_pending", workAlreadyPending, "executed", workExecuted));
        m.put("transmit_queues", map("enqueue", txEnqueue, "dequeue", txDequeue, "bypass", txBypass,
                "requeue", txRequeue, "queue_stop", txQueueStop, "queue_wake", txQueueWake, "pick_tx", txPickTx,
                "rx_backlog_enqueue", rxBacklogEnqueue, "rx_backlog_drop", rxBacklogDrop));
        m.put("memory_copy", map("skb_alloc", skbAlloc, "skb_clone", skbClone, "fclone_hit", skbFcloneHit,
                "skb_copy", skbCopy, "skb_free", skbFree, "bytes_copied", bytesCopied));
        m.put("interrupts", map("hard_irq", hardIrq, "softirq_raised", softirqRaised, "net_tx_action", softirqNetTx,
                "net_rx_action", softirqNetRx, "quota_exhausted", quotaExhausted, "need_resched", needResched,
                "netif_schedule", netifSchedule, "napi_poll", napiPoll));
        m.put("data_transmission", map("sock_sendmsg_calls", sockSendmsgCalls, "sock_sendmsg_bytes", sockSendmsgBytes,
                "tcp_sendmsg_calls", tcpSendmsgCalls, "tcp_sendmsg_bytes", tcpSendmsgBytes,
                "tcp_write_xmit_calls", tcpWriteXmitCalls, "tcp_write_xmit_skbs", tcpWriteXmitSkbs,
                "mptcp_write_xmit_calls", mptcpWriteXmitCalls, "mptcp_write_xmit_segments", mptcpWriteXmitSegments,
                "dev_queue_xmit_packets", devQueueXmitPackets, "dev_queue_xmit_bytes", devQueueXmitBytes,
                "sch_direct_xmit_packets", schDirectXmitPackets, "dev_hard_start_xmit_packets", devHardStartXmitPackets,
                "dev_hard_start_xmit_bytes", devHardStartXmitBytes, "netif_receive_skb_packets", netifReceiveSkbPackets,
                "netif_receive_skb_bytes", netifReceiveSkbBytes, "netif_rx_packets", netifRxPackets,
                "ptype_deliver", ptypeDeliver));
        return m;
    }

    private static Map<String, Long> map(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Long) kv[i + 1]);
        }
        return m;
    }
}
