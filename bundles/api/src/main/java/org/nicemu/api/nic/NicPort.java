package org.nicemu.api.nic;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the frames a NIC sends go: a pcap file, a live interface, a virtual wire. Called on the loop
 * with frames exactly as on the wire (no preamble, no FCS). The port must copy what it keeps.
 */
@ConsumerType
public interface NicPort {
    /** A frame left TX queue {@code txQueue} at emulated time {@code timestampNanos}. */
    void transmit(long timestampNanos, int txQueue, byte[] frame, int off, int len);

    /** Pushes buffered frames to their destination. */
    void flush();

    /** Flushes and releases the destination; further transmits are ignored. Idempotent. */
    void close();

    /** One line for the shell, e.g. "pcap /tmp/out/h1-eth0.pcap". */
    String describe();
}
