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
import org.nicemu.scenario.CommandSyntax.Cmd;

class CommandSyntaxTest {
    private static Cmd parse(String line) {
        return CommandSyntax.parse(Words.split(line));
    }

    private static String error(String line) {
        return assertThrows(IllegalArgumentException.class, () -> parse(line)).getMessage();
    }

    @Test
    void ip() {
        CommandSyntax.IpShow s = assertInstanceOf(CommandSyntax.IpShow.class, parse("ip -s link"));
        assertTrue(s.stats());
        assertNull(s.dev());
        assertEquals("eth0", ((CommandSyntax.IpShow) parse("ip link show dev eth0")).dev());
        assertEquals("eth0", ((CommandSyntax.IpShow) parse("ip l sh eth0")).dev());
        assertEquals(new CommandSyntax.IpSet("eth0", "up", false, 0), parse("ip link set dev eth0 down"));
        assertEquals(new CommandSyntax.IpSet("eth0", "up", true, 0), parse("ip link set eth0 up"));
        assertEquals(new CommandSyntax.IpSet("eth1", "carrier", false, 0), parse("ip link set dev eth1 carrier off"));
        assertEquals(new CommandSyntax.IpSet("eth1", "txqueuelen", false, 100), parse("ip link set dev eth1 txqueuelen 100"));
        assertTrue(error("ip link set dev eth1 txqueuelen -3").contains("txqueuelen needs a number of packets >= 0, got '-3'"));
        assertTrue(error("ip addr show").contains("not modelled"));
        assertTrue(error("ip link set dev eth0 mtu 9000").contains("accepted: up, down, carrier on|off, txqueuelen N"));
        assertTrue(error("ip link set dev eth0 carrier maybe").contains("on or off"));
    }

    @Test
    void ethtoolSysctlDriver() {
        assertEquals(new CommandSyntax.Ethtool('S', "eth0"), parse("ethtool -S eth0"));
        assertEquals(new CommandSyntax.Ethtool('k', "eth0"), parse("ethtool -k eth0"));
        assertEquals(new CommandSyntax.Ethtool(' ', "eth0"), parse("ethtool eth0"));
        assertTrue(error("ethtool -X eth0").contains("unsupported option '-X'"));
        assertEquals(new CommandSyntax.EthtoolFeatures("eth0", java.util.Map.of("gro", true)), parse("ethtool -K eth0 gro on"));
        assertEquals(new CommandSyntax.EthtoolFeatures("eth1", java.util.Map.of("gro", false)), parse("ethtool --features eth1 generic-receive-offload off"));
        assertEquals("ethtool -K: feature 'tso' cannot be changed here; accepted: gro (the NIC's sg, csum and tso come from the device's offloads)",
                error("ethtool -K eth0 tso off"));
        assertEquals("ethtool -K: gro must be on or off, got 'yes'", error("ethtool -K eth0 gro yes"));
        assertEquals("usage: ethtool -K DEV gro on|off", error("ethtool -K eth0 gro"));

        CommandSyntax.Sysctl all = (CommandSyntax.Sysctl) parse("sysctl -a");
        assertTrue(all.get().isEmpty() && all.set().isEmpty());
        assertEquals(Map.of("net.core.dev_weight", "32"), ((CommandSyntax.Sysctl) parse("sysctl -w net.core.dev_weight=32")).set());
        assertEquals(List.of("net.core.dev_weight"), ((CommandSyntax.Sysctl) parse("sysctl net.core.dev_weight")).get());
        assertTrue(error("sysctl -w net.core.dev_weight").contains("KEY=VALUE"));

        assertEquals(new CommandSyntax.Driver("eth0", "legacy", Map.of("txRing", "64"), false), parse("driver eth0 legacy txRing 64"));
        assertEquals(new CommandSyntax.Driver("eth0", null, Map.of("bql", "false"), true), parse("driver eth0 set bql=false"));
        assertEquals(new CommandSyntax.Driver(null, null, Map.of(), false), parse("driver"));
        assertTrue(error("driver eth0 set").contains("missing KEY VALUE"));
        assertTrue(error("driver eth0 generic bql").contains("'bql' needs a value"));
    }

    @Test
    void pktgenCaptureRunPause() {
        CommandSyntax.Pktgen p = (CommandSyntax.Pktgen) parse("pktgen start g1 dev eth0 count 1000 pkt_size=512");
        assertEquals("start", p.op());
        assertEquals("g1", p.name());
        assertEquals("eth0", p.dev());
        assertEquals(Map.of("count", "1000", "pkt_size", "512"), p.params());
        assertEquals("[count, pkt_size]", p.params().keySet().toString());
        assertEquals("show", ((CommandSyntax.Pktgen) parse("pktgen")).op());
        assertEquals("g1", ((CommandSyntax.Pktgen) parse("pktgen stop g1")).name());
        assertTrue(error("pktgen start g1 eth0").contains("pktgen start NAME dev DEV"));

        CommandSyntax.Capture c = (CommandSyntax.Capture) parse("capture eth0 pcap file /tmp/x.pcap perQueue true");
        assertEquals("eth0", c.dev());
        assertEquals("pcap", c.kind());
        assertEquals(Map.of("file", "/tmp/x.pcap", "perQueue", "true"), c.params());
        assertNull(((CommandSyntax.Capture) parse("capture")).dev());

        assertEquals(new CommandSyntax.Run(10_000_000L), parse("run 10ms"));
        assertEquals(new CommandSyntax.Run(null), parse("run"));
        assertTrue(error("run 10").contains("s, ms, us or ns"));
        assertTrue(error("run 0ms").contains("positive"));
        assertInstanceOf(CommandSyntax.Pause.class, parse("pause"));
        assertInstanceOf(CommandSyntax.Counters.class, parse("counters"));
        assertInstanceOf(CommandSyntax.Help.class, parse("help"));
    }

    @Test
    void tcpCongestion() {
        assertEquals(new CommandSyntax.TcpCongestion("reno", 0), parse("tcp congestion reno"));
        assertEquals(new CommandSyntax.TcpCongestion("reno", 0), parse("tcp congestion reno all"));
        assertEquals(new CommandSyntax.TcpCongestion("cubic", 5001), parse("tcp congestion cubic 5001"));
        String usage = "; usage: tcp congestion NAME [all|PORT]";
        assertEquals("tcp: missing object; accepted: congestion" + usage, error("tcp"));
        assertEquals("tcp: unknown object 'cc'; accepted: congestion" + usage, error("tcp cc reno"));
        assertEquals("tcp congestion: missing the algorithm NAME" + usage, error("tcp congestion"));
        assertEquals("tcp congestion: 'a_very_long_name_x' is not an algorithm name (1-15 letters, digits, '_', '.', '-')" + usage,
                error("tcp congestion a_very_long_name_x"));
        assertEquals("tcp congestion: expected 'all' or a port 1..65535, got '65536'" + usage, error("tcp congestion reno 65536"));
        assertEquals("tcp congestion: unexpected 'now'" + usage, error("tcp congestion reno 80 now"));
        assertTrue(CommandSyntax.usage().contains("tcp congestion NAME [all|PORT]"));
    }

    @Test
    void unknownCommandListsTheAcceptedOnes() {
        String m = error("netstat -t");
        assertEquals("unknown command 'netstat'; accepted: tc, ip, ethtool, sysctl, driver, pktgen, capture, counters, ss, tcp, mptcp, run, pause, help", m);
        assertTrue(error("").startsWith("empty command"));
    }

    @Test
    void actionsCannotControlTheRunAndMustNameExistingDevices() {
        Scenario.HostDef h = new Scenario.HostDef("hosts[0]", "h1", 1, Map.of(), List.of(
                new Scenario.DeviceDef("hosts[0].devices[0]", "eth0", null, List.of(), "generic", Map.of(), new int[0], null, null, List.of(), List.of())));
        CommandSyntax.checkAction(Words.split("tc qdisc replace dev eth0 root pfifo"), h);
        CommandSyntax.checkAction(Words.split("counters"), h);
        String m = assertThrows(IllegalArgumentException.class, () -> CommandSyntax.checkAction(Words.split("run 1ms"), h)).getMessage();
        assertTrue(m.contains("cannot be a timed action"), m);
        m = assertThrows(IllegalArgumentException.class, () -> CommandSyntax.checkAction(Words.split("ethtool -S eth9"), h)).getMessage();
        assertEquals("host h1 has no device 'eth9'; devices: eth0", m);
        assertFalse(CommandSyntax.usage().isEmpty());
    }
}
