package org.nicemu.api.emu;

import java.util.List;
import java.util.Map;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Workqueues;
import org.nicemu.api.net.PacketHandler;
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

    /**
     * Mirrors {@code dev_add_pack()}: frames with EtherType {@code etherType} (e.g. 0x0800) received
     * on any device of this host are delivered to {@code h} by {@code __netif_receive_skb_core()}.
     * Several handlers per EtherType are called in registration order, each with its own reference.
     * Adding the same handler twice for one EtherType has no effect. Frames for which no handler is
     * registered are dropped with reason unhandled-proto.
     */
    void addPacketHandler(int etherType, PacketHandler h);

    /** Mirrors {@code dev_remove_pack()}; unknown handlers are ignored. */
    void removePacketHandler(int etherType, PacketHandler h);

    /** sysctl values (net.core.dev_weight, net.core.default_qdisc, net.core.netdev_max_backlog...). */
    Map<String, String> sysctls();

    /** Sets a sysctl; unknown keys or bad values give IllegalArgumentException naming what is accepted. */
    void sysctl(String key, String value);

    /**
     * Marks CPU {@code cpu} as having another task ready to run (TIF_NEED_RESCHED), as the
     * scheduler tick or a wake-up would; cleared by the next {@code schedule()} on that CPU.
     */
    void setNeedResched(int cpu);
}
