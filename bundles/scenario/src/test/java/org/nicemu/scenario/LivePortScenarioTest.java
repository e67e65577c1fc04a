package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.wire.Ipv4Address;

/** Scenario and command syntax of live ports and of flows whose peer is outside the emulation (docs/port-live.md). */
class LivePortScenarioTest {
    static String scenario(boolean virtualTime, String port, String flows) {
        return "{\"name\":\"live\",\"virtualTime\":" + virtualTime + ",\"duration\":\"2s\",\"hosts\":[{\"name\":\"h1\",\"devices\":[{\"name\":\"eth0\","
                + "\"mac\":\"02:00:00:00:01:01\",\"addresses\":[\"198.18.100.1/24\"]" + (port == null ? "" : ",\"port\":" + port) + "}]}]"
                + (flows == null ? "" : ",\"flows\":" + flows) + "}";
    }

    static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> ScenarioParser.parse(json)).getMessage();
    }

    @Test
    void aDevicePortIsParsed() {
        Scenario sc = ScenarioParser.parse(scenario(false, "{\"kind\":\"live\",\"ifname\":\"veth-emu0\",\"rxBacklog\":8192}", null));
        Scenario.PortDef p = sc.hosts().get(0).devices().get(0).port();
        assertEquals("hosts[0].devices[0].port", p.path());
        assertEquals("live", p.kind());
        assertEquals(Map.of("ifname", "veth-emu0", "rxBacklog", "8192"), p.params());
        assertTrue(sc.hasLivePorts());
        assertFalse(ScenarioParser.parse(scenario(false, null, null)).hasLivePorts());
    }

    @Test
    void livePortsNeedRealTime() {
        assertEquals("hosts[0].devices[0].port: live ports need real time: set \"virtualTime\": false",
                error(scenario(true, "{\"kind\":\"live\",\"ifname\":\"veth-emu0\"}", null)));
    }

    @Test
    void badPortsAreNamed() {
        assertEquals("hosts[0].devices[0].port.ifname: is required: the interface to put the device on, e.g. \"veth-emu0\"",
                error(scenario(false, "{\"kind\":\"live\"}", null)));
        assertEquals("hosts[0].devices[0].port.kind: accepted: live (capture files go in \"capture\", virtual wires in \"wires\"), got \"pcap\"",
                error(scenario(false, "{\"kind\":\"pcap\",\"file\":\"x\"}", null)));
        assertTrue(error(scenario(false, "\"veth0\"", null)).startsWith("hosts[0].devices[0].port: must be an object"));
    }

    @Test
    void aBulkFlowMayGoToAnAddressOutsideTheEmulation() {
        Scenario sc = ScenarioParser.parse(scenario(false, "{\"kind\":\"live\",\"ifname\":\"v0\"}",
                "[{\"name\":\"up\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"198.18.100.2\",\"port\":5001,\"bytes\":1000,\"protocol\":\"mptcp\",\"scheduler\":\"roundrobin\"}]"));
        Scenario.FlowDef f = sc.flows().get(0);
        assertEquals("h1", f.from());
        assertNull(f.to());
        assertTrue(f.external());
        assertEquals(Ipv4Address.parse("198.18.100.2"), f.dst());
        assertEquals(5001, f.port());
        assertEquals("mptcp", f.protocol());
        assertEquals("roundrobin", f.scheduler());
        assertEquals("flows[0].to: an address outside the emulation is accepted for kind bulk only; give a host name",
                error(scenario(false, null, "[{\"name\":\"rr\",\"kind\":\"request-response\",\"to\":\"198.18.100.2\"}]")));
        assertEquals("flows[0].to: no host named 'h9'; hosts: h1",
                error(scenario(false, null, "[{\"name\":\"x\",\"kind\":\"bulk\",\"to\":\"h9\",\"bytes\":1}]")));
    }

    @Test
    void aSinkFlowListensForPeersOutside() {
        Scenario sc = ScenarioParser.parse(scenario(false, null,
                "[{\"name\":\"down\",\"kind\":\"sink\",\"host\":\"h1\",\"listen\":5002,\"protocol\":\"tcp\"}]"));
        Scenario.FlowDef f = sc.flows().get(0);
        assertEquals("sink", f.kind());
        assertNull(f.from());
        assertEquals("h1", f.to());
        assertEquals(5002, f.port());
        assertTrue(f.external());
        assertEquals("flows[0].listen: is required for kind sink: the TCP port the server listens on, an integer 1..65535",
                error(scenario(false, null, "[{\"name\":\"s\",\"kind\":\"sink\"}]")));
        assertTrue(error(scenario(false, null, "[{\"name\":\"s\",\"kind\":\"sink\",\"listen\":1,\"to\":\"h1\"}]"))
                .startsWith("flows[0].to: is not accepted for kind sink; a sink flow has one end"));
        assertTrue(error(scenario(false, null, "[{\"name\":\"s\",\"kind\":\"sink\",\"listen\":1,\"cc\":\"reno\"}]"))
                .contains("net.ipv4.tcp_congestion_control"));
        assertEquals("flows[1].listen: host h1 already listens on port 7 for flows[0]; give each flow its own port",
                error(scenario(false, null, "[{\"name\":\"a\",\"kind\":\"sink\",\"listen\":7},{\"name\":\"b\",\"kind\":\"sink\",\"listen\":7}]")));
    }

    @Test
    void ipLinkSetPortCommands() {
        CommandSyntax.IpSetPort p = assertInstanceOf(CommandSyntax.IpSetPort.class,
                CommandSyntax.parse(Words.split("ip link set eth0 port live veth-emu0 rxBacklog 8192")));
        assertEquals("eth0", p.dev());
        assertEquals("live", p.kind());
        assertEquals(Map.of("ifname", "veth-emu0", "rxBacklog", "8192"), p.params());
        p = assertInstanceOf(CommandSyntax.IpSetPort.class, CommandSyntax.parse(Words.split("ip link set dev eth0 port none")));
        assertNull(p.kind());
        for (String[] c : List.of(
                new String[] {"ip link set eth0 port", "ip link set: 'port' needs a kind: live IFNAME or none"},
                new String[] {"ip link set eth0 port live", "ip link set: 'port' live needs"},
                new String[] {"ip link set eth0 port wire w1", "ip link set: unknown port kind 'wire'; accepted: live, none"},
                new String[] {"ip link set port live v0", "ip link set: give the device before 'port'"},
                new String[] {"ip link set eth0 port none x", "ip link set: 'port none' takes nothing more, got 'x'"},
                new String[] {"ip link set eth0 port live v0 rxBacklog", "ip link set port live: parameter 'rxBacklog' needs a value"})) {
            String m = assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse(Words.split(c[0]))).getMessage();
            assertTrue(m.startsWith(c[1].replace("'port' live", "'port live'")), c[0] + " -> " + m);
        }
    }
}
