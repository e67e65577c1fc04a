/**
 * Wire formats as views over bytes: Ethernet, ARP, IPv4, UDP, TCP, the Internet checksum, and
 * stateless GSO/TSO segmentation and checksum completion over skbs. No protocol state.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.nicemu.api.wire;
