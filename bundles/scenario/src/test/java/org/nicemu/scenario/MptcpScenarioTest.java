package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Host;
import org.nicemu.api.mptcp.info.MptcpInfo;
import org.nicemu.api.mptcp.info.MptcpInfoSource;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.wire.Ipv4Address;

/**
 * MPTCP in scenarios: the flow fields {@code protocol} and {@code scheduler}, {@code ss -M} and
 * {@code mptcp scheduler NAME [all|PORT]} through the command engine (the path of the shell and of
 * scenario actions) on a host whose MPTCP transport is a fake, and the flow summary's {@code mptcp} side.
 */
class MptcpScenarioTest {
    private static final String BASE = "{\"name\":\"t\",\"duration\":\"1s\",\"hosts\":["
            + "{\"name\":\"h1\",\"devices\":[{\"name\":\"eth0\",\"addresses\":[\"198.18.1.1/24\"]}]},"
            + "{\"name\":\"h2\",\"devices\":[{\"name\":\"eth0\",\"addresses\":[\"198.18.1.2/24\"]}]}],\"flows\":[%s]%s}";
    private static final String BULK = "{\"name\":\"f\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"h2\",\"bytes\":1000%s}";
    private static final String RR = "{\"name\":\"r\",\"kind\":\"request-response\",\"from\":\"h1\",\"to\":\"h2\",\"port\":6000%s}";

    private static Scenario parse(String flows, String more) {
        return ScenarioParser.parse(String.format(BASE, flows, more));
    }

    private static String error(String flows, String more) {
        return assertThrows(IllegalArgumentException.class, () -> parse(flows, more)).getMessage();
    }

    // ---------------------------------------------------------------- flow fields

    @Test
    void protocolDefaultsToTcpAndTakesMptcpForBothKinds() {
        Scenario.FlowDef tcp = parse(String.format(BULK, ""), "").flows().get(0);
        assertEquals("tcp", tcp.protocol());
        assertFalse(tcp.mptcp());
        assertNull(tcp.scheduler());
        Scenario.FlowDef mp = parse(String.format(BULK, ",\"protocol\":\"mptcp\",\"scheduler\":\"blest\""), "").flows().get(0);
        assertEquals("mptcp", mp.protocol());
        assertTrue(mp.mptcp());
        assertEquals("blest", mp.scheduler());
        Scenario.FlowDef rr = parse(String.format(RR, ",\"protocol\":\"mptcp\",\"scheduler\":\"roundrobin\""), "").flows().get(0);
        assertEquals(List.of("request-response", "mptcp", "roundrobin"), List.of(rr.kind(), rr.protocol(), rr.scheduler()));
        assertNull(parse(String.format(BULK, ",\"protocol\":\"mptcp\""), "").flows().get(0).scheduler(), "no scheduler: the hosts' net.mptcp.scheduler");
        assertEquals("tcp", parse(String.format(BULK, ",\"protocol\":\"tcp\""), "").flows().get(0).protocol());
    }

    @Test
    void protocolAndSchedulerErrorsNameWhatIsAccepted() {
        assertEquals("flows[0].protocol: unknown protocol; accepted: tcp, mptcp, got \"udp\"", error(String.format(BULK, ",\"protocol\":\"udp\""), ""));
        assertEquals("flows[0].protocol: must be a string: one of tcp, mptcp, got 262", error(String.format(BULK, ",\"protocol\":262"), ""));
        assertEquals("flows[0].scheduler: is accepted only for MPTCP flows (\"protocol\": \"mptcp\"); this flow's protocol is tcp",
                error(String.format(BULK, ",\"scheduler\":\"blest\""), ""));
        assertEquals("flows[0].scheduler: is accepted only for MPTCP flows (\"protocol\": \"mptcp\"); this flow's protocol is tcp",
                error(String.format(RR, ",\"protocol\":\"tcp\",\"scheduler\":\"ecf\""), ""));
        assertEquals("flows[0].scheduler: must be an MPTCP scheduler name such as default, roundrobin, redundant, blest or ecf, got \"round robin\"",
                error(String.format(BULK, ",\"protocol\":\"mptcp\",\"scheduler\":\"round robin\""), ""));
        assertEquals("flows[0].scheduler: must be a string: an MPTCP scheduler name such as default, roundrobin, redundant, blest or ecf, got 1",
                error(String.format(BULK, ",\"protocol\":\"mptcp\",\"scheduler\":1"), ""));
        assertTrue(error(String.format(BULK, ",\"proto\":\"mptcp\""), "").startsWith("flows[0].proto: unknown field; accepted here: "));
        assertTrue(error(String.format(BULK, ",\"proto\":\"mptcp\""), "").endsWith(", seed, protocol, scheduler, verify"));
    }

    // ---------------------------------------------------------------- command syntax

    @Test
    void ssTakesMForMptcp() {
        assertEquals(new CommandSyntax.Ss(false, false, false, false, true), CommandSyntax.parse(List.of("ss", "-M")));
        assertEquals(new CommandSyntax.Ss(true, false, false, true, true), CommandSyntax.parse(List.of("ss", "-tiM")));
        assertEquals(new CommandSyntax.Ss(true, false, false, false, true), CommandSyntax.parse(List.of("ss", "-Mi")));
        assertEquals(new CommandSyntax.Ss(false, true, false, false, true), CommandSyntax.parse(List.of("ss", "--mptcp", "-a")));
        assertEquals(new CommandSyntax.Ss(false, false, false, true, false), CommandSyntax.parse(List.of("ss", "-t")));
        assertEquals(new CommandSyntax.Ss(false, false, false, true, false), CommandSyntax.parse(List.of("ss")), "no -t nor -M: TCP");
    }

    @Test
    void mptcpSchedulerSyntax() {
        assertEquals(new CommandSyntax.MptcpScheduler("blest", 0), CommandSyntax.parse(Words.split("mptcp scheduler blest")));
        assertEquals(new CommandSyntax.MptcpScheduler("blest", 0), CommandSyntax.parse(Words.split("mptcp scheduler blest all")));
        assertEquals(new CommandSyntax.MptcpScheduler("ecf", 5001), CommandSyntax.parse(Words.split("mptcp scheduler ecf 5001")));
        String usage = "; usage: mptcp scheduler NAME [all|PORT]";
        assertEquals("mptcp: missing object; accepted: scheduler" + usage, syntaxError("mptcp"));
        assertEquals("mptcp: unknown object 'endpoint'; accepted: scheduler" + usage + " (endpoints and limits: ip mptcp)", syntaxError("mptcp endpoint show"));
        assertEquals("mptcp scheduler: missing the scheduler NAME" + usage, syntaxError("mptcp scheduler"));
        assertEquals("mptcp scheduler: expected 'all' or a port 1..65535, got '0'" + usage, syntaxError("mptcp scheduler blest 0"));
        assertEquals("mptcp scheduler: expected 'all' or a port 1..65535, got 'some'" + usage, syntaxError("mptcp scheduler blest some"));
        assertEquals("mptcp scheduler: unexpected 'now'" + usage, syntaxError("mptcp scheduler blest 80 now"));
        assertEquals("mptcp scheduler: 'a/b' is not a scheduler name (letters, digits, '_', '.', '-')" + usage, syntaxError("mptcp scheduler a/b"));
        assertTrue(CommandSyntax.usage().contains("mptcp scheduler NAME [all|PORT]"));
    }

    private static String syntaxError(String line) {
        return assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse(Words.split(line))).getMessage();
    }

    @Test
    void mptcpSchedulerIsATimedAction() {
        Scenario sc = parse("", ",\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"mptcp scheduler redundant 5001\"},"
                + "{\"at\":\"2ms\",\"host\":\"h1\",\"cmd\":\"ss -tiM\"}]");
        assertEquals(2, sc.actions().size());
        assertEquals("actions[0].cmd: mptcp scheduler: missing the scheduler NAME; usage: mptcp scheduler NAME [all|PORT]",
                error("", ",\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"mptcp scheduler\"}]"));
    }

    // ---------------------------------------------------------------- a fake MPTCP transport

    /** A socket of the fake transport. */
    private static final class FakeSock extends Sock {
        final Proto proto;
        String scheduler = "default";

        FakeSock(Host host, Proto proto, int state, String local, int lport, String remote, int rport) {
            super(host);
            this.proto = proto;
            skState = state;
            saddr = Ipv4Address.parse(local);
            sport = lport;
            daddr = remote == null ? 0 : Ipv4Address.parse(remote);
            dport = rport;
        }

        @Override
        public Proto proto() {
            return proto;
        }
    }

    private final List<Sock> socks = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private boolean withMptcp = true;
    private final Host host = host();
    private final Proto mptcp = mptcpProto();
    private final Emulation emu = emulation(host);
    private final CommandEngine engine = new CommandEngine(null, null, null, () -> Set.of("roundrobin", "blest", "redundant", "ecf"));

    private Host host() {
        return (Host) Proxy.newProxyInstance(Host.class.getClassLoader(), new Class<?>[] {Host.class}, (p, m, args) -> {
            switch (m.getName()) {
                case "name": return "h1";
                case "proto": return (Integer) args[0] == SockConst.IPPROTO_MPTCP && withMptcp ? mptcp : null;
                default: throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    private static MptcpInfo info(FakeSock s) {
        String l = Ipv4Address.toString(s.saddr) + ":" + s.sport, r = Ipv4Address.toString(s.daddr) + ":" + s.dport;
        return new MptcpInfo("ESTAB", l, r, s.scheduler, false, 0x11223344, 0x55667788, 3000, 2000, 0, 100, 0, 10, 3010, 1, 0, 1,
                List.of(new MptcpInfo.Subflow(1, 0, 0, l, r, "ESTAB", false, true, 10, 20_000, 2000, 2, 0, 0, 2000, 0),
                        new MptcpInfo.Subflow(2, 1, 1, "198.18.2.1:40000", "198.18.2.2:" + s.dport, "ESTAB", false, true, 8, 80_000, 1100, 1, 100, 0, 1100, 1)));
    }

    private Proto mptcpProto() {
        return (Proto) Proxy.newProxyInstance(Proto.class.getClassLoader(), new Class<?>[] {Proto.class, MptcpInfoSource.class}, (p, m, args) -> {
            switch (m.getName()) {
                case "sockets": return List.copyOf(socks);
                case "mptcpInfo": {
                    FakeSock s = (FakeSock) args[0];
                    return s.skState == SockConst.TCP_LISTEN ? null : info(s);
                }
                case "getsockoptString": return ((FakeSock) args[0]).scheduler;
                case "setsockopt": {
                    FakeSock s = (FakeSock) args[0];
                    assertEquals(List.of(SockConst.SOL_TCP, SockConst.MPTCP_SCHEDULER), List.of(args[1], args[2]));
                    calls.add(s.sport + " " + args[3]);
                    s.scheduler = (String) args[3];
                    return 0;
                }
                default: throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    private static Emulation emulation(Host h) {
        return (Emulation) Proxy.newProxyInstance(Emulation.class.getClassLoader(), new Class<?>[] {Emulation.class}, (p, m, args) -> {
            switch (m.getName()) {
                case "name": return "e";
                case "hosts": return List.of(h);
                case "host": return h.name().equals(args[0]) ? h : null;
                case "call": return ((Callable<?>) args[0]).call();
                default: throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    private String run(String line) {
        return engine.execute(emu, "h1", line);
    }

    private String runError(String line) {
        return assertThrows(IllegalArgumentException.class, () -> run(line)).getMessage();
    }

    private void threeSockets() {
        socks.add(new FakeSock(host, mptcp, SockConst.TCP_LISTEN, "0.0.0.0", 5001, null, 0));
        socks.add(new FakeSock(host, mptcp, SockConst.TCP_ESTABLISHED, "198.18.1.1", 40001, "198.18.1.2", 5001));
        socks.add(new FakeSock(host, mptcp, SockConst.TCP_ESTABLISHED, "198.18.1.1", 40002, "198.18.1.2", 6001));
    }

    // ---------------------------------------------------------------- mptcp scheduler

    @Test
    void mptcpSchedulerChangesTheMatchingLiveConnections() {
        threeSockets();
        assertEquals("198.18.1.1:40001 -> 198.18.1.2:5001 scheduler roundrobin (was default)\n", run("mptcp scheduler roundrobin 5001"));
        assertEquals(List.of("40001 roundrobin"), calls, "not the listener, not the other connection");
        assertEquals("198.18.1.1:40001 -> 198.18.1.2:5001 scheduler blest (was roundrobin)\n", run("mptcp scheduler blest 40001"), "the local port matches too");
        assertEquals("198.18.1.1:40001 -> 198.18.1.2:5001 scheduler default (was blest)\n"
                + "198.18.1.1:40002 -> 198.18.1.2:6001 scheduler default (was default)\n", run("mptcp scheduler default all"));
        assertEquals("198.18.1.1:40001 -> 198.18.1.2:5001 scheduler ecf (was default)\n"
                + "198.18.1.1:40002 -> 198.18.1.2:6001 scheduler ecf (was default)\n", run("mptcp scheduler ecf"));
        assertEquals(6, calls.size());
    }

    @Test
    void mptcpSchedulerErrors() {
        threeSockets();
        assertEquals("mptcp scheduler: unknown scheduler 'fastest'; available: blest, default, ecf, redundant, roundrobin", runError("mptcp scheduler fastest"));
        assertEquals("mptcp scheduler: no live MPTCP connection on host h1 with local or remote port 7000", runError("mptcp scheduler blest 7000"));
        socks.clear();
        socks.add(new FakeSock(host, mptcp, SockConst.TCP_LISTEN, "0.0.0.0", 5001, null, 0));
        socks.add(new FakeSock(host, mptcp, SockConst.TCP_CLOSE, "198.18.1.1", 40001, "198.18.1.2", 5001));
        assertEquals("mptcp scheduler: no live MPTCP connection on host h1", runError("mptcp scheduler blest"), "listeners and closed sockets do not count");
        withMptcp = false;
        assertEquals("mptcp scheduler: host h1 has no MPTCP transport (bundle org.nicemu.mptcp is not active)", runError("mptcp scheduler blest"));
        assertTrue(calls.isEmpty());
        assertEquals("mptcp scheduler: unknown scheduler 'x'; available: default",
                assertThrows(IllegalArgumentException.class, () -> new CommandEngine(null, null, null).execute(emu, "h1", "mptcp scheduler x")).getMessage(),
                "without scheduler services only the built-in default");
    }

    // ---------------------------------------------------------------- ss -M

    @Test
    void ssMListsMptcpConnections() {
        threeSockets();
        String header = "State       Local Address:Port     Peer Address:Port\n";
        FakeSock a = (FakeSock) socks.get(1), b = (FakeSock) socks.get(2);
        String lineA = info(a).ssLines().lines().findFirst().orElseThrow().stripTrailing() + "\n";
        String lineB = info(b).ssLines().lines().findFirst().orElseThrow().stripTrailing() + "\n";
        assertEquals(header + lineA + lineB, run("ss -M"));
        assertTrue(lineA.startsWith("ESTAB       198.18.1.1:40001       198.18.1.2:5001        mptcp"), lineA);
        String full = run("ss -Mi");
        assertEquals(header + info(a).ssLines() + info(b).ssLines(), full);
        assertTrue(full.contains("\tsubflow 2 198.18.2.1:40000 -> 198.18.2.2:5001 ESTAB ids 1/1"), full);
        assertEquals(header + "LISTEN      *:5001                 *:*                    mptcp\n", run("ss -Ml"));
        withMptcp = false;
        assertEquals(header, run("ss -M"), "no MPTCP transport: nothing to list");
    }

    @Test
    void unknownSchedulersAreRefusedBeforeTheRun() {
        org.nicemu.api.emu.Emulations emus = (org.nicemu.api.emu.Emulations) Proxy.newProxyInstance(org.nicemu.api.emu.Emulations.class.getClassLoader(),
                new Class<?>[] {org.nicemu.api.emu.Emulations.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "qdiscKinds": return Set.of("pfifo_fast");
                        case "driverKinds": return Set.of("generic");
                        default: throw new UnsupportedOperationException(m.getName());
                    }
                });
        ScenarioEngine se = new ScenarioEngine(emus, engine, () -> null, () -> null);
        assertEquals("flows[0].scheduler: unknown MPTCP scheduler 'fast'; available: blest, default, ecf, redundant, roundrobin",
                se.missing(parse(String.format(BULK, ",\"protocol\":\"mptcp\",\"scheduler\":\"fast\""), "")));
        assertEquals("actions[0].cmd: mptcp scheduler: unknown scheduler 'fast'; available: blest, default, ecf, redundant, roundrobin",
                se.missing(parse("", ",\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"mptcp scheduler fast all\"}]")));
        assertNull(se.missing(parse("", ",\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"mptcp scheduler ecf all\"}]")));
        assertEquals("flows: " + ScenarioEngine.NO_SOCKET_LAYER, se.missing(parse(String.format(BULK, ",\"protocol\":\"mptcp\",\"scheduler\":\"ecf\""), "")),
                "a known scheduler passes; then the socket layer is missing here");
    }

    // ---------------------------------------------------------------- summary

    @Test
    void summarySideHasTheDataLevelCountersAndTheSubflows() {
        threeSockets();
        Map<String, Object> m = MptcpFlowProbe.side("h1", info((FakeSock) socks.get(1)));
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("host", "h1");
        want.put("state", "ESTAB");
        want.put("local", "198.18.1.1:40001");
        want.put("remote", "198.18.1.2:5001");
        want.put("scheduler", "default");
        want.put("fallback", false);
        want.put("bytes_sent", 3000L);
        want.put("bytes_acked", 2000L);
        want.put("bytes_received", 0L);
        want.put("bytes_reinjected", 100L);
        want.put("dup_bytes_received", 0L);
        want.put("data_rtos", 0L);
        want.put("scheduler_changes", 1L);
        assertEquals(want.toString(), new LinkedHashMap<>(m).toString().replaceFirst(", subflows=.*", "}"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> subs = (List<Map<String, Object>>) m.get("subflows");
        assertEquals(2, subs.size());
        assertEquals("{path_index=2, local=198.18.2.1:40000, remote=198.18.2.2:5001, state=ESTAB, backup=false, sched_bytes=1100, "
                + "reinject_bytes=100, rcv_bytes=0, tcp_bytes_sent=1100, retrans=1}", subs.get(1).toString());
    }
}
