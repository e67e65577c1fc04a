package org.nicemu.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.wire.Ipv4Address;
import org.nicemu.api.wire.MacAddress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads and validates a scenario (docs/scenario.md). Every error is an IllegalArgumentException
 * whose message starts with the JSON path of the bad field, says what is accepted and shows what
 * was given: {@code hosts[0].devices[1].txQueues: must be an integer 1..64, got "x"}. Unknown fields
 * are errors too. Kinds of qdiscs, drivers and ports are checked later, against what is installed.
 */
public final class ScenarioParser {
    static final String NAME_PATTERN = "[A-Za-z0-9_.-]{1,64}";
    static final String HOST_PATTERN = "[A-Za-z0-9_.-]{1,32}";
    static final String DEV_PATTERN = "[A-Za-z0-9_.-]{1,15}";
    /** Offload names and their NIC capability bits. */
    static final Map<String, Long> OFFLOADS = offloads();
    static final List<String> DEFAULT_OFFLOADS = List.of("sg", "csum", "tso");
    static final String DEFAULT_DURATION = "1s";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ScenarioParser() {
    }

    private static Map<String, Long> offloads() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sg", NicHardware.CAP_SG);
        m.put("csum", NicHardware.CAP_CSUM);
        m.put("tso", NicHardware.CAP_TSO);
        m.put("uso", NicHardware.CAP_USO);
        m.put("gro", 0L); // generic receive offload: the device layer's, not the NIC's (ethtool -K DEV gro on)
        return m;
    }

    /** Parses and validates {@code json}. */
    public static Scenario parse(String json) {
        if (json == null || json.isBlank()) throw new IllegalArgumentException("scenario: empty input; expected a JSON object (see docs/scenario.md)");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw new IllegalArgumentException("scenario: not valid JSON" + where + ": " + e.getOriginalMessage());
        }
        return parse(new N("", root));
    }

    private static Scenario parse(N root) {
        root.object("name", "seed", "virtualTime", "duration", "hosts", "wires", "generators", "actions", "flows");
        String name = root.get("name").string(null, NAME_PATTERN, "a name of 1-64 letters, digits, '_', '.', '-'");
        long seed = root.get("seed").longValue(1, Long.MIN_VALUE, Long.MAX_VALUE);
        boolean virtualTime = root.get("virtualTime").bool(true);
        N durN = root.get("duration");
        String duration = durN.string(DEFAULT_DURATION, null, Units.TIME_FORMS);
        long durationNanos = durN.time(duration);
        if (durationNanos <= 0) throw durN.bad("must be a positive time, e.g. 20ms");

        N hostsN = root.get("hosts");
        if (hostsN.missing()) throw hostsN.bad("is required: a non-empty array of hosts");
        List<N> hostNodes = hostsN.array(1);
        List<Scenario.HostDef> hosts = new ArrayList<>();
        Set<String> hostNames = new HashSet<>();
        for (N h : hostNodes) {
            Scenario.HostDef hd = host(h, hosts.size());
            if (!hostNames.add(hd.name())) throw h.get("name").bad("duplicate host name '" + hd.name() + "'");
            hosts.add(hd);
        }

        if (virtualTime) {
            for (Scenario.HostDef h : hosts) {
                for (Scenario.DeviceDef d : h.devices()) {
                    if (d.port() != null && d.port().kind().equals("live")) {
                        throw new IllegalArgumentException(d.port().path() + ": live ports need real time: set \"virtualTime\": false");
                    }
                }
            }
        }
        List<Scenario.WireDef> wires = wires(root.get("wires"), hosts);

        List<Scenario.GeneratorDef> gens = new ArrayList<>();
        Set<String> genNames = new HashSet<>();
        for (N g : root.get("generators").array(0)) {
            g.object("name", "host", "dev", "params");
            String gname = g.get("name").string(null, "\\S{1,64}", "a name of 1-64 non-blank characters");
            if (!genNames.add(gname)) throw g.get("name").bad("duplicate generator name '" + gname + "'");
            Scenario.HostDef hd = hostRef(g.get("host"), hosts);
            Scenario.DeviceDef dd = devRef(g.get("dev"), hd);
            Map<String, String> params = g.get("params").scalars();
            gens.add(new Scenario.GeneratorDef(g.path, gname, hd.name(), dd.name(), params));
        }

        List<Scenario.ActionDef> actions = new ArrayList<>();
        for (N a : root.get("actions").array(0)) {
            a.object("at", "host", "cmd");
            N atN = a.get("at");
            String at = atN.string(null, null, Units.TIME_FORMS);
            long atNanos = atN.time(at);
            if (atNanos > durationNanos) throw atN.bad("must not be later than the duration " + duration + ", got \"" + at + "\"", false);
            Scenario.HostDef hd = hostRef(a.get("host"), hosts);
            N cmdN = a.get("cmd");
            String cmd = cmdN.string(null, null, "a command line such as \"tc qdisc replace dev eth0 root pfifo limit 100\"");
            try {
                List<String> words = Words.split(cmd);
                if (InetCommands.handles(words)) InetCommands.checkAction(words, hd);
                else CommandSyntax.checkAction(words, hd);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(cmdN.path + ": " + e.getMessage());
            }
            actions.add(new Scenario.ActionDef(a.path, atNanos, at, hd.name(), cmd));
        }
        actions.sort(Comparator.comparingLong(Scenario.ActionDef::atNanos)); // stable: equal times keep file order
        List<Scenario.FlowDef> flows = flows(root.get("flows"), hosts, seed, durationNanos, duration);
        return new Scenario(name, seed, virtualTime, durationNanos, duration, List.copyOf(hosts), List.copyOf(wires), List.copyOf(gens),
                List.copyOf(actions), List.copyOf(flows));
    }

    /** Flow kinds and the fields only one kind takes. */
    static final List<String> FLOW_KINDS = List.of("bulk", "request-response", "sink");
    /** Flow transports: plain TCP (IPPROTO_TCP) or Multipath TCP (IPPROTO_MPTCP). */
    static final List<String> FLOW_PROTOCOLS = List.of("tcp", "mptcp");
    /** A flow's {@code verify}: SHA-256 at both ends (default) or, for bulk, comparison only. */
    static final List<String> FLOW_VERIFY = List.of("sha256", "compare");
    private static final String IPV4 = "\\d{1,3}(\\.\\d{1,3}){3}";

    /** {@code flows[]}: TCP applications (docs/scenario.md, "Flows"). */
    private static List<Scenario.FlowDef> flows(N flowsN, List<Scenario.HostDef> hosts, long seed, long durationNanos, String duration) {
        List<Scenario.FlowDef> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> listening = new HashMap<>(); // "host:port" -> path of the flow whose server listens there
        List<N> nodes = flowsN.array(0);
        for (int i = 0; i < nodes.size(); i++) {
            N f = nodes.get(i);
            f.object("name", "kind", "from", "to", "dst", "port", "bytes", "host", "listen", "requestBytes", "responseBytes", "transactions", "cc",
                    "nodelay", "sndbuf", "mss", "chunk", "cpu", "serverCpu", "start", "after", "seed", "protocol", "scheduler", "verify");
            String name = f.get("name").string(null, NAME_PATTERN, "a flow name of 1-64 letters, digits, '_', '.', '-'");
            if (!names.add(name)) throw f.get("name").bad("duplicate flow name '" + name + "'");
            N kindN = f.get("kind");
            String kind = kindN.string(null, null, "one of " + String.join(", ", FLOW_KINDS));
            if (!FLOW_KINDS.contains(kind)) throw kindN.bad("unknown flow kind; accepted: " + String.join(", ", FLOW_KINDS));
            boolean bulk = kind.equals("bulk");
            boolean sink = kind.equals("sink");
            List<String> notHere = bulk ? List.of("requestBytes", "responseBytes", "transactions", "host", "listen")
                    : sink ? List.of("from", "to", "dst", "port", "bytes", "requestBytes", "responseBytes", "transactions", "chunk", "cpu", "start", "after", "seed", "nodelay", "sndbuf", "mss", "verify")
                    : List.of("bytes", "chunk", "host", "listen");
            for (String only : notHere) {
                if (!f.get(only).missing()) {
                    String hint = sink && (only.equals("from") || only.equals("to")) ? "; a sink flow has one end: give \"host\" (the emulated server) and \"listen\" (its port)" : "";
                    throw f.get(only).bad("is not accepted for kind " + kind + hint, false);
                }
            }
            if (sink && !f.get("cc").missing()) {
                throw f.get("cc").bad("is not accepted for kind sink: the listener takes the host's default; set the host's sysctl net.ipv4.tcp_congestion_control", false);
            }
            if (sink) {
                Scenario.HostDef h = hostRef(f.get("host"), hosts);
                N listenN = f.get("listen");
                if (listenN.missing()) throw listenN.bad("is required for kind sink: the TCP port the server listens on, an integer 1..65535", false);
                int listen = (int) listenN.longValue(0, 1, 65535);
                String prev = listening.putIfAbsent(h.name() + ":" + listen, f.path);
                if (prev != null) throw listenN.bad("host " + h.name() + " already listens on port " + listen + " for " + prev + "; give each flow its own port", false);
                int serverCpu = (int) f.get("serverCpu").longValue(0, 0, h.cpus() - 1);
                String[] ps = protocolAndScheduler(f);
                int dst = 0;
                out.add(new Scenario.FlowDef(f.path, name, kind, null, h.name(), dst, listen, 0, 0, 0, 0, null, null, null, null,
                        65536, 0, serverCpu, 0, "0ms", 0, ps[0], ps[1], null, "sha256"));
                continue;
            }
            Scenario.HostDef from = hostRef(f.get("from"), hosts);
            N toN = f.get("to");
            Scenario.HostDef to;
            Integer external = null;
            String toText = toN.node != null && toN.node.isTextual() ? toN.node.textValue() : null;
            boolean isHost = false;
            for (Scenario.HostDef x : hosts) if (x.name().equals(toText)) isHost = true;
            if (toText != null && !isHost && toText.matches(IPV4)) {
                if (!bulk) throw toN.bad("an address outside the emulation is accepted for kind bulk only; give a host name", false);
                try {
                    external = Ipv4Address.parse(toText);
                } catch (IllegalArgumentException e) {
                    throw toN.bad("must be a host name or an IPv4 address such as \"198.18.100.2\"");
                }
                if (!f.get("dst").missing()) throw f.get("dst").bad("is not accepted when \"to\" is an address outside the emulation (it is the destination)", false);
                to = null;
            } else {
                to = hostRef(toN, hosts);
            }
            N dstN = f.get("dst");
            int dst;
            if (external != null) {
                dst = external;
            } else if (dstN.missing()) {
                String first = null;
                for (Scenario.DeviceDef d : to.devices()) if (first == null && !d.addresses().isEmpty()) first = d.addresses().get(0);
                if (first == null) throw dstN.bad("is required: host " + to.name() + " has no device addresses to default to; give an IPv4 address such as \"198.18.0.2\"", false);
                dst = Ipv4Address.parse(first.substring(0, first.indexOf('/')));
            } else {
                String a = dstN.string(null, null, "an IPv4 address such as \"198.18.0.2\"");
                try {
                    if (!a.matches(IPV4)) throw new IllegalArgumentException();
                    dst = Ipv4Address.parse(a);
                } catch (IllegalArgumentException e) {
                    throw dstN.bad("must be an IPv4 address such as \"198.18.0.2\"");
                }
            }
            int port = (int) f.get("port").longValue(5001, 1, 65535);
            if (to != null) {
                String key = to.name() + ":" + port;
                String prev = listening.putIfAbsent(key, f.path);
                if (prev != null) throw f.get("port").bad("host " + to.name() + " already listens on port " + port + " for " + prev + "; give each flow its own port", false);
            }
            long bytes = bulk ? required(f.get("bytes"), 1, 1_000_000_000_000_000L, "payload bytes to send") : 0;
            int req = bulk ? 0 : (int) f.get("requestBytes").longValue(1, 1, 1 << 24);
            int resp = bulk ? 0 : (int) f.get("responseBytes").longValue(1, 0, 1 << 24);
            int tx = bulk ? 0 : (int) f.get("transactions").longValue(1, 1, 100_000_000);
            N ccN = f.get("cc");
            String cc = ccN.missing() ? null : ccN.string(null, "[A-Za-z0-9_.-]{1,15}", "a congestion control name such as cubic or reno");
            Boolean noDelay = f.get("nodelay").missing() ? null : f.get("nodelay").bool(false);
            Integer sndbuf = f.get("sndbuf").missing() ? null : (int) f.get("sndbuf").longValue(0, 1, Integer.MAX_VALUE / 2);
            Integer mss = f.get("mss").missing() ? null : (int) f.get("mss").longValue(0, 88, 65535);
            int chunk = (int) f.get("chunk").longValue(65536, 1, 1 << 24);
            int cpu = (int) f.get("cpu").longValue(0, 0, from.cpus() - 1);
            if (to == null && !f.get("serverCpu").missing()) throw f.get("serverCpu").bad("is not accepted: the server is outside the emulation", false);
            int serverCpu = to == null ? 0 : (int) f.get("serverCpu").longValue(0, 0, to.cpus() - 1);
            N startN = f.get("start");
            String start = startN.string("0ms", null, Units.TIME_FORMS);
            long startNanos = startN.time(start);
            if (startNanos > durationNanos) throw startN.bad("must not be later than the duration " + duration + ", got \"" + start + "\"", false);
            N afterN = f.get("after");
            String after = null;
            if (!afterN.missing()) {
                after = afterN.string(null, NAME_PATTERN, "the name of an earlier bulk or request-response flow");
                Scenario.FlowDef prev = null;
                for (Scenario.FlowDef d : out) if (d.name().equals(after)) prev = d;
                if (prev == null || prev.from() == null) {
                    List<String> earlier = new ArrayList<>();
                    for (Scenario.FlowDef d : out) if (d.from() != null) earlier.add(d.name());
                    throw afterN.bad("must name an earlier bulk or request-response flow of this scenario (its client's end starts this one); "
                            + (earlier.isEmpty() ? "there is none before this flow" : "accepted: " + String.join(", ", earlier)) + ", got \"" + after + "\"", false);
                }
            }
            long fseed = f.get("seed").longValue(seed * 1_000_003L + i + 1, Long.MIN_VALUE, Long.MAX_VALUE);
            String[] ps = protocolAndScheduler(f);
            N verifyN = f.get("verify");
            String verify = verifyN.string("sha256", null, "one of " + String.join(", ", FLOW_VERIFY));
            if (!FLOW_VERIFY.contains(verify)) throw verifyN.bad("unknown check; accepted: " + String.join(", ", FLOW_VERIFY));
            if (verify.equals("compare") && !bulk) {
                throw verifyN.bad("\"compare\" is accepted for kind bulk only (a request-response flow is checked with sha256)", false);
            }
            if (verify.equals("compare") && to == null) {
                throw verifyN.bad("\"compare\" needs the receiver inside the emulation; this flow's peer is the external address " + toText
                        + ": use \"sha256\" and compare the hashes", false);
            }
            out.add(new Scenario.FlowDef(f.path, name, kind, from.name(), to == null ? null : to.name(), dst, port, bytes, req, resp, tx, cc, noDelay, sndbuf, mss,
                    chunk, cpu, serverCpu, startNanos, start, fseed, ps[0], ps[1], after, verify));
        }
        return out;
    }

    /** A flow's {@code protocol} (default tcp) and {@code scheduler} (MPTCP only; null for the default). */
    private static String[] protocolAndScheduler(N f) {
        N protoN = f.get("protocol");
        String protocol = protoN.string("tcp", null, "one of " + String.join(", ", FLOW_PROTOCOLS));
        if (!FLOW_PROTOCOLS.contains(protocol)) throw protoN.bad("unknown protocol; accepted: " + String.join(", ", FLOW_PROTOCOLS));
        N schedN = f.get("scheduler");
        String scheduler = null;
        if (!schedN.missing()) {
            if (!protocol.equals("mptcp")) {
                throw schedN.bad("is accepted only for MPTCP flows (\"protocol\": \"mptcp\"); this flow's protocol is " + protocol, false);
            }
            scheduler = schedN.string(null, "[A-Za-z0-9_.-]{1,64}", "an MPTCP scheduler name such as default, roundrobin, redundant, blest or ecf");
        }
        return new String[] {protocol, scheduler};
    }

    private static long required(N n, long min, long max, String what) {
        if (n.missing()) throw n.bad("is required: " + what + ", an integer " + min + ".." + max, false);
        return n.longValue(0, min, max);
    }

    /** {@code wires[]}: ends as {@code "HOST:DEV"}, at most one wire per device. */
    private static List<Scenario.WireDef> wires(N wiresN, List<Scenario.HostDef> hosts) {
        List<Scenario.WireDef> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> used = new HashMap<>(); // "host:dev" -> path of the wire end using it
        for (N w : wiresN.array(0)) {
            w.object("name", "a", "b", "params", "paramsB");
            String name = w.get("name").string(null, NAME_PATTERN, "a wire name of 1-64 letters, digits, '_', '.', '-'");
            if (!names.add(name)) throw w.get("name").bad("duplicate wire name '" + name + "'");
            String[] a = end(w.get("a"), hosts, used);
            String[] b = end(w.get("b"), hosts, used);
            Map<String, String> pa = Map.copyOf(w.get("params").scalars());
            N pbN = w.get("paramsB");
            Map<String, String> pb = pbN.missing() ? pa : Map.copyOf(pbN.scalars());
            for (Map<String, String> m : List.of(pa, pb)) {
                if (m.containsKey("name")) {
                    throw new IllegalArgumentException((m == pa ? w.path + ".params" : pbN.path) + "[\"name\"]: not accepted here; the wire's \"name\" names it");
                }
            }
            out.add(new Scenario.WireDef(w.path, name, a[0], a[1], b[0], b[1], pa, pb));
        }
        return out;
    }

    private static String[] end(N n, List<Scenario.HostDef> hosts, Map<String, String> used) {
        String s = n.string(null, null, "a device as \"HOST:DEV\", e.g. \"h1:eth0\"");
        int c = s.indexOf(':');
        if (c <= 0 || c == s.length() - 1 || s.indexOf(':', c + 1) >= 0) throw n.bad("must be a device as \"HOST:DEV\", e.g. \"h1:eth0\"");
        String h = s.substring(0, c), d = s.substring(c + 1);
        Scenario.HostDef hd = null;
        for (Scenario.HostDef x : hosts) if (x.name().equals(h)) hd = x;
        if (hd == null) throw n.bad("no host named '" + h + "'; hosts: " + names(hosts.stream().map(Scenario.HostDef::name).toList()), false);
        if (hd.device(d) == null) {
            throw n.bad("host " + h + " has no device '" + d + "'; devices: " + names(hd.devices().stream().map(Scenario.DeviceDef::name).toList()), false);
        }
        String prev = used.putIfAbsent(s, n.path);
        if (prev != null) throw n.bad("device " + s + " is already an end of a wire (" + prev + "); a device takes at most one wire", false);
        return new String[] {h, d};
    }

    private static Scenario.HostDef hostRef(N n, List<Scenario.HostDef> hosts) {
        if (n.missing()) {
            if (hosts.size() == 1) return hosts.get(0);
            throw n.bad("is required when there is more than one host; hosts: " + names(hosts.stream().map(Scenario.HostDef::name).toList()));
        }
        String h = n.string(null, null, "a host name");
        for (Scenario.HostDef d : hosts) if (d.name().equals(h)) return d;
        throw n.bad("no host named '" + h + "'; hosts: " + names(hosts.stream().map(Scenario.HostDef::name).toList()), false);
    }

    private static Scenario.DeviceDef devRef(N n, Scenario.HostDef h) {
        if (n.missing()) {
            if (h.devices().size() == 1) return h.devices().get(0);
            throw n.bad("is required when host " + h.name() + " has " + h.devices().size() + " devices; devices: "
                    + names(h.devices().stream().map(Scenario.DeviceDef::name).toList()));
        }
        String d = n.string(null, null, "a device name");
        Scenario.DeviceDef dd = h.device(d);
        if (dd == null) {
            throw n.bad("host " + h.name() + " has no device '" + d + "'; devices: " + names(h.devices().stream().map(Scenario.DeviceDef::name).toList()), false);
        }
        return dd;
    }

    private static String names(List<String> l) {
        return l.isEmpty() ? "(none)" : String.join(", ", l);
    }

    private static Scenario.HostDef host(N h, int index) {
        h.object("name", "cpus", "sysctl", "devices");
        String name = h.get("name").string(null, HOST_PATTERN, "a host name of 1-32 letters, digits, '_', '.', '-'");
        int cpus = (int) h.get("cpus").longValue(1, 1, 256);
        Map<String, String> sysctl = h.get("sysctl").scalars();
        List<Scenario.DeviceDef> devs = new ArrayList<>();
        Set<String> devNames = new HashSet<>();
        for (N d : h.get("devices").array(0)) {
            Scenario.DeviceDef dd = device(d, index, devs.size(), cpus);
            if (!devNames.add(dd.name())) throw d.get("name").bad("duplicate device name '" + dd.name() + "' on host " + name);
            devs.add(dd);
        }
        return new Scenario.HostDef(h.path, name, cpus, sysctl, List.copyOf(devs));
    }

    private static Scenario.DeviceDef device(N d, int hostIndex, int devIndex, int cpus) {
        d.object("name", "txQueues", "ringSize", "rate", "mtu", "mac", "offloads", "arbitration", "preambleIfg",
                "coalesce", "driver", "driverParams", "xps", "qdisc", "capture", "addresses", "port");
        String name = d.get("name").string(null, DEV_PATTERN, "a device name of 1-15 letters, digits, '_', '.', '-'");
        int txQueues = (int) d.get("txQueues").longValue(1, 1, 64);
        N ringN = d.get("ringSize");
        int ring = (int) ringN.longValue(256, 2, 65536);
        if (Integer.bitCount(ring) != 1) throw ringN.bad("must be a power of two 2..65536");
        N rateN = d.get("rate");
        long rate;
        if (rateN.node != null && rateN.node.isIntegralNumber()) {
            rate = rateN.longValue(0, 1000, Long.MAX_VALUE);
        } else {
            String r = rateN.string("10gbit", null, Units.RATE_FORMS);
            try {
                rate = Units.rateBitsPerSec(r);
            } catch (IllegalArgumentException e) {
                throw rateN.bad("must be " + Units.RATE_FORMS);
            }
            if (rate < 1000) throw rateN.bad("must be at least 1000 bit/s");
        }
        int mtu = (int) d.get("mtu").longValue(1500, 68, 65535);
        N macN = d.get("mac");
        byte[] mac;
        if (macN.missing()) {
            mac = new byte[] {2, 0, 0, 0, (byte) (hostIndex + 1), (byte) (devIndex + 1)};
        } else {
            String m = macN.string(null, null, "a MAC address such as 02:00:00:00:00:01");
            MacAddress a;
            try {
                a = MacAddress.parse(m);
            } catch (IllegalArgumentException e) {
                throw macN.bad("must be six hex octets separated by ':', such as 02:00:00:00:00:01");
            }
            if (!a.isValidUnicast()) throw macN.bad("must be a unicast, non-zero address (first octet even), such as 02:00:00:00:00:01");
            mac = a.toBytes();
        }
        N offN = d.get("offloads");
        List<String> offloads = new ArrayList<>();
        long caps = 0;
        if (offN.missing()) {
            offloads.addAll(DEFAULT_OFFLOADS);
        } else {
            for (N o : offN.array(0)) {
                String s = o.string(null, null, "one of " + String.join(", ", OFFLOADS.keySet()));
                if (!OFFLOADS.containsKey(s)) throw o.bad("must be one of " + String.join(", ", OFFLOADS.keySet()));
                if (offloads.contains(s)) throw o.bad("is listed twice");
                offloads.add(s);
            }
        }
        for (String s : offloads) caps |= OFFLOADS.get(s);
        N arbN = d.get("arbitration");
        String arb = arbN.string("round-robin", null, "round-robin or strict-priority");
        NicConfig.Arbitration arbitration;
        switch (arb) {
            case "round-robin": arbitration = NicConfig.Arbitration.ROUND_ROBIN; break;
            case "strict-priority": arbitration = NicConfig.Arbitration.STRICT_PRIORITY; break;
            default: throw arbN.bad("must be round-robin or strict-priority");
        }
        boolean preamble = d.get("preambleIfg").bool(true);
        N coal = d.get("coalesce");
        long usecs = 0;
        int frames = 0;
        if (!coal.missing()) {
            coal.object("usecs", "frames");
            usecs = coal.get("usecs").longValue(0, 0, 1_000_000);
            frames = (int) coal.get("frames").longValue(0, 0, 65535);
        }
        String driver = d.get("driver").string("generic", "[A-Za-z0-9_.-]{1,64}", "a driver model name such as generic or legacy");
        Map<String, String> driverParams = d.get("driverParams").scalars();
        N xpsN = d.get("xps");
        List<N> xpsNodes = xpsN.array(0);
        if (xpsNodes.size() > cpus) throw xpsN.bad("has " + xpsNodes.size() + " entries but the host has " + cpus + " CPUs; give one TX queue per CPU, CPU 0 first", false);
        int[] xps = new int[xpsNodes.size()];
        for (int i = 0; i < xps.length; i++) xps[i] = (int) xpsNodes.get(i).longValue(0, 0, txQueues - 1);
        N qN = d.get("qdisc");
        String qdisc = null;
        TcRequest qreq = null;
        if (!qN.missing()) {
            qdisc = qN.string(null, null, "tc parameters after 'root', e.g. \"tbf rate 1gbit burst 64kb latency 10ms\"");
            List<String> w = new ArrayList<>(List.of("qdisc", "replace", "dev", name, "root"));
            w.addAll(Words.split(qdisc));
            try {
                qreq = TcCommand.parse(w).request();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(qN.path + ": " + e.getMessage());
            }
        }
        List<Scenario.CaptureDef> caps2 = new ArrayList<>();
        for (N c : d.get("capture").array(0)) {
            c.object("kind", "file", "perQueue", "snaplen");
            String kind = c.get("kind").string(null, "[A-Za-z0-9_.-]{1,32}", "a port kind such as pcap, pcapng or pcap4j");
            String file = c.get("file").string(null, null, "a file name relative to the output folder, e.g. h1-eth0.pcap");
            if (file.isBlank()) throw c.get("file").bad("must not be empty");
            boolean perQueue = c.get("perQueue").bool(false);
            N sn = c.get("snaplen");
            Integer snaplen = sn.missing() ? null : (int) sn.longValue(0, 1, 262144);
            caps2.add(new Scenario.CaptureDef(c.path, kind, file, perQueue, snaplen));
        }
        List<String> addrs = new ArrayList<>();
        for (N an : d.get("addresses").array(0)) {
            String a = an.string(null, null, "an IPv4 address with prefix length, e.g. \"198.18.0.1/24\"");
            if (!a.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) throw an.bad("must be an IPv4 address with prefix length, e.g. \"198.18.0.1/24\"");
            int len = Integer.parseInt(a.substring(a.indexOf('/') + 1));
            if (len > 32) throw an.bad("prefix length must be 0..32");
            try {
                Ipv4Address.parse(a.substring(0, a.indexOf('/')));
            } catch (IllegalArgumentException e) {
                throw an.bad("must be an IPv4 address with prefix length, e.g. \"198.18.0.1/24\"");
            }
            String ip = a.substring(0, a.indexOf('/'));
            for (String x : addrs) if (x.startsWith(ip + "/")) throw an.bad("address " + ip + " is listed twice");
            addrs.add(a);
        }
        NicConfig nic;
        try {
            nic = new NicConfig(txQueues, ring, rate, mtu, mac, caps, arbitration, preamble, usecs, frames);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(d.path + ": " + e.getMessage());
        }
        Scenario.PortDef port = port(d.get("port"));
        return new Scenario.DeviceDef(d.path, name, nic, List.copyOf(offloads), driver, driverParams, xps, qdisc, qreq, List.copyOf(caps2),
                List.copyOf(addrs), port);
    }

    /** Port kinds a device's {@code port} field takes. */
    static final List<String> PORT_KINDS = List.of("live");

    /**
     * A device's {@code port}: {@code {"kind": "live", "ifname": "veth-emu0", ...}}; the other
     * fields are the port's parameters (checked by the port factory when the scenario is built).
     */
    private static Scenario.PortDef port(N p) {
        if (p.missing()) return null;
        if (!p.node.isObject()) throw p.bad("must be an object such as {\"kind\": \"live\", \"ifname\": \"veth-emu0\"}");
        N kindN = p.get("kind");
        String kind = kindN.string(null, null, "a port kind: " + String.join(", ", PORT_KINDS));
        if (!PORT_KINDS.contains(kind)) {
            throw kindN.bad("accepted: " + String.join(", ", PORT_KINDS) + " (capture files go in \"capture\", virtual wires in \"wires\")");
        }
        Map<String, String> params = new LinkedHashMap<>(p.scalars());
        params.remove("kind");
        if (kind.equals("live") && (params.get("ifname") == null || params.get("ifname").isBlank())) {
            throw new IllegalArgumentException(p.path + ".ifname: is required: the interface to put the device on, e.g. \"veth-emu0\"");
        }
        return new Scenario.PortDef(p.path, kind, Map.copyOf(params));
    }

    /** A JSON node with its path; {@code node} is null when the field is absent. */
    static final class N {
        final String path;
        final JsonNode node;

        N(String path, JsonNode node) {
            this.path = path;
            this.node = node == null || node.isMissingNode() ? null : node;
        }

        boolean missing() {
            return node == null || node.isNull();
        }

        String label() {
            return path.isEmpty() ? "scenario" : path;
        }

        IllegalArgumentException bad(String what) {
            return bad(what, true);
        }

        IllegalArgumentException bad(String what, boolean showGot) {
            String got = showGot ? ", got " + (node == null ? "nothing" : node.toString()) : "";
            return new IllegalArgumentException(label() + ": " + what + got);
        }

        N get(String field) {
            String p = path.isEmpty() ? field : path + "." + field;
            return new N(p, node == null ? null : node.get(field));
        }

        /** Requires an object with only the given fields. */
        void object(String... accepted) {
            if (node == null || !node.isObject()) throw bad("must be an object");
            Set<String> ok = Set.of(accepted);
            Iterator<String> it = node.fieldNames();
            while (it.hasNext()) {
                String f = it.next();
                if (!ok.contains(f)) {
                    String p = path.isEmpty() ? f : path + "." + f;
                    throw new IllegalArgumentException(p + ": unknown field; accepted here: " + String.join(", ", accepted));
                }
            }
        }

        /** An array (absent: empty) of at least {@code min} elements. */
        List<N> array(int min) {
            List<N> out = new ArrayList<>();
            if (missing()) {
                if (min > 0) throw bad("is required: an array of at least " + min + " element(s)");
                return out;
            }
            if (!node.isArray()) throw bad("must be an array");
            if (node.size() < min) throw bad("must have at least " + min + " element(s)");
            for (int i = 0; i < node.size(); i++) out.add(new N(path + "[" + i + "]", node.get(i)));
            return out;
        }

        /**
         * A string; {@code dflt} when absent (null: required). {@code pattern} (may be null) must match.
         */
        String string(String dflt, String pattern, String expected) {
            if (missing()) {
                if (dflt != null) return dflt;
                throw new IllegalArgumentException(label() + ": is required: " + expected);
            }
            if (!node.isTextual()) throw bad("must be a string: " + expected);
            String s = node.textValue();
            if (pattern != null && !s.matches(pattern)) throw bad("must be " + expected);
            return s;
        }

        long time(String text) {
            try {
                return Units.timeNanos(text);
            } catch (IllegalArgumentException e) {
                throw bad("must be " + Units.TIME_FORMS);
            }
        }

        long longValue(long dflt, long min, long max) {
            if (missing()) return dflt;
            String range = min == Long.MIN_VALUE ? "" : " " + min + ".." + max;
            if (!node.isIntegralNumber() || !node.canConvertToLong()) throw bad("must be an integer" + range);
            long v = node.longValue();
            if (v < min || v > max) throw bad("must be an integer" + range);
            return v;
        }

        boolean bool(boolean dflt) {
            if (missing()) return dflt;
            if (!node.isBoolean()) throw bad("must be true or false");
            return node.booleanValue();
        }

        /** An object of scalar values (strings, numbers, booleans) as strings, in file order. */
        Map<String, String> scalars() {
            Map<String, String> m = new LinkedHashMap<>();
            if (missing()) return m;
            if (!node.isObject()) throw bad("must be an object of \"key\": \"value\" pairs");
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    throw new IllegalArgumentException(path + "[\"" + e.getKey() + "\"]: must be a string, number or boolean, got " + v);
                }
                m.put(e.getKey(), v.asText());
            }
            return m;
        }
    }
}
