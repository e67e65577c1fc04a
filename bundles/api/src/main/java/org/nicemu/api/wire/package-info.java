/** Wire formats as views over bytes: Ethernet, ARP, IPv4, UDP and the Internet checksum. No protocol state. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.api.wire;
