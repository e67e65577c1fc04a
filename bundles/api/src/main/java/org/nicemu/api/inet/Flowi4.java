package org.nicemu.api.inet;

/**
 * What a transport protocol asks the IP layer to send ({@code struct flowi4} plus the inet_sock
 * fields ip_queue_xmit() uses).
 *
 * @param saddr source address, 0 to let the route choose
 * @param daddr destination address
 * @param proto IP protocol number (6 TCP, 17 UDP, 1 ICMP)
 * @param tos   TOS byte (also sets skb->priority through rt_tos2priority)
 * @param ttl   TTL, 0 for net.ipv4.ip_default_ttl
 * @param df    set the Don't Fragment bit (PMTU discovery on)
 */
public record Flowi4(int saddr, int daddr, int proto, int tos, int ttl, boolean df) {
}
