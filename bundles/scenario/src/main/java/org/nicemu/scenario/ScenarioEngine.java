package org.nicemu.scenario;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.emu.QdiscInfo;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.api.stats.QdiscStats;
import org.nicemu.apps.BulkSender;
import org.nicemu.apps.FlowResult;
import org.nicemu.apps.RequestResponse;
import org.nicemu.apps.Sink;
import org.nicemu.apps.SocketApp;
import org.nicemu.apps.TcpOptions;
import org.nicemu.scenario.CommandSyntax.Cmd;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Builds emulations from scenarios and runs them (DESIGN §9): hosts, sysctls, devices, root qdiscs,
 * captures, generators and timed actions; then runs in ten segments of the duration (progress after
 * each), stops early when no event is left, collects the summary on the loop, closes the emulation
 * (captures flushed) and writes {@code summary.json}.
 *
 * <p>Timed actions are timers on the emulation's loop armed while loading, so they run at exactly
 * their emulated time, in file order for equal times, whatever the segments of the run: the same
 * scenario and seed give the same result.
 */
final class ScenarioEngine {
    /** How long to wait for a plugin kind (qdisc, driver, port, pktgen) to become available. */
    static final long PLUGIN_WAIT_MILLIS = 5_000;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Emulations emulations;
    private final CommandEngine commands;
    private final Supplier<PktgenService> pktgen;
    private final Supplier<SocketLayer> sockets;

    /** What happened to one timed action. */
    static final class ActionResult {
        final Scenario.ActionDef def;
        volatile boolean done;
        volatile long ranAtNanos = -1;
        volatile String output;
        volatile String error;

        ActionResult(Scenario.ActionDef def) { this.def = def; }
    }

    /**
     * One flow's applications: the client (bulk sender or request-response client) and its server;
     * {@code mptcp} watches an MPTCP flow's connections (null for TCP).
     */
    record FlowRun(Scenario.FlowDef def, SocketApp client, Sink server, MptcpFlowProbe mptcp) {
        FlowRun(Scenario.FlowDef def, SocketApp client, Sink server) {
            this(def, client, server, null);
        }

        /** Both applications are done; a one-ended flow (external peer) has only one of them. */
        boolean done() {
            return (client == null || client.done()) && (server == null || serverDone(server, def.mptcp()));
        }
    }

    /**
     * The server side of a flow is done: its application is, or — for an MPTCP flow, whose server
     * keeps listening so that the client's further subflows can join (MP_JOIN SYNs need the
     * listener, as in Linux) — its one connection is.
     */
    static boolean serverDone(Sink server, boolean keepsListening) {
        if (server.done()) return true;
        if (!keepsListening) return false;
        List<FlowResult> r = server.results();
        return !r.isEmpty() && !"listener".equals(r.get(0).role()) && r.get(0).endNs() >= 0;
    }

    /** A loaded scenario: its emulation, the record of its actions and its flows. */
    record Loaded(Scenario scenario, Emulation emu, List<ActionResult> actions, List<FlowRun> flows) { }

    static final String NO_SOCKET_LAYER = "scenario uses flows but no socket layer is active (bundle org.nicemu.socket, with a TCP transport)";

    ScenarioEngine(Emulations emulations, CommandEngine commands, Supplier<PktgenService> pktgen, Supplier<SocketLayer> sockets) {
        this.emulations = emulations;
        this.commands = commands;
        this.pktgen = pktgen;
        this.sockets = sockets;
    }

    // ---------------------------------------------------------------- load

    /**
     * Builds the emulation of {@code sc}. {@code log} (may be null) gets one line per timed action
     * as it runs.
     */
    Loaded load(Scenario sc, String emuName, Path outDir, PrintStream log) {
        checkAvailable(sc);
        if (outDir != null) {
            try {
                Files.createDirectories(outDir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create output folder " + outDir + ": " + e, e);
            }
        }
        Emulation emu = emulations.create(emuName, sc.seed(), sc.virtualTime());
        try {
            List<FlowRun> flows = new ArrayList<>();
            List<ActionResult> results = build(sc, emu, outDir, log, flows);
            return new Loaded(sc, emu, results, flows);
        } catch (RuntimeException e) {
            commands.forget(emu);
            emu.close();
            throw e;
        }
    }

    private List<ActionResult> build(Scenario sc, Emulation emu, Path outDir, PrintStream log, List<FlowRun> flows) {
        for (Scenario.HostDef hd : sc.hosts()) {
            Host host = at(hd.path(), () -> emu.addHost(hd.name(), hd.cpus()));
            CommandEngine.onLoop(emu, () -> {
                for (Map.Entry<String, String> e : hd.sysctl().entrySet()) {
                    at(hd.path() + ".sysctl[\"" + e.getKey() + "\"]", () -> {
                        host.sysctl(e.getKey(), e.getValue());
                        return null;
                    });
                }
                for (Scenario.DeviceDef dd : hd.devices()) {
                    Device dev = at(dd.path(), () -> host.addDevice(new DeviceSpec(dd.name(), dd.nic(), dd.driver(), dd.driverParams(), dd.xps())));
                    if (dd.offloads().contains("gro")) dev.setGro(true); // a software feature of the device layer, not a NIC capability
                    if (dd.qdiscReq() != null) {
                        at(dd.path() + ".qdisc", () -> {
                            dev.tc(dd.qdiscReq());
                            return null;
                        });
                    }
                }
                return null;
            });
            for (Scenario.DeviceDef dd : hd.devices()) {
                for (Scenario.CaptureDef c : dd.captures()) {
                    Map<String, String> params = new LinkedHashMap<>();
                    params.put("file", c.file());
                    if (c.perQueue()) params.put("perQueue", "true");
                    if (c.snaplen() != null) params.put("snaplen", c.snaplen().toString());
                    at(c.path(), () -> commands.capture(emu, hd.name(), new CommandSyntax.Capture(dd.name(), c.kind(), params), outDir));
                }
                if (dd.port() != null) {
                    Scenario.PortDef pd = dd.port();
                    at(pd.path(), () -> commands.setPort(emu, hd.name(), new CommandSyntax.IpSetPort(dd.name(), pd.kind(), pd.params())));
                }
            }
        }
        for (Scenario.WireDef w : sc.wires()) wire(emu, w);
        for (Scenario.HostDef hd : sc.hosts()) {
            for (Scenario.DeviceDef dd : hd.devices()) {
                for (int k = 0; k < dd.addresses().size(); k++) {
                    String cmd = "ip addr add " + dd.addresses().get(k) + " dev " + dd.name();
                    at(dd.path() + ".addresses[" + k + "]", () -> commands.execute(emu, hd.name(), cmd));
                }
            }
        }
        List<ActionResult> results = new ArrayList<>();
        CommandEngine.onLoop(emu, () -> {
            PktgenService pg = pktgen.get();
            for (Scenario.GeneratorDef g : sc.generators()) {
                at(g.path(), () -> {
                    if (pg == null) throw new IllegalArgumentException("pktgen is not available (bundle org.nicemu.pktgen is not active)");
                    Device dev = emu.host(g.host()).device(g.dev());
                    PktgenService.Generator gen = pg.start(dev, g.name(), g.params());
                    commands.register(emu, g.host(), g.dev(), gen);
                    return gen;
                });
            }
            int i = 0;
            for (Scenario.ActionDef a : sc.actions()) {
                ActionResult r = new ActionResult(a);
                results.add(r);
                Timer t = emu.loop().newTimer("scenario action " + (i++) + " " + a.cmd(), () -> runAction(emu, r, log));
                t.arm(a.atNanos());
            }
            Map<String, List<Runnable>> whenClientDone = new HashMap<>(); // flow name -> what its client's end starts ("after")
            for (Scenario.FlowDef f : sc.flows()) {
                List<Runnable> mine = new ArrayList<>();
                whenClientDone.put(f.name(), mine);
                flows.add(at(f.path(), () -> flow(emu, f, mine, f.after() == null ? null : whenClientDone.get(f.after()), log)));
            }
            return null;
        });
        return results;
    }

    /**
     * Starts a flow's server now (it listens from time 0) and arms its client at the flow's start
     * time or, with {@code after}, when that flow's client is done (not before the start time).
     * Loop thread.
     */
    private FlowRun flow(Emulation emu, Scenario.FlowDef f, List<Runnable> onClientDone, List<Runnable> after, PrintStream log) {
        SocketLayer layer = sockets.get();
        if (layer == null) throw new IllegalArgumentException(NO_SOCKET_LAYER);
        Host from = f.from() == null ? null : emu.host(f.from()), to = f.to() == null ? null : emu.host(f.to());
        if (f.mptcp()) {
            for (Host h : new Host[] {from, to}) {
                if (h != null && h.proto(org.nicemu.api.sock.SockConst.IPPROTO_MPTCP) == null) {
                    throw new IllegalArgumentException("protocol mptcp: host " + h.name() + " has no MPTCP transport (bundle org.nicemu.mptcp is not active)");
                }
            }
        }
        TcpOptions opts = new TcpOptions(f.cc(), f.noDelay(), f.sndbuf(), f.mss(), f.scheduler());
        // an MPTCP server keeps its listener: closing it after the first accept would refuse the MP_JOINs of the other subflows
        Sink server = to == null ? null
                : new Sink(layer, to, f.name() + "-server", f.serverCpu(), 0, f.port()).maxConnections(f.mptcp() ? 0 : 1).kind(f.kind());
        SocketApp client = null;
        if (f.kind().equals("bulk")) {
            if (server != null) server.verify(f.seed(), !f.compareOnly());
            client = new BulkSender(layer, from, f.name(), f.cpu(), f.dst(), f.port(), f.bytes(), f.seed()).chunk(f.chunk()).options(opts)
                    .hash(!f.compareOnly());
        } else if (f.kind().equals("request-response")) {
            server.respond(f.requestBytes(), f.responseBytes(), ~f.seed());
            client = new RequestResponse(layer, from, f.name(), f.cpu(), f.dst(), f.port(), f.requestBytes(), f.responseBytes(),
                    f.transactions(), f.seed(), ~f.seed()).options(opts);
        } // sink: the server only; its peer is outside the emulation (docs/port-live.md)
        MptcpFlowProbe probe = null;
        if (f.mptcp()) {
            if (client != null) client.protocol(org.nicemu.api.sock.SockConst.IPPROTO_MPTCP);
            if (server != null) server.protocol(org.nicemu.api.sock.SockConst.IPPROTO_MPTCP);
            Sink srv = server;
            probe = new MptcpFlowProbe(f, from, to, () -> srv != null && serverDone(srv, true));
        }
        MptcpFlowProbe p = probe;
        SocketApp cl = client;
        Runnable done = () -> {
            if (cl != null) for (Runnable r : onClientDone) r.run();
            if (p != null && cl != null) p.clientDone();
            if (log != null) {
                String err = cl != null ? cl.error() : server.error();
                log.println("nicemu: " + Units.formatTime(emu.loop().now()) + " flow " + f.name() + " " + (err == null ? "done" : "FAILED: " + err));
            }
        };
        if (client != null) client.onDone(done);
        else server.onDone(done);
        if (server != null) server.start();
        if (probe != null) probe.start();
        if (client != null) {
            Timer start = emu.loop().newTimer("scenario flow " + f.name(), client::start);
            if (after == null) start.arm(f.startNanos());
            else after.add(() -> start.arm(Math.max(f.startNanos(), emu.loop().now())));
        }
        return new FlowRun(f, client, server, probe);
    }

    /**
     * Opens both ends of a wire (port kind {@code wire}, named {@code EMULATION:WIRE} since wire
     * names are global to the JVM): end A on the a-side device, then end B on the b-side device.
     */
    private void wire(Emulation emu, Scenario.WireDef w) {
        org.nicemu.api.nic.NicPortFactory f = commands.ports().get("wire");
        if (f == null) throw new IllegalArgumentException(w.path() + ": port kind 'wire' is not available (bundle org.nicemu.port.wire is not active)");
        String global = emu.name() + ":" + w.name();
        String[][] ends = {{w.aHost(), w.aDev(), ".a"}, {w.bHost(), w.bDev(), ".b"}};
        List<NicPort> opened = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                String[] e = ends[i];
                Map<String, String> params = new LinkedHashMap<>(i == 0 ? w.paramsA() : w.paramsB());
                params.put("name", global);
                String path = w.path() + (i == 0 ? ".params" : w.paramsB() == w.paramsA() ? ".params" : ".paramsB");
                int queues = CommandEngine.onLoop(emu, () -> emu.host(e[0]).device(e[1]).nic().config().numTxQueues());
                NicPort port = at(path, () -> f.open(e[1], queues, params));
                opened.add(port);
                at(w.path() + e[2], () -> CommandEngine.onLoop(emu, () -> {
                    emu.host(e[0]).device(e[1]).attachPort(port);
                    return null;
                }));
            }
        } catch (RuntimeException ex) {
            for (NicPort p : opened) p.close();
            throw ex;
        }
    }

    /** Runs one timed action on the loop; never throws (an exception here would end the loop). */
    private void runAction(Emulation emu, ActionResult r, PrintStream log) {
        r.ranAtNanos = emu.loop().now();
        try {
            r.output = commands.execute(emu, r.def.host(), r.def.cmd());
            if (log != null) log.println("nicemu: " + Units.formatTime(r.ranAtNanos) + " " + r.def.host() + ": " + r.def.cmd());
        } catch (RuntimeException e) {
            r.error = e.getMessage() == null ? e.toString() : e.getMessage();
            if (log != null) log.println("nicemu: " + Units.formatTime(r.ranAtNanos) + " " + r.def.host() + ": " + r.def.cmd() + " FAILED: " + r.error);
        } finally {
            r.done = true;
        }
    }

    /** Runs {@code c}; a failure is reported with {@code path} in front. */
    private static <T> T at(String path, java.util.concurrent.Callable<T> c) {
        try {
            return c.call();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        } catch (org.nicemu.api.qdisc.QdiscParamException | org.nicemu.api.driver.DriverException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(path + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        } catch (Exception e) {
            throw new IllegalStateException(path + ": " + e, e);
        }
    }

    /**
     * Checks that every qdisc kind, driver model, port kind and pktgen the scenario needs is
     * available, waiting a little for bundles that are still starting.
     */
    private void checkAvailable(Scenario sc) {
        long end = System.nanoTime() + PLUGIN_WAIT_MILLIS * 1_000_000L;
        while (true) {
            String missing = missing(sc);
            if (missing == null) return;
            if (System.nanoTime() > end) throw new IllegalArgumentException(missing);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for plugins", e);
            }
        }
    }

    String missing(Scenario sc) {
        Set<String> qk = emulations.qdiscKinds();
        Set<String> dk = emulations.driverKinds();
        for (Scenario.HostDef h : sc.hosts()) {
            for (Scenario.DeviceDef d : h.devices()) {
                if (!dk.contains(d.driver())) return d.path() + ".driver: unknown driver model '" + d.driver() + "'; available: " + list(dk);
                if (d.qdiscReq() != null && !qk.contains(d.qdiscReq().kind())) {
                    return d.path() + ".qdisc: unknown qdisc kind '" + d.qdiscReq().kind() + "'; available: " + list(qk);
                }
                for (Scenario.CaptureDef c : d.captures()) {
                    if (commands.ports().get(c.kind()) == null) {
                        return c.path() + ".kind: unknown port kind '" + c.kind() + "'; available: " + list(commands.ports().kinds());
                    }
                }
                if (d.port() != null && commands.ports().get(d.port().kind()) == null) {
                    return d.port().path() + ".kind: port kind '" + d.port().kind() + "' is not available (bundle org.nicemu.port." + d.port().kind()
                            + " is not active); available: " + list(commands.ports().kinds());
                }
            }
        }
        if (!sc.wires().isEmpty() && commands.ports().get("wire") == null) {
            return sc.wires().get(0).path() + ": unknown port kind 'wire' (bundle org.nicemu.port.wire); available: " + list(commands.ports().kinds());
        }
        boolean needPktgen = !sc.generators().isEmpty();
        for (Scenario.ActionDef a : sc.actions()) {
            List<String> words = Words.split(a.cmd());
            if (InetCommands.handles(words)) continue;
            Cmd c = CommandSyntax.parse(words);
            if (c instanceof CommandSyntax.Tc) {
                String k = ((CommandSyntax.Tc) c).tc().request() == null ? null : ((CommandSyntax.Tc) c).tc().request().kind();
                if (k != null && !qk.contains(k)) return a.path() + ".cmd: unknown qdisc kind '" + k + "'; available: " + list(qk);
            } else if (c instanceof CommandSyntax.Driver) {
                String k = ((CommandSyntax.Driver) c).kind();
                if (k != null && !dk.contains(k)) return a.path() + ".cmd: unknown driver model '" + k + "'; available: " + list(dk);
            } else if (c instanceof CommandSyntax.Capture) {
                String k = ((CommandSyntax.Capture) c).kind();
                if (k != null && commands.ports().get(k) == null) return a.path() + ".cmd: unknown port kind '" + k + "'; available: " + list(commands.ports().kinds());
            } else if (c instanceof CommandSyntax.Pktgen && ((CommandSyntax.Pktgen) c).op().equals("start")) {
                needPktgen = true;
            } else if (c instanceof CommandSyntax.TcpCongestion) {
                String k = ((CommandSyntax.TcpCongestion) c).name();
                Set<String> ck = emulations.congestionControls();
                if (!ck.contains(k)) return a.path() + ".cmd: tcp congestion: unknown algorithm '" + k + "'; available: " + list(ck);
            } else if (c instanceof CommandSyntax.MptcpScheduler) {
                String k = ((CommandSyntax.MptcpScheduler) c).name();
                Set<String> sk = commands.mptcpSchedulerNames();
                if (!sk.contains(k)) return a.path() + ".cmd: mptcp scheduler: unknown scheduler '" + k + "'; available: " + list(sk);
            }
        }
        for (Scenario.FlowDef f : sc.flows()) {
            if (f.scheduler() == null) continue;
            Set<String> sk = commands.mptcpSchedulerNames();
            if (!sk.contains(f.scheduler())) return f.path() + ".scheduler: unknown MPTCP scheduler '" + f.scheduler() + "'; available: " + list(sk);
        }
        if (needPktgen && pktgen.get() == null) return "generators: pktgen is not available (bundle org.nicemu.pktgen is not active)";
        if (!sc.flows().isEmpty() && sockets.get() == null) return "flows: " + NO_SOCKET_LAYER;
        return null;
    }

    private static String list(Collection<String> c) {
        return c.isEmpty() ? "(none)" : String.join(", ", c);
    }

    // ---------------------------------------------------------------- run

    Map<String, Object> run(Scenario sc, Path outDir, PrintStream progress) {
        if (outDir == null) throw new IllegalArgumentException("run: an output folder is required");
        long wall0 = System.nanoTime();
        String name = sc.name();
        for (int n = 2; emulations.get(name) != null; n++) name = sc.name() + "-" + n;
        Loaded l = load(sc, name, outDir, progress);
        Emulation emu = l.emu();
        Map<String, Object> summary;
        List<String> flowProblems;
        boolean drained = false;
        boolean live = sc.hasLivePorts();
        try {
            long dur = sc.durationNanos();
            // check for the end every 1% of the duration, every 0.1% once generators and actions are done
            long coarse = Math.max(1_000L, dur / 100);
            long fine = Math.max(1_000L, dur / 1000);
            long reached = 0;
            boolean tail = false;
            for (int k = 1; k <= 10 && !drained; k++) {
                long target = k == 10 ? dur : dur / 10 * k;
                if (target <= reached) continue;
                while (reached < target) {
                    long step = Math.min(target, reached + (tail ? fine : coarse));
                    long now = emu.runUntil(step);
                    reached = now;
                    if (now < step) { // no event left at all
                        drained = true;
                        break;
                    }
                    // with a live port the peer outside may send at any time: stop early only when flows were given and are done
                    long left = live && sc.flows().isEmpty() ? -1L : CommandEngine.onLoop(emu, () -> allDone(l) ? queued(emu) : -1L);
                    tail = left >= 0;
                    if (left == 0) {
                        drained = true;
                        break;
                    }
                }
                if (progress != null) {
                    long sent = CommandEngine.onLoop(emu, () -> sentFrames(emu));
                    progress.printf(Locale.ROOT, "nicemu: %3d%%  emulated %s of %s  frames sent %d  events %d  wall %.2fs%s%n",
                            drained ? 100 : k * 10, Units.formatTime(reached), sc.duration(), sent, emu.events(), (System.nanoTime() - wall0) / 1e9,
                            drained ? "  (all generators and flows done, queues drained)" : "");
                }
            }
            boolean d = drained;
            summary = CommandEngine.onLoop(emu, () -> summarize(l, d));
            flowProblems = CommandEngine.onLoop(emu, () -> {
                List<String> p = new ArrayList<>();
                for (FlowRun f : l.flows()) {
                    String x = flowProblem(f, sc.duration());
                    if (x != null) p.add(x);
                }
                return p;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            commands.forget(emu);
            emu.close();
            throw new IllegalStateException("interrupted", e);
        } catch (RuntimeException e) {
            commands.forget(emu);
            emu.close();
            throw e;
        }
        commands.forget(emu);
        emu.close(); // flushes and closes the captures
        summary.put("wallTimeMillis", (System.nanoTime() - wall0) / 1_000_000L);
        Path file = outDir.resolve("summary.json");
        try {
            JSON.writeValue(file.toFile(), summary);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
        List<String> failed = new ArrayList<>(flowProblems);
        for (ActionResult r : l.actions()) {
            if (r.error != null) failed.add("action at " + r.def.at() + " on " + r.def.host() + " '" + r.def.cmd() + "' failed: " + r.error);
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException(failed.get(0) + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more; see " + file + ")" : ""));
        }
        return summary;
    }

    /** True when every generator, every flow and every timed action is done. Loop thread. */
    private boolean allDone(Loaded l) {
        for (ActionResult r : l.actions()) if (!r.done) return false;
        for (FlowRun f : l.flows()) if (!f.done()) return false;
        for (CommandEngine.GenEntry g : commands.generators(l.emu())) if (!g.gen().done()) return false;
        return true;
    }

    /** Frames in qdiscs and TX rings (descriptors not yet reclaimed) of every device. Loop thread. */
    static long queued(Emulation emu) {
        long n = 0;
        for (Host h : emu.hosts()) {
            for (Device d : h.devices()) {
                n += d.stats().getOrDefault("qdisc_backlog_packets", 0L);
                for (Map.Entry<String, Long> e : d.nic().ethtoolStats().entrySet()) {
                    if (e.getKey().startsWith("tx_queue_") && e.getKey().endsWith("_ring_used")) n += e.getValue();
                }
            }
        }
        return n;
    }

    /** Frames the NICs of every host have put on the wire (ethtool tx_packets of the NIC). Loop thread. */
    static long sentFrames(Emulation emu) {
        long n = 0;
        for (Host h : emu.hosts()) for (Device d : h.devices()) n += d.nic().ethtoolStats().getOrDefault("tx_packets", 0L);
        return n;
    }

    /** Collects the summary; loop thread. */
    private Map<String, Object> summarize(Loaded l, boolean drained) {
        Scenario sc = l.scenario();
        Emulation emu = l.emu();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("scenario", sc.name());
        s.put("emulation", emu.name());
        s.put("seed", sc.seed());
        s.put("virtualTime", sc.virtualTime());
        s.put("duration", sc.duration());
        s.put("durationNanos", sc.durationNanos());
        s.put("emulatedTimeNanos", emu.loop().now());
        s.put("wallTimeMillis", 0L);
        s.put("events", emu.events());
        s.put("drained", drained);

        long sent = 0;
        long dropped = 0;
        long inQdiscs = 0;
        long inRings = 0;
        Map<String, Long> byReason = new TreeMap<>();
        List<Object> hosts = new ArrayList<>();
        for (Host h : emu.hosts()) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("name", h.name());
            hm.put("cpus", h.numCpus());
            hm.put("sysctl", h.sysctls());
            hm.put("counters", h.counters().snapshot());
            List<Object> devs = new ArrayList<>();
            for (Device d : h.devices()) {
                Map<String, Object> dm = new LinkedHashMap<>();
                dm.put("name", d.name());
                dm.put("driver", d.driverKind());
                dm.put("up", d.isUp());
                dm.put("carrier", d.nic().linkUp());
                Map<String, Long> stats = d.stats();
                dm.put("stats", stats);
                Map<String, Long> drops = d.drops().snapshot();
                dm.put("drops", drops);
                long txDropped = stats.getOrDefault("tx_dropped", 0L);
                Map<String, Long> txDrops = txDrops(drops, txDropped);
                Map<String, Object> rx = new LinkedHashMap<>();
                rx.put("packets", stats.getOrDefault("rx_packets", 0L));
                rx.put("bytes", stats.getOrDefault("rx_bytes", 0L));
                rx.put("dropped", stats.getOrDefault("rx_dropped", 0L));
                rx.put("nohandler", stats.getOrDefault("rx_nohandler", 0L));
                rx.put("droppedByReason", rxDrops(drops, txDrops));
                dm.put("rx", rx);
                Map<String, Long> nicStats = d.nic().ethtoolStats();
                Map<String, Long> eth = new LinkedHashMap<>(d.ethtoolStats());
                CommandEngine.portStats(d, eth);
                dm.put("ethtool", eth);
                List<Object> qs = new ArrayList<>();
                for (QdiscInfo q : d.qdiscs()) qs.add(qdisc(q));
                dm.put("qdiscs", qs);
                List<String> ports = new ArrayList<>();
                Map<String, Object> portStats = new LinkedHashMap<>();
                for (NicPort p : d.ports()) {
                    ports.add(p.describe());
                    Map<String, Long> ps = p.stats();
                    String desc = p.describe();
                    int cut = desc.indexOf(" (");
                    if (!ps.isEmpty()) portStats.put(cut > 0 ? desc.substring(0, cut) : desc, ps); // e.g. "live veth-emu0", "wire w1 end A"
                }
                dm.put("ports", ports);
                if (!portStats.isEmpty()) dm.put("portStats", portStats);
                devs.add(dm);

                sent += nicStats.getOrDefault("tx_packets", 0L);
                dropped += stats.getOrDefault("tx_dropped_frames", txDropped);
                for (Map.Entry<String, Long> e : txDrops.entrySet()) byReason.merge(e.getKey(), e.getValue(), Long::sum);
                inQdiscs += stats.getOrDefault("qdisc_backlog_packets", 0L);
                for (Map.Entry<String, Long> e : nicStats.entrySet()) {
                    if (e.getKey().startsWith("tx_queue_") && e.getKey().endsWith("_ring_used")) inRings += e.getValue();
                }
            }
            hm.put("devices", devs);
            hosts.add(hm);
        }
        s.put("hosts", hosts);

        long generated = 0;
        List<Object> gens = new ArrayList<>();
        for (CommandEngine.GenEntry g : commands.generators(emu)) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("name", g.name());
            gm.put("host", g.host());
            gm.put("dev", g.dev());
            gm.put("done", g.gen().done());
            Map<String, Long> st = g.gen().stats();
            gm.put("stats", st);
            generated += st.getOrDefault("sofar", 0L) + st.getOrDefault("errors", 0L);
            gens.add(gm);
        }
        s.put("generators", gens);

        List<Object> acts = new ArrayList<>();
        for (ActionResult r : l.actions()) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("at", r.def.at());
            am.put("atNanos", r.def.atNanos());
            am.put("host", r.def.host());
            am.put("cmd", r.def.cmd());
            am.put("ran", r.done);
            if (r.done) am.put("ranAtNanos", r.ranAtNanos);
            if (r.error != null) am.put("error", r.error);
            else if (r.output != null && !r.output.isEmpty()) am.put("output", r.output);
            acts.add(am);
        }
        s.put("actions", acts);

        List<Object> flows = new ArrayList<>();
        for (FlowRun f : l.flows()) flows.add(flowSummary(f));
        s.put("flows", flows);

        Map<String, Object> check = new LinkedHashMap<>();
        long queued = inQdiscs + inRings;
        check.put("generated", generated);
        check.put("sent", sent);
        check.put("dropped", dropped);
        check.put("droppedByReason", byReason);
        check.put("queued", queued);
        check.put("queuedInQdiscs", inQdiscs);
        check.put("queuedInRings", inRings);
        long stackOut = 0;
        for (Host h : emu.hosts()) {
            org.nicemu.api.inet.IpCounters c = h.inet().counters;
            stackOut += c.arpRequestsOut + c.arpRepliesOut + c.outFrames; // frames the IP layer handed to devices
        }
        check.put("stackOut", stackOut);
        check.put("balanced", generated + stackOut == sent + dropped + queued);
        s.put("check", check);
        return s;
    }

    /**
     * One flow in summary.json: what was asked, what each side saw, and whether the bytes match. A
     * one-ended flow (its peer outside the emulation: {@code sink}, or {@code bulk} to an external
     * address) reports its own side only, with {@code peer} "external" and {@code byte_exact} null:
     * compare its {@code sha256_sent} / {@code sha256_received} with the peer's. Loop thread.
     */
    static Map<String, Object> flowSummary(FlowRun f) {
        Scenario.FlowDef d = f.def();
        FlowResult c = f.client() == null ? null : f.client().results().get(0);
        FlowResult s = f.server() == null ? null : f.server().results().get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("kind", d.kind());
        m.put("from", d.from());
        m.put("to", d.to());
        if (d.external()) m.put("peer", "external");
        m.put("dst", c == null ? null : org.nicemu.api.wire.Ipv4Address.toString(d.dst()));
        m.put("port", d.port());
        if (d.after() != null) m.put("after", d.after());
        m.put("cc", d.cc());
        m.put("protocol", d.protocol());
        if (d.mptcp()) m.put("scheduler", d.scheduler());
        m.put("start", d.start());
        m.put("seed", c == null ? null : d.seed());
        m.put("verify", d.verify());
        m.put("done", f.done());
        String err = c != null && c.error() != null ? c.error() : s == null ? null : s.error();
        m.put("error", err);
        if (d.kind().equals("bulk")) m.put("bytesRequested", d.bytes());
        m.put("bytes", c != null ? c.bytes() : s.bytes());
        m.put("bytesReceived", s == null ? null : s.bytes());
        m.put("sha256_sent", c == null ? null : c.sha256());
        m.put("sha256_received", s == null ? null : s.sha256());
        m.put("byte_exact", d.external() ? null : byteExact(f, c, s));
        FlowResult one = c != null ? c : s;
        long dur = one.durationNs();
        m.put("durationNanos", dur);
        m.put("duration", dur < 0 ? null : Units.formatTime(dur));
        long goodput = one.goodputBps();
        m.put("goodputBps", goodput);
        m.put("goodput", Units.formatRate(goodput));
        if (d.kind().equals("request-response")) {
            for (String k : List.of("transactions", "latencyMinUs", "latencyAvgUs", "latencyMaxUs")) m.put(k, c.extra().get(k));
        }
        m.put("sender", c == null ? null : c.toMap());
        m.put("receiver", s == null ? null : s.toMap());
        if (s != null && f.server().results().size() > 1) {
            List<Object> conns = new ArrayList<>();
            for (FlowResult r : f.server().results()) conns.add(r.toMap());
            m.put("connections", conns);
        }
        if (f.mptcp() != null) m.put("mptcp", f.mptcp().summary());
        return m;
    }

    /**
     * Both sides finished without error and the receiver got exactly what the sender sent (both
     * directions for request-response): equal SHA-256 at both ends or, for {@code verify}
     * "compare", no byte different from the seeded stream.
     */
    static boolean byteExact(FlowRun f, FlowResult c, FlowResult s) {
        if (c == null || s == null) return false;
        if (!f.done() || c.error() != null || s.error() != null) return false;
        if (f.def().compareOnly()) return comparisonProblem(c, s) == null;
        if (c.bytes() != s.bytes() || !c.sha256().equals(s.sha256())) return false;
        return !f.def().kind().equals("request-response") || c.extra().get("sha256Responses").equals(s.extra().get("sha256Responses"));
    }

    /**
     * For a flow checked by comparison ({@code verify} "compare"): how the receiver's bytes differ
     * from what the sender sent — length, or the stream offset of the first wrong byte — or null.
     */
    static String comparisonProblem(FlowResult c, FlowResult s) {
        if (c.bytes() != s.bytes()) return c.bytes() + " bytes sent, " + s.bytes() + " received";
        Object at = s.extra().get("firstMismatch");
        return Long.valueOf(-1).equals(at) ? null : "first wrong byte at stream offset " + at;
    }

    /** Why a flow counts as failed, or null. Loop thread. */
    static String flowProblem(FlowRun f, String duration) {
        FlowResult c = f.client() == null ? null : f.client().results().get(0);
        FlowResult s = f.server() == null ? null : f.server().results().get(0);
        String n = "flow " + f.def().name();
        if (c != null && c.error() != null) return n + " failed: " + c.error();
        if (s != null && s.error() != null) return n + " failed on the server (" + f.def().to() + "): " + s.error();
        if (!f.done()) {
            if (c == null) return n + " did not finish within the duration " + duration + " (received " + s.bytes() + " bytes from outside)";
            return n + " did not finish within the duration " + duration + " (sent " + c.bytes()
                    + (f.def().kind().equals("bulk") ? " of " + f.def().bytes() : "") + " bytes)";
        }
        if (f.def().external()) return null; // no peer inside to compare with: the test compares sha256 with the external peer
        if (!byteExact(f, c, s)) {
            String why = f.def().compareOnly() ? comparisonProblem(c, s) : "sha256 " + c.sha256() + " sent, " + s.sha256() + " received";
            return n + ": the bytes received differ from the bytes sent (" + why + ")";
        }
        return null;
    }

    /** Drop reasons that only the receive path uses; {@code dev-ready} is used by both paths. */
    static final Set<String> RX_ONLY_REASONS = Set.of(DropReason.UNHANDLED_PROTO.label(), DropReason.OTHERHOST.label(),
            DropReason.CPU_BACKLOG.label(), DropReason.PKT_TOO_SMALL.label());

    /**
     * The transmit-path part of a device's drops by reason: every reason but the RX-only ones, and
     * {@code dev-ready} as what is left of the TX drop counter ({@code tx_dropped}) after the other
     * TX reasons, since both paths count that reason.
     */
    static Map<String, Long> txDrops(Map<String, Long> drops, long txDropped) {
        Map<String, Long> m = new TreeMap<>();
        long other = 0;
        String devReady = DropReason.DEV_READY.label();
        for (Map.Entry<String, Long> e : drops.entrySet()) {
            if (RX_ONLY_REASONS.contains(e.getKey()) || e.getKey().equals(devReady)) continue;
            m.put(e.getKey(), e.getValue());
            other += e.getValue();
        }
        long dr = Math.min(drops.getOrDefault(devReady, 0L), Math.max(0L, txDropped - other));
        if (dr > 0) m.put(devReady, dr);
        return m;
    }

    /** The receive-path part of a device's drops by reason (all drops minus {@link #txDrops}). */
    static Map<String, Long> rxDrops(Map<String, Long> drops, Map<String, Long> tx) {
        Map<String, Long> m = new TreeMap<>();
        for (Map.Entry<String, Long> e : drops.entrySet()) {
            long v = e.getValue() - tx.getOrDefault(e.getKey(), 0L);
            if (v > 0) m.put(e.getKey(), v);
        }
        return m;
    }

    private static Map<String, Object> qdisc(QdiscInfo q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", q.kind());
        m.put("handle", q.handle());
        m.put("parent", q.parent());
        Map<String, Object> p = new LinkedHashMap<>();
        if (q.params() != null) for (Map.Entry<String, Object> e : q.params().entrySet()) p.put(e.getKey(), plain(e.getValue()));
        m.put("params", p);
        QdiscStats st = q.stats();
        Map<String, Object> sm = new LinkedHashMap<>();
        if (st != null) {
            sm.put("bytes", st.bytes);
            sm.put("packets", st.packets);
            sm.put("drops", st.drops);
            sm.put("overlimits", st.overlimits);
            sm.put("requeues", st.requeues);
            sm.put("backlog", st.backlog);
            sm.put("qlen", st.qlen);
        }
        m.put("stats", sm);
        return m;
    }

    /** JSON-friendly copy of a qdisc parameter value. */
    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) return v;
        if (v.getClass().isArray()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) l.add(plain(Array.get(v, i)));
            return l;
        }
        if (v instanceof Collection) {
            List<Object> l = new ArrayList<>();
            for (Object o : (Collection<?>) v) l.add(plain(o));
            return l;
        }
        return String.valueOf(v);
    }
}
