/** The emulated NIC hardware seen by a driver, and the port SPI (pcap file, live interface, virtual wire). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.nicemu.api.nic;
