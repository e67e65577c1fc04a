package org.nicemu.nic;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicFactory;
import org.nicemu.api.stats.CostCounters;
import org.osgi.service.component.annotations.Component;

/**
 * The DS component that provides the {@link NicFactory} service: it builds {@link EmulatedNic}s,
 * the emulated multi-queue NIC hardware (the part a PCI probe would find on the bus; there is no
 * kernel counterpart, the factory is the emulator's "hardware shop"). Stateless.
 */
@Component(service = NicFactory.class)
public final class EmulatedNicFactory implements NicFactory {
    @Override
    public Nic create(String name, NicConfig config, EventLoop loop, CostCounters counters) {
        return new EmulatedNic(name, config, loop, counters);
    }
}
