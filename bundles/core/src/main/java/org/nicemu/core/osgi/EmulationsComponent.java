package org.nicemu.core.osgi;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.nicemu.api.driver.DriverFactory;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.inet.Ipv4LayerFactory;
import org.nicemu.api.inet.NfHook;
import org.nicemu.api.nic.NicFactory;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.qdisc.QdiscFactory;
import org.nicemu.core.dev.EmulationImpl;
import org.nicemu.core.dev.Plugins;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The core's DS component: the {@link Emulations} service, and the plugin registry fed by the
 * qdisc, driver, NIC and port services. When a plugin service goes away (its bundle stops, updates
 * or uninstalls) every emulation moves off it on its loop and this callback waits for that, so the
 * plugin's code is no longer in use when its class loader goes (DESIGN §6). Nothing here throws
 * into the framework.
 */
@Component(service = Emulations.class, immediate = true)
public final class EmulationsComponent implements Emulations {
    /** The driver model devices fall back to when theirs goes away. */
    static final String FALLBACK_DRIVER = "generic";

    private final Plugins plugins = new Plugins();
    private final Map<String, EmulationImpl> emulations = new ConcurrentHashMap<>();

    @Override
    public Emulation create(String name, long seed, boolean virtualTime) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) throw new IllegalArgumentException("emulation name must be 1-64 letters, digits, '_', '.', '-'; got '" + name + "'");
        EmulationImpl e = new EmulationImpl(name, seed, virtualTime, plugins);
        if (emulations.putIfAbsent(name, e) != null) {
            e.close();
            throw new IllegalArgumentException("an emulation named " + name + " exists already");
        }
        return new Handle(e);
    }

    @Override
    public Emulation get(String name) {
        EmulationImpl e = emulations.get(name);
        return e == null ? null : new Handle(e);
    }

    @Override
    public Collection<Emulation> list() {
        return emulations.values().stream().map(e -> (Emulation) new Handle(e)).toList();
    }

    @Override
    public Set<String> qdiscKinds() { return plugins.qdiscKinds(); }

    @Override
    public Set<String> driverKinds() { return plugins.driverKinds(); }

    @Override
    public Set<String> congestionControls() { return plugins.availableCcNames(); }

    @Override
    public Set<String> portKinds() { return plugins.portKinds(); }

    @Deactivate
    void deactivate() {
        for (EmulationImpl e : List.copyOf(emulations.values())) e.close();
        emulations.clear();
    }

    // ---------------------------------------------------------------- plugin services

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addQdisc(QdiscFactory f) {
        plugins.addQdisc(f);
        String kind = f.kind();
        onEachLoop(e -> e.qdiscBack(kind), "re-applying qdisc " + kind);
    }

    void removeQdisc(QdiscFactory f) {
        if (!plugins.removeQdisc(f)) return;
        onEachLoop(e -> e.qdiscGone(f), "falling back from qdisc " + f.kind());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDriver(DriverFactory f) {
        plugins.addDriver(f);
        String kind = f.kind();
        onEachLoop(e -> e.driverBack(kind), "re-binding driver " + kind);
    }

    void removeDriver(DriverFactory f) {
        if (!plugins.removeDriver(f)) return;
        String fallback = plugins.driverKinds().contains(FALLBACK_DRIVER) ? FALLBACK_DRIVER : null;
        onEachLoop(e -> e.driverGone(f, fallback), "unbinding driver " + f.kind());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPort(NicPortFactory f) { plugins.addPort(f); }

    void removePort(NicPortFactory f) { plugins.removePort(f); }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setNic(NicFactory f) { plugins.setNicFactory(f); }

    void unsetNic(NicFactory f) { plugins.unsetNicFactory(f); }


    /**
     * The IPv4 layer (net.layer=ipv4): bound greedily, so a newer service replaces the current one;
     * each emulation's hosts get a layer from it on their loop (the state stays in InetNs).
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(net.layer=ipv4)")
    void setIpv4(Ipv4LayerFactory f) {
        plugins.setIpv4Factory(f);
        onEachLoop(e -> e.ipv4Bound(f), "binding the IPv4 layer");
    }

    void unsetIpv4(Ipv4LayerFactory f) {
        if (!plugins.unsetIpv4Factory(f)) return;
        onEachLoop(e -> e.ipv4Gone(f), "unbinding the IPv4 layer");
    }

    /** Transport protocols (net.proto=tcp ...): every host of every emulation gets an instance. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTransport(org.nicemu.api.sock.TransportFactory f) {
        plugins.setTransport(f);
        onEachLoop(e -> e.transportBound(f), "binding transport " + f.protocol());
    }

    void removeTransport(org.nicemu.api.sock.TransportFactory f) {
        if (!plugins.unsetTransport(f)) return;
        onEachLoop(e -> e.transportGone(f), "unbinding transport " + f.protocol());
    }

    /** Congestion control names (tcp.cc=...), so that sysctl net.ipv4.tcp_congestion_control can be checked. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCc(org.nicemu.api.tcp.cc.TcpCongestionFactory f, Map<String, Object> props) {
        plugins.addCcName(String.valueOf(props.get(org.nicemu.api.tcp.cc.TcpCongestionFactory.NAME)));
    }

    void removeCc(org.nicemu.api.tcp.cc.TcpCongestionFactory f, Map<String, Object> props) {
        plugins.removeCcName(String.valueOf(props.get(org.nicemu.api.tcp.cc.TcpCongestionFactory.NAME)));
    }

    /** MPTCP scheduler names (mptcp.scheduler=...), so that sysctl net.mptcp.scheduler can be checked. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMptcpScheduler(org.nicemu.api.mptcp.sched.MptcpSchedulerFactory f, Map<String, Object> props) {
        plugins.addMptcpSchedulerName(String.valueOf(props.get(org.nicemu.api.mptcp.sched.MptcpSchedulerFactory.NAME)));
    }

    void removeMptcpScheduler(org.nicemu.api.mptcp.sched.MptcpSchedulerFactory f, Map<String, Object> props) {
        plugins.removeMptcpSchedulerName(String.valueOf(props.get(org.nicemu.api.mptcp.sched.MptcpSchedulerFactory.NAME)));
    }

    /** POST_ROUTING hooks (nf.hook=post_routing, nf.priority): the IP layers read the sorted list. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, target = "(nf.hook=post_routing)")
    void addNfHook(NfHook h, Map<String, Object> props) {
        Object p = props.get(NfHook.PRIORITY);
        int prio = 0;
        if (p instanceof Number) prio = ((Number) p).intValue();
        else if (p != null) {
            try {
                prio = Integer.parseInt(p.toString().trim());
            } catch (NumberFormatException e) {
                prio = 0;
            }
        }
        plugins.addNfHook(h, prio);
    }

    void removeNfHook(NfHook h) {
        if (!plugins.removeNfHook(h)) return;
        onEachLoop(e -> { }, "draining a POST_ROUTING hook"); // the hook's code is no longer running when this returns
    }

    private void onEachLoop(java.util.function.Consumer<EmulationImpl> action, String what) {
        for (EmulationImpl e : emulations.values()) {
            if (e.isClosed()) continue;
            try {
                e.call(() -> {
                    action.accept(e);
                    return null;
                });
            } catch (Exception ex) {
                System.err.println("nicemu: " + e.name() + ": " + what + " failed: " + ex);
            }
        }
    }

    /**
     * What callers hold: closing it also forgets the emulation here. Delegates everything else.
     */
    private final class Handle implements Emulation {
        private final EmulationImpl e;

        Handle(EmulationImpl e) { this.e = e; }

        @Override public String name() { return e.name(); }
        @Override public long seed() { return e.seed(); }
        @Override public org.nicemu.api.exec.EventLoop loop() { return e.loop(); }
        @Override public org.nicemu.api.emu.Host addHost(String name, int cpus) { return e.addHost(name, cpus); }
        @Override public org.nicemu.api.emu.Host host(String name) { return e.host(name); }
        @Override public List<org.nicemu.api.emu.Host> hosts() { return e.hosts(); }
        @Override public long runUntil(long t) throws InterruptedException { return e.runUntil(t); }
        @Override public void start() { e.start(); }
        @Override public void pause() { e.pause(); }
        @Override public boolean isRunning() { return e.isRunning(); }
        @Override public <T> T call(java.util.concurrent.Callable<T> task) throws Exception { return e.call(task); }
        @Override public long events() { return e.events(); }

        @Override
        public void close() {
            e.close();
            emulations.remove(e.name(), e);
        }

        @Override public boolean equals(Object o) { return o instanceof Handle && ((Handle) o).e == e; }
        @Override public int hashCode() { return e.hashCode(); }
        @Override public String toString() { return e.toString(); }
    }
}
