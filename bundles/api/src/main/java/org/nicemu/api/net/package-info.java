/**
 * The protocol side of the receive path: packet handlers registered per EtherType, shaped like
 * {@code struct packet_type} (include/linux/netdevice.h), to which {@code __netif_receive_skb_core()}
 * delivers frames.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.api.net;
