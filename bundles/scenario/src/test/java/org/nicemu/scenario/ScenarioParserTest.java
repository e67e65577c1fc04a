package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;

class ScenarioParserTest {
    /** A minimal valid scenario; {@code %s} is replaced by extra text inside the first device. */
    private static final String DEV = "{\"name\":\"t\",\"hosts\":[{\"name\":\"h1\",\"cpus\":2,\"devices\":[{\"name\":\"eth0\"},{\"name\":\"eth1\"%s}]}]}";

    private static String resource(String name) throws IOException {
        try (InputStream in = ScenarioParserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> ScenarioParser.parse(json)).getMessage();
    }

    private static String devError(String extra) {
        return error(String.format(DEV, extra));
    }

    @Test
    void groIsAnOffloadOfTheDeviceLayerNotANicCapability() {
        Scenario.DeviceDef d = ScenarioParser.parse(String.format(DEV, ",\"offloads\":[\"sg\",\"gro\"]")).hosts().get(0).devices().get(1);
        assertEquals(List.of("sg", "gro"), d.offloads());
        assertEquals(org.nicemu.api.nic.NicHardware.CAP_SG, d.nic().capabilities(), "gro adds no hardware capability");
    }

    @Test
    void fullExampleParses() throws IOException {
        Scenario s = ScenarioParser.parse(resource("full-example.json"));
        assertEquals("two-hosts", s.name());
        assertEquals(42, s.seed());
        assertTrue(s.virtualTime());
        assertEquals(100_000_000L, s.durationNanos());
        assertEquals(2, s.hosts().size());

        Scenario.HostDef h1 = s.hosts().get(0);
        assertEquals(4, h1.cpus());
        assertEquals(Map.of("net.core.dev_weight", "32", "net.core.default_qdisc", "pfifo_fast"), h1.sysctl());
        Scenario.DeviceDef eth0 = h1.devices().get(0);
        NicConfig n = eth0.nic();
        assertEquals(4, n.numTxQueues());
        assertEquals(512, n.txRingSize());
        assertEquals(10_000_000_000L, n.rateBitsPerSec());
        assertEquals(1500, n.mtu());
        assertArrayEquals(new byte[] {2, 0, 0, 0, 1, 1}, n.mac());
        assertEquals(NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO, n.capabilities());
        assertEquals(NicConfig.Arbitration.ROUND_ROBIN, n.arbitration());
        assertTrue(n.countPreambleIfg());
        assertEquals(20, n.txCoalesceUsecs());
        assertEquals(16, n.txCoalesceFrames());
        assertEquals("generic", eth0.driver());
        assertEquals(Map.of("bql", "true"), eth0.driverParams());
        assertArrayEquals(new int[] {0, 1, 2, 3}, eth0.xps());
        assertEquals("mq", eth0.qdiscReq().kind());
        assertEquals("1:", eth0.qdiscReq().handle());
        assertEquals(TcRequest.Op.REPLACE, eth0.qdiscReq().op());
        assertEquals(2, eth0.captures().size());
        assertEquals(new Scenario.CaptureDef("hosts[0].devices[0].capture[0]", "pcapng", "h1-eth0.pcapng", false, 128), eth0.captures().get(0));

        Scenario.DeviceDef eth1 = h1.devices().get(1);
        assertEquals(0, eth1.nic().capabilities());
        assertEquals(NicConfig.Arbitration.STRICT_PRIORITY, eth1.nic().arbitration());
        assertFalse(eth1.nic().countPreambleIfg());
        assertEquals("tbf", eth1.qdiscReq().kind());
        assertEquals("500mbit", eth1.qdiscReq().params().get("rate"));

        Scenario.HostDef h2 = s.hosts().get(1);
        assertEquals(1, h2.cpus());
        Scenario.DeviceDef h2eth0 = h2.devices().get(0);
        assertEquals(1, h2eth0.nic().numTxQueues());
        assertEquals(256, h2eth0.nic().txRingSize());
        assertArrayEquals(new byte[] {2, 0, 0, 0, 2, 1}, h2eth0.nic().mac());

        assertEquals(3, s.generators().size());
        assertEquals(new Scenario.GeneratorDef("generators[1]", "voice", "h1", "eth1",
                Map.of("count", "1000", "pkt_size", "200", "ratep", "50000", "tos", "0x10")), s.generators().get(1));
        assertEquals("h2", s.generators().get(2).host());
        assertEquals("eth0", s.generators().get(2).dev());

        assertEquals(7, s.actions().size());
        assertEquals(5_000_000L, s.actions().get(0).atNanos());
        assertEquals("tc qdisc change dev eth1 root pfifo limit 200", s.actions().get(1).cmd());
        assertEquals("ip link set dev eth1 carrier off", s.actions().get(2).cmd()); // equal times keep file order
    }

    @Test
    void demoParsesAndDefaultsApply() throws IOException {
        Scenario demo = ScenarioParser.parse(DemoScenario.json());
        assertEquals("demo", demo.name());
        assertEquals(0, demo.generators().size());
        assertEquals(2, demo.hosts().size());
        assertEquals(3, demo.flows().size());
        assertEquals(4, demo.actions().size());
        Scenario s = ScenarioParser.parse("{\"name\":\"x\",\"hosts\":[{\"name\":\"h\",\"devices\":[{\"name\":\"eth0\"}]}]}");
        assertEquals(1, s.seed());
        assertTrue(s.virtualTime());
        assertEquals(1_000_000_000L, s.durationNanos());
        Scenario.DeviceDef d = s.hosts().get(0).devices().get(0);
        assertEquals(1, d.nic().numTxQueues());
        assertEquals(256, d.nic().txRingSize());
        assertEquals(10_000_000_000L, d.nic().rateBitsPerSec());
        assertEquals("generic", d.driver());
        assertEquals(List.of("sg", "csum", "tso"), d.offloads());
        assertNull(d.qdiscReq());
        assertTrue(d.captures().isEmpty());
        assertEquals(0, d.xps().length);
    }

    @Test
    void deviceFieldErrorsNameTheJsonPath() {
        assertEquals("hosts[0].devices[1].txQueues: must be an integer 1..64, got \"x\"", devError(",\"txQueues\":\"x\""));
        assertEquals("hosts[0].devices[1].txQueues: must be an integer 1..64, got 65", devError(",\"txQueues\":65"));
        assertEquals("hosts[0].devices[1].txQueues: must be an integer 1..64, got 1.5", devError(",\"txQueues\":1.5"));
        assertEquals("hosts[0].devices[1].ringSize: must be a power of two 2..65536, got 300", devError(",\"ringSize\":300"));
        assertTrue(devError(",\"rate\":\"fast\"").startsWith("hosts[0].devices[1].rate: must be a rate such as 10gbit"));
        assertEquals("hosts[0].devices[1].rate: must be at least 1000 bit/s, got \"10bit\"", devError(",\"rate\":\"10bit\""));
        assertEquals("hosts[0].devices[1].mtu: must be an integer 68..65535, got 20", devError(",\"mtu\":20"));
        assertTrue(devError(",\"mac\":\"01:00:00:00:00:01\"").startsWith("hosts[0].devices[1].mac: must be a unicast"));
        assertTrue(devError(",\"mac\":\"zz\"").startsWith("hosts[0].devices[1].mac: must be six hex octets"));
        assertEquals("hosts[0].devices[1].offloads[1]: must be one of sg, csum, tso, uso, gro, got \"gso\"", devError(",\"offloads\":[\"sg\",\"gso\"]"));
        assertEquals("hosts[0].devices[1].offloads: must be an array, got \"sg\"", devError(",\"offloads\":\"sg\""));
        assertEquals("hosts[0].devices[1].arbitration: must be round-robin or strict-priority, got \"wrr\"", devError(",\"arbitration\":\"wrr\""));
        assertEquals("hosts[0].devices[1].preambleIfg: must be true or false, got \"yes\"", devError(",\"preambleIfg\":\"yes\""));
        assertEquals("hosts[0].devices[1].coalesce.frames: must be an integer 0..65535, got -1", devError(",\"coalesce\":{\"frames\":-1}"));
        assertEquals("hosts[0].devices[1].coalesce.usec: unknown field; accepted here: usecs, frames", devError(",\"coalesce\":{\"usec\":1}"));
        assertEquals("hosts[0].devices[1].xps[1]: must be an integer 0..0, got 1", devError(",\"xps\":[0,1]"));
        assertEquals("hosts[0].devices[1].xps: has 3 entries but the host has 2 CPUs; give one TX queue per CPU, CPU 0 first", devError(",\"xps\":[0,0,0]"));
        assertTrue(devError(",\"qdisc\":\"tbf rate\"").startsWith("hosts[0].devices[1].qdisc: tc qdisc replace tbf: parameter 'rate' needs a value"));
        assertTrue(devError(",\"qdisc\":\"\"").startsWith("hosts[0].devices[1].qdisc: tc qdisc replace: missing the qdisc kind"));
        assertEquals("hosts[0].devices[1].capture[0].file: is required: a file name relative to the output folder, e.g. h1-eth0.pcap",
                devError(",\"capture\":[{\"kind\":\"pcap\"}]"));
        assertEquals("hosts[0].devices[1].capture[0].perQueue: must be true or false, got \"true\"",
                devError(",\"capture\":[{\"kind\":\"pcap\",\"file\":\"a.pcap\",\"perQueue\":\"true\"}]"));
        assertEquals("hosts[0].devices[1].capture[0].format: unknown field; accepted here: kind, file, perQueue, snaplen",
                devError(",\"capture\":[{\"kind\":\"pcap\",\"file\":\"a.pcap\",\"format\":1}]"));
        assertEquals("hosts[0].devices[1].driverParams[\"bql\"]: must be a string, number or boolean, got [1]", devError(",\"driverParams\":{\"bql\":[1]}"));
        assertEquals("hosts[0].devices[1].txqueues: unknown field; accepted here: name, txQueues, ringSize, rate, mtu, mac, offloads, arbitration,"
                + " preambleIfg, coalesce, driver, driverParams, xps, qdisc, capture, addresses, port", devError(",\"txqueues\":4"));
        assertEquals("hosts[0].devices[1].name: duplicate device name 'eth0' on host h1, got \"eth0\"",
                error("{\"name\":\"t\",\"hosts\":[{\"name\":\"h1\",\"devices\":[{\"name\":\"eth0\"},{\"name\":\"eth0\"}]}]}"));
        assertEquals("hosts[0].devices[0].name: must be a device name of 1-15 letters, digits, '_', '.', '-', got \"a very long device name\"",
                error("{\"name\":\"t\",\"hosts\":[{\"name\":\"h1\",\"devices\":[{\"name\":\"a very long device name\"}]}]}"));
    }

    @Test
    void topLevelAndHostErrors() {
        assertTrue(error("{").startsWith("scenario: not valid JSON at line 1 column 2"), error("{"));
        assertTrue(error("{\"name\":\"a\",\"name\":\"b\"}").contains("Duplicate field 'name'"));
        assertEquals("scenario: must be an object, got [1]", error("[1]"));
        assertTrue(error("").startsWith("scenario: empty input"));
        assertEquals("name: is required: a name of 1-64 letters, digits, '_', '.', '-'", error("{\"hosts\":[]}"));
        assertEquals("name: must be a name of 1-64 letters, digits, '_', '.', '-', got \"a b\"", error("{\"name\":\"a b\"}"));
        assertEquals("hostz: unknown field; accepted here: name, seed, virtualTime, duration, hosts, wires, generators, actions, flows", error("{\"name\":\"a\",\"hostz\":[]}"));
        assertEquals("seed: must be an integer, got \"1\"", error("{\"name\":\"a\",\"seed\":\"1\"}"));
        assertEquals("virtualTime: must be true or false, got 1", error("{\"name\":\"a\",\"virtualTime\":1}"));
        assertEquals("duration: must be a time with a unit s, ms, us or ns, e.g. 20ms, 1.5s, 400us, got \"20\"", error("{\"name\":\"a\",\"duration\":\"20\"}"));
        assertEquals("duration: must be a positive time, e.g. 20ms, got \"0ms\"", error("{\"name\":\"a\",\"duration\":\"0ms\"}"));
        assertEquals("hosts: is required: a non-empty array of hosts, got nothing", error("{\"name\":\"a\"}"));
        assertEquals("hosts: must have at least 1 element(s), got []", error("{\"name\":\"a\",\"hosts\":[]}"));
        assertEquals("hosts[0].cpus: must be an integer 1..256, got 0", error("{\"name\":\"a\",\"hosts\":[{\"name\":\"h\",\"cpus\":0}]}"));
        assertEquals("hosts[1].name: duplicate host name 'h', got \"h\"", error("{\"name\":\"a\",\"hosts\":[{\"name\":\"h\"},{\"name\":\"h\"}]}"));
        assertEquals("hosts[0].sysctl: must be an object of \"key\": \"value\" pairs, got [1]", error("{\"name\":\"a\",\"hosts\":[{\"name\":\"h\",\"sysctl\":[1]}]}"));
        assertEquals("hosts[0]: must be an object, got \"h1\"", error("{\"name\":\"a\",\"hosts\":[\"h1\"]}"));
    }

    @Test
    void generatorAndActionErrors() {
        String base = "{\"name\":\"a\",\"duration\":\"10ms\",\"hosts\":[{\"name\":\"h1\",\"devices\":[{\"name\":\"eth0\"}]},{\"name\":\"h2\",\"devices\":[]}],";
        assertEquals("generators[0].host: is required when there is more than one host; hosts: h1, h2, got nothing",
                error(base + "\"generators\":[{\"name\":\"g\"}]}"));
        assertEquals("generators[0].host: no host named 'h3'; hosts: h1, h2", error(base + "\"generators\":[{\"name\":\"g\",\"host\":\"h3\"}]}"));
        assertEquals("generators[0].dev: host h1 has no device 'eth1'; devices: eth0",
                error(base + "\"generators\":[{\"name\":\"g\",\"host\":\"h1\",\"dev\":\"eth1\"}]}"));
        assertEquals("generators[0].dev: is required when host h2 has 0 devices; devices: (none), got nothing",
                error(base + "\"generators\":[{\"name\":\"g\",\"host\":\"h2\"}]}"));
        assertEquals("generators[1].name: duplicate generator name 'g', got \"g\"",
                error(base + "\"generators\":[{\"name\":\"g\",\"host\":\"h1\"},{\"name\":\"g\",\"host\":\"h1\"}]}"));
        assertEquals("generators[0].params[\"count\"]: must be a string, number or boolean, got {}",
                error(base + "\"generators\":[{\"name\":\"g\",\"host\":\"h1\",\"params\":{\"count\":{}}}]}"));
        assertEquals("generators[0].rate: unknown field; accepted here: name, host, dev, params",
                error(base + "\"generators\":[{\"name\":\"g\",\"host\":\"h1\",\"rate\":\"1gbit\"}]}"));

        assertEquals("actions[0].at: must not be later than the duration 10ms, got \"20ms\"",
                error(base + "\"actions\":[{\"at\":\"20ms\",\"host\":\"h1\",\"cmd\":\"counters\"}]}"));
        assertEquals("actions[0].at: is required: a time with a unit s, ms, us or ns, e.g. 20ms, 1.5s, 400us",
                error(base + "\"actions\":[{\"host\":\"h1\",\"cmd\":\"counters\"}]}"));
        assertEquals("actions[0].cmd: unknown command 'netstat'; accepted: tc, ip, ethtool, sysctl, driver, pktgen, capture, counters, ss, tcp, mptcp, run, pause, help",
                error(base + "\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"netstat -t\"}]}"));
        assertTrue(error(base + "\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"tc qdisc replace dev eth0 pfifo\"}]}")
                .startsWith("actions[0].cmd: tc qdisc replace: missing 'root' or 'parent X:Y'"));
        assertEquals("actions[0].cmd: host h2 has no device 'eth0'; devices: (none)",
                error(base + "\"actions\":[{\"at\":\"1ms\",\"host\":\"h2\",\"cmd\":\"tc qdisc replace dev eth0 root pfifo\"}]}"));
        assertTrue(error(base + "\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"run 1ms\"}]}")
                .startsWith("actions[0].cmd: 'run' cannot be a timed action"));
        assertEquals("actions[0].when: unknown field; accepted here: at, host, cmd",
                error(base + "\"actions\":[{\"when\":\"1ms\"}]}"));
    }
}
