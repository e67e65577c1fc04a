package org.nicemu.scenario;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.driver.NetdevFeatures;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.emu.QdiscInfo;
import org.nicemu.api.mptcp.info.MptcpInfo;
import org.nicemu.api.mptcp.info.MptcpInfoSource;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.stats.QdiscStats;
import org.nicemu.api.wire.MacAddress;
import org.nicemu.scenario.CommandSyntax.Capture;
import org.nicemu.scenario.CommandSyntax.Cmd;
import org.nicemu.scenario.CommandSyntax.Counters;
import org.nicemu.scenario.CommandSyntax.Driver;
import org.nicemu.scenario.CommandSyntax.Ethtool;
import org.nicemu.scenario.CommandSyntax.Help;
import org.nicemu.scenario.CommandSyntax.IpSet;
import org.nicemu.scenario.CommandSyntax.IpSetPort;
import org.nicemu.scenario.CommandSyntax.IpShow;
import org.nicemu.scenario.CommandSyntax.MptcpScheduler;
import org.nicemu.scenario.CommandSyntax.Pause;
import org.nicemu.scenario.CommandSyntax.Pktgen;
import org.nicemu.scenario.CommandSyntax.Run;
import org.nicemu.scenario.CommandSyntax.Ss;
import org.nicemu.scenario.CommandSyntax.Sysctl;
import org.nicemu.scenario.CommandSyntax.Tc;

/**
 * Executes parsed commands ({@link CommandSyntax}) on an emulation: every read or change of host
 * and device state runs on the emulation's loop through {@link Emulation#call}. Keeps the
 * generators started by {@code pktgen start} (and by scenarios) per emulation, so {@code pktgen
 * show} and the run summary can list them.
 */
final class CommandEngine {
    /** A generator with where it runs. */
    record GenEntry(String name, String host, String dev, PktgenService.Generator gen) { }

    private final Emulations emulations;
    private final Supplier<PktgenService> pktgen;
    private final PortFactories ports;
    private final Supplier<Set<String>> mptcpSchedulers;
    private final Map<Emulation, Map<String, GenEntry>> generators = new ConcurrentHashMap<>();

    CommandEngine(Emulations emulations, Supplier<PktgenService> pktgen, PortFactories ports) {
        this(emulations, pktgen, ports, Set::of);
    }

    /** @param mptcpSchedulers the names of the available {@code mptcp.scheduler} services ("default" is always available) */
    CommandEngine(Emulations emulations, Supplier<PktgenService> pktgen, PortFactories ports, Supplier<Set<String>> mptcpSchedulers) {
        this.emulations = emulations;
        this.pktgen = pktgen;
        this.ports = ports;
        this.mptcpSchedulers = mptcpSchedulers;
    }

    /** The MPTCP schedulers a connection can be given now: the {@code mptcp.scheduler} services and "default", sorted. */
    Set<String> mptcpSchedulerNames() {
        Set<String> s = new TreeSet<>(mptcpSchedulers.get());
        s.add("default");
        return s;
    }

    PortFactories ports() { return ports; }

    /** Parses and executes one line. */
    String execute(Emulation emu, String hostName, String line) {
        List<String> words = Words.split(line);
        if (InetCommands.handles(words)) {
            if (emu == null) throw new IllegalArgumentException("no emulation given");
            return InetCommands.execute(emu, hostName, words);
        }
        Cmd cmd = CommandSyntax.parse(words);
        if (cmd instanceof Help) return CommandSyntax.usage() + "\n";
        if (emu == null) throw new IllegalArgumentException("no emulation given");
        forgetClosed();
        if (cmd instanceof Run) return run(emu, ((Run) cmd).nanos());
        if (cmd instanceof Pause) return pause(emu);
        if (cmd instanceof Capture) return capture(emu, hostName, (Capture) cmd, null);
        if (cmd instanceof IpSetPort) return setPort(emu, hostName, (IpSetPort) cmd);
        return onLoop(emu, () -> {
            Host host = host(emu, hostName);
            if (cmd instanceof Tc) return tc(host, ((Tc) cmd).tc());
            if (cmd instanceof IpShow) return ipShow(host, (IpShow) cmd);
            if (cmd instanceof IpSet) return ipSet(host, (IpSet) cmd);
            if (cmd instanceof Ethtool) return ethtool(host, (Ethtool) cmd);
            if (cmd instanceof CommandSyntax.EthtoolFeatures) {
                CommandSyntax.EthtoolFeatures k = (CommandSyntax.EthtoolFeatures) cmd;
                Device d = device(host, k.dev());
                for (Map.Entry<String, Boolean> e : k.features().entrySet()) d.setGro(e.getValue()); // gro is the only one
                return "";
            }
            if (cmd instanceof Sysctl) return sysctl(host, (Sysctl) cmd);
            if (cmd instanceof Driver) return driver(host, (Driver) cmd);
            if (cmd instanceof Pktgen) return pktgen(emu, host, (Pktgen) cmd);
            if (cmd instanceof Counters) return counters(host);
            if (cmd instanceof Ss) return ss(host, (Ss) cmd);
            if (cmd instanceof MptcpScheduler) return mptcpScheduler(host, (MptcpScheduler) cmd);
            if (cmd instanceof CommandSyntax.TcpCongestion) return tcpCongestion(host, (CommandSyntax.TcpCongestion) cmd);
            throw new IllegalArgumentException("unknown command; accepted: " + String.join(", ", CommandSyntax.COMMANDS));
        });
    }

    /**
     * Runs {@code task} on the loop; checked exceptions of the management API become
     * IllegalArgumentExceptions with their message (they describe bad input).
     */
    static <T> T onLoop(Emulation emu, Callable<T> task) {
        try {
            return emu.call(task);
        } catch (QdiscParamException | DriverException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    /** The named host, or the only one. Loop thread. */
    static Host host(Emulation emu, String name) {
        List<Host> hosts = emu.hosts();
        if (name == null || name.isEmpty()) {
            if (hosts.size() == 1) return hosts.get(0);
            if (hosts.isEmpty()) throw new IllegalArgumentException("emulation " + emu.name() + " has no hosts yet");
            throw new IllegalArgumentException("emulation " + emu.name() + " has several hosts; choose one of " + hostNames(hosts)
                    + " (in the shell 'emu use " + emu.name() + " HOST', in a scenario action its \"host\")");
        }
        Host h = emu.host(name);
        if (h == null) throw new IllegalArgumentException("emulation " + emu.name() + " has no host '" + name + "'; hosts: " + hostNames(hosts));
        return h;
    }

    private static String hostNames(List<Host> hosts) {
        List<String> l = new ArrayList<>();
        for (Host h : hosts) l.add(h.name());
        return l.isEmpty() ? "(none)" : String.join(", ", l);
    }

    /** The named device of {@code host}. Loop thread. */
    static Device device(Host host, String name) {
        Device d = host.device(name);
        if (d == null) {
            List<String> l = new ArrayList<>();
            for (Device x : host.devices()) l.add(x.name());
            throw new IllegalArgumentException("host " + host.name() + " has no device '" + name + "'; devices: " + (l.isEmpty() ? "(none)" : String.join(", ", l)));
        }
        return d;
    }

    private static List<Device> devices(Host host, String dev) {
        return dev == null ? host.devices() : List.of(device(host, dev));
    }

    // ---------------------------------------------------------------- tc

    private String tc(Host host, TcCommand tc) throws QdiscParamException {
        if (!tc.show()) {
            Device d = device(host, tc.dev());
            String kind = tc.request().kind();
            if (kind != null && !emulations.qdiscKinds().contains(kind)) {
                throw new IllegalArgumentException("unknown qdisc kind '" + kind + "'; available: " + String.join(", ", emulations.qdiscKinds()));
            }
            d.tc(tc.request());
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Device d : devices(host, tc.dev())) {
            for (QdiscInfo q : d.qdiscs()) {
                sb.append(qdiscLine(q, tc.dev() == null ? d.name() : null)).append('\n');
                if (tc.stats()) {
                    QdiscStats s = q.stats();
                    sb.append(" Sent ").append(s.bytes).append(" bytes ").append(s.packets).append(" pkt (dropped ").append(s.drops)
                            .append(", overlimits ").append(s.overlimits).append(" requeues ").append(s.requeues).append(")\n");
                    sb.append(" backlog ").append(s.backlog).append("b ").append(s.qlen).append("p requeues ").append(s.requeues).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** {@code qdisc tbf 8001: root rate 10Mbit burst 32Kb lat 50ms}; with {@code dev} when listing every device. */
    static String qdiscLine(QdiscInfo q, String dev) {
        StringBuilder sb = new StringBuilder("qdisc ").append(q.kind()).append(' ').append(q.handle());
        if (dev != null) sb.append(" dev ").append(dev);
        String parent = q.parent();
        if (parent == null || parent.equals("root")) sb.append(" root");
        else sb.append(" parent ").append(parent.startsWith("0:") ? parent.substring(1) : parent);
        if (q.params() != null) {
            for (Map.Entry<String, Object> e : q.params().entrySet()) {
                String v = value(e.getValue());
                sb.append(' ').append(e.getKey());
                if (!v.isEmpty() && !v.equals("true")) sb.append(' ').append(v);
            }
        }
        return sb.toString();
    }

    private static String value(Object v) {
        if (v == null) return "";
        if (v.getClass().isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Array.getLength(v); i++) sb.append(i == 0 ? "" : " ").append(Array.get(v, i));
            return sb.toString();
        }
        if (v instanceof Collection) {
            StringBuilder sb = new StringBuilder();
            for (Object o : (Collection<?>) v) sb.append(sb.length() == 0 ? "" : " ").append(o);
            return sb.toString();
        }
        return String.valueOf(v);
    }

    // ---------------------------------------------------------------- ip

    private String ipShow(Host host, IpShow c) {
        StringBuilder sb = new StringBuilder();
        List<Device> all = host.devices();
        for (Device d : devices(host, c.dev())) {
            NicConfig cfg = d.nic().config();
            boolean carrier = d.nic().linkUp();
            List<String> flags = new ArrayList<>(List.of("BROADCAST", "MULTICAST"));
            if (d.isUp()) {
                flags.add("UP");
                flags.add(carrier ? "LOWER_UP" : "NO-CARRIER");
            }
            String state = !d.isUp() ? "DOWN" : carrier ? "UP" : "DOWN";
            List<QdiscInfo> qs = d.qdiscs();
            sb.append(all.indexOf(d) + 2).append(": ").append(d.name()).append(": <").append(String.join(",", flags)).append("> mtu ")
                    .append(cfg.mtu()).append(" qdisc ").append(qs.isEmpty() ? "noop" : qs.get(0).kind()).append(" state ").append(state)
                    .append(" mode DEFAULT qlen ").append(d.txQueueLen()).append(" numtxqueues ").append(d.realNumTxQueues()).append('\n');
            sb.append("    link/ether ").append(MacAddress.of(cfg.mac())).append(" brd ff:ff:ff:ff:ff:ff\n");
            if (c.stats()) {
                Map<String, Long> s = d.stats();
                sb.append("    RX:  bytes packets errors dropped  missed   mcast\n");
                Map<String, Long> nic = d.nic().ethtoolStats();
                sb.append(String.format(Locale.ROOT, "    %10d %7d %6d %7d %7d %7d%n", s.getOrDefault("rx_bytes", 0L),
                        s.getOrDefault("rx_packets", 0L), nic.getOrDefault("rx_length_errors", 0L), s.getOrDefault("rx_dropped", 0L),
                        nic.getOrDefault("rx_missed", 0L), 0));
                sb.append("    TX:  bytes packets errors dropped carrier collsns\n");
                sb.append(String.format(Locale.ROOT, "    %10d %7d %6d %7d %7d %7d%n", s.getOrDefault("tx_bytes", 0L), s.getOrDefault("tx_packets", 0L),
                        0, s.getOrDefault("tx_dropped", 0L), 0, 0));
            }
        }
        return sb.toString();
    }

    private String ipSet(Host host, IpSet c) {
        Device d = device(host, c.dev());
        switch (c.what()) {
            case "up": d.setUp(c.on()); break;
            case "txqueuelen": d.setTxQueueLen(c.value()); break;
            default: d.setLink(c.on());
        }
        return "";
    }

    // ---------------------------------------------------------------- ethtool

    private String ethtool(Host host, Ethtool c) {
        Device d = device(host, c.dev());
        NicConfig cfg = d.nic().config();
        StringBuilder sb = new StringBuilder();
        switch (c.mode()) {
            case 'S':
                sb.append("NIC statistics:\n");
                Map<String, Long> all = new LinkedHashMap<>(d.ethtoolStats());
                portStats(d, all);
                for (Map.Entry<String, Long> e : all.entrySet()) {
                    sb.append("     ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
                }
                break;
            case 'k': {
                long hw = cfg.capabilities();
                long f = d instanceof NetDevice ? ((NetDevice) d).features() : -1;
                sb.append("Features for ").append(d.name()).append(":\n");
                feature(sb, "scatter-gather", f, NetdevFeatures.NETIF_F_SG, hw, NicHardware.CAP_SG);
                feature(sb, "tx-checksum-ipv4", f, NetdevFeatures.NETIF_F_IP_CSUM, hw, NicHardware.CAP_CSUM);
                feature(sb, "tcp-segmentation-offload", f, NetdevFeatures.NETIF_F_TSO, hw, NicHardware.CAP_TSO);
                feature(sb, "tx-udp-segmentation", f, NetdevFeatures.NETIF_F_GSO_UDP_L4, hw, NicHardware.CAP_USO);
                sb.append("generic-receive-offload: ").append(f >= 0 && (f & NetdevFeatures.NETIF_F_GRO) != 0 ? "on" : "off").append('\n');
                break;
            }
            case 'i':
                sb.append("driver: ").append(d.driverKind()).append('\n');
                sb.append("version: nicemu\n");
                sb.append("bus-info: emulated:").append(host.name()).append('/').append(d.name()).append('\n');
                sb.append("supports-statistics: yes\n");
                break;
            case 'g':
                sb.append("Ring parameters for ").append(d.name()).append(":\nPre-set maximums:\nTX:\t\t65536\nCurrent hardware settings:\nTX:\t\t")
                        .append(cfg.txRingSize()).append('\n');
                break;
            case 'l':
                sb.append("Channel parameters for ").append(d.name()).append(":\nPre-set maximums:\nTX:\t\t").append(cfg.numTxQueues())
                        .append("\nCurrent hardware settings:\nTX:\t\t").append(d.realNumTxQueues()).append('\n');
                break;
            default:
                sb.append("Settings for ").append(d.name()).append(":\n");
                sb.append("\tSpeed: ").append(speed(cfg.rateBitsPerSec())).append('\n');
                sb.append("\tDuplex: Full\n");
                sb.append("\tPort: Emulated (").append(cfg.numTxQueues()).append(" TX queues, ring ").append(cfg.txRingSize()).append(", ")
                        .append(cfg.arbitration() == NicConfig.Arbitration.ROUND_ROBIN ? "round-robin" : "strict-priority").append(")\n");
                sb.append("\tLink detected: ").append(d.nic().linkUp() ? "yes" : "no").append('\n');
        }
        return sb.toString();
    }

    private static void feature(StringBuilder sb, String name, long f, long bit, long hw, long cap) {
        boolean on = f >= 0 ? (f & bit) != 0 : (hw & cap) != 0;
        sb.append(name).append(": ").append(on ? "on" : "off");
        if ((hw & cap) == 0) sb.append(" [fixed]");
        sb.append('\n');
    }

    private static String speed(long bps) {
        if (bps % 1_000_000 == 0) return (bps / 1_000_000) + "Mb/s";
        return Units.formatRate(bps) + "/s";
    }

    // ---------------------------------------------------------------- sysctl

    private String sysctl(Host host, Sysctl c) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : c.set().entrySet()) {
            host.sysctl(e.getKey(), e.getValue());
            sb.append(e.getKey()).append(" = ").append(host.sysctls().get(e.getKey())).append('\n');
        }
        Map<String, String> all = host.sysctls();
        for (String k : c.get()) {
            String v = all.get(k);
            if (v == null) throw new IllegalArgumentException("sysctl: cannot stat " + k + ": unknown key; known: " + String.join(", ", all.keySet()));
            sb.append(k).append(" = ").append(v).append('\n');
        }
        if (c.set().isEmpty() && c.get().isEmpty()) {
            for (Map.Entry<String, String> e : all.entrySet()) sb.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- driver

    private String driver(Host host, Driver c) throws DriverException {
        if (c.dev() == null) {
            StringBuilder sb = new StringBuilder("driver models: ").append(String.join(", ", emulations.driverKinds())).append('\n');
            for (Device d : host.devices()) sb.append(d.name()).append(": ").append(d.driverKind()).append('\n');
            return sb.toString();
        }
        Device d = device(host, c.dev());
        if (c.change()) {
            d.changeDriver(c.params());
            return d.name() + ": driver " + d.driverKind() + " " + kv(c.params()) + "\n";
        }
        if (c.kind() == null) return d.name() + ": driver " + d.driverKind() + "\n";
        if (!emulations.driverKinds().contains(c.kind())) {
            throw new IllegalArgumentException("unknown driver model '" + c.kind() + "'; available: " + String.join(", ", emulations.driverKinds()));
        }
        String was = d.driverKind();
        d.setDriver(c.kind(), c.params());
        return d.name() + ": driver " + d.driverKind() + " bound (was " + was + ")\n";
    }

    private static String kv(Map<String, ?> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ?> e : m.entrySet()) sb.append(sb.length() == 0 ? "" : " ").append(e.getKey()).append(' ').append(e.getValue());
        return sb.toString();
    }

    // ---------------------------------------------------------------- pktgen

    private String pktgen(Emulation emu, Host host, Pktgen c) {
        Map<String, GenEntry> mine = gens(emu);
        switch (c.op()) {
            case "help":
                return "usage: " + CommandSyntax.PKTGEN_USAGE + "\n" + service().usage() + "\n";
            case "start": {
                Device d = device(host, c.dev());
                synchronized (mine) {
                    GenEntry old = mine.get(c.name());
                    if (old != null && !old.gen().done()) {
                        throw new IllegalArgumentException("pktgen: a generator named '" + c.name() + "' is running on " + old.host() + "/" + old.dev() + "; stop it first or choose another name");
                    }
                }
                PktgenService.Generator g = service().start(d, c.name(), c.params());
                register(emu, host.name(), d.name(), g);
                return "pktgen " + c.name() + " started on " + host.name() + "/" + d.name() + "\n";
            }
            case "stop": {
                List<GenEntry> which = new ArrayList<>();
                synchronized (mine) {
                    if (c.name().equals("all")) which.addAll(mine.values());
                    else if (mine.containsKey(c.name())) which.add(mine.get(c.name()));
                    else throw new IllegalArgumentException("pktgen: no generator named '" + c.name() + "'; generators: " + (mine.isEmpty() ? "(none)" : String.join(", ", mine.keySet())));
                }
                StringBuilder sb = new StringBuilder();
                for (GenEntry e : which) {
                    e.gen().stop();
                    sb.append("pktgen ").append(e.name()).append(" stopped\n");
                }
                return sb.toString();
            }
            default: {
                StringBuilder sb = new StringBuilder();
                synchronized (mine) {
                    if (c.name() != null && !mine.containsKey(c.name())) {
                        throw new IllegalArgumentException("pktgen: no generator named '" + c.name() + "'; generators: " + (mine.isEmpty() ? "(none)" : String.join(", ", mine.keySet())));
                    }
                    for (GenEntry e : mine.values()) {
                        if (c.name() != null && !e.name().equals(c.name())) continue;
                        sb.append(e.name()).append(' ').append(e.host()).append('/').append(e.dev()).append(e.gen().done() ? " done" : " running");
                        for (Map.Entry<String, Long> s : e.gen().stats().entrySet()) sb.append(' ').append(s.getKey()).append(' ').append(s.getValue());
                        sb.append('\n');
                    }
                }
                if (sb.length() == 0) sb.append("no generators\n");
                return sb.toString();
            }
        }
    }

    private PktgenService service() {
        PktgenService s = pktgen.get();
        if (s == null) throw new IllegalStateException("pktgen is not available (bundle org.nicemu.pktgen is not active)");
        return s;
    }

    private Map<String, GenEntry> gens(Emulation emu) {
        return generators.computeIfAbsent(emu, e -> new LinkedHashMap<>());
    }

    /** Records a generator started on {@code emu} (by a command or a scenario). */
    void register(Emulation emu, String host, String dev, PktgenService.Generator g) {
        Map<String, GenEntry> mine = gens(emu);
        synchronized (mine) {
            mine.put(g.name(), new GenEntry(g.name(), host, dev, g));
        }
    }

    /** The generators of {@code emu}, in start order. */
    List<GenEntry> generators(Emulation emu) {
        Map<String, GenEntry> mine = generators.get(emu);
        if (mine == null) return List.of();
        synchronized (mine) {
            return List.copyOf(mine.values());
        }
    }

    /** Drops the generator lists of emulations that were closed. */
    void forgetClosed() {
        generators.keySet().removeIf(e -> {
            Emulation now = emulations.get(e.name());
            return now == null || !now.equals(e);
        });
    }

    /** Forgets the generators of {@code emu} (it is being closed). */
    void forget(Emulation emu) {
        generators.remove(emu);
        setPorts.remove(emu);
    }

    // ---------------------------------------------------------------- capture

    /**
     * Opens a port of {@code c.kind()} for the device and attaches it. {@code baseDir} (may be null)
     * resolves a relative {@code file}.
     */
    String capture(Emulation emu, String hostName, Capture c, java.nio.file.Path baseDir) {
        if (c.dev() == null) {
            return onLoop(emu, () -> {
                Host host = host(emu, hostName);
                StringBuilder sb = new StringBuilder("port kinds: ").append(ports.kinds().isEmpty() ? "(none)" : String.join(", ", ports.kinds())).append('\n');
                for (Device d : host.devices()) {
                    List<NicPort> ps = d.ports();
                    if (ps.isEmpty()) sb.append(d.name()).append(": no ports\n");
                    for (NicPort p : ps) sb.append(d.name()).append(": ").append(p.describe()).append('\n');
                }
                return sb.toString();
            });
        }
        NicPortFactory f = ports.get(c.kind());
        if (f == null) {
            throw new IllegalArgumentException("unknown port kind '" + c.kind() + "'; available: " + (ports.kinds().isEmpty() ? "(none)" : String.join(", ", ports.kinds())));
        }
        int queues = onLoop(emu, () -> device(host(emu, hostName), c.dev()).nic().config().numTxQueues());
        Map<String, String> params = new LinkedHashMap<>(c.params());
        String file = params.get("file");
        if (file != null && baseDir != null) {
            java.nio.file.Path p = java.nio.file.Path.of(file);
            if (!p.isAbsolute()) params.put("file", baseDir.resolve(p).toString());
        }
        NicPort port = f.open(c.dev(), queues, params); // file I/O off the loop
        try {
            onLoop(emu, () -> {
                device(host(emu, hostName), c.dev()).attachPort(port);
                return null;
            });
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
        return c.dev() + ": capturing to " + port.describe() + "\n";
    }

    // ---------------------------------------------------------------- ip link set DEV port

    /** The ports {@code ip link set DEV port} attached, by emulation and "host/dev". */
    private final Map<Emulation, Map<String, NicPort>> setPorts = new ConcurrentHashMap<>();

    /**
     * {@code ip link set DEV port live IFNAME ...}: opens a port of that kind (off the loop: it opens
     * the interface) and attaches it to the device, replacing one set before; {@code port none}
     * detaches and closes it. Refused with one message when the port refuses the emulation (a live
     * port in virtual time).
     */
    String setPort(Emulation emu, String hostName, IpSetPort c) {
        String key = onLoop(emu, () -> {
            Host h = host(emu, hostName);
            device(h, c.dev());
            return h.name() + "/" + c.dev();
        });
        Map<String, NicPort> mine = setPorts.computeIfAbsent(emu, e -> new ConcurrentHashMap<>());
        if (c.kind() == null) {
            NicPort old = mine.remove(key);
            if (old == null) return c.dev() + ": no port set with 'ip link set " + c.dev() + " port' to remove\n";
            detach(emu, hostName, c.dev(), old);
            return c.dev() + ": port " + old.describe() + " removed\n";
        }
        NicPortFactory f = ports.get(c.kind());
        if (f == null) {
            throw new IllegalArgumentException("port kind '" + c.kind() + "' is not available (bundle org.nicemu.port." + c.kind()
                    + " is not active); available: " + (ports.kinds().isEmpty() ? "(none)" : String.join(", ", ports.kinds())));
        }
        if (c.kind().equals("live") && emu.loop().clock().isVirtual()) {
            throw new IllegalArgumentException("live ports need real time: set \"virtualTime\": false");
        }
        int queues = onLoop(emu, () -> device(host(emu, hostName), c.dev()).nic().config().numTxQueues());
        NicPort port = f.open(c.dev(), queues, c.params()); // opens the interface: off the loop
        try {
            onLoop(emu, () -> {
                device(host(emu, hostName), c.dev()).attachPort(port);
                return null;
            });
        } catch (IllegalStateException e) {
            port.close();
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
        NicPort old = mine.put(key, port);
        if (old != null) detach(emu, hostName, c.dev(), old);
        return c.dev() + ": " + port.describe() + "\n";
    }

    private static void detach(Emulation emu, String hostName, String dev, NicPort p) {
        try {
            onLoop(emu, () -> device(host(emu, hostName), dev).detachPort(p));
        } finally {
            p.close();
        }
    }

    /**
     * A port's counters in {@code ethtool -S} style: {@code <kind>_<counter>}, the kind being the
     * first word of its {@link NicPort#describe()} (e.g. {@code live_rx_frames}, {@code wire_tx_lost}).
     */
    static void portStats(Device d, Map<String, Long> into) {
        for (NicPort p : d.ports()) {
            Map<String, Long> s = p.stats();
            if (s.isEmpty()) continue;
            String desc = p.describe();
            int sp = desc.indexOf(' ');
            String kind = sp > 0 ? desc.substring(0, sp) : "port";
            for (Map.Entry<String, Long> e : s.entrySet()) into.putIfAbsent(kind + "_" + e.getKey(), e.getValue());
        }
    }

    // ---------------------------------------------------------------- counters

    private String counters(Host host) {
        StringBuilder sb = new StringBuilder("host ").append(host.name()).append('\n');
        for (Map.Entry<String, Map<String, Long>> cat : host.counters().snapshot().entrySet()) {
            sb.append(cat.getKey()).append(':');
            for (Map.Entry<String, Long> e : cat.getValue().entrySet()) sb.append(' ').append(e.getKey()).append(' ').append(e.getValue());
            sb.append('\n');
        }
        for (Device d : host.devices()) {
            Map<String, Long> drops = d.drops().snapshot();
            sb.append("drops ").append(d.name()).append(':');
            if (drops.isEmpty()) sb.append(" none");
            for (Map.Entry<String, Long> e : drops.entrySet()) sb.append(' ').append(e.getKey()).append(' ').append(e.getValue());
            sb.append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- ss

    /** The header line {@code ss -t} prints (columns as {@link org.nicemu.api.sock.TcpInfo#ssLine()}). */
    static final String SS_HEADER = String.format(Locale.ROOT, "%-11s %-6s %-6s %-22s %-22s", "State", "Recv-Q", "Send-Q",
            "Local Address:Port", "Peer Address:Port");

    /** The header line {@code ss -M} prints (columns as {@link MptcpInfo#ssLines()}). */
    static final String SS_MPTCP_HEADER = String.format(Locale.ROOT, "%-11s %-22s %-22s", "State", "Local Address:Port", "Peer Address:Port");

    /**
     * {@code ss}: the host's TCP sockets ({@code host.proto(6).sockets()}, subflows included), one
     * ssLine() each, with {@code -t} or without {@code -M}; then with {@code -M} its MPTCP
     * connections ({@code host.proto(262)}, {@link MptcpInfo#ssLines()}). Loop thread.
     */
    static String ss(Host host, Ss c) {
        StringBuilder sb = new StringBuilder();
        if (c.tcp()) ssTcp(host, c, sb);
        if (c.mptcp()) ssMptcp(host, c, sb);
        return sb.toString();
    }

    private static void ssMptcp(Host host, Ss c, StringBuilder sb) {
        sb.append(SS_MPTCP_HEADER.stripTrailing()).append('\n');
        org.nicemu.api.sock.Proto p = host.proto(org.nicemu.api.sock.SockConst.IPPROTO_MPTCP);
        if (!(p instanceof MptcpInfoSource src)) return;
        for (org.nicemu.api.sock.Sock sk : p.sockets()) {
            if (!ssShows(sk.skState, c)) continue;
            MptcpInfo mi = src.mptcpInfo(sk);
            String block;
            if (mi == null) {
                block = String.format(Locale.ROOT, "%-11s %-22s %-22s mptcp", org.nicemu.api.sock.SockConst.stateName(sk.skState),
                        (sk.saddr == 0 ? "*" : org.nicemu.api.wire.Ipv4Address.toString(sk.saddr)) + ":" + sk.sport, "*:*");
            } else {
                block = mi.ssLines();
                if (!c.info()) {
                    int nl = block.indexOf('\n');
                    block = nl < 0 ? block : block.substring(0, nl);
                }
            }
            sb.append(block.stripTrailing()).append('\n');
        }
    }

    private static void ssTcp(Host host, Ss c, StringBuilder sb) {
        sb.append(SS_HEADER.stripTrailing()).append('\n');
        org.nicemu.api.sock.Proto tcp = host.proto(org.nicemu.api.sock.SockConst.IPPROTO_TCP);
        if (tcp == null) return;
        for (org.nicemu.api.sock.Sock sk : tcp.sockets()) {
            if (!ssShows(sk.skState, c)) continue;
            String block = tcp.info(sk).ssLine();
            if (!c.info()) {
                int nl = block.indexOf('\n');
                block = nl < 0 ? block : block.substring(0, nl);
            }
            sb.append(block.stripTrailing()).append('\n');
        }
    }

    // ---------------------------------------------------------------- mptcp scheduler

    /**
     * {@code mptcp scheduler NAME [all|PORT]}: {@code setsockopt(SOL_TCP, MPTCP_SCHEDULER, NAME)} on
     * every live MPTCP connection of the host (not listeners, not closed), or on those whose local
     * or remote port is PORT; one line per connection changed. Loop thread.
     */
    String mptcpScheduler(Host host, MptcpScheduler c) {
        Set<String> names = mptcpSchedulerNames();
        if (!names.contains(c.name())) {
            throw new IllegalArgumentException("mptcp scheduler: unknown scheduler '" + c.name() + "'; available: " + String.join(", ", names));
        }
        org.nicemu.api.sock.Proto p = host.proto(org.nicemu.api.sock.SockConst.IPPROTO_MPTCP);
        if (p == null) {
            throw new IllegalArgumentException("mptcp scheduler: host " + host.name() + " has no MPTCP transport (bundle org.nicemu.mptcp is not active)");
        }
        return setOnLiveConnections(host, p, c.port(), org.nicemu.api.sock.SockConst.MPTCP_SCHEDULER, "MPTCP_SCHEDULER", c.name(),
                "mptcp scheduler", "scheduler", "MPTCP", "");
    }

    // ---------------------------------------------------------------- tcp congestion

    /**
     * {@code tcp congestion NAME [all|PORT]}: {@code setsockopt(IPPROTO_TCP, TCP_CONGESTION, NAME)} on
     * every live TCP connection of the host (not listeners, not closed, not TIME_WAIT), or on those
     * whose local or remote port is PORT: {@code tcp_set_congestion_control()} releases the old
     * algorithm and initialises the new one on the live connection. One line per connection
     * changed. MPTCP subflows are TCP connections too and are included. Loop thread.
     */
    String tcpCongestion(Host host, CommandSyntax.TcpCongestion c) {
        String available = host.sysctls().get("net.ipv4.tcp_available_congestion_control");
        if (available != null && !java.util.List.of(available.split(" ")).contains(c.name())) {
            throw new IllegalArgumentException("tcp congestion: unknown algorithm '" + c.name() + "'; available: " + available.replace(" ", ", "));
        }
        org.nicemu.api.sock.Proto p = host.proto(org.nicemu.api.sock.SockConst.IPPROTO_TCP);
        if (p == null) {
            throw new IllegalArgumentException("tcp congestion: host " + host.name() + " has no TCP (bundle org.nicemu.tcp is not active)");
        }
        return setOnLiveConnections(host, p, c.port(), org.nicemu.api.sock.SockConst.TCP_CONGESTION, "TCP_CONGESTION", c.name(),
                "tcp congestion", "congestion", "TCP", "; available: " + available);
    }

    /**
     * {@code setsockopt(SOL_TCP, option, value)} on every live connection of {@code p} (not
     * listening, closed or in TIME_WAIT; MPTCP connections have no TIME_WAIT), all of them
     * ({@code port} 0) or those whose local or remote port is {@code port}. Returns one line per
     * connection, {@code A:P -> B:Q LABEL value (was OLD)}; with none there, or when a setsockopt
     * fails, the error names {@code cmd}. Loop thread.
     */
    private static String setOnLiveConnections(Host host, org.nicemu.api.sock.Proto p, int port, int option, String optionName, String value,
            String cmd, String label, String protoName, String errHint) {
        StringBuilder sb = new StringBuilder();
        for (org.nicemu.api.sock.Sock sk : p.sockets()) {
            int st = sk.skState;
            if (st == org.nicemu.api.sock.SockConst.TCP_LISTEN || st == org.nicemu.api.sock.SockConst.TCP_CLOSE
                    || st == org.nicemu.api.sock.SockConst.TCP_TIME_WAIT) continue;
            if (port != 0 && sk.sport != port && sk.dport != port) continue;
            String was = p.getsockoptString(sk, org.nicemu.api.sock.SockConst.SOL_TCP, option);
            int r = p.setsockopt(sk, org.nicemu.api.sock.SockConst.SOL_TCP, option, value);
            String conn = org.nicemu.api.wire.Ipv4Address.toString(sk.saddr) + ":" + sk.sport + " -> "
                    + org.nicemu.api.wire.Ipv4Address.toString(sk.daddr) + ":" + sk.dport;
            if (r < 0) {
                throw new IllegalArgumentException(cmd + ": setsockopt " + optionName + " '" + value + "' on " + conn + ": "
                        + org.nicemu.api.sock.SockConst.errnoName(r) + errHint);
            }
            sb.append(conn).append(' ').append(label).append(' ').append(value).append(" (was ").append(was).append(")\n");
        }
        if (sb.length() == 0) {
            throw new IllegalArgumentException(cmd + ": no live " + protoName + " connection on host " + host.name()
                    + (port != 0 ? " with local or remote port " + port : ""));
        }
        return sb.toString();
    }

    /** iproute2's state filter: -l listeners only, -a all, default the connected states. */
    static boolean ssShows(int state, Ss c) {
        boolean listen = state == org.nicemu.api.sock.SockConst.TCP_LISTEN;
        if (c.listening() && !c.all()) return listen;
        if (c.all()) return true;
        return !listen && state != org.nicemu.api.sock.SockConst.TCP_CLOSE && state != org.nicemu.api.sock.SockConst.TCP_TIME_WAIT
                && state != org.nicemu.api.sock.SockConst.TCP_SYN_RECV && state != org.nicemu.api.sock.SockConst.TCP_NEW_SYN_RECV;
    }

    // ---------------------------------------------------------------- time control

    private String run(Emulation emu, Long nanos) {
        if (emu.loop().inLoop()) throw new IllegalArgumentException("run cannot be used on the emulation's own loop (e.g. in a timed action)");
        if (nanos == null) {
            emu.start();
            return "running freely in " + (emu.loop().clock().isVirtual() ? "virtual" : "real") + " time; 'pause' stops\n";
        }
        if (emu.isRunning()) throw new IllegalArgumentException("the emulation runs freely; 'pause' it first, then 'run " + Units.formatTime(nanos) + "'");
        long start = onLoop(emu, () -> emu.loop().now());
        long target = start + nanos;
        long reached;
        try {
            reached = emu.runUntil(target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String s = "emulated time " + Units.formatTime(reached) + " (" + reached + " ns), events " + emu.events();
        if (reached < target) s += "; no events left before " + Units.formatTime(target);
        return s + "\n";
    }

    private String pause(Emulation emu) {
        emu.pause();
        long now = onLoop(emu, () -> emu.loop().now());
        return "paused at emulated time " + Units.formatTime(now) + " (" + now + " ns), events " + emu.events() + "\n";
    }
}
