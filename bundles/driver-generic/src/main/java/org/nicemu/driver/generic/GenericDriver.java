package org.nicemu.driver.generic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.driver.NetdevFeatures;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkBuffHead;
import org.nicemu.api.skb.SkbSharedInfo;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.wire.Gso;

/**
 * The default multi-queue driver model: a simplified modern NIC driver in the style of
 * drivers/net/ethernet/intel/ixgbe ({@code ixgbe_xmit_frame_ring()}, {@code ixgbe_maybe_stop_tx()},
 * {@code ixgbe_clean_tx_irq()}, {@code ixgbe_clean_rx_irq()}, {@code ixgbe_alloc_rx_buffers()},
 * {@code ixgbe_poll()}, {@code ixgbe_msix_clean_rings()}) and mlx5e.
 *
 * <ul>
 * <li><b>probe</b>: features from the NIC's capabilities (CAP_SG → NETIF_F_SG, CAP_CSUM →
 * NETIF_F_IP_CSUM, CAP_TSO → NETIF_F_TSO, CAP_USO → NETIF_F_GSO_UDP_L4), one real TX queue per NIC
 * ring, RSS over every RX queue, {@code request_irq()} with a handler that masks the interrupt and
 * schedules NAPI.</li>
 * <li><b>ndo_open</b> fills every RX ring with empty buffers ({@code ixgbe_alloc_rx_buffers()}):
 * skbs of {@code NET_SKB_PAD (64) + NET_IP_ALIGN (2) + MTU + 14} bytes from the device's allocator
 * with {@code skb_reserve(64 + 2)}, so that the IP header after the 14-byte Ethernet header is
 * 4-byte aligned, as {@code netdev_alloc_skb_ip_align()} does.</li>
 * <li><b>ndo_start_xmit</b>: NETDEV_TX_BUSY (queue stopped) if the ring has fewer than 2 free
 * descriptors; else post, {@code netdev_tx_sent_queue()} (BQL), stop the queue when fewer than
 * {@code MAX_SKB_FRAGS + 2} descriptors are left, and write the tail register unless xmit_more —
 * but always when the queue is now stopped by the driver or by BQL ({@code __netdev_tx_sent_queue()}'s
 * rule), so a deferred doorbell is never lost.</li>
 * <li><b>NAPI poll</b>: reclaims completed TX descriptors of every ring up to the budget
 * (rings taken in rotating order), {@code dev_consume_skb_any()} each skb, reports them to BQL per
 * ring, wakes a driver-stopped queue once {@code 2 * (MAX_SKB_FRAGS + 2)} descriptors are free;
 * then, with the budget left, cleans the RX rings (in rotating order, {@code ixgbe_clean_rx_irq()}):
 * each filled buffer goes up with {@link NetDevice#netifReceiveSkb} ({@code napi_gro_receive()})
 * and the ring is refilled with as many new empty buffers; when under budget it completes NAPI
 * and unmasks the interrupt. It also follows the carrier (link status change interrupt →
 * {@code netif_carrier_on/off()}, as the ixgbe watchdog does).</li>
 * <li><b>ndo_stop</b>: {@code netif_tx_disable()}, masks the interrupt, resets every ring: the skbs
 * the NIC had not started are handed back to the device ({@link NetDevice#netdevTxReturnUnsent},
 * per ring, oldest first; {@code tx_ring_returned}), which requeues them to the qdisc (ixgbe frees
 * them; a lossless driver swap needs them back); a TSO/USO skb the NIC had already started (some
 * segments on the wire) is freed with reason ring-flush ({@code tx_ring_flushed}) so that nothing
 * goes out twice; completed ones are consumed; BQL is reset; the RX buffers are
 * taken back ({@code rxFlush}) and freed — empty ones are not drops; frames received but not yet
 * polled are freed and counted in {@code rx_ring_flushed} ({@code ixgbe_clean_rx_ring()} does not
 * count them either).</li>
 * </ul>
 *
 * <p>Where it differs from ixgbe: one descriptor per skb (the NIC model has no per-frag
 * descriptors), so the stop threshold is counted in skbs; the thresholds shrink for rings smaller
 * than 4 × (MAX_SKB_FRAGS + 2); TX cleaning counts against the NAPI budget (RX gets what TX
 * left; ixgbe cleans TX outside the budget and splits the budget among RX rings); the RX ring is
 * refilled after every poll, not in batches of 16; there is no SMP re-check after stopping the
 * queue (one event loop, no race to close).
 */
public final class GenericDriver implements NetDriver {
    /** The descriptor reserve of ixgbe's DESC_NEEDED: MAX_SKB_FRAGS + 2. */
    static final int DESC_NEEDED = SkbSharedInfo.MAX_SKB_FRAGS + 2;
    /** NET_SKB_PAD and NET_IP_ALIGN: headroom of a receive buffer. */
    static final int NET_SKB_PAD = 64, NET_IP_ALIGN = 2;

    private long coalesceUsecs = -1;
    private int coalesceFrames = -1;
    private boolean bql = true;
    private long rxCoalesceUsecs = -1;
    private int rxCoalesceFrames = -1;

    private NetDevice dev;
    private NicHardware hw;
    private int queues;
    private int ringSize;
    private int stopThreshold;
    private int wakeThreshold;
    private boolean running;
    private boolean carrier = true;
    private int pollStart;
    private int rxQueues;
    private int rxPollStart;
    /** Data room of a receive buffer: MTU + Ethernet header. */
    private int rxBufLen;
    /** Descriptors posted but tail register not written yet (xmit_more). */
    private boolean[] doorbellPending;
    /** Descriptors at the head of each ring posted while BQL was off: their completions are not reported. */
    private int[] nonBqlAhead;
    private final Runnable irqHandler = this::irq;
    /** Wire frames of the skbs posted on each ring since ndo_open (as the NIC counts them). */
    private long[] postedFrames;
    /** The NIC's per-ring frame and malformed counts at ndo_open (-1: the NIC does not report them). */
    private long[] sentBase, malformedBase;
    private final SkBuffHead flushed = new SkBuffHead();
    private final Consumer<SkBuff> ringFlushSink = flushed::addTail;
    private final Consumer<SkBuff> rxFlushSink = this::rxFlushed;

    // ethtool -S
    private long xmitPackets, xmitBytes, txBusy, stopQueue, restartQueue, doorbells, doorbellsDeferred;
    private long irqHandled, napiPolls, napiComplete, cleanedPackets, cleanedBytes, ringFlushed, ringReturned, linkChanges;
    private long rxCleanPackets, rxCleanBytes, rxBufAlloc, rxBufFreed, rxRingFlushed;

    GenericDriver(GenericParams p) {
        apply(p);
    }

    private void apply(GenericParams p) {
        if (p.txCoalesceUsecs() != null) coalesceUsecs = p.txCoalesceUsecs();
        if (p.txCoalesceFrames() != null) coalesceFrames = p.txCoalesceFrames();
        if (p.bql() != null) bql = p.bql();
        if (p.rxCoalesceUsecs() != null) rxCoalesceUsecs = p.rxCoalesceUsecs();
        if (p.rxCoalesceFrames() != null) rxCoalesceFrames = p.rxCoalesceFrames();
    }

    @Override
    public String kind() { return GenericDriverFactory.KIND_GENERIC; }

    /** Mirrors the probe function ({@code ixgbe_probe()} → {@code ixgbe_set_features}, {@code request_irq}). */
    @Override
    public void probe(NetDevice d, NicHardware h) throws DriverException {
        NicConfig cfg = h.config();
        long caps = cfg.capabilities();
        long f = 0;
        if ((caps & NicHardware.CAP_SG) != 0) f |= NetdevFeatures.NETIF_F_SG;
        if ((caps & NicHardware.CAP_CSUM) != 0) f |= NetdevFeatures.NETIF_F_IP_CSUM;
        if ((caps & NicHardware.CAP_TSO) != 0) f |= NetdevFeatures.NETIF_F_TSO;
        if ((caps & NicHardware.CAP_USO) != 0) f |= NetdevFeatures.NETIF_F_GSO_UDP_L4;
        this.dev = d;
        this.hw = h;
        this.queues = cfg.numTxQueues();
        this.ringSize = cfg.txRingSize();
        this.stopThreshold = Math.max(2, Math.min(DESC_NEEDED, ringSize / 2));
        this.wakeThreshold = Math.max(stopThreshold, Math.min(2 * DESC_NEEDED, ringSize));
        this.doorbellPending = new boolean[queues];
        this.nonBqlAhead = new int[queues];
        this.postedFrames = new long[queues];
        this.sentBase = new long[queues];
        this.malformedBase = new long[queues];
        this.rxQueues = cfg.numRxQueues();
        this.rxBufLen = d.mtu() + ETH_HLEN;
        d.setFeatures(f);
        d.setRealNumTxQueues(queues);
        if (coalesceUsecs < 0) coalesceUsecs = cfg.txCoalesceUsecs();
        if (coalesceFrames < 0) coalesceFrames = cfg.txCoalesceFrames();
        h.setTxCoalesce(coalesceUsecs, coalesceFrames);
        if (rxCoalesceUsecs < 0) rxCoalesceUsecs = 0;
        if (rxCoalesceFrames < 0) rxCoalesceFrames = 0;
        h.setRxCoalesce(rxCoalesceUsecs, rxCoalesceFrames);
        h.setRssQueues(rxQueues);
        h.requestIrq(irqHandler);
    }

    static final int ETH_HLEN = 14;

    /** Mirrors ndo_open ({@code ixgbe_open()} → {@code ixgbe_configure()} → {@code ixgbe_up_complete()}): RX buffers, carrier, queues, interrupt. */
    @Override
    public void ndoOpen() {
        running = true;
        Map<String, Long> st = hw.ethtoolStats();
        for (int q = 0; q < queues; q++) {
            postedFrames[q] = 0;
            sentBase[q] = st.getOrDefault("tx_queue_" + q + "_packets", -1L);
            malformedBase[q] = st.getOrDefault("tx_queue_" + q + "_malformed", -1L);
        }
        for (int q = 0; q < rxQueues; q++) allocRxBuffers(q);
        syncCarrier(true);
        for (int q = 0; q < queues; q++) {
            doorbellPending[q] = false;
            dev.netifTxWakeQueue(q); // netif_tx_start_all_queues()
        }
        hw.irqEnable();
    }

    /** Mirrors ndo_stop ({@code ixgbe_close()} → {@code ixgbe_down()} → {@code ixgbe_clean_all_tx_rings()}). */
    @Override
    public void ndoStop() {
        running = false;
        for (int q = 0; q < queues; q++) {
            if (!dev.netifTxQueueStopped(q)) {
                dev.netifTxStopQueue(q); // netif_tx_disable()
                stopQueue++;
            }
        }
        hw.irqDisable();
        Map<String, Long> st = hw.ethtoolStats(); // frames on the wire per ring: the ring reset does not change them
        for (int q = 0; q < queues; q++) {
            hw.txFlush(q, ringFlushSink);
            returnUnsent(q, st);
        }
        for (int q = 0; q < queues; q++) {
            SkBuff skb;
            while ((skb = hw.txReclaim(q)) != null) {
                cleanedPackets++;
                cleanedBytes += skb.len();
                dev.devConsumeSkbAny(skb);
            }
            doorbellPending[q] = false;
            nonBqlAhead[q] = 0;
            dev.netdevTxResetQueue(q);
        }
        for (int q = 0; q < rxQueues; q++) hw.rxFlush(q, rxFlushSink); // ixgbe_clean_all_rx_rings()
    }

    /**
     * Hands the skbs the ring reset of ring {@code q} gave back to the device, oldest first, except
     * a head TSO/USO skb whose first segments the NIC already sent (the reset gives such a cut-short
     * burst back too): that one is freed as ring-flush. It is recognised by counting wire frames:
     * frames posted since ndo_open minus frames the NIC sent from the ring is what was not sent; when
     * the skbs given back hold more frames than that, the difference went out from the head one.
     * After a malformed descriptor the count is unsure: a head GSO skb is then taken as started.
     */
    private void returnUnsent(int q, Map<String, Long> st) {
        if (flushed.isEmpty()) return;
        long startedFrames = 0;
        SkBuff head = flushed.peek();
        Long sent = st.get("tx_queue_" + q + "_packets");
        Long malformed = st.get("tx_queue_" + q + "_malformed");
        if (head.isGso() && sent != null && sentBase[q] >= 0) {
            long returnedFrames = 0;
            for (SkBuff s = head; s != null; s = s.next) returnedFrames += nicFrames(s);
            long notSent = postedFrames[q] - (sent - sentBase[q]);
            startedFrames = returnedFrames - notSent;
            if (malformed != null && malformed != malformedBase[q]) startedFrames = Math.max(startedFrames, 1);
        }
        SkBuff skb = flushed.removeHead();
        if (startedFrames > 0) {
            ringFlushed++;
            dev.devKfreeSkbAny(skb, DropReason.RING_FLUSH);
        } else {
            ringReturned++;
            dev.netdevTxReturnUnsent(q, skb);
        }
        while ((skb = flushed.removeHead()) != null) {
            ringReturned++;
            dev.netdevTxReturnUnsent(q, skb);
        }
    }

    /** The frames the NIC puts on the wire for {@code skb}: its segments for TSO/USO, else one. */
    private static long nicFrames(SkBuff skb) {
        return skb.isGso() ? Math.max(0, Gso.segmentCount(skb)) : 1;
    }

    /** An RX buffer given back by the ring reset: freed; a frame in it was never polled. */
    private void rxFlushed(SkBuff skb) {
        if (skb.len() != 0) rxRingFlushed++;
        rxBufFreed++;
        dev.allocator().free(skb);
    }

    /**
     * Mirrors {@code ixgbe_alloc_rx_buffers()} with {@code netdev_alloc_skb_ip_align()}: posts empty
     * buffers on RX ring {@code q} until it is full; returns how many.
     */
    private int allocRxBuffers(int q) {
        int n = 0;
        int free = hw.rxRingFree(q);
        var alloc = dev.allocator();
        for (int i = 0; i < free; i++) {
            SkBuff skb = alloc.allocSkb(NET_SKB_PAD + NET_IP_ALIGN + rxBufLen);
            skb.reserve(NET_SKB_PAD + NET_IP_ALIGN);
            if (!hw.rxPost(q, skb)) {
                alloc.free(skb);
                break;
            }
            n++;
        }
        rxBufAlloc += n;
        return n;
    }

    /**
     * Mirrors {@code ixgbe_xmit_frame_ring()}: room check, descriptor post, BQL accounting,
     * {@code ixgbe_maybe_stop_tx()}, and the tail write unless xmit_more.
     */
    @Override
    public int ndoStartXmit(SkBuff skb, int queue, boolean xmitMore) {
        if (hw.txRingFree(queue) < 2) {
            if (!dev.netifTxQueueStopped(queue)) {
                dev.netifTxStopQueue(queue);
                stopQueue++;
            }
            if (doorbellPending[queue]) ringDoorbell(queue);
            txBusy++;
            return NETDEV_TX_BUSY;
        }
        int len = skb.len();
        if (!hw.txPost(queue, skb)) throw new IllegalStateException("ring " + queue + " refused a descriptor although it had room");
        xmitPackets++;
        xmitBytes += len;
        postedFrames[queue] += nicFrames(skb);
        if (bql) dev.netdevTxSentQueue(queue, len);
        maybeStopTx(queue);
        if (!xmitMore || xmitStopped(queue)) {
            ringDoorbell(queue);
        } else {
            doorbellPending[queue] = true;
            doorbellsDeferred++;
        }
        return NETDEV_TX_OK;
    }

    /** Mirrors {@code ixgbe_maybe_stop_tx()}: stops the queue while fewer than DESC_NEEDED descriptors are free. */
    private void maybeStopTx(int queue) {
        if (hw.txRingFree(queue) >= stopThreshold) return;
        dev.netifTxStopQueue(queue);
        stopQueue++;
    }

    /** netif_xmit_stopped(): stopped by the driver or by BQL. */
    private boolean xmitStopped(int queue) {
        return dev.netifXmitStopped(queue);
    }

    private void ringDoorbell(int queue) {
        hw.txDoorbell(queue);
        doorbellPending[queue] = false;
        doorbells++;
    }

    /** Mirrors {@code ixgbe_msix_clean_rings()}: mask the vector, schedule NAPI. Hard-IRQ context. */
    private void irq() {
        irqHandled++;
        hw.irqDisable();
        dev.napiSchedule();
    }

    /**
     * Mirrors {@code ixgbe_poll()} with {@code ixgbe_clean_tx_irq()}: cleans completed TX
     * descriptors of all rings up to {@code budget}, then {@code napi_complete_done()} and
     * {@code ixgbe_irq_enable_queues()} when under budget.
     */
    @Override
    public int napiPoll(int budget) {
        napiPolls++;
        syncCarrier(false);
        int work = 0;
        int start = pollStart;
        pollStart = start + 1 >= queues ? 0 : start + 1;
        for (int i = 0; i < queues && work < budget; i++) {
            int q = start + i;
            if (q >= queues) q -= queues;
            work += cleanTxRing(q, budget - work);
        }
        int rxStart = rxPollStart;
        rxPollStart = rxStart + 1 >= rxQueues ? 0 : rxStart + 1;
        for (int i = 0; i < rxQueues && work < budget; i++) {
            int q = rxStart + i;
            if (q >= rxQueues) q -= rxQueues;
            work += cleanRxRing(q, budget - work);
        }
        if (work < budget) {
            napiComplete++;
            if (dev.napiCompleteDone(work)) hw.irqEnable();
        }
        return work;
    }

    /** Mirrors {@code ixgbe_clean_tx_irq()} for one ring: reclaim, consume, BQL completion, wake. */
    private int cleanTxRing(int q, int limit) {
        int pkts = 0, bqlPkts = 0;
        long bytes = 0, bqlBytes = 0;
        SkBuff skb;
        while (pkts < limit && (skb = hw.txReclaim(q)) != null) {
            int len = skb.len();
            if (nonBqlAhead[q] > 0) {
                nonBqlAhead[q]--;
            } else {
                bqlPkts++;
                bqlBytes += len;
            }
            pkts++;
            bytes += len;
            dev.devConsumeSkbAny(skb);
        }
        if (pkts == 0) return 0;
        cleanedPackets += pkts;
        cleanedBytes += bytes;
        if (bql && bqlPkts > 0) dev.netdevTxCompletedQueue(q, bqlPkts, bqlBytes);
        if (running && dev.netifTxQueueStopped(q) && hw.txRingFree(q) >= wakeThreshold) {
            dev.netifTxWakeQueue(q);
            restartQueue++;
        }
        return pkts;
    }

    /**
     * Mirrors {@code ixgbe_clean_rx_irq()} for one ring: up to {@code limit} filled buffers go up
     * through {@code napi_gro_receive()} ({@link NetDevice#netifReceiveSkb}), then the ring is
     * refilled ({@code ixgbe_alloc_rx_buffers()}). Returns the frames cleaned.
     */
    private int cleanRxRing(int q, int limit) {
        int pkts = 0;
        long bytes = 0;
        SkBuff skb;
        while (pkts < limit && (skb = hw.rxReclaim(q)) != null) {
            pkts++;
            bytes += skb.len();
            dev.netifReceiveSkb(skb);
        }
        if (pkts == 0) return 0;
        rxCleanPackets += pkts;
        rxCleanBytes += bytes;
        if (running) allocRxBuffers(q);
        return pkts;
    }

    /** Follows the link: netif_carrier_on/off() when the NIC's link differs from what the stack was told. */
    private void syncCarrier(boolean force) {
        boolean up = hw.linkUp();
        if (!force && up == carrier) return;
        if (up != carrier) linkChanges++;
        carrier = up;
        if (up) dev.netifCarrierOn(); else dev.netifCarrierOff();
    }

    /** Mirrors the remove function's {@code free_irq()}. */
    @Override
    public void remove() {
        hw.freeIrq();
    }

    /** ethtool -C and the BQL switch; checked as a whole before anything changes. */
    @Override
    public void change(Map<String, String> params) throws DriverException {
        GenericParams p = GenericParams.parse(params);
        boolean wasBql = bql;
        apply(p);
        if (hw == null) return;
        if (p.txCoalesceUsecs() != null || p.txCoalesceFrames() != null) hw.setTxCoalesce(coalesceUsecs, coalesceFrames);
        if (p.rxCoalesceUsecs() != null || p.rxCoalesceFrames() != null) hw.setRxCoalesce(rxCoalesceUsecs, rxCoalesceFrames);
        if (bql != wasBql) {
            for (int q = 0; q < queues; q++) {
                if (bql) {
                    // descriptors already in the ring were not accounted: do not report their completion
                    nonBqlAhead[q] = ringSize - hw.txRingFree(q);
                } else {
                    nonBqlAhead[q] = 0;
                    dev.netdevTxResetQueue(q); // wakes a BQL-stopped queue
                }
            }
        }
    }

    @Override
    public Map<String, Long> ethtoolStats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("drv_xmit_packets", xmitPackets);
        m.put("drv_xmit_bytes", xmitBytes);
        m.put("tx_busy", txBusy);
        m.put("tx_stop_queue", stopQueue);
        m.put("tx_restart_queue", restartQueue);
        m.put("tx_doorbells", doorbells);
        m.put("tx_doorbells_deferred", doorbellsDeferred);
        m.put("tx_clean_packets", cleanedPackets);
        m.put("tx_clean_bytes", cleanedBytes);
        m.put("tx_ring_flushed", ringFlushed);
        m.put("tx_ring_returned", ringReturned);
        m.put("irq_handled", irqHandled);
        m.put("napi_polls", napiPolls);
        m.put("napi_complete", napiComplete);
        m.put("carrier_changes", linkChanges);
        m.put("bql_enabled", bql ? 1L : 0L);
        m.put("tx_coalesce_usecs", coalesceUsecs);
        m.put("tx_coalesce_frames", (long) coalesceFrames);
        m.put("rx_clean_packets", rxCleanPackets);
        m.put("rx_clean_bytes", rxCleanBytes);
        m.put("rx_buf_alloc", rxBufAlloc);
        m.put("rx_buf_freed", rxBufFreed);
        m.put("rx_ring_flushed", rxRingFlushed);
        m.put("rx_buf_len", (long) rxBufLen);
        return m;
    }

    /** The driver-stop threshold in free descriptors (for tests and docs). */
    int stopThreshold() { return stopThreshold; }

    /** The wake threshold in free descriptors. */
    int wakeThreshold() { return wakeThreshold; }
}
