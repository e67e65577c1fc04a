package org.nicemu.api.driver;

import java.util.Map;

import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.skb.SkBuff;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A driver model bound to one emulated NIC, shaped like {@code struct net_device_ops} plus the NAPI
 * poll function. Made per device by a {@link DriverFactory}; called only on the emulation's loop.
 */
@ConsumerType
public interface NetDriver {
    /** ndo_start_xmit() return: the skb was taken. */
    int NETDEV_TX_OK = 0x00;
    /** ndo_start_xmit() return: no room, the core requeues the skb (dev_requeue_skb()). */
    int NETDEV_TX_BUSY = 0x10;

    /** The driver kind, e.g. "generic". */
    String kind();

    /**
     * Binds to the hardware (the probe function + register_netdev()): reads the NIC's capabilities,
     * sets the device's features and real TX queue count, requests the IRQ.
     */
    void probe(NetDevice dev, NicHardware hw) throws DriverException;

    /** Mirrors ndo_open(): fills the RX rings with empty buffers, enables NAPI and interrupts, starts the TX queues. */
    void ndoOpen();

    /**
     * Mirrors ndo_stop(): stops the TX queues, disables interrupts and drains the rings: completed
     * skbs are consumed, skbs the hardware never started are handed back with
     * {@link NetDevice#netdevTxReturnUnsent} (the core requeues them in their qdisc), a skb the
     * hardware had partly sent (a cut TSO burst) is freed with reason ring-flush; RX buffers are
     * taken back ({@code rxFlush}) and freed.
     */
    void ndoStop();

    /**
     * Mirrors ndo_start_xmit(): posts {@code skb} on TX ring {@code queue}. {@code xmitMore} is
     * netdev_xmit_more(): more skbs follow at once, so the doorbell may wait.
     * Returns {@link #NETDEV_TX_OK} (skb taken) or {@link #NETDEV_TX_BUSY} (skb not taken).
     */
    int ndoStartXmit(SkBuff skb, int queue, boolean xmitMore);

    /**
     * Mirrors ndo_select_queue(): returns a TX queue, or -1 to let netdev_pick_tx() choose
     * (netdev_pick_tx is the kernel's fallback).
     */
    default int ndoSelectQueue(SkBuff skb, int realNumTxQueues) {
        return -1;
    }

    /**
     * The NAPI poll function: cleans completed TX descriptors and received frames (handed to
     * {@link NetDevice#netifReceiveSkb}), at most {@code budget} in all; returns work done.
     */
    int napiPoll(int budget);

    /** Unbinds (the remove function): frees the IRQ. The device is already stopped. */
    void remove();

    /** Driver-private {@code ethtool -S} counters. */
    Map<String, Long> ethtoolStats();

    /**
     * Changes driver parameters on a bound driver (fault knobs, coalescing); rejects unknown keys
     * with a {@link DriverException} naming the accepted ones.
     */
    default void change(Map<String, String> params) throws DriverException {
        if (!params.isEmpty()) throw new DriverException(kind() + " takes no parameters; got " + params.keySet());
    }
}
