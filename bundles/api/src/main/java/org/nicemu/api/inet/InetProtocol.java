package org.nicemu.api.inet;

import org.nicemu.api.skb.SkBuff;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A transport protocol's receive entry ({@code struct net_protocol}: tcp_v4_rcv, udp_rcv), which
 * the IP layer calls with skb->data at the transport header and the network header set.
 */
@ConsumerType
public interface InetProtocol {
    /** Mirrors net_protocol.handler; consumes the skb. */
    void rcv(SkBuff skb);

    /** Mirrors net_protocol.err_handler: an ICMP error about a packet this protocol sent. */
    default void err(SkBuff icmpSkb, int type, int code, int info) {
    }
}
