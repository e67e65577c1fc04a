package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.InetNs;
import org.nicemu.api.mptcp.pm.MptcpEndpoint;
import org.nicemu.api.mptcp.pm.MptcpPernet;
import org.nicemu.api.wire.Ipv4Address;

/**
 * {@code ip mptcp endpoint|limits} through the command engine (the path of the shell and of scenario
 * actions) on a host with devices eth0 and eth1, and the checks of scenario actions.
 */
class MptcpCommandsTest {
    private final InetNs inet = new InetNs();
    private final MptcpPernet pm = inet.mptcp;
    private final Emulation emu = emulation(host("h1", inet, "eth0", "eth1"));
    private final CommandEngine engine = new CommandEngine(null, null, null);

    // ---------------------------------------------------------------- a minimal emulation

    private static Device device(String name) {
        return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(), new Class<?>[] {Device.class}, (p, m, args) -> {
            if (m.getName().equals("name")) return name;
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private static Host host(String name, InetNs inet, String... devs) {
        List<Device> devices = new java.util.ArrayList<>();
        for (String d : devs) devices.add(device(d));
        return (Host) Proxy.newProxyInstance(Host.class.getClassLoader(), new Class<?>[] {Host.class}, (p, m, args) -> {
            switch (m.getName()) {
                case "name": return name;
                case "inet": return inet;
                case "devices": return List.copyOf(devices);
                case "device":
                    for (Device d : devices) if (d.name().equals(args[0])) return d;
                    return null;
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

    private String ip(String line) {
        return engine.execute(emu, "h1", "ip mptcp " + line);
    }

    /** A snapshot of everything a command may change. */
    private String state() {
        return pm.endpoints() + " " + pm.subflowsMax() + " " + pm.addAddrAcceptMax();
    }

    /** Runs a refused command: returns its message and checks that nothing changed. */
    private String error(String line) {
        String before = state();
        String m = assertThrows(IllegalArgumentException.class, () -> ip(line)).getMessage();
        assertEquals(before, state(), "'" + line + "' was refused but changed the state");
        return m;
    }

    // ---------------------------------------------------------------- endpoints

    @Test
    void addShowsLikeIproute2WithIdsAssigned() {
        assertEquals("", ip("endpoint show"));
        assertEquals("", ip("endpoint add 198.18.1.1 dev eth1 signal subflow"));
        assertEquals("", ip("endpoint add 198.18.2.1 id 5 backup subflow"));
        assertEquals("", ip("endpoint add 198.18.3.1 port 8080 signal"));
        assertEquals("", ip("endpoint add 198.18.4.1"));
        String all = "198.18.1.1 id 1 signal subflow dev eth1\n"
                + "198.18.3.1 port 8080 id 2 signal\n"
                + "198.18.4.1 id 3\n"
                + "198.18.2.1 id 5 subflow backup\n";
        assertEquals(all, ip("endpoint show"));
        assertEquals(all, ip("endpoint"), "no verb shows, as iproute2");
        assertEquals(all, ip("endpoint list"));
        assertEquals(all, ip("e sh"), "iproute2's abbreviations");
        assertEquals("198.18.2.1 id 5 subflow backup\n", ip("endpoint show id 5"));
        MptcpEndpoint e = pm.byAddr(Ipv4Address.parse("198.18.1.1"));
        assertEquals(new MptcpEndpoint(1, Ipv4Address.parse("198.18.1.1"), 0, "eth1", MptcpEndpoint.SIGNAL | MptcpEndpoint.SUBFLOW), e);
    }

    @Test
    void delTakesAnIdAndFreesIt() {
        ip("endpoint add 10.0.0.1 subflow");
        ip("endpoint add 10.0.0.2 subflow");
        ip("endpoint add 10.0.0.3 subflow");
        assertEquals("", ip("endpoint del id 2"));
        assertEquals("10.0.0.1 id 1 subflow\n10.0.0.3 id 3 subflow\n", ip("endpoint show"));
        ip("endpoint add 10.0.0.4 signal");
        assertEquals("10.0.0.1 id 1 subflow\n10.0.0.4 id 2 signal\n10.0.0.3 id 3 subflow\n", ip("endpoint show"), "the lowest free id");
        ip("endpoint delete id 1");
        assertEquals("10.0.0.4 id 2 signal\n10.0.0.3 id 3 subflow\n", ip("endpoint show"));
    }

    @Test
    void flushRemovesAll() {
        ip("endpoint add 10.0.0.1 subflow");
        ip("endpoint add 10.0.0.2 signal");
        assertEquals("", ip("endpoint flush"));
        assertEquals("", ip("endpoint show"));
        assertEquals("", ip("endpoint flush"), "flushing nothing is fine");
        ip("endpoint add 10.0.0.9 subflow");
        assertEquals("10.0.0.9 id 1 subflow\n", ip("endpoint show"));
    }

    @Test
    void endpointErrorsNameWhatIsAcceptedAndChangeNothing() {
        ip("endpoint add 10.0.0.1 id 3 subflow");
        String usage = "; usage: " + MptcpCommands.USAGE;
        assertEquals("ip mptcp endpoint add: unknown keyword 'sigal'; accepted: ADDR, port PORT, dev IFNAME, id ID, signal, subflow, backup",
                error("endpoint add 10.0.0.2 sigal"));
        assertEquals("ip mptcp endpoint add: one address per endpoint, got '10.0.0.3' after '10.0.0.2'" + usage,
                error("endpoint add 10.0.0.2 10.0.0.3"));
        assertEquals("ip mptcp endpoint add: 'fullmesh' is not modelled; accepted: port PORT, dev IFNAME, id ID, signal, subflow, backup",
                error("endpoint add 10.0.0.2 subflow fullmesh"));
        assertEquals("ip mptcp endpoint add: Invalid IPv4 address \"10.0.0.256\": octet 4 is greater than 255; expected a dotted quad such as 198.18.0.1",
                error("endpoint add 10.0.0.256 subflow"));
        assertEquals("ip mptcp endpoint add: Invalid IPv4 address \"10.0.0.2/24\": unexpected characters after the fourth octet; expected a dotted quad such as 198.18.0.1",
                error("endpoint add 10.0.0.2/24"));
        assertEquals("ip mptcp endpoint add: 'fe80::1' is not an IPv4 address (IPv6 is not modelled); accepted: a dotted quad such as 198.18.0.1",
                error("endpoint add fe80::1"));
        assertEquals("ip mptcp endpoint add: missing ADDR" + usage, error("endpoint add subflow"));
        assertEquals("ip mptcp endpoint add: 'dev' needs a value" + usage, error("endpoint add 10.0.0.2 dev"));
        assertEquals("host h1 has no device 'eth9'; devices: eth0, eth1", error("endpoint add 10.0.0.2 dev eth9 subflow"));
        assertEquals("ip mptcp endpoint add: 'id' must be an integer 0..255, got '256'", error("endpoint add 10.0.0.2 id 256"));
        assertEquals("ip mptcp endpoint add: 'id' given twice", error("endpoint add 10.0.0.2 id 4 id 5"));
        assertEquals("ip mptcp endpoint add: 'port' must be an integer 1..65535, got 'http'", error("endpoint add 10.0.0.2 port http signal"));
        assertEquals("ip mptcp endpoint add: 'port' needs the 'signal' flag (the port is announced with ADD_ADDR), as in Linux",
                error("endpoint add 10.0.0.2 port 8080 subflow"));
        assertEquals("mptcp endpoint: address 10.0.0.1 already has id 3", error("endpoint add 10.0.0.1 signal"));
        assertEquals("mptcp endpoint: id 3 is in use", error("endpoint add 10.0.0.2 id 3"));
        assertEquals("mptcp endpoint: no endpoint with id 4", error("endpoint del id 4"));
        assertEquals("ip mptcp endpoint del: expected 'id ID', got '10.0.0.1'" + usage, error("endpoint del 10.0.0.1"));
        assertEquals("ip mptcp endpoint del: 'id' must be an integer 1..255, got '0'", error("endpoint del id 0"));
        assertEquals("mptcp endpoint: no endpoint with id 9", error("endpoint show id 9"));
        assertEquals("ip mptcp endpoint show: expected nothing or 'id ID', got 'dev eth0'" + usage, error("endpoint show dev eth0"));
        assertEquals("ip mptcp endpoint flush takes no arguments, got 'id 3'", error("endpoint flush id 3"));
        assertEquals("ip mptcp endpoint: unknown verb 'monitor'; accepted: add, del, change, show, flush" + usage, error("endpoint monitor"));
        assertEquals("ip mptcp endpoint change: expected 'id ID backup' or 'id ID nobackup', got 'id 3 fullmesh'" + usage,
                error("endpoint change id 3 fullmesh"));
        assertEquals("mptcp endpoint: no endpoint with id 7", error("endpoint change id 7 backup"));
        assertEquals("ip mptcp: unknown object 'monitor'; accepted: endpoint, limits" + usage, error("monitor"));
        assertEquals("ip mptcp: missing object; accepted: endpoint, limits" + usage,
                assertThrows(IllegalArgumentException.class, () -> engine.execute(emu, "h1", "ip mptcp")).getMessage());
        for (int i = 2; i <= MptcpPernet.MAX_ENDPOINTS; i++) ip("endpoint add 10.0.1." + i);
        assertEquals("mptcp endpoint: at most 8 endpoints", error("endpoint add 10.0.2.1"));
        assertEquals("10.0.0.1 id 3 subflow", pm.byId(3).showLine());
    }

    // ---------------------------------------------------------------- limits

    @Test
    void changeSetsAndClearsBackup() {
        ip("endpoint add 10.0.0.5 id 5 subflow");
        ip("endpoint change id 5 backup");
        assertEquals("10.0.0.5 id 5 subflow backup\n", ip("endpoint show id 5"));
        ip("endpoint change id 5 nobackup");
        assertEquals("10.0.0.5 id 5 subflow\n", ip("endpoint show id 5"));
    }

    @Test
    void limitsSetAndShow() {
        assertEquals("add_addr_accepted 0 subflows 2\n", ip("limits show"), "Linux's defaults");
        assertEquals("add_addr_accepted 0 subflows 2\n", ip("limits"));
        assertEquals("", ip("limits set subflows 4 add_addr_accepted 3"));
        assertEquals("add_addr_accepted 3 subflows 4\n", ip("limits show"));
        ip("limits set subflow 1");
        assertEquals("add_addr_accepted 3 subflows 1\n", ip("limits show"), "'subflow' as iproute2 accepts it; the other limit stays");
        ip("limits set add_addr_accepted 8");
        assertEquals(8, pm.addAddrAcceptMax());
        assertEquals(1, pm.subflowsMax());
        ip("limits set add_addr_accepted 0 subflows 0");
        assertEquals("add_addr_accepted 0 subflows 0\n", ip("l sh"));
    }

    @Test
    void limitErrorsChangeNothing() {
        ip("limits set subflows 3 add_addr_accepted 1");
        assertEquals("ip mptcp limits set: 'subflows' must be an integer 0..8, got '9'", error("limits set subflows 9"));
        assertEquals("ip mptcp limits set: 'add_addr_accepted' must be an integer 0..8, got '-1'", error("limits set subflows 1 add_addr_accepted -1"));
        assertEquals("ip mptcp limits set: unknown keyword 'subflowz'; accepted: subflows N, add_addr_accepted N", error("limits set subflowz 1"));
        assertEquals("ip mptcp limits set: 'subflows' needs a value 0..8", error("limits set add_addr_accepted 2 subflows"));
        assertEquals("ip mptcp limits set: 'subflows' given twice", error("limits set subflows 1 subflow 2"));
        assertEquals("ip mptcp limits set: missing 'subflows N' or 'add_addr_accepted N'; usage: " + MptcpCommands.USAGE, error("limits set"));
        assertEquals("ip mptcp limits: unknown verb 'get'; accepted: set, show; usage: " + MptcpCommands.USAGE, error("limits get"));
        assertEquals("ip mptcp limits show takes no arguments, got 'subflows'", error("limits show subflows"));
        assertEquals("add_addr_accepted 1 subflows 3\n", ip("limits show"));
    }

    // ---------------------------------------------------------------- scenario actions and help

    @Test
    void scenarioActionsAreCheckedWhenRead() {
        String base = "{\"name\":\"t\",\"duration\":\"10ms\",\"hosts\":[{\"name\":\"h1\",\"devices\":[{\"name\":\"eth0\"}]}],\"actions\":[%s]}";
        Scenario sc = ScenarioParser.parse(String.format(base,
                "{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ip mptcp endpoint add 198.18.0.1 dev eth0 signal\"},"
                        + "{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ip mptcp limits set subflows 4 add_addr_accepted 4\"},"
                        + "{\"at\":\"2ms\",\"host\":\"h1\",\"cmd\":\"ip mptcp endpoint del id 1\"},"
                        + "{\"at\":\"3ms\",\"host\":\"h1\",\"cmd\":\"ip mptcp endpoint show\"}"));
        assertEquals(4, sc.actions().size());
        String m = assertThrows(IllegalArgumentException.class, () -> ScenarioParser.parse(String.format(base,
                "{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ip mptcp endpoint add 198.18.0.1 dev eth1 signal\"}"))).getMessage();
        assertEquals("actions[0].cmd: host h1 has no device 'eth1'; devices: eth0", m);
        m = assertThrows(IllegalArgumentException.class, () -> ScenarioParser.parse(String.format(base,
                "{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ip mptcp limits set subflows 10\"}"))).getMessage();
        assertEquals("actions[0].cmd: ip mptcp limits set: 'subflows' must be an integer 0..8, got '10'", m);
    }

    @Test
    void helpListsTheCommands() {
        String help = engine.execute(null, null, "help");
        assertTrue(help.contains("ip mptcp endpoint add ADDR [port PORT] [dev IFNAME] [id ID] [signal] [subflow] [backup]\n"), help);
        assertTrue(help.contains("ip mptcp limits set [subflows N] [add_addr_accepted N]\n"), help);
        assertTrue(CommandSyntax.usage().contains("ip route add|del PREFIX"));
    }
}
