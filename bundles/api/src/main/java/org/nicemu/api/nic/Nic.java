package org.nicemu.api.nic;

import org.osgi.annotation.versioning.ProviderType;

/** The emulated NIC as the core manages it: the hardware plus its ports and link. */
@ProviderType
public interface Nic extends NicHardware {
    /**
     * Connects a port: every frame the NIC puts on the wire goes to it and every frame it receives
     * is shown to it ({@link NicPort#received}); several ports may be attached. The port is bound
     * first ({@link NicPort#bind(PortBinding)}, whose receiver is {@link #receive}), so a port that
     * brings frames in (a wire) delivers them to this NIC; if the binding throws, nothing is attached.
     */
    void attachPort(NicPort port);

    /** Disconnects a port (it is unbound and flushed, not closed). */
    void detachPort(NicPort port);

    /** Sets the carrier (cable plugged / unplugged). While down the NIC sends nothing; rings keep their descriptors. */
    void setLink(boolean up);

    /** Changes the line rate (ethtool -s speed). */
    void setRate(long bitsPerSec);

    /**
     * A frame arrives from a port (its last bit, at {@code timestampNanos}, normally the loop's
     * current time). The MAC's receive side: RSS picks the RX queue from a keyed hash of the IPv4
     * 5-tuple; every attached port sees the frame ({@link NicPort#received}); then a frame shorter
     * than 14 bytes or longer than MTU + 14 is dropped as {@code rx_length_errors}, a frame for an
     * RX ring without an empty buffer as {@code rx_missed}; otherwise it is copied into the oldest
     * posted buffer (DMA), completed, and the RX cause of the interrupt is raised (with RX
     * coalescing). Loop thread only; copies the frame, keeps no reference.
     */
    void receive(long timestampNanos, byte[] frame, int off, int len);
}
