package org.nicemu.core.dev;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.DriverFactory;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.inet.Ipv4LayerFactory;
import org.nicemu.api.inet.NfHook;
import org.nicemu.api.nic.NicFactory;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.qdisc.QdiscFactory;
import org.nicemu.core.sched.Mq;
import org.nicemu.core.sched.NoQueue;
import org.nicemu.core.sched.PfifoFast;

/**
 * The plugin factories available now, captured when their services are bound (DESIGN §6: the loop
 * never looks services up in the framework). Thread-safe: written by the framework, read by loops.
 */
public final class Plugins {
    /** Built into the core, always available. */
    public static final Set<String> BUILTIN_QDISCS = Set.of(PfifoFast.KIND, NoQueue.KIND, Mq.KIND);

    private final Map<String, QdiscFactory> qdiscs = new ConcurrentHashMap<>();
    private final Map<String, DriverFactory> drivers = new ConcurrentHashMap<>();
    private final Map<String, NicPortFactory> ports = new ConcurrentHashMap<>();
    private volatile NicFactory nic;
    private volatile Ipv4LayerFactory ipv4;
    /** POST_ROUTING hooks with their priority and arrival order; {@link #postRouting} is the sorted snapshot. */
    private final java.util.List<Object[]> hookEntries = new java.util.ArrayList<>();
    private long hookSeq;
    private volatile java.util.List<NfHook> postRouting = java.util.List.of();

    private final Map<Integer, org.nicemu.api.sock.TransportFactory> transports = new ConcurrentHashMap<>();
    private final Map<String, Integer> ccNames = new ConcurrentHashMap<>();
    private final Map<String, Integer> mptcpSchedulerNames = new ConcurrentHashMap<>();

    /** A transport factory (net.proto=...) for its protocol number; replaces the one there. */
    public void setTransport(org.nicemu.api.sock.TransportFactory f) { transports.put(f.protocol(), f); }

    /** Removes {@code f} if it is the transport of its protocol; false otherwise. */
    public boolean unsetTransport(org.nicemu.api.sock.TransportFactory f) { return transports.remove(f.protocol(), f); }

    /** The transport factories now bound. */
    public java.util.Collection<org.nicemu.api.sock.TransportFactory> transports() { return transports.values(); }

    /** A congestion control algorithm appeared (tcp.cc=name): its name becomes valid for sysctls. */
    public void addCcName(String name) { ccNames.merge(name, 1, Integer::sum); }

    public void removeCcName(String name) { ccNames.computeIfPresent(name, (k, v) -> v <= 1 ? null : v - 1); }

    /** Names of the congestion control algorithms available now (tcp_available_congestion_control). */
    public Set<String> ccNames() { return new TreeSet<>(ccNames.keySet()); }

    /** Name of the algorithm TCP always has ({@code tcp_reno}, built into the TCP bundle). */
    public static final String BUILTIN_CC = "reno";

    /** {@link #ccNames()} and the built-in {@value #BUILTIN_CC}: what TCP_CONGESTION and the sysctl accept. */
    public Set<String> availableCcNames() {
        Set<String> s = ccNames();
        s.add(BUILTIN_CC);
        return s;
    }

    /** An MPTCP scheduler appeared (mptcp.scheduler=name): its name becomes valid for net.mptcp.scheduler. */
    public void addMptcpSchedulerName(String name) { mptcpSchedulerNames.merge(name, 1, Integer::sum); }

    public void removeMptcpSchedulerName(String name) { mptcpSchedulerNames.computeIfPresent(name, (k, v) -> v <= 1 ? null : v - 1); }

    /**
     * Names of the MPTCP schedulers available now (net.mptcp.available_schedulers), always with
     * {@code default}: the MPTCP layer's built-in fallback.
     */
    public Set<String> mptcpSchedulerNames() {
        Set<String> s = new TreeSet<>(mptcpSchedulerNames.keySet());
        s.add("default");
        return s;
    }

    /** Sets the IPv4 layer factory (the bound {@code net.layer=ipv4} service; greedy: a newer one replaces it). */
    public void setIpv4Factory(Ipv4LayerFactory f) { ipv4 = f; }

    /** Clears the IPv4 layer factory if it is {@code f}; false if another one is current. */
    public boolean unsetIpv4Factory(Ipv4LayerFactory f) {
        if (ipv4 != f) return false;
        ipv4 = null;
        return true;
    }

    /** The IPv4 layer factory, or null when no IP bundle is active. */
    public Ipv4LayerFactory ipv4Factory() { return ipv4; }

    /** Adds a POST_ROUTING hook (nf_register_net_hook); lower {@code priority} runs first, equal ones in arrival order. */
    public synchronized void addNfHook(NfHook h, int priority) {
        hookEntries.add(new Object[] {h, priority, hookSeq++});
        resortHooks();
    }

    /** Removes a POST_ROUTING hook (nf_unregister_net_hook); false if unknown. */
    public synchronized boolean removeNfHook(NfHook h) {
        boolean r = hookEntries.removeIf(e -> e[0] == h);
        resortHooks();
        return r;
    }

    private void resortHooks() {
        hookEntries.sort(java.util.Comparator.<Object[]>comparingInt(e -> (Integer) e[1]).thenComparingLong(e -> (Long) e[2]));
        java.util.List<NfHook> l = new java.util.ArrayList<>();
        for (Object[] e : hookEntries) l.add((NfHook) e[0]);
        postRouting = java.util.List.copyOf(l);
    }

    /** The POST_ROUTING hooks sorted by priority; an immutable snapshot (no allocation per call). */
    public java.util.List<NfHook> postRoutingHooks() { return postRouting; }

    public void addQdisc(QdiscFactory f) { qdiscs.put(f.kind(), f); }

    /** Removes {@code f} if it is still the registered factory of its kind. */
    public boolean removeQdisc(QdiscFactory f) { return qdiscs.remove(f.kind(), f); }

    public void addDriver(DriverFactory f) { drivers.put(f.kind(), f); }

    public boolean removeDriver(DriverFactory f) { return drivers.remove(f.kind(), f); }

    public void addPort(NicPortFactory f) { ports.put(f.kind(), f); }

    public boolean removePort(NicPortFactory f) { return ports.remove(f.kind(), f); }

    public void setNicFactory(NicFactory f) { nic = f; }

    /** Clears the NIC factory if it is {@code f}. */
    public void unsetNicFactory(NicFactory f) {
        if (nic == f) nic = null;
    }

    public NicFactory nicFactory() { return nic; }

    public QdiscFactory qdiscFactory(String kind) { return qdiscs.get(kind); }

    public NicPortFactory portFactory(String kind) { return ports.get(kind); }

    public Set<String> qdiscKinds() {
        Set<String> s = new TreeSet<>(BUILTIN_QDISCS);
        s.addAll(qdiscs.keySet());
        return s;
    }

    public Set<String> driverKinds() { return new TreeSet<>(drivers.keySet()); }

    public Set<String> portKinds() { return new TreeSet<>(ports.keySet()); }

    /** A new driver of {@code kind}; unknown kinds name the available ones. */
    public NetDriver createDriver(String kind, Map<String, String> params) throws DriverException {
        DriverFactory f = kind == null ? null : drivers.get(kind);
        if (f == null) throw new DriverException("unknown driver model '" + kind + "'; available: " + driverKinds());
        return f.create(params == null ? Map.of() : params);
    }
}
