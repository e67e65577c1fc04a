/**
 * The live port ({@code port.kind=live}): an emulated NIC on a real network interface through
 * Pcap4J/libpcap (docs/port-live.md). Private: the bundle provides only the
 * {@link org.nicemu.api.nic.NicPortFactory} service.
 */
package org.nicemu.port.live;
