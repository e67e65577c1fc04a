package org.nicemu.api.nic;

import java.util.Map;
import java.util.function.Consumer;

import org.nicemu.api.skb.SkBuff;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The emulated NIC as its driver programs it: TX descriptor rings with a doorbell (tail register),
 * completions, RX rings the driver fills with empty buffers, RSS, one interrupt line (one vector for
 * TX and RX) with coalescing per direction, capabilities and link state.
 */
@ProviderType
public interface NicHardware {
    /** Capability bits the hardware offers (the driver maps them to NETIF_F_*). */
    long CAP_SG = 1L, CAP_CSUM = 2L, CAP_TSO = 4L, CAP_USO = 8L;

    NicConfig config();

    /** Descriptors free in TX ring {@code queue}. */
    int txRingFree(int queue);

    /** Writes a descriptor for {@code skb} into TX ring {@code queue}; false (nothing done) if the ring is full. */
    boolean txPost(int queue, SkBuff skb);

    /** Writes the ring's tail register: the NIC starts fetching the posted descriptors. */
    void txDoorbell(int queue);

    /** Takes the skb of the oldest completed descriptor of ring {@code queue}, or null. */
    SkBuff txReclaim(int queue);

    /** Gives every descriptor of ring {@code queue} not yet sent back to {@code sink} (ring reset), oldest first. */
    void txFlush(int queue, Consumer<SkBuff> sink);

    /**
     * Free descriptors of RX ring {@code queue}: how many more empty buffers the driver may post
     * ({@code ixgbe_desc_unused()}). Filled buffers not yet reclaimed occupy their descriptor.
     */
    int rxRingFree(int queue);

    /**
     * Posts an empty receive buffer on RX ring {@code queue} (the RX descriptor write plus tail
     * bump of {@code ixgbe_alloc_rx_buffers()}): {@code emptySkb} must be linear with
     * {@code len() == 0}; the NIC writes a received frame at its tail, up to its tailroom. It is
     * visible to the NIC at once. Returns false (nothing done) when the ring is full.
     */
    boolean rxPost(int queue, SkBuff emptySkb);

    /**
     * Takes the oldest filled buffer of RX ring {@code queue}, or null: {@code len()} is the frame
     * length, data starts at the Ethernet header, {@code hash} is the RSS hash ({@code l4Hash} set
     * when the ports were hashed), {@code queueMapping} is the RX queue and {@code tstamp} the
     * arrival time (the last bit), ns.
     */
    SkBuff rxReclaim(int queue);

    /**
     * RX ring reset (ndo_stop): gives every buffer of ring {@code queue} to {@code sink}, the
     * filled ones not yet reclaimed first (oldest first, {@code len() > 0}), then the empty posted
     * ones ({@code len() == 0}). {@code sink} must not post to the ring.
     */
    void rxFlush(int queue, Consumer<SkBuff> sink);

    /**
     * ethtool -C rx-usecs / rx-frames: the RX cause of the interrupt is asserted this many µs after
     * the first frame received since the last interrupt, or at this many frames; both 0 (the
     * default) interrupts at every frame.
     */
    void setRxCoalesce(long usecs, int frames);

    /**
     * ethtool -X DEV equal N: the RSS indirection table spreads received flows over RX queues
     * 0..n-1 (entry i of the 128-entry table is {@code i % n}, ethtool_rxfh_indir_default()).
     * Initially n = the number of RX queues.
     */
    void setRssQueues(int n);

    /** request_irq(): {@code handler} runs in hard-IRQ context when the NIC interrupts. */
    void requestIrq(Runnable handler);

    /** free_irq(). */
    void freeIrq();

    /** Unmasks the interrupt; a completion already pending interrupts at once. */
    void irqEnable();

    /** Masks the interrupt. */
    void irqDisable();

    /** ethtool -C tx-usecs / tx-frames: interrupt after this many µs since the first completion or this many completions. */
    void setTxCoalesce(long usecs, int frames);

    /** Carrier state. */
    boolean linkUp();

    /** Per-queue and port counters, {@code ethtool -S} style (tx_queue_0_packets, rx_queue_0_packets, ...). */
    Map<String, Long> ethtoolStats();
}
