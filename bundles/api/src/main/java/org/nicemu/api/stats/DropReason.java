package org.nicemu.api.stats;

/**
 * Why an skb was freed without being delivered; names follow the kernel's
 * {@code enum skb_drop_reason} (include/net/dropreason-core.h) where one exists.
 */
public enum DropReason {
    /** A qdisc dropped it by its own limit (SKB_DROP_REASON_QDISC_DROP). */
    QDISC_DROP("qdisc-drop"),
    /** The new qdisc of a {@code migrate} swap refused it by its own limit (emulator-specific). */
    SWAP_OVERLIMIT("swap-overlimit"),
    /** Freed by a {@code drop} swap or a qdisc reset, as Linux's qdisc_reset() does (emulator-specific). */
    SWAP_FLUSH("swap-flush"),
    /** The device or its queue was down/deactivated (SKB_DROP_REASON_DEV_READY). */
    DEV_READY("dev-ready"),
    /** Larger than the device MTU and cannot be segmented (SKB_DROP_REASON_PKT_TOO_BIG). */
    PKT_TOO_BIG("pkt-too-big"),
    /** Software GSO or checksum completion failed in validate_xmit_skb(). */
    GSO_FAILED("gso-failed"),
    /** The driver dropped it (fault injection, malformed descriptor). */
    DRIVER_DROP("driver-drop"),
    /** Still in a TX ring when the driver was unbound or the link went down. */
    RING_FLUSH("ring-flush"),
    /** The NIC could not put it on the wire (link down). */
    NIC_LINK_DOWN("nic-link-down"),
    /** A noqueue device's TX queue was stopped ("Virtual device asks to queue packet!"). */
    NOQUEUE_BUSY("noqueue-busy"),
    /** Received with an EtherType no packet handler is registered for (SKB_DROP_REASON_UNHANDLED_PROTO). */
    UNHANDLED_PROTO("unhandled-proto"),
    /** Received for another host's MAC address, PACKET_OTHERHOST (SKB_DROP_REASON_OTHERHOST). */
    OTHERHOST("otherhost"),
    /** netif_rx(): the CPU's backlog held more than net.core.netdev_max_backlog (SKB_DROP_REASON_CPU_BACKLOG). */
    CPU_BACKLOG("cpu-backlog"),
    /** Received shorter than an Ethernet header (SKB_DROP_REASON_PKT_TOO_SMALL). */
    PKT_TOO_SMALL("pkt-too-small");

    private final String label;

    DropReason(String label) { this.label = label; }

    /** The name used in summaries and the shell. */
    public String label() { return label; }

    /** Parses a label or enum name. */
    public static DropReason of(String s) {
        for (DropReason r : values()) {
            if (r.label.equals(s) || r.name().equalsIgnoreCase(s)) return r;
        }
        throw new IllegalArgumentException("unknown drop reason '" + s + "'");
    }
}
