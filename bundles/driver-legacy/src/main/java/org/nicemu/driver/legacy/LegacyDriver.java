package org.nicemu.driver.legacy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropReason;

/**
 * A deliberately old-fashioned driver model: a single-queue NIC without offloads and without NAPI.
 * Its shape follows drivers/net/ethernet/realtek/8139too.c (one queue, four TX descriptors, no
 * NETIF_F_* offloads, {@code netif_stop_queue()} when all descriptors are busy, {@code
 * rtl8139_tx_interrupt()} waking it) and the older drivers that clean TX completions inside the
 * interrupt handler, such as 8139cp's {@code cp_interrupt()} → {@code cp_tx()} freeing skbs with
 * {@code dev_consume_skb_irq()}. Where it differs: 8139too copies each skb into a bounce buffer and
 * frees it in ndo_start_xmit; here the skb stays in the ring until its completion, so that the
 * completion path through the per-CPU completion queue is exercised.
 *
 * <ul>
 * <li><b>probe</b>: one real TX queue, no features (no SG, no checksum offload, no TSO), so the
 * device layer segments and checksums in software ({@code validate_xmit_skb()}); the NIC's
 * interrupt moderation is switched off (tx-usecs 0, tx-frames 0, rx-usecs 0, rx-frames 0), as
 * such hardware has none; RSS is off (every flow to RX queue 0: {@code setRssQueues(1)}), since
 * the driver serves one RX ring.</li>
 * <li><b>ndo_open</b>: RX ring 0 is filled with empty buffers of NET_SKB_PAD + NET_IP_ALIGN +
 * MTU + 14 bytes ({@code skb_reserve(66)}).</li>
 * <li><b>ndo_start_xmit</b>: one descriptor per skb on ring 0, the tail register written at once
 * (no xmit_more batching); the queue is stopped when the descriptors it uses are all busy
 * ({@code netif_stop_queue()} when {@code cur_tx - dirty_tx == NUM_TX_DESC}).</li>
 * <li><b>interrupt</b>: TX completions are cleaned in the hard-IRQ handler itself; the skbs go to
 * {@code dev_consume_skb_any()} in hard-IRQ context, i.e. through the CPU's completion queue and the
 * NET_TX softirq ({@code net_tx_action()}); the queue is woken as soon as a descriptor is free.
 * No BQL, no NAPI, the interrupt stays unmasked. Received frames are taken in the same handler
 * ({@code rtl8139_rx()} in its pre-NAPI form): each filled buffer goes to {@link NetDevice#netifRx}
 * ({@code netif_rx()}: the CPU's backlog, drained by {@code process_backlog()} in NET_RX, bounded by
 * {@code net.core.netdev_max_backlog}) and the ring is refilled.</li>
 * <li><b>ndo_stop</b>: stops the queue, masks the interrupt and resets the TX ring: completed skbs
 * are consumed, the ones the NIC had not sent are handed back to the device
 * ({@link NetDevice#netdevTxReturnUnsent}, oldest first, counted in {@code tx_ring_returned}), which
 * requeues them to the qdisc (8139too's {@code rtl8139_tx_clear()} frees them; a lossless driver
 * swap needs them back). The ring only ever holds single-frame skbs (no TSO feature: the device
 * layer segments), so the NIC never has a descriptor half sent and nothing is freed as ring-flush.
 * It also takes the RX buffers back and frees them (frames not yet taken are counted in
 * {@code rx_ring_flushed}).</li>
 * </ul>
 *
 * <p>Fault knobs (emulator-specific, set at creation or through {@link #change}):
 * {@code forceBusyEvery=N} makes every Nth ndo_start_xmit return NETDEV_TX_BUSY without taking the
 * skb (exercises {@code dev_requeue_skb()}); {@code stuckQueue=true} stops the queue and never wakes
 * it until set false again; {@code dropEvery=N} frees every Nth skb with reason driver-drop and
 * returns NETDEV_TX_OK; {@code txRingDescriptors=N} uses only N descriptors of the ring (8139too has 4).
 */
public final class LegacyDriver implements NetDriver {
    private int txRingDescriptors;
    private int forceBusyEvery;
    private boolean stuckQueue;
    private int dropEvery;

    private NetDevice dev;
    private NicHardware hw;
    private int ringSize;
    private int limit;
    private boolean running;
    private boolean carrier = true;
    private int busyCountdown;
    private int dropCountdown;
    private final Runnable irqHandler = this::interrupt;
    private final Consumer<SkBuff> ringFlushSink = this::ringReturned;
    private final Consumer<SkBuff> rxFlushSink = this::rxFlushed;
    /** NET_SKB_PAD + NET_IP_ALIGN: headroom of a receive buffer. */
    static final int RX_HEADROOM = 64 + 2;
    private int rxBufLen;

    // ethtool -S
    private long xmitPackets, xmitBytes, txBusy, forcedBusy, driverDrops, stopQueue, wakeQueue;
    private long irqHandled, cleanedPackets, cleanedBytes, ringFlushed, ringReturned, carrierChanges;
    private long rxPackets, rxBytes, rxBacklogDrops, rxBufAlloc, rxRingFlushed;

    LegacyDriver(LegacyParams p) {
        apply(p);
    }

    private void apply(LegacyParams p) {
        if (p.txRingDescriptors() != null) txRingDescriptors = p.txRingDescriptors();
        if (p.forceBusyEvery() != null) {
            forceBusyEvery = p.forceBusyEvery();
            busyCountdown = forceBusyEvery;
        }
        if (p.dropEvery() != null) {
            dropEvery = p.dropEvery();
            dropCountdown = dropEvery;
        }
        if (p.stuckQueue() != null) stuckQueue = p.stuckQueue();
    }

    @Override
    public String kind() { return LegacyDriverFactory.KIND_LEGACY; }

    private int limitFor(int descriptors) throws DriverException {
        if (descriptors > ringSize) {
            throw new DriverException("legacy: " + LegacyParams.TX_RING_DESCRIPTORS + " must be 1.." + ringSize
                    + " (the NIC's txRingSize) or 0 for the whole ring, got " + descriptors);
        }
        return descriptors == 0 ? ringSize : descriptors;
    }

    /** Mirrors the probe function ({@code rtl8139_init_one()}, {@code rtl8139_open()}'s request_irq): no features, one queue. */
    @Override
    public void probe(NetDevice d, NicHardware h) throws DriverException {
        this.ringSize = h.config().txRingSize();
        this.limit = limitFor(txRingDescriptors);
        this.dev = d;
        this.hw = h;
        this.rxBufLen = d.mtu() + 14;
        d.setFeatures(0);
        d.setRealNumTxQueues(1);
        h.setTxCoalesce(0, 0);
        h.setRxCoalesce(0, 0);
        h.setRssQueues(1);
        h.requestIrq(irqHandler);
    }

    /** Always TX queue 0 (a single-queue device). */
    @Override
    public int ndoSelectQueue(SkBuff skb, int realNumTxQueues) {
        return 0;
    }

    /** Mirrors ndo_open ({@code rtl8139_open()}): carrier, interrupt, {@code netif_start_queue()}. */
    @Override
    public void ndoOpen() {
        running = true;
        allocRxBuffers();
        carrier = hw.linkUp();
        if (carrier) dev.netifCarrierOn(); else dev.netifCarrierOff();
        hw.irqEnable();
        if (stuckQueue) stop();
        else dev.netifTxWakeQueue(0);
    }

    /** Mirrors ndo_stop ({@code rtl8139_close()} → {@code rtl8139_tx_clear()}). */
    @Override
    public void ndoStop() {
        running = false;
        stop();
        hw.irqDisable();
        hw.txFlush(0, ringFlushSink);
        SkBuff skb;
        while ((skb = hw.txReclaim(0)) != null) {
            cleanedPackets++;
            cleanedBytes += skb.len();
            dev.devConsumeSkbAny(skb);
        }
        hw.rxFlush(0, rxFlushSink);
    }

    /**
     * A descriptor the ring reset gave back: never started (one frame per descriptor: a started one
     * is completed by the reset), so the skb goes back to the device to be sent again. A GSO skb
     * (not expected: the driver has no TSO feature) might have been half sent: freed as ring-flush.
     */
    private void ringReturned(SkBuff skb) {
        if (skb.isGso()) {
            ringFlushed++;
            dev.devKfreeSkbAny(skb, DropReason.RING_FLUSH);
            return;
        }
        ringReturned++;
        dev.netdevTxReturnUnsent(0, skb);
    }

    private void rxFlushed(SkBuff skb) {
        if (skb.len() != 0) rxRingFlushed++;
        dev.allocator().free(skb);
    }

    /** Fills RX ring 0 with empty buffers ({@code dev_alloc_skb(len + 2)} + {@code skb_reserve(2)}, with NET_SKB_PAD). */
    private void allocRxBuffers() {
        var alloc = dev.allocator();
        int free = hw.rxRingFree(0);
        for (int i = 0; i < free; i++) {
            SkBuff skb = alloc.allocSkb(RX_HEADROOM + rxBufLen);
            skb.reserve(RX_HEADROOM);
            if (!hw.rxPost(0, skb)) {
                alloc.free(skb);
                return;
            }
            rxBufAlloc++;
        }
    }

    private int inUse() {
        return ringSize - hw.txRingFree(0);
    }

    private void stop() {
        if (!dev.netifTxQueueStopped(0)) {
            dev.netifTxStopQueue(0);
            stopQueue++;
        }
    }

    /** Mirrors {@code rtl8139_start_xmit()}, plus the fault knobs. */
    @Override
    public int ndoStartXmit(SkBuff skb, int queue, boolean xmitMore) {
        if (forceBusyEvery > 0 && --busyCountdown == 0) {
            busyCountdown = forceBusyEvery;
            forcedBusy++;
            return NETDEV_TX_BUSY;
        }
        if (stuckQueue) {
            stop();
            txBusy++;
            return NETDEV_TX_BUSY;
        }
        if (dropEvery > 0 && --dropCountdown == 0) {
            dropCountdown = dropEvery;
            driverDrops++;
            dev.devKfreeSkbAny(skb, DropReason.DRIVER_DROP);
            return NETDEV_TX_OK;
        }
        if (inUse() >= limit) {
            stop();
            txBusy++;
            return NETDEV_TX_BUSY;
        }
        int len = skb.len();
        hw.txPost(0, skb);
        hw.txDoorbell(0);
        xmitPackets++;
        xmitBytes += len;
        if (inUse() >= limit) stop();
        return NETDEV_TX_OK;
    }

    /**
     * Mirrors an interrupt handler that cleans TX itself ({@code cp_interrupt()} → {@code cp_tx()},
     * {@code rtl8139_interrupt()} → {@code rtl8139_tx_interrupt()}): link change, then every completed
     * descriptor is cleaned right here in hard-IRQ context, and the queue woken.
     */
    private void interrupt() {
        irqHandled++;
        boolean up = hw.linkUp();
        if (up != carrier) {
            carrier = up;
            carrierChanges++;
            if (up) dev.netifCarrierOn(); else dev.netifCarrierOff();
        }
        SkBuff skb;
        while ((skb = hw.txReclaim(0)) != null) {
            cleanedPackets++;
            cleanedBytes += skb.len();
            dev.devConsumeSkbAny(skb); // in hard IRQ: completion queue + NET_TX softirq
        }
        maybeWake();
        rx();
    }

    /** Mirrors the pre-NAPI {@code rtl8139_rx()}: every received frame to {@code netif_rx()}, then refill. */
    private void rx() {
        SkBuff skb;
        int n = 0;
        while ((skb = hw.rxReclaim(0)) != null) {
            n++;
            rxPackets++;
            rxBytes += skb.len();
            if (dev.netifRx(skb) != NetDevice.NET_RX_SUCCESS) rxBacklogDrops++;
        }
        if (n > 0 && running) allocRxBuffers();
    }

    private void maybeWake() {
        if (running && !stuckQueue && dev.netifTxQueueStopped(0) && inUse() < limit) {
            dev.netifTxWakeQueue(0);
            wakeQueue++;
        }
    }

    /** No NAPI: never scheduled; completes at once if it ever is. */
    @Override
    public int napiPoll(int budget) {
        dev.napiCompleteDone(0);
        return 0;
    }

    /** Mirrors the remove function's {@code free_irq()}. */
    @Override
    public void remove() {
        hw.freeIrq();
    }

    /** Changes the fault knobs and the ring use on a bound driver; checked as a whole first. */
    @Override
    public void change(Map<String, String> params) throws DriverException {
        LegacyParams p = LegacyParams.parse(params);
        int newLimit = hw == null || p.txRingDescriptors() == null ? limit : limitFor(p.txRingDescriptors());
        apply(p);
        if (hw == null) return;
        limit = newLimit;
        if (!running) return;
        if (stuckQueue) {
            stop();
        } else if (inUse() >= limit) {
            stop();
        } else {
            maybeWake();
        }
    }

    @Override
    public Map<String, Long> ethtoolStats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("drv_xmit_packets", xmitPackets);
        m.put("drv_xmit_bytes", xmitBytes);
        m.put("tx_busy", txBusy);
        m.put("tx_forced_busy", forcedBusy);
        m.put("tx_driver_drops", driverDrops);
        m.put("tx_stop_queue", stopQueue);
        m.put("tx_wake_queue", wakeQueue);
        m.put("tx_clean_packets", cleanedPackets);
        m.put("tx_clean_bytes", cleanedBytes);
        m.put("tx_ring_flushed", ringFlushed);
        m.put("tx_ring_returned", ringReturned);
        m.put("irq_handled", irqHandled);
        m.put("carrier_changes", carrierChanges);
        m.put("tx_ring_descriptors", (long) limit);
        m.put("stuck_queue", stuckQueue ? 1L : 0L);
        m.put("rx_clean_packets", rxPackets);
        m.put("rx_clean_bytes", rxBytes);
        m.put("rx_netif_rx_dropped", rxBacklogDrops);
        m.put("rx_buf_alloc", rxBufAlloc);
        m.put("rx_ring_flushed", rxRingFlushed);
        return m;
    }
}
