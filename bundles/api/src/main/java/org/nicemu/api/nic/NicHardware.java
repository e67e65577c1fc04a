package org.nicemu.api.nic;

import java.util.Map;
import java.util.function.Consumer;

import org.nicemu.api.skb.SkBuff;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The emulated NIC as its driver programs it: TX descriptor rings with a doorbell (tail register),
 * completions, one interrupt line with coalescing, capabilities and link state.
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

    /** Per-queue and port counters, {@code ethtool -S} style (tx_queue_0_packets, ...). */
    Map<String, Long> ethtoolStats();
}
