package org.nicemu.scenario;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.nicemu.api.emu.Commands;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.emu.ScenarioRunner;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.sock.SocketLayer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The DS component behind the {@link Commands} and {@link ScenarioRunner} services. One component
 * provides both, so that generators a scenario starts are visible to {@code pktgen show} and the
 * run summary lists generators started by timed actions. Port factories, pktgen and the socket
 * layer (for scenario flows) are tracked dynamically (captured when bound, never looked up from the loop).
 */
@Component(service = {Commands.class, ScenarioRunner.class})
public final class NicemuServices implements Commands, ScenarioRunner {
    @Reference
    private Emulations emulations;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile PktgenService pktgen;

    /** Optional: scenarios with flows need it; without it everything else works. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SocketLayer sockets;

    private final PortFactories ports = new PortFactories();
    /** The {@code mptcp.scheduler} names of the scheduler services, for {@code mptcp scheduler} and flows' {@code scheduler}. */
    private final Map<MptcpSchedulerFactory, String> mptcpSchedulers = new ConcurrentHashMap<>();
    private CommandEngine engine;
    private ScenarioEngine scenarios;

    /** For DS. */
    public NicemuServices() {
    }

    @Activate
    void activate() {
        engine = new CommandEngine(emulations, () -> pktgen, ports, () -> Set.copyOf(mptcpSchedulers.values()));
        scenarios = new ScenarioEngine(emulations, engine, () -> pktgen, () -> sockets);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removePort")
    void addPort(NicPortFactory f, Map<String, Object> props) {
        ports.add(f, props);
    }

    void removePort(NicPortFactory f, Map<String, Object> props) {
        ports.remove(f, props);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeMptcpScheduler")
    void addMptcpScheduler(MptcpSchedulerFactory f, Map<String, Object> props) {
        Object n = props.get(MptcpSchedulerFactory.NAME);
        if (n != null) mptcpSchedulers.put(f, String.valueOf(n));
    }

    void removeMptcpScheduler(MptcpSchedulerFactory f, Map<String, Object> props) {
        mptcpSchedulers.remove(f);
    }

    @Override
    public String execute(Emulation emu, String host, String line) {
        return engine.execute(emu, host, line);
    }

    @Override
    public String demoScenario() {
        return DemoScenario.json();
    }

    @Override
    public void validate(String json) {
        ScenarioParser.parse(json);
    }

    @Override
    public Emulation load(String json, Path outDir) {
        Scenario sc = ScenarioParser.parse(json);
        return scenarios.load(sc, sc.name(), outDir, null).emu();
    }

    @Override
    public Map<String, Object> run(String json, Path outDir, PrintStream progress) {
        return scenarios.run(ScenarioParser.parse(json), outDir, progress);
    }
}
