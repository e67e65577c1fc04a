/**
 * Reading capture files (pcap with micro- or nanosecond timestamps, and single-link-type pcapng)
 * through Pcap4J / libpcap, for tests and replay. Records carry nanosecond timestamps and the
 * captured bytes; no Pcap4J type appears in this API.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.port.pcap4j.reader;
