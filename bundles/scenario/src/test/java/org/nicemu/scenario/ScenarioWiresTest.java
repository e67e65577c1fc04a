package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Wires, device addresses, IPv4 actions, and the TX/RX split of the frame check. */
class ScenarioWiresTest {
    private static final String BASE = "{\"name\":\"t\",\"duration\":\"10ms\",\"hosts\":["
            + "{\"name\":\"h1\",\"devices\":[{\"name\":\"eth0\"%s}]},{\"name\":\"h2\",\"devices\":[{\"name\":\"eth0\"}]}]%s}";

    private static String json(String dev, String rest) {
        return String.format(BASE, dev, rest);
    }

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> ScenarioParser.parse(json)).getMessage();
    }

    @Test
    void exampleWithWireAndAddressesParses() throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("two-hosts-wire.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Scenario sc = ScenarioParser.parse(text);
        assertEquals(2, sc.hosts().size());
        assertEquals(List.of(), sc.host("h1").device("eth0").addresses());
        assertEquals(List.of("198.18.0.1/24", "198.18.0.3/32"),
                ScenarioParser.parse(json(",\"addresses\":[\"198.18.0.1/24\",\"198.18.0.3/32\"]", "")).host("h1").device("eth0").addresses());
        assertEquals(1, sc.wires().size());
        Scenario.WireDef w = sc.wires().get(0);
        assertEquals("wires[0]", w.path());
        assertEquals("w1", w.name());
        assertEquals(List.of("h1", "eth0", "h2", "eth0"), List.of(w.aHost(), w.aDev(), w.bHost(), w.bDev()));
        assertEquals(Map.of("rate", "1gbit", "delay", "5ms", "loss", "1%"), w.paramsA());
        assertSame(w.paramsA(), w.paramsB());
    }

    @Test
    void paramsBShapesTheOtherDirection() {
        Scenario sc = ScenarioParser.parse(json("", ",\"wires\":[{\"name\":\"w\",\"a\":\"h1:eth0\",\"b\":\"h2:eth0\",\"params\":{\"loss\":\"1%\"},\"paramsB\":{\"delay\":\"1ms\"}}]"));
        assertEquals(Map.of("loss", "1%"), sc.wires().get(0).paramsA());
        assertEquals(Map.of("delay", "1ms"), sc.wires().get(0).paramsB());
    }

    @Test
    void badReferencesNameThePath() {
        assertEquals("wires[0].b: no host named 'h3'; hosts: h1, h2",
                error(json("", ",\"wires\":[{\"name\":\"w\",\"a\":\"h1:eth0\",\"b\":\"h3:eth0\"}]")));
        assertEquals("wires[0].a: host h1 has no device 'eth9'; devices: eth0",
                error(json("", ",\"wires\":[{\"name\":\"w\",\"a\":\"h1:eth9\",\"b\":\"h2:eth0\"}]")));
        assertEquals("wires[0].a: must be a device as \"HOST:DEV\", e.g. \"h1:eth0\", got \"h1\"",
                error(json("", ",\"wires\":[{\"name\":\"w\",\"a\":\"h1\",\"b\":\"h2:eth0\"}]")));
        assertEquals("wires[1].a: device h1:eth0 is already an end of a wire (wires[0].a); a device takes at most one wire",
                error(json("", ",\"wires\":[{\"name\":\"w\",\"a\":\"h1:eth0\",\"b\":\"h2:eth0\"},{\"name\":\"x\",\"a\":\"h1:eth0\",\"b\":\"h2:eth0\"}]")));
        assertEquals("wires[0].params[\"name\"]: not accepted here; the wire's \"name\" names it",
                error(json("", ",\"wires\":[{\"name\":\"w\",\"a\":\"h1:eth0\",\"b\":\"h2:eth0\",\"params\":{\"name\":\"z\"}}]")));
        assertEquals("wires[0].c: unknown field; accepted here: name, a, b, params, paramsB",
                error(json("", ",\"wires\":[{\"name\":\"w\",\"a\":\"h1:eth0\",\"b\":\"h2:eth0\",\"c\":1}]")));
        assertEquals("hosts[0].devices[0].addresses[1]: must be an IPv4 address with prefix length, e.g. \"198.18.0.1/24\", got \"10.0.0.1\"",
                error(json(",\"addresses\":[\"10.0.0.2/8\",\"10.0.0.1\"]", "")));
        assertEquals("hosts[0].devices[0].addresses[0]: prefix length must be 0..32, got \"10.0.0.1/33\"",
                error(json(",\"addresses\":[\"10.0.0.1/33\"]", "")));
    }

    @Test
    void ipv4ActionsAreCheckedAndPingIsRefused() {
        Scenario sc = ScenarioParser.parse(json("", ",\"actions\":["
                + "{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ip addr add 198.18.0.1/24 dev eth0\"},"
                + "{\"at\":\"2ms\",\"host\":\"h1\",\"cmd\":\"ip route add 10.0.0.0/8 via 198.18.0.2\"},"
                + "{\"at\":\"3ms\",\"host\":\"h1\",\"cmd\":\"ip neigh flush dev eth0\"},"
                + "{\"at\":\"4ms\",\"host\":\"h1\",\"cmd\":\"ip addr show\"}]"));
        assertEquals(4, sc.actions().size());
        assertEquals("actions[0].cmd: host h1 has no device 'eth5'; devices: eth0",
                error(json("", ",\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ip addr add 198.18.0.1/24 dev eth5\"}]")));
        assertTrue(error(json("", ",\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ip route add 10.0.0.0/8\"}]"))
                .startsWith("actions[0].cmd: ip route: missing 'dev DEV' or 'via GW'"));
        assertTrue(error(json("", ",\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ping -c 3 198.18.0.2\"}]"))
                .startsWith("actions[0].cmd: 'ping' cannot be a timed action"));
    }

    @Test
    void frameCheckCountsOnlyTransmitDrops() {
        // 3 dev-ready drops, of which tx_dropped says 1 was on the transmit path; otherhost is RX only
        Map<String, Long> drops = Map.of("qdisc-drop", 10L, "dev-ready", 3L, "otherhost", 5L);
        Map<String, Long> tx = ScenarioEngine.txDrops(drops, 11L);
        assertEquals(Map.of("qdisc-drop", 10L, "dev-ready", 1L), tx);
        assertEquals(Map.of("dev-ready", 2L, "otherhost", 5L), ScenarioEngine.rxDrops(drops, tx));
        // the demo's reasons are all TX
        assertEquals(Map.of("qdisc-drop", 11338L, "swap-overlimit", 2385L),
                ScenarioEngine.txDrops(Map.of("qdisc-drop", 11338L, "swap-overlimit", 2385L), 13723L));
    }
}
