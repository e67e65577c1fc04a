package org.nicemu.api.nic;

import org.nicemu.api.exec.EventLoop;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What {@link Nic#attachPort} tells a port about the NIC it is attached to
 * ({@link NicPort#bind(PortBinding)}): where received frames go, the emulation's loop (time,
 * timers, seeded randomness) and the NIC's line timing. A port that only delivers frames needs
 * just {@link #receiver()}; a virtual wire needs the loop and the timing too.
 */
@ProviderType
public interface PortBinding {
    /** The NIC's name, e.g. "h1/eth0". */
    String nicName();

    /** Delivers a frame into the NIC's receive path ({@link Nic#receive}). */
    FrameReceiver receiver();

    /** The loop of the emulation the NIC belongs to. */
    EventLoop loop();

    /** The NIC's hardware description. */
    NicConfig config();

    /**
     * Nanoseconds the NIC needs to serialize a frame of {@code len} bytes (as captured, without FCS)
     * at its current line rate, preamble, FCS and inter-frame gap included when the NIC counts
     * them: the time from a frame's first bit on the wire (the timestamp of
     * {@link NicPort#transmit}) to its last bit, rounded down.
     */
    long serializationNanos(int len);

    /**
     * The port reports the carrier of the medium it stands for (a live interface going down or up):
     * the NIC's link follows ({@link Nic#setLink}), so it stops sending while the carrier is off and
     * resumes when it comes back. Loop thread only (a port that learns it on another thread posts it
     * to {@link #loop()}). The default ignores it. Since 1.2.
     */
    default void setCarrier(boolean up) {
    }
}
