package org.nicemu.api.emu;

import java.util.List;
import java.util.Map;

import org.nicemu.api.driver.DriverException;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropCounters;
import org.osgi.annotation.versioning.ProviderType;

/** A network device of a host as the management side sees it ({@code ip link}, {@code tc}, {@code ethtool}). Loop thread only. */
@ProviderType
public interface Device {
    String name();

    Host host();

    Nic nic();

    /** The bound driver model. */
    String driverKind();

    /**
     * Swaps the driver (unbind/rebind, DESIGN §6): the device goes down, rings are drained, qdisc
     * contents are kept, the device comes up with the new driver.
     */
    void setDriver(String kind, Map<String, String> params) throws DriverException;

    /** Changes parameters of the bound driver (fault knobs). */
    void changeDriver(Map<String, String> params) throws DriverException;

    /** Runs one {@code tc qdisc} request. */
    void tc(TcRequest request) throws QdiscParamException;

    /** The qdisc tree, root first, for {@code tc [-s] qdisc show}. */
    List<QdiscInfo> qdiscs();

    /**
     * Mirrors dev_queue_xmit(): hands a fully built frame (skb->data at the Ethernet header) to the
     * device layer. Returns a NET_XMIT_* code.
     */
    int devQueueXmit(SkBuff skb);

    /** Whether TX queue {@code q} is stopped or frozen (netif_xmit_frozen_or_stopped()). */
    boolean txQueueStopped(int q);

    /** Number of real TX queues. */
    int realNumTxQueues();

    /** Registers a callback run on the loop when any TX queue of this device wakes. */
    void onTxWake(Runnable callback);

    /**
     * ip link set dev DEV txqueuelen N: the default limit of fifo qdiscs made from now on (as in
     * Linux, existing qdiscs keep their limit). 0 gives noqueue as the default qdisc.
     */
    void setTxQueueLen(int packets);

    int txQueueLen();

    /** ip link set up/down. */
    void setUp(boolean up);

    boolean isUp();

    /**
     * {@code ethtool -K DEV gro on|off}: generic receive offload in the device layer (NETIF_F_GRO
     * in the features). Since 1.4.
     */
    default void setGro(boolean on) {
        throw new UnsupportedOperationException("generic receive offload is not supported by " + getClass().getName());
    }

    /** Carrier: plugs or unplugs the emulated cable. */
    void setLink(boolean up);

    /** Connects a port to the NIC (it is bound first: a wire end delivers received frames to this device's NIC). */
    void attachPort(NicPort port);

    List<NicPort> ports();

    /**
     * Disconnects a port attached with {@link #attachPort} ({@code ip link set DEV port none}): the
     * NIC unbinds and flushes it ({@link org.nicemu.api.nic.Nic#detachPort}) and it leaves
     * {@link #ports()}; it is not closed. Returns false when it was not attached. Since 1.3.
     */
    boolean detachPort(NicPort port);

    /**
     * Device counters, ip -s link style: tx_packets, tx_bytes, tx_dropped, rx_packets, rx_bytes
     * (whole frames, Ethernet header included, as the driver handed them up), rx_dropped (frames
     * the stack dropped after the driver: no handler, other host, backlog full, device down).
     */
    Map<String, Long> stats();

    /** Drops at this device (qdisc, device layer and driver) by reason. */
    DropCounters drops();

    /** ethtool -S: NIC, driver and per-queue counters (BQL limits included). */
    Map<String, Long> ethtoolStats();
}
