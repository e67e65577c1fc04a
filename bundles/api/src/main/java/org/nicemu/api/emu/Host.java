package org.nicemu.api.emu;

import java.util.List;
import java.util.Map;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Workqueues;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.osgi.annotation.versioning.ProviderType;

/** An emulated host (a network namespace): devices, CPUs, sysctls and counters. Loop thread only. */
@ProviderType
public interface Host {
    String name();

    int numCpus();

    /** The emulation's loop (clock, timers, seeded randomness) this host runs on. */
    EventLoop loop();

    CostCounters counters();

    SkbAllocator allocator();

    Workqueues workqueues();

    /**
     * Adds a device backed by an emulated NIC with driver {@code spec.driver()} and the default
     * qdisc; the device is up. Throws IllegalArgumentException with a clear message on bad specs.
     */
    Device addDevice(DeviceSpec spec);

    Device device(String name);

    List<Device> devices();

    /** sysctl values (net.core.dev_weight, net.core.default_qdisc, net.core.busy_poll...). */
    Map<String, String> sysctls();

    /** Sets a sysctl; unknown keys or bad values give IllegalArgumentException naming what is accepted. */
    void sysctl(String key, String value);

    /**
     * Marks CPU {@code cpu} as having another task ready to run (TIF_NEED_RESCHED), as the
     * scheduler tick or a wake-up would; cleared by the next {@code schedule()} on that CPU.
     */
    void setNeedResched(int cpu);
}
