package org.nicemu.core.dev;

import org.nicemu.core.exec.SpinLockModel;

/**
 * One TX queue of a device ({@code struct netdev_queue}): its state bits, the qdisc attached to it,
 * the xmit lock (HARD_TX_LOCK), BQL and per-queue counters.
 */
public final class TxQueue {
    /** __QUEUE_STATE_DRV_XOFF: stopped by the driver. */
    public static final int DRV_XOFF = 1;
    /** __QUEUE_STATE_STACK_XOFF: stopped by BQL. */
    public static final int STACK_XOFF = 2;
    /** __QUEUE_STATE_FROZEN. */
    public static final int FROZEN = 4;

    public final int index;
    int state;
    /** txq->qdisc: the qdisc dev_queue_xmit() enqueues to for this queue. */
    QdiscRt qdisc;
    final SpinLockModel xmitLock;
    final Dql dql = new Dql();
    boolean bqlUsed;
    long packets, bytes, stops, wakes, requeues, busy;

    TxQueue(int index, SpinLockModel xmitLock) {
        this.index = index;
        this.xmitLock = xmitLock;
    }

    /** netif_xmit_frozen_or_stopped(). */
    public boolean frozenOrStopped() { return state != 0; }

    /** netif_xmit_frozen_or_drv_stopped(). */
    public boolean frozenOrDrvStopped() { return (state & (DRV_XOFF | FROZEN)) != 0; }

    public int state() { return state; }

    public Dql dql() { return dql; }
}
