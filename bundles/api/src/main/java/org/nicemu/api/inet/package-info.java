/**
 * IPv4 as protocols and the core see it: the per-host state that survives a swap of the IP bundle
 * (addresses, routes, neighbours, counters), and the SPIs between the IP layer, the transport
 * protocols and POST_ROUTING hooks (net/ipv4, include/net/ip.h, include/net/neighbour.h).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.nicemu.api.inet;
