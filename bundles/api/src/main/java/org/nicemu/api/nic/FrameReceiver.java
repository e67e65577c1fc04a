package org.nicemu.api.nic;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a port delivers a frame that arrives for a NIC: the NIC's receive entry
 * ({@link Nic#receive}), the role of the MAC's receive side behind the PHY. Called on the
 * emulation's loop with the frame exactly as on the wire (Ethernet header first, no preamble, no
 * FCS); the callee copies what it keeps.
 */
@FunctionalInterface
@ConsumerType
public interface FrameReceiver {
    /** A frame of {@code len} bytes at {@code frame[off..]} has arrived (its last bit) at emulated time {@code timestampNanos}. */
    void receive(long timestampNanos, byte[] frame, int off, int len);
}
