package org.nicemu.api.nic;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.stats.CostCounters;
import org.osgi.annotation.versioning.ConsumerType;

/** An OSGi service that builds emulated NICs (the hardware model bundle). */
@ConsumerType
public interface NicFactory {
    /** A NIC on the given loop; hard interrupts are counted into {@code counters}. */
    Nic create(String name, NicConfig config, EventLoop loop, CostCounters counters);
}
