package org.nicemu.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses nicemu command lines (docs/shell.md) into typed commands, without touching an emulation,
 * so that scenario actions can be checked before anything runs and the shell and the scenario
 * runner share one grammar. Every error is one IllegalArgumentException naming the bad word and the
 * accepted forms.
 */
public final class CommandSyntax {
    /** Every command, in the order {@code help} lists them. */
    public static final List<String> COMMANDS = List.of("tc", "ip", "ethtool", "sysctl", "driver", "pktgen", "capture",
            "counters", "ss", "tcp", "mptcp", "run", "pause", "help");

    static final String IP_USAGE = "ip [-s] link [show] [dev DEV] | ip link set [dev] DEV (up|down|carrier on|off|txqueuelen N)"
            + " | ip link set [dev] DEV port live IFNAME [KEY VALUE...] | ip link set [dev] DEV port none";
    static final String ETHTOOL_USAGE = "ethtool (-S|-k|-i|-g|-l) DEV | ethtool DEV | ethtool -K DEV gro on|off";
    static final String SYSCTL_USAGE = "sysctl [-a] | sysctl KEY... | sysctl -w KEY=VALUE...";
    static final String DRIVER_USAGE = "driver | driver DEV | driver DEV KIND [KEY VALUE...] | driver DEV set KEY VALUE...";
    static final String PKTGEN_USAGE = "pktgen start NAME dev DEV [KEY VALUE...] | pktgen show [NAME] | pktgen stop NAME|all | pktgen help";
    static final String CAPTURE_USAGE = "capture | capture DEV KIND file PATH [perQueue true] [KEY VALUE...]";
    static final String SS_USAGE = "ss [-t] [-M] [-i] [-n] [-a|-l] (flags may be combined: ss -tin, ss -tan, ss -tiM)";
    static final String MPTCP_USAGE = "mptcp scheduler NAME [all|PORT]";
    static final String TCP_USAGE = "tcp congestion NAME [all|PORT]";
    static final String RUN_USAGE = "run [DURATION] (e.g. run 10ms; without a duration the emulation runs freely until 'pause')";

    private CommandSyntax() {
    }

    /** A parsed command. */
    public sealed interface Cmd permits Tc, IpShow, IpSet, IpSetPort, Ethtool, EthtoolFeatures, Sysctl, Driver, Pktgen, Capture, Counters, Ss, TcpCongestion, MptcpScheduler, Run, Pause, Help {
        /** The device the command names, or null. */
        default String dev() {
            return null;
        }
    }

    /** {@code tc ...}. */
    public record Tc(TcCommand tc) implements Cmd {
        @Override
        public String dev() { return tc.dev(); }
    }

    /** {@code ip [-s] link [show] [dev DEV]}. */
    public record IpShow(boolean stats, String dev) implements Cmd { }

    /**
     * {@code ip link set dev DEV up|down|carrier on|off|txqueuelen N}; {@code what} is "up",
     * "carrier" or "txqueuelen" (then {@code value} holds N).
     */
    public record IpSet(String dev, String what, boolean on, int value) implements Cmd { }

    /**
     * {@code ip link set [dev] DEV port live IFNAME [KEY VALUE...]} (nicemu): puts the device's NIC on
     * the real interface IFNAME (docs/port-live.md); {@code params} has {@code ifname} and the other
     * port parameters. {@code ip link set DEV port none}: {@code kind} null, detaches it again.
     */
    public record IpSetPort(String dev, String kind, Map<String, String> params) implements Cmd { }

    /** {@code ethtool -S DEV} ({@code mode} 'S', 'k', 'i', 'g', 'l', or ' ' for plain). */
    public record Ethtool(char mode, String dev) implements Cmd { }

    /** {@code ethtool -K DEV gro on|off}: the features to change (only {@code gro} can be), in order. */
    public record EthtoolFeatures(String dev, Map<String, Boolean> features) implements Cmd { }

    /** {@code sysctl}: {@code get} empty and {@code set} empty means all. */
    public record Sysctl(List<String> get, Map<String, String> set) implements Cmd { }

    /** {@code driver}: dev null lists; kind null and !change shows; change applies params to the bound driver. */
    public record Driver(String dev, String kind, Map<String, String> params, boolean change) implements Cmd { }

    /** {@code pktgen start|show|stop|help}. */
    public record Pktgen(String op, String name, String dev, Map<String, String> params) implements Cmd { }

    /** {@code capture DEV KIND params}; dev null lists the ports. */
    public record Capture(String dev, String kind, Map<String, String> params) implements Cmd { }

    /** {@code counters}. */
    public record Counters() implements Cmd { }

    /**
     * {@code ss}: TCP sockets of the host ({@code tcp}, {@code -t}) and/or MPTCP connections
     * ({@code mptcp}, {@code -M}; without either flag: TCP); {@code info} adds the tcp_info line
     * and the MPTCP counters and subflows ({@code -i}), {@code all} lists every state ({@code -a}),
     * {@code listening} only listeners ({@code -l}); neither: connected sockets (not LISTEN,
     * SYN-RECV, TIME-WAIT or closed), as iproute2.
     */
    public record Ss(boolean info, boolean all, boolean listening, boolean tcp, boolean mptcp) implements Cmd {
        /** TCP sockets only ({@code ss -t...}). */
        public Ss(boolean info, boolean all, boolean listening) {
            this(info, all, listening, true, false);
        }
    }

    /**
     * {@code mptcp scheduler NAME [all|PORT]} (nicemu): gives the host's live MPTCP connections the
     * scheduler {@code name}, all of them ({@code port} 0) or those whose local or remote port is
     * {@code port}.
     */
    public record MptcpScheduler(String name, int port) implements Cmd { }

    /**
     * {@code tcp congestion NAME [all|PORT]} (nicemu): {@code setsockopt(IPPROTO_TCP, TCP_CONGESTION,
     * NAME)} on the host's live TCP connections, all of them ({@code port} 0) or those whose local or
     * remote port is {@code port}.
     */
    public record TcpCongestion(String name, int port) implements Cmd { }

    /** {@code run [DURATION]}; nanos null runs freely. */
    public record Run(Long nanos) implements Cmd { }

    /** {@code pause}. */
    public record Pause() implements Cmd { }

    /** {@code help}. */
    public record Help() implements Cmd { }

    /** One line per command with its forms. */
    public static String usage() {
        return String.join("\n",
                TcCommand.USAGE.replace(" | ", "\n"),
                IP_USAGE.replace(" | ", "\n"),
                InetCommands.USAGE.replace(" | ", "\n"),
                MptcpCommands.USAGE.replace(" | ", "\n"),
                ETHTOOL_USAGE.replace(" | ", "\n"),
                SYSCTL_USAGE.replace(" | ", "\n"),
                DRIVER_USAGE.replace(" | ", "\n"),
                PKTGEN_USAGE.replace(" | ", "\n"),
                CAPTURE_USAGE.replace(" | ", "\n"),
                "counters",
                SS_USAGE,
                TCP_USAGE,
                MPTCP_USAGE,
                RUN_USAGE,
                "pause",
                "help");
    }

    /** Parses the words of one command line. */
    public static Cmd parse(List<String> words) {
        if (words.isEmpty()) throw new IllegalArgumentException("empty command; accepted: " + String.join(", ", COMMANDS));
        String c = words.get(0);
        List<String> a = words.subList(1, words.size());
        switch (c) {
            case "tc": return new Tc(TcCommand.parse(a));
            case "ip": return ip(a);
            case "ethtool": return ethtool(a);
            case "sysctl": return sysctl(a);
            case "driver": return driver(a);
            case "pktgen": return pktgen(a);
            case "capture": return capture(a);
            case "counters":
                if (!a.isEmpty()) throw new IllegalArgumentException("counters takes no arguments, got '" + String.join(" ", a) + "'");
                return new Counters();
            case "ss": return ss(a);
            case "tcp": return tcp(a);
            case "mptcp": return mptcp(a);
            case "run":
                if (a.size() > 1) throw new IllegalArgumentException("usage: " + RUN_USAGE);
                if (a.isEmpty()) return new Run(null);
                try {
                    long n = Units.timeNanos(a.get(0));
                    if (n <= 0) throw new IllegalArgumentException("run: the duration must be positive");
                    return new Run(n);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("run: " + e.getMessage() + "; usage: " + RUN_USAGE);
                }
            case "pause":
                if (!a.isEmpty()) throw new IllegalArgumentException("pause takes no arguments");
                return new Pause();
            case "help":
                return new Help();
            default:
                throw new IllegalArgumentException("unknown command '" + c + "'; accepted: " + String.join(", ", COMMANDS));
        }
    }

    /**
     * Checks a scenario action: the syntax, that it is not {@code run}/{@code pause}/{@code help}
     * (they control the emulation itself), and that a named device exists on the host.
     */
    static void checkAction(List<String> words, Scenario.HostDef host) {
        Cmd cmd = parse(words);
        if (cmd instanceof Run || cmd instanceof Pause || cmd instanceof Help) {
            throw new IllegalArgumentException("'" + words.get(0) + "' cannot be a timed action (the scenario runner controls the emulation); accepted: "
                    + String.join(", ", COMMANDS.subList(0, COMMANDS.indexOf("run"))));
        }
        String dev = cmd.dev();
        if (dev != null && host.device(dev) == null) {
            List<String> names = new ArrayList<>();
            for (Scenario.DeviceDef d : host.devices()) names.add(d.name());
            throw new IllegalArgumentException("host " + host.name() + " has no device '" + dev + "'; devices: "
                    + (names.isEmpty() ? "(none)" : String.join(", ", names)));
        }
    }

    // ---------------------------------------------------------------- per command

    private static Cmd ip(List<String> a) {
        int i = 0;
        boolean stats = false;
        while (i < a.size() && a.get(i).startsWith("-")) {
            String o = a.get(i++);
            if (TcCommand.prefix(o, "-statistics", 2) || o.equals("-s")) stats = true;
            else if (TcCommand.prefix(o, "-details", 2) || o.equals("-br") || o.equals("-brief")) {
                // accepted, compact output anyway
            } else {
                throw new IllegalArgumentException("ip: unknown option '" + o + "'; accepted: -s; usage: " + IP_USAGE);
            }
        }
        if (i >= a.size()) {
            if (stats) return new IpShow(true, null);
            throw new IllegalArgumentException("ip: missing object; usage: " + IP_USAGE);
        }
        String obj = a.get(i++);
        if (!TcCommand.prefix(obj, "link", 1)) {
            if (TcCommand.prefix(obj, "address", 1) || TcCommand.prefix(obj, "route", 1) || TcCommand.prefix(obj, "neighbour", 1) || obj.equals("neighbor")) {
                throw new IllegalArgumentException("ip " + obj + ": not modelled yet (no IP layer in this build); usage: " + IP_USAGE);
            }
            throw new IllegalArgumentException("ip: unknown object '" + obj + "'; accepted: link, addr, route, neigh, mptcp; usage: " + IP_USAGE);
        }
        String verb = i < a.size() ? a.get(i++) : "show";
        switch (verb) {
            case "show": case "list": case "ls": case "lst": case "sh": {
                String dev = null;
                while (i < a.size()) {
                    String w = a.get(i++);
                    if (w.equals("dev")) {
                        if (i >= a.size()) throw new IllegalArgumentException("ip link show: 'dev' needs a device name");
                        dev = a.get(i++);
                    } else if (dev == null) {
                        dev = w;
                    } else {
                        throw new IllegalArgumentException("ip link show: unexpected '" + w + "'; usage: " + IP_USAGE);
                    }
                }
                return new IpShow(stats, dev);
            }
            case "set": {
                String dev = null;
                String what = null;
                boolean on = false;
                int value = 0;
                String one = "ip link set: give one change at a time (up, down, carrier on|off, txqueuelen N)";
                while (i < a.size()) {
                    String w = a.get(i++);
                    if (w.equals("dev")) {
                        if (i >= a.size()) throw new IllegalArgumentException("ip link set: 'dev' needs a device name");
                        dev = a.get(i++);
                    } else if (w.equals("up") || w.equals("down")) {
                        if (what != null) throw new IllegalArgumentException(one);
                        what = "up";
                        on = w.equals("up");
                    } else if (w.equals("txqueuelen") || w.equals("txqlen") || w.equals("qlen")) {
                        if (what != null) throw new IllegalArgumentException(one);
                        String v = i < a.size() ? a.get(i++) : "";
                        try {
                            value = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            value = -1;
                        }
                        if (value < 0) throw new IllegalArgumentException("ip link set: txqueuelen needs a number of packets >= 0, got '" + v + "'");
                        what = "txqueuelen";
                    } else if (w.equals("port")) {
                        if (what != null) throw new IllegalArgumentException(one);
                        if (dev == null) throw new IllegalArgumentException("ip link set: give the device before 'port'; usage: ip link set DEV port live IFNAME | ip link set DEV port none");
                        return portChange(dev, a.subList(i, a.size()));
                    } else if (w.equals("carrier")) {
                        if (what != null) throw new IllegalArgumentException(one);
                        if (i >= a.size() || !(a.get(i).equals("on") || a.get(i).equals("off"))) {
                            throw new IllegalArgumentException("ip link set: 'carrier' needs on or off");
                        }
                        what = "carrier";
                        on = a.get(i++).equals("on");
                    } else if (dev == null) {
                        dev = w;
                    } else {
                        throw new IllegalArgumentException("ip link set: unsupported '" + w + "'; accepted: up, down, carrier on|off, txqueuelen N; usage: " + IP_USAGE);
                    }
                }
                if (dev == null) throw new IllegalArgumentException("ip link set: missing the device; usage: " + IP_USAGE);
                if (what == null) throw new IllegalArgumentException("ip link set: missing the change; accepted: up, down, carrier on|off, txqueuelen N");
                return new IpSet(dev, what, on, value);
            }
            default:
                throw new IllegalArgumentException("ip link: unknown verb '" + verb + "'; accepted: show, set; usage: " + IP_USAGE);
        }
    }

    static final String PORT_USAGE = "ip link set DEV port live IFNAME [rxBacklog N] [txRing N] [bufferBytes N] [pollMillis N] | ip link set DEV port none";

    /** The words after {@code ip link set DEV port}. */
    private static Cmd portChange(String dev, List<String> w) {
        if (w.isEmpty()) throw new IllegalArgumentException("ip link set: 'port' needs a kind: live IFNAME or none; usage: " + PORT_USAGE);
        String kind = w.get(0);
        if (kind.equals("none")) {
            if (w.size() > 1) throw new IllegalArgumentException("ip link set: 'port none' takes nothing more, got '" + String.join(" ", w.subList(1, w.size())) + "'");
            return new IpSetPort(dev, null, Map.of());
        }
        if (!kind.equals("live")) {
            throw new IllegalArgumentException("ip link set: unknown port kind '" + kind + "'; accepted: live, none (capture files: capture DEV KIND ...); usage: " + PORT_USAGE);
        }
        if (w.size() < 2 || w.get(1).contains("=")) {
            throw new IllegalArgumentException("ip link set: 'port live' needs the interface name, e.g. ip link set eth0 port live veth-emu0");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("ifname", w.get(1));
        Map<String, String> more = keyValues(w.subList(2, w.size()), "ip link set port live", PORT_USAGE);
        if (more.containsKey("ifname")) throw new IllegalArgumentException("ip link set port live: parameter 'ifname' given twice");
        params.putAll(more);
        return new IpSetPort(dev, kind, params);
    }

    private static Cmd ss(List<String> a) {
        boolean info = false, all = false, listening = false, tcp = false, mptcp = false;
        for (String w : a) {
            if (!w.startsWith("-") || w.length() < 2) {
                throw new IllegalArgumentException("ss: filters are not supported, got '" + w + "'; usage: " + SS_USAGE);
            }
            if (w.equals("--tcp")) { tcp = true; continue; }
            if (w.equals("--mptcp")) { mptcp = true; continue; }
            if (w.equals("--info")) { info = true; continue; }
            if (w.equals("--numeric")) continue;
            if (w.equals("--all")) { all = true; continue; }
            if (w.equals("--listening")) { listening = true; continue; }
            for (int i = 1; i < w.length(); i++) {
                switch (w.charAt(i)) {
                    case 't': tcp = true; break;
                    case 'M': mptcp = true; break;
                    case 'n': break;
                    case 'i': info = true; break;
                    case 'a': all = true; break;
                    case 'l': listening = true; break;
                    default:
                        throw new IllegalArgumentException("ss: unknown option '" + w.charAt(i) + "' in '" + w
                                + "'; accepted: -t (TCP), -M (MPTCP), -i (tcp_info, MPTCP counters and subflows), -n (numeric, always), -a (all states), -l (listening); usage: " + SS_USAGE);
                }
            }
        }
        return new Ss(info, all, listening, tcp || !mptcp, mptcp);
    }

    /** {@code tcp congestion NAME [all|PORT]}; the name is checked against the available algorithms when it runs. */
    private static Cmd tcp(List<String> a) {
        if (a.isEmpty()) throw new IllegalArgumentException("tcp: missing object; accepted: congestion; usage: " + TCP_USAGE);
        if (!a.get(0).equals("congestion")) {
            throw new IllegalArgumentException("tcp: unknown object '" + a.get(0) + "'; accepted: congestion; usage: " + TCP_USAGE);
        }
        if (a.size() < 2) throw new IllegalArgumentException("tcp congestion: missing the algorithm NAME; usage: " + TCP_USAGE);
        String name = a.get(1);
        if (!name.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("tcp congestion: '" + name + "' is not an algorithm name (1-15 letters, digits, '_', '.', '-'); usage: " + TCP_USAGE);
        }
        return new TcpCongestion(name, portSelector("tcp congestion", a, TCP_USAGE));
    }

    /** The optional third word of {@code tcp congestion} and {@code mptcp scheduler}: {@code all} (0) or a port 1..65535. */
    private static int portSelector(String cmd, List<String> a, String usage) {
        if (a.size() > 3) throw new IllegalArgumentException(cmd + ": unexpected '" + String.join(" ", a.subList(3, a.size())) + "'; usage: " + usage);
        if (a.size() < 3 || a.get(2).equals("all")) return 0;
        String p = a.get(2);
        int port;
        try {
            port = Integer.parseInt(p);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException(cmd + ": expected 'all' or a port 1..65535, got '" + p + "'; usage: " + usage);
        return port;
    }

    /** {@code mptcp scheduler NAME [all|PORT]}; the name is checked against the available schedulers when it runs. */
    private static Cmd mptcp(List<String> a) {
        if (a.isEmpty()) throw new IllegalArgumentException("mptcp: missing object; accepted: scheduler; usage: " + MPTCP_USAGE);
        if (!a.get(0).equals("scheduler")) {
            throw new IllegalArgumentException("mptcp: unknown object '" + a.get(0) + "'; accepted: scheduler; usage: " + MPTCP_USAGE
                    + " (endpoints and limits: ip mptcp)");
        }
        if (a.size() < 2) throw new IllegalArgumentException("mptcp scheduler: missing the scheduler NAME; usage: " + MPTCP_USAGE);
        String name = a.get(1);
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("mptcp scheduler: '" + name + "' is not a scheduler name (letters, digits, '_', '.', '-'); usage: " + MPTCP_USAGE);
        }
        return new MptcpScheduler(name, portSelector("mptcp scheduler", a, MPTCP_USAGE));
    }

    /** Features {@code ethtool -K} changes here, by their short and long names. */
    static final Map<String, String> CHANGEABLE_FEATURES = Map.of("gro", "gro", "generic-receive-offload", "gro");

    private static Cmd ethtool(List<String> a) {
        if (a.size() == 1 && !a.get(0).startsWith("-")) return new Ethtool(' ', a.get(0));
        if (!a.isEmpty() && (a.get(0).equals("-K") || a.get(0).equals("--features") || a.get(0).equals("--offload"))) {
            if (a.size() < 4 || a.size() % 2 != 0) throw new IllegalArgumentException("usage: ethtool -K DEV gro on|off");
            Map<String, Boolean> f = new LinkedHashMap<>();
            for (int i = 2; i < a.size(); i += 2) {
                String name = CHANGEABLE_FEATURES.get(a.get(i));
                if (name == null) {
                    throw new IllegalArgumentException("ethtool -K: feature '" + a.get(i) + "' cannot be changed here; accepted: gro "
                            + "(the NIC's sg, csum and tso come from the device's offloads)");
                }
                String v = a.get(i + 1);
                if (!v.equals("on") && !v.equals("off")) throw new IllegalArgumentException("ethtool -K: " + a.get(i) + " must be on or off, got '" + v + "'");
                f.put(name, v.equals("on"));
            }
            return new EthtoolFeatures(a.get(1), f);
        }
        if (a.size() != 2) throw new IllegalArgumentException("usage: " + ETHTOOL_USAGE);
        String o = a.get(0);
        char mode;
        switch (o) {
            case "-S": case "--statistics": mode = 'S'; break;
            case "-k": case "--show-features": case "--show-offload": mode = 'k'; break;
            case "-i": case "--driver": mode = 'i'; break;
            case "-g": case "--show-ring": mode = 'g'; break;
            case "-l": case "--show-channels": mode = 'l'; break;
            default:
                throw new IllegalArgumentException("ethtool: unsupported option '" + o + "'; usage: " + ETHTOOL_USAGE
                        + " (use 'driver DEV set txCoalesceUsecs N' to change coalescing)");
        }
        return new Ethtool(mode, a.get(1));
    }

    private static Cmd sysctl(List<String> a) {
        List<String> get = new ArrayList<>();
        Map<String, String> set = new LinkedHashMap<>();
        boolean write = false;
        for (String w : a) {
            if (w.equals("-a") || w.equals("--all") || w.equals("-A")) continue;
            if (w.equals("-w") || w.equals("--write")) {
                write = true;
                continue;
            }
            if (w.equals("-n") || w.equals("-q")) continue;
            if (w.startsWith("-")) throw new IllegalArgumentException("sysctl: unknown option '" + w + "'; usage: " + SYSCTL_USAGE);
            int eq = w.indexOf('=');
            if (eq >= 0) {
                String k = w.substring(0, eq).trim();
                if (k.isEmpty()) throw new IllegalArgumentException("sysctl: '" + w + "' has no key; usage: " + SYSCTL_USAGE);
                set.put(k, w.substring(eq + 1).trim());
            } else if (write) {
                throw new IllegalArgumentException("sysctl -w: '" + w + "' must be of the form KEY=VALUE");
            } else {
                get.add(w);
            }
        }
        return new Sysctl(List.copyOf(get), set);
    }

    private static Cmd driver(List<String> a) {
        if (a.isEmpty()) return new Driver(null, null, Map.of(), false);
        String dev = a.get(0);
        if (a.size() == 1) return new Driver(dev, null, Map.of(), false);
        if (a.get(1).equals("set")) {
            Map<String, String> p = keyValues(a.subList(2, a.size()), "driver " + dev + " set", DRIVER_USAGE);
            if (p.isEmpty()) throw new IllegalArgumentException("driver " + dev + " set: missing KEY VALUE pairs; usage: " + DRIVER_USAGE);
            return new Driver(dev, null, p, true);
        }
        String kind = a.get(1);
        return new Driver(dev, kind, keyValues(a.subList(2, a.size()), "driver " + dev + " " + kind, DRIVER_USAGE), false);
    }

    private static Cmd pktgen(List<String> a) {
        String op = a.isEmpty() ? "show" : a.get(0);
        switch (op) {
            case "start": {
                if (a.size() < 4 || !a.get(2).equals("dev")) throw new IllegalArgumentException("usage: " + PKTGEN_USAGE);
                return new Pktgen("start", a.get(1), a.get(3), keyValues(a.subList(4, a.size()), "pktgen start", PKTGEN_USAGE));
            }
            case "show":
                if (a.size() > 2) throw new IllegalArgumentException("usage: " + PKTGEN_USAGE);
                return new Pktgen("show", a.size() == 2 ? a.get(1) : null, null, Map.of());
            case "stop":
                if (a.size() != 2) throw new IllegalArgumentException("usage: " + PKTGEN_USAGE);
                return new Pktgen("stop", a.get(1), null, Map.of());
            case "help":
                return new Pktgen("help", null, null, Map.of());
            default:
                throw new IllegalArgumentException("pktgen: unknown operation '" + op + "'; accepted: start, show, stop, help; usage: " + PKTGEN_USAGE);
        }
    }

    private static Cmd capture(List<String> a) {
        if (a.isEmpty()) return new Capture(null, null, Map.of());
        if (a.size() < 2) throw new IllegalArgumentException("usage: " + CAPTURE_USAGE);
        return new Capture(a.get(0), a.get(1), keyValues(a.subList(2, a.size()), "capture", CAPTURE_USAGE));
    }

    /** {@code KEY VALUE} pairs or {@code KEY=VALUE} words, in order; a key given twice is an error. */
    static Map<String, String> keyValues(List<String> w, String what, String usage) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < w.size(); i++) {
            String k = w.get(i);
            String v;
            int eq = k.indexOf('=');
            if (eq > 0) {
                v = k.substring(eq + 1);
                k = k.substring(0, eq);
            } else {
                if (i + 1 >= w.size()) throw new IllegalArgumentException(what + ": parameter '" + k + "' needs a value; usage: " + usage);
                v = w.get(++i);
            }
            if (m.put(k, v) != null) throw new IllegalArgumentException(what + ": parameter '" + k + "' given twice");
        }
        return m;
    }
}
