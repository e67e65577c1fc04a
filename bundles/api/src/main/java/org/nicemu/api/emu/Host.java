package org.nicemu.api.emu;

import java.util.List;
import java.util.Map;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Workqueues;
import org.nicemu.api.inet.InetNs;
import org.nicemu.api.inet.InetProtocol;
import org.nicemu.api.inet.Ipv4Layer;
import org.nicemu.api.inet.NfHook;
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

    /** The host's IPv4 state (the ipv4 part of {@code struct net}); it outlives any IP layer instance. */
    InetNs inet();

    /** The IPv4 layer bound now (made by the active Ipv4LayerFactory), or null when no IP bundle is active. */
    Ipv4Layer ipv4();

    /**
     * Mirrors {@code inet_add_protocol()}: the IP layer delivers packets of IP protocol {@code proto}
     * to {@code p}. A second protocol for the same number replaces nothing and is an error.
     */
    void addInetProtocol(int proto, InetProtocol p);

    /** Mirrors {@code inet_del_protocol()}: removes {@code p} if it is the handler of {@code proto}. */
    void removeInetProtocol(int proto, InetProtocol p);

    /** The handler of IP protocol {@code proto} ({@code inet_protos[proto]}), or null. */
    InetProtocol inetProtocol(int proto);

    /** The NF_INET_POST_ROUTING hooks ({@code nf_hook_entries}), lowest priority first; a snapshot. */
    List<NfHook> postRoutingHooks();

    /** This host's task scheduler (emulated application threads on its CPUs). */
    org.nicemu.api.exec.TaskScheduler tasks();

    /**
     * The transport protocol instance for IP protocol {@code ipproto} ({@code struct proto}, e.g.
     * tcp_prot for 6) made by the bound {@link org.nicemu.api.sock.TransportFactory}, or null.
     */
    org.nicemu.api.sock.Proto proto(int ipproto);
}
