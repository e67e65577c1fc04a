package org.nicemu.shell;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nicemu.api.emu.Commands;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.ScenarioRunner;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.wire.MacAddress;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The nicemu commands of the Gogo shell (scope {@code nicemu}): {@code tc}, {@code ip},
 * {@code ethtool}, {@code sysctl}, {@code pktgen}, {@code capture}, {@code counters}, {@code ss}, {@code tcp}, {@code mptcp}, {@code run},
 * {@code pause}, {@code driver} and {@code ping} forward their words to the {@link Commands} service for the
 * current emulation and host; {@code emu} lists, selects, creates, loads and closes emulations.
 * Every exception becomes one printed message: nothing escapes to Gogo.
 *
 * <p>The component is immediate: Gogo gets and releases the service around every command, and a
 * delayed component would be disposed in between, forgetting the emulation and host that
 * {@code emu use} selected.
 */
@Component(service = NicemuCommands.class, immediate = true, property = {
    "osgi.command.scope=nicemu",
    "osgi.command.function=tc",
    "osgi.command.function=ip",
    "osgi.command.function=ethtool",
    "osgi.command.function=sysctl",
    "osgi.command.function=pktgen",
    "osgi.command.function=capture",
    "osgi.command.function=counters",
    "osgi.command.function=ss",
    "osgi.command.function=tcp",
    "osgi.command.function=mptcp",
    "osgi.command.function=run",
    "osgi.command.function=pause",
    "osgi.command.function=driver",
    "osgi.command.function=ping",
    "osgi.command.function=emu"})
public final class NicemuCommands {
    static final String EMU_USAGE = String.join("\n",
            "emu [list]                          emulations, hosts and devices; * marks the current one",
            "emu use NAME [HOST]                 select the emulation (and host) the other commands act on",
            "emu new NAME [SEED] [real]          create an emulation (virtual time unless 'real') and select it",
            "emu host NAME [CPUS]                add a host to the current emulation and select it",
            "emu dev DEV [KEY VALUE...]          add a device to the current host; keys: txQueues, ringSize, rate, mtu, mac,",
            "                                    driver, offloads (e.g. sg,csum,tso), arbitration (round-robin|strict-priority),",
            "                                    preambleIfg, coalesceUsecs, coalesceFrames, xps (e.g. 0,1,2,3)",
            "emu load SCENARIO.json [OUTDIR]     build the scenario's emulation (paused at 0) and select it",
            "emu runfile SCENARIO.json [OUTDIR]  run a scenario to its end and write OUTDIR/summary.json (default nicemu-out)",
            "emu close [NAME]                    close an emulation (captures are flushed)",
            "emu help                            this text; 'tc help' ... all forward to the nicemu commands ('help' lists them)");

    @Reference
    private Commands commands;

    @Reference
    private Emulations emulations;

    @Reference
    private ScenarioRunner scenarios;

    private volatile String current;
    private volatile String currentHost;

    /** For DS. */
    public NicemuCommands() {
    }

    /** For tests. */
    NicemuCommands(Commands commands, Emulations emulations, ScenarioRunner scenarios) {
        this.commands = commands;
        this.emulations = emulations;
        this.scenarios = scenarios;
    }

    public void tc(String... args) { forward("tc", args); }

    public void ip(String... args) { forward("ip", args); }

    public void ethtool(String... args) { forward("ethtool", args); }

    public void sysctl(String... args) { forward("sysctl", args); }

    public void pktgen(String... args) { forward("pktgen", args); }

    public void capture(String... args) { forward("capture", args); }

    public void counters(String... args) { forward("counters", args); }

    public void ss(String... args) { forward("ss", args); }

    public void tcp(String... args) { forward("tcp", args); }

    public void mptcp(String... args) { forward("mptcp", args); }

    public void run(String... args) { forward("run", args); }

    public void pause(String... args) { forward("pause", args); }

    public void driver(String... args) { forward("driver", args); }

    /** {@code ping [-c N] [-i INTERVAL] [-s SIZE] ADDR} from the current host: runs the emulation until the replies are in. */
    public void ping(String... args) { forward("ping", args); }

    /** {@code emu list|use|new|host|dev|load|runfile|close|help}. */
    public void emu(String... args) {
        PrintStream out = System.out;
        try {
            print(out, emuCommand(args == null ? new String[0] : args));
        } catch (Exception | LinkageError e) {
            out.println("nicemu: " + message(e));
        }
    }

    private void forward(String cmd, String[] args) {
        PrintStream out = System.out;
        try {
            Emulation emu = currentEmulation();
            StringBuilder line = new StringBuilder(cmd);
            if (args != null) for (String a : args) line.append(' ').append(quote(a));
            print(out, commands.execute(emu, hostFor(emu), line.toString()));
        } catch (Exception | LinkageError e) {
            out.println("nicemu: " + message(e));
        }
    }

    private static void print(PrintStream out, String s) {
        if (s == null || s.isEmpty()) return;
        out.print(s.endsWith("\n") ? s : s + "\n");
        out.flush();
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    /** Quotes a word with blanks or quotes so the Commands service splits it back into one word. */
    static String quote(String a) {
        if (a == null) return "''";
        if (a.isEmpty()) return "''";
        if (a.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"' || c == '\\')) return a;
        return "'" + a.replace("'", "'\"'\"'") + "'";
    }

    /** The selected emulation; when none is selected (or it was closed) the only one there is. */
    Emulation currentEmulation() {
        String name = current;
        if (name != null) {
            Emulation e = emulations.get(name);
            if (e != null) return e;
            current = null;
            currentHost = null;
        }
        List<Emulation> all = new ArrayList<>(emulations.list());
        if (all.size() == 1) return all.get(0);
        if (all.isEmpty()) throw new IllegalArgumentException("no emulation; create one with 'emu new NAME' or 'emu load SCENARIO.json'");
        throw new IllegalArgumentException("several emulations exist; choose one with 'emu use NAME' (" + names(all) + ")");
    }

    private String hostFor(Emulation emu) {
        String h = currentHost;
        if (h != null && name(current, emu) && emu.host(h) != null) return h;
        return null; // the Commands service takes the only host, or names the choices
    }

    private static boolean name(String cur, Emulation emu) {
        return cur == null || cur.equals(emu.name());
    }

    private static String names(List<Emulation> l) {
        List<String> n = new ArrayList<>();
        for (Emulation e : l) n.add(e.name());
        return String.join(", ", n);
    }

    String emuCommand(String[] a) throws Exception {
        String op = a.length == 0 ? "list" : a[0];
        switch (op) {
            case "list": case "ls":
                return list();
            case "use": {
                if (a.length < 2 || a.length > 3) throw new IllegalArgumentException("usage: emu use NAME [HOST]");
                Emulation e = emulations.get(a[1]);
                if (e == null) throw new IllegalArgumentException("no emulation named '" + a[1] + "'; emulations: " + orNone(names(new ArrayList<>(emulations.list()))));
                String host = null;
                if (a.length == 3) {
                    if (e.host(a[2]) == null) throw new IllegalArgumentException("emulation " + e.name() + " has no host '" + a[2] + "'; hosts: " + hosts(e));
                    host = a[2];
                }
                current = e.name();
                currentHost = host;
                return "using emulation " + e.name() + (host == null ? "" : ", host " + host);
            }
            case "new": {
                if (a.length < 2 || a.length > 4) throw new IllegalArgumentException("usage: emu new NAME [SEED] [real]");
                long seed = 1;
                boolean virtual = true;
                for (int i = 2; i < a.length; i++) {
                    if (a[i].equals("real")) virtual = false;
                    else if (a[i].equals("virtual")) virtual = true;
                    else {
                        try {
                            seed = Long.parseLong(a[i]);
                        } catch (NumberFormatException x) {
                            throw new IllegalArgumentException("emu new: '" + a[i] + "' is neither a seed (integer) nor 'real'/'virtual'");
                        }
                    }
                }
                Emulation e = emulations.create(a[1], seed, virtual);
                current = e.name();
                currentHost = null;
                return "emulation " + e.name() + " created (seed " + seed + ", " + (virtual ? "virtual" : "real") + " time); add hosts with 'emu host NAME [CPUS]'";
            }
            case "host": {
                if (a.length < 2 || a.length > 3) throw new IllegalArgumentException("usage: emu host NAME [CPUS]");
                Emulation e = currentEmulation();
                int cpus = a.length == 3 ? intArg("CPUS", a[2], 1, 256) : 1;
                Host h = e.addHost(a[1], cpus);
                current = e.name();
                currentHost = h.name();
                return "host " + h.name() + " added to " + e.name() + " with " + cpus + " CPU(s); add devices with 'emu dev DEV [KEY VALUE...]'";
            }
            case "dev":
                return addDevice(Arrays.copyOfRange(a, 1, a.length));
            case "load": {
                if (a.length < 2 || a.length > 3) throw new IllegalArgumentException("usage: emu load SCENARIO.json [OUTDIR]");
                String json = Files.readString(Path.of(a[1]), StandardCharsets.UTF_8);
                Emulation e = scenarios.load(json, Path.of(a.length == 3 ? a[2] : "."));
                current = e.name();
                currentHost = null;
                return "scenario " + a[1] + " loaded as emulation " + e.name() + " (paused at 0); 'run 10ms' or 'run' to start";
            }
            case "runfile": {
                if (a.length < 2 || a.length > 3) throw new IllegalArgumentException("usage: emu runfile SCENARIO.json [OUTDIR]");
                String json = Files.readString(Path.of(a[1]), StandardCharsets.UTF_8);
                Path out = Path.of(a.length == 3 ? a[2] : "nicemu-out");
                Map<String, Object> s = scenarios.run(json, out, System.out);
                return "done: " + s.get("check") + "; summary in " + out.resolve("summary.json");
            }
            case "close": {
                if (a.length > 2) throw new IllegalArgumentException("usage: emu close [NAME]");
                Emulation e = a.length == 2 ? emulations.get(a[1]) : currentEmulation();
                if (e == null) throw new IllegalArgumentException("no emulation named '" + a[1] + "'; emulations: " + orNone(names(new ArrayList<>(emulations.list()))));
                e.close();
                if (e.name().equals(current)) {
                    current = null;
                    currentHost = null;
                }
                return "emulation " + e.name() + " closed";
            }
            case "help":
                return EMU_USAGE + "\n\n" + commands.execute(null, null, "help");
            default:
                throw new IllegalArgumentException("emu: unknown operation '" + op + "'; accepted: list, use, new, host, dev, load, runfile, close, help");
        }
    }

    private String list() {
        List<Emulation> all = new ArrayList<>(emulations.list());
        if (all.isEmpty()) return "no emulations; create one with 'emu new NAME' or 'emu load SCENARIO.json'";
        Emulation cur;
        try {
            cur = currentEmulation();
        } catch (IllegalArgumentException e) {
            cur = null;
        }
        StringBuilder sb = new StringBuilder();
        for (Emulation e : all) {
            boolean isCur = cur != null && cur.name().equals(e.name());
            long now;
            try {
                now = e.call(() -> e.loop().now());
            } catch (Exception x) {
                now = -1;
            }
            sb.append(isCur ? "* " : "  ").append(e.name()).append(": seed ").append(e.seed()).append(", ")
                    .append(e.loop().clock().isVirtual() ? "virtual" : "real").append(" time ").append(now).append(" ns, ")
                    .append(e.isRunning() ? "running" : "paused").append(", events ").append(e.events()).append('\n');
            String ch = isCur ? currentHost : null;
            try {
                String hl = e.call(() -> {
                    StringBuilder h = new StringBuilder();
                    for (Host x : e.hosts()) {
                        h.append("    ").append(x.name().equals(ch) ? "* " : "  ").append("host ").append(x.name()).append(" (")
                                .append(x.numCpus()).append(" CPUs):");
                        if (x.devices().isEmpty()) h.append(" no devices");
                        for (var d : x.devices()) h.append(' ').append(d.name()).append('[').append(d.driverKind()).append(']');
                        h.append('\n');
                    }
                    return h.toString();
                });
                sb.append(hl);
            } catch (Exception x) {
                sb.append("    (").append(message(x)).append(")\n");
            }
        }
        return sb.toString();
    }

    private static String hosts(Emulation e) {
        List<String> l = new ArrayList<>();
        for (Host h : e.hosts()) l.add(h.name());
        return orNone(String.join(", ", l));
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "(none)" : s;
    }

    private static int intArg(String what, String v, int min, int max) {
        try {
            int x = Integer.parseInt(v.trim());
            if (x >= min && x <= max) return x;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(what + " must be an integer " + min + ".." + max + ", got '" + v + "'");
    }

    private String addDevice(String[] a) throws Exception {
        if (a.length == 0 || a.length % 2 == 0) throw new IllegalArgumentException("usage: emu dev DEV [KEY VALUE...]\n" + EMU_USAGE);
        Emulation e = currentEmulation();
        String hostName = hostFor(e);
        Host host;
        if (hostName != null) host = e.host(hostName);
        else if (e.hosts().size() == 1) host = e.hosts().get(0);
        else throw new IllegalArgumentException(e.hosts().isEmpty() ? "emulation " + e.name() + " has no host; add one with 'emu host NAME [CPUS]'"
                : "choose the host with 'emu use " + e.name() + " HOST' (hosts: " + hosts(e) + ")");
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 1; i < a.length; i += 2) {
            if (kv.put(a[i], a[i + 1]) != null) throw new IllegalArgumentException("emu dev: '" + a[i] + "' given twice");
        }
        int txQueues = 1, ring = 256, mtu = 1500;
        long rate = 10_000_000_000L, usecs = 0;
        int frames = 0;
        byte[] mac = null;
        String driver = "generic";
        long caps = NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO;
        NicConfig.Arbitration arb = NicConfig.Arbitration.ROUND_ROBIN;
        boolean preamble = true;
        int[] xps = null;
        for (Map.Entry<String, String> x : kv.entrySet()) {
            String v = x.getValue();
            switch (x.getKey()) {
                case "txQueues": txQueues = intArg("txQueues", v, 1, 64); break;
                case "ringSize": ring = intArg("ringSize", v, 2, 65536); break;
                case "mtu": mtu = intArg("mtu", v, 68, 65535); break;
                case "rate":
                    try {
                        rate = QdiscParams.of(Map.of("rate", v)).getRateBitsPerSec("rate", 0);
                    } catch (QdiscParamException ex) {
                        throw new IllegalArgumentException(ex.getMessage());
                    }
                    break;
                case "mac": mac = MacAddress.parse(v).toBytes(); break;
                case "driver": driver = v; break;
                case "offloads":
                    caps = 0;
                    for (String o : v.split(",")) {
                        switch (o.trim().toLowerCase(Locale.ROOT)) {
                            case "": case "none": break;
                            case "sg": caps |= NicHardware.CAP_SG; break;
                            case "csum": caps |= NicHardware.CAP_CSUM; break;
                            case "tso": caps |= NicHardware.CAP_TSO; break;
                            case "uso": caps |= NicHardware.CAP_USO; break;
                            default: throw new IllegalArgumentException("offloads: unknown '" + o + "'; accepted: sg, csum, tso, uso (comma separated) or none");
                        }
                    }
                    break;
                case "arbitration":
                    if (v.equals("round-robin")) arb = NicConfig.Arbitration.ROUND_ROBIN;
                    else if (v.equals("strict-priority")) arb = NicConfig.Arbitration.STRICT_PRIORITY;
                    else throw new IllegalArgumentException("arbitration must be round-robin or strict-priority, got '" + v + "'");
                    break;
                case "preambleIfg":
                    if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException("preambleIfg must be true or false, got '" + v + "'");
                    preamble = v.equals("true");
                    break;
                case "coalesceUsecs": usecs = intArg("coalesceUsecs", v, 0, 1_000_000); break;
                case "coalesceFrames": frames = intArg("coalesceFrames", v, 0, 65535); break;
                case "xps": {
                    String[] p = v.split(",");
                    xps = new int[p.length];
                    for (int i = 0; i < p.length; i++) xps[i] = intArg("xps entry", p[i], 0, 63);
                    break;
                }
                default:
                    throw new IllegalArgumentException("emu dev: unknown key '" + x.getKey() + "'; accepted: txQueues, ringSize, rate, mtu, mac, driver, offloads, arbitration, preambleIfg, coalesceUsecs, coalesceFrames, xps");
            }
        }
        if (mac == null) mac = new byte[] {2, 0, 0, 0, (byte) e.hosts().indexOf(host), (byte) (host.devices().size() + 1)};
        NicConfig cfg = new NicConfig(txQueues, ring, rate, mtu, mac, caps, arb, preamble, usecs, frames);
        DeviceSpec spec = new DeviceSpec(a[0], cfg, driver, Map.of(), xps);
        Host h = host;
        e.call(() -> h.addDevice(spec));
        return "device " + a[0] + " added to host " + host.name() + " (" + txQueues + " TX queues, ring " + ring + ", " + rate + " bit/s, driver " + driver + ")";
    }
}
