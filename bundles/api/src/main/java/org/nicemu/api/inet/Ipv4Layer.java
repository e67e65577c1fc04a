package org.nicemu.api.inet;

import org.nicemu.api.emu.Device;
import org.nicemu.api.skb.SkBuff;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The IPv4 layer of one host (net/ipv4/ip_input.c, ip_output.c, arp.c, icmp.c), made by an
 * {@link Ipv4LayerFactory}. It keeps no state of its own that must survive a swap: addresses,
 * routes, neighbours and counters live in the host's {@link InetNs}. Loop thread only.
 */
@ConsumerType
public interface Ipv4Layer {
    /** Mirrors ip_rcv(): an IPv4 packet from {@code dev}, skb->data at the IP header. */
    void ipRcv(SkBuff skb, Device dev);

    /** Mirrors arp_rcv(): an ARP packet from {@code dev}, skb->data at the ARP header. */
    void arpRcv(SkBuff skb, Device dev);

    /**
     * Mirrors ip_queue_xmit() → ip_local_out() → ip_output() (POST_ROUTING hooks) →
     * ip_finish_output() (fragmentation) → neigh_output(): the transport header is at skb->data;
     * routes, pushes the IP header and sends. Returns a NET_XMIT_* code, or a negative errno
     * (-101 ENETUNREACH, -90 EMSGSIZE) after freeing the skb.
     */
    int ipQueueXmit(SkBuff skb, Flowi4 fl);

    /**
     * Sends an ICMP error about {@code skb} (icmp_send()), e.g. destination unreachable; the skb is
     * not consumed.
     */
    void icmpSend(SkBuff skb, int type, int code, int info);

    /** Stops timers before the instance is replaced (the state stays in InetNs). */
    void destroy();
}
