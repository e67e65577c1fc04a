package org.nicemu.api.nic;

import org.osgi.annotation.versioning.ProviderType;

/** The emulated NIC as the core manages it: the hardware plus its ports and link. */
@ProviderType
public interface Nic extends NicHardware {
    /** Connects a port: every frame the NIC puts on the wire goes to it (several ports may be attached). */
    void attachPort(NicPort port);

    /** Disconnects a port (it is flushed, not closed). */
    void detachPort(NicPort port);

    /** Sets the carrier (cable plugged / unplugged). While down the NIC sends nothing; rings keep their descriptors. */
    void setLink(boolean up);

    /** Changes the line rate (ethtool -s speed). */
    void setRate(long bitsPerSec);
}
