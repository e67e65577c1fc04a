package org.nicemu.api.driver;

/** Device feature bits (include/linux/netdev_features.h), the subset the emulator honours. */
public final class NetdevFeatures {
    /** Scatter/gather: the device takes non-linear skbs (page frags). */
    public static final long NETIF_F_SG = 1L;
    /** The device computes IPv4 TCP/UDP checksums (CHECKSUM_PARTIAL). */
    public static final long NETIF_F_IP_CSUM = 1L << 1;
    /**
     * Generic receive offload: the device layer merges consecutive TCP segments of a flow from one
     * NAPI poll into one skb before the stack sees them (a software feature, as in Linux).
     */
    public static final long NETIF_F_GRO = 1L << 14;
    /** TCP segmentation offload for IPv4. */
    public static final long NETIF_F_TSO = 1L << 16;
    /** UDP segmentation offload (USO). */
    public static final long NETIF_F_GSO_UDP_L4 = 1L << 17;

    private NetdevFeatures() {
    }

    /** Names for ethtool -k style output. */
    public static String describe(long f) {
        return "scatter-gather: " + on(f, NETIF_F_SG) + "\ntx-checksum-ipv4: " + on(f, NETIF_F_IP_CSUM)
                + "\ntcp-segmentation-offload: " + on(f, NETIF_F_TSO) + "\ntx-udp-segmentation: " + on(f, NETIF_F_GSO_UDP_L4)
                + "\ngeneric-receive-offload: " + on(f, NETIF_F_GRO);
    }

    private static String on(long f, long bit) {
        return (f & bit) != 0 ? "on" : "off";
    }
}
