package org.nicemu.api.net;

import org.nicemu.api.emu.Device;
import org.nicemu.api.skb.SkBuff;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A protocol's receive function for one EtherType, shaped like {@code struct packet_type}'s
 * {@code func} (e.g. {@code ip_rcv()}, {@code arp_rcv()}), registered on a host with
 * {@link org.nicemu.api.emu.Host#addPacketHandler} (the role of {@code dev_add_pack()}).
 *
 * <p>Called by the core's {@code __netif_receive_skb_core()} from the NET_RX softirq on the
 * emulation's loop, after {@code eth_type_trans()}: {@code skb.data} is at the network header
 * (the Ethernet header was pulled, {@code macHeader} points at it), {@code skb.protocol} is the
 * EtherType, {@code skb.pktType} one of {@code SkBuff.PACKET_HOST/BROADCAST/MULTICAST}
 * (frames for other hosts never reach a handler), {@code skb.hash} the RSS hash,
 * {@code skb.tstamp} the arrival time.
 *
 * <p>The handler owns one reference to the skb and must release it ({@code allocator().free(skb)}
 * on the host's allocator, i.e. {@code kfree_skb}/{@code consume_skb}) or keep it (queue it to a
 * socket). When several handlers are registered for one EtherType each gets its own reference to
 * the same skb (as {@code deliver_skb()} takes one per handler), so a handler must not modify
 * a shared skb ({@code skb.users() > 1}) without copying it first.
 */
@ConsumerType
@FunctionalInterface
public interface PacketHandler {
    /** Mirrors {@code packet_type.func}: receives {@code skb} from device {@code dev}. */
    void rcv(SkBuff skb, Device dev);
}
