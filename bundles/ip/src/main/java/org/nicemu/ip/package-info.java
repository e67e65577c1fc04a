/**
 * The IPv4 layer as a plugin bundle (net/ipv4/ip_output.c, ip_input.c, ip_fragment.c, arp.c,
 * icmp.c): one DS component providing {@link org.nicemu.api.inet.Ipv4LayerFactory} with
 * {@code net.layer=ipv4}. Private package; all per-host state lives in the host's
 * {@link org.nicemu.api.inet.InetNs}, so the bundle can be stopped, updated and started with
 * traffic flowing.
 */
package org.nicemu.ip;
