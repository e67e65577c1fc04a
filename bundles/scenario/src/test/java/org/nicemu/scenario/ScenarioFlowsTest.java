package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.wire.Ipv4Address;

/** The {@code flows} section of scenarios and the {@code ss} command's syntax. */
class ScenarioFlowsTest {
    private static final String BASE = "{\"name\":\"t\",\"duration\":\"1s\",\"hosts\":["
            + "{\"name\":\"h1\",\"cpus\":2,\"devices\":[{\"name\":\"eth0\",\"addresses\":[\"198.18.0.1/24\"]}]},"
            + "{\"name\":\"h2\",\"devices\":[{\"name\":\"eth0\"%s}]}],\"flows\":[%s]}";
    private static final String BULK = "{\"name\":\"f\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"h2\",\"dst\":\"198.18.0.2\",\"bytes\":1000%s}";

    private static String json(String flows) {
        return String.format(BASE, "", flows);
    }

    private static String bulk(String extra) {
        return json(String.format(BULK, extra));
    }

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> ScenarioParser.parse(json)).getMessage();
    }

    @Test
    void twoHostTcpDemoParses() throws IOException {
        String text;
        try (InputStream in = DemoScenario.class.getResourceAsStream("/org/nicemu/scenario/two-host-tcp.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Scenario sc = ScenarioParser.parse(text);
        assertEquals(1, sc.flows().size());
        Scenario.FlowDef f = sc.flows().get(0);
        assertEquals("flows[0]", f.path());
        assertEquals(List.of("bulk1", "bulk", "h1", "h2", "cubic", "0ms"), List.of(f.name(), f.kind(), f.from(), f.to(), f.cc(), f.start()));
        assertEquals(Ipv4Address.parse("198.18.0.2"), f.dst());
        assertEquals(5001, f.port());
        assertEquals(10_000_000L, f.bytes());
        assertEquals(65536, f.chunk());
        assertEquals(1, sc.wires().size());
        assertEquals(List.of("198.18.0.2/24"), sc.host("h2").device("eth0").addresses());
    }

    @Test
    void defaults() {
        Scenario sc = ScenarioParser.parse(json("{\"name\":\"f\",\"kind\":\"bulk\",\"from\":\"h2\",\"to\":\"h1\",\"bytes\":5}"));
        Scenario.FlowDef f = sc.flows().get(0);
        assertEquals(Ipv4Address.parse("198.18.0.1"), f.dst(), "dst defaults to the first address of 'to'");
        assertEquals(5001, f.port());
        assertEquals(0, f.cpu());
        assertEquals(0L, f.startNanos());
        assertNull(f.cc());
        assertNull(f.noDelay());
        assertEquals(1_000_003L + 1, f.seed(), "seed 1 * 1000003 + index + 1");
        assertTrue(ScenarioParser.parse(json("")).flows().isEmpty());
    }

    @Test
    void verifyIsSha256ByDefaultOrCompareForBulkWithBothEndsInside() {
        assertEquals("sha256", ScenarioParser.parse(bulk("")).flows().get(0).verify());
        assertFalse(ScenarioParser.parse(bulk("")).flows().get(0).compareOnly());
        Scenario.FlowDef f = ScenarioParser.parse(bulk(",\"verify\":\"compare\"")).flows().get(0);
        assertEquals("compare", f.verify());
        assertTrue(f.compareOnly());
        assertEquals("flows[0].verify: unknown check; accepted: sha256, compare, got \"md5\"", error(bulk(",\"verify\":\"md5\"")));
        assertEquals("flows[0].verify: \"compare\" is accepted for kind bulk only (a request-response flow is checked with sha256)",
                error(json("{\"name\":\"r\",\"kind\":\"request-response\",\"from\":\"h1\",\"to\":\"h2\",\"dst\":\"198.18.0.2\",\"verify\":\"compare\"}")));
        assertEquals("flows[0].verify: \"compare\" needs the receiver inside the emulation; this flow's peer is the external address 198.18.100.2: "
                + "use \"sha256\" and compare the hashes",
                error(json("{\"name\":\"x\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"198.18.100.2\",\"bytes\":5,\"verify\":\"compare\"}")));
        assertEquals("flows[0].verify: is not accepted for kind sink",
                error(json("{\"name\":\"s\",\"kind\":\"sink\",\"host\":\"h2\",\"listen\":5001,\"verify\":\"sha256\"}")));
    }

    @Test
    void aComparedFlowIsExactWithEqualLengthsAndNoWrongByte() {
        org.nicemu.apps.FlowResult sent = result(1000, java.util.Map.of());
        assertNull(ScenarioEngine.comparisonProblem(sent, result(1000, java.util.Map.of("firstMismatch", -1L))));
        assertEquals("first wrong byte at stream offset 417", ScenarioEngine.comparisonProblem(sent, result(1000, java.util.Map.of("firstMismatch", 417L))));
        assertEquals("1000 bytes sent, 999 received", ScenarioEngine.comparisonProblem(sent, result(999, java.util.Map.of("firstMismatch", -1L))));
    }

    private static org.nicemu.apps.FlowResult result(long bytes, java.util.Map<String, Object> extra) {
        return new org.nicemu.apps.FlowResult("f", "bulk", "x", "h", "a", "b", bytes, null, 0, 0, 1, true, null, null, extra);
    }

    @Test
    void afterNamesAnEarlierClientFlow() {
        String second = ",{\"name\":\"g\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"h2\",\"dst\":\"198.18.0.2\",\"port\":5002,\"bytes\":5%s}";
        Scenario sc = ScenarioParser.parse(json(String.format(BULK, "") + String.format(second, ",\"after\":\"f\"")));
        assertNull(sc.flows().get(0).after());
        assertEquals("f", sc.flows().get(1).after());
        assertEquals("flows[1].after: must name an earlier bulk or request-response flow of this scenario (its client's end starts this one); "
                + "accepted: f, got \"nope\"", error(json(String.format(BULK, "") + String.format(second, ",\"after\":\"nope\""))));
        assertEquals("flows[0].after: must name an earlier bulk or request-response flow of this scenario (its client's end starts this one); "
                + "there is none before this flow, got \"g\"", error(json(String.format(BULK, ",\"after\":\"g\"") + String.format(second, ""))));
    }

    @Test
    void requestResponse() {
        Scenario.FlowDef f = ScenarioParser.parse(json("{\"name\":\"rr\",\"kind\":\"request-response\",\"from\":\"h1\",\"to\":\"h2\",\"dst\":\"198.18.0.2\","
                + "\"port\":7000,\"requestBytes\":100,\"responseBytes\":2000,\"transactions\":50,\"nodelay\":true,\"start\":\"5ms\",\"seed\":9}")).flows().get(0);
        assertEquals(List.of(100, 2000, 50, 7000), List.of(f.requestBytes(), f.responseBytes(), f.transactions(), f.port()));
        assertEquals(true, f.noDelay());
        assertEquals(5_000_000L, f.startNanos());
        assertEquals(9L, f.seed());
    }

    @Test
    void errorsNameTheFieldAndWhatIsAccepted() {
        assertEquals("flows[0].to: no host named 'h3'; hosts: h1, h2",
                error(json("{\"name\":\"f\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"h3\",\"bytes\":1}")));
        assertEquals("flows[0].port: must be an integer 1..65535, got 0", error(bulk(",\"port\":0")));
        assertEquals("flows[0].port: must be an integer 1..65535, got 70000", error(bulk(",\"port\":70000")));
        assertEquals("flows[0].bytes: must be an integer 1..1000000000000000, got 0",
                error(json("{\"name\":\"f\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"h2\",\"dst\":\"198.18.0.2\",\"bytes\":0}")));
        assertEquals("flows[0].bytes: must be an integer 1..1000000000000000, got -5",
                error(json("{\"name\":\"f\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"h2\",\"dst\":\"198.18.0.2\",\"bytes\":-5}")));
        assertEquals("flows[0].bytes: is required: payload bytes to send, an integer 1..1000000000000000",
                error(json("{\"name\":\"f\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"h2\",\"dst\":\"198.18.0.2\"}")));
        assertEquals("flows[0].kind: unknown flow kind; accepted: bulk, request-response, sink, got \"udp\"",
                error(json("{\"name\":\"f\",\"kind\":\"udp\",\"from\":\"h1\",\"to\":\"h2\"}")));
        assertEquals("flows[0].transactions: is not accepted for kind bulk", error(bulk(",\"transactions\":3")));
        assertTrue(error(bulk(",\"color\":1")).startsWith("flows[0].color: unknown field; accepted here: name, kind, from, to, dst, port, bytes"));
        assertEquals("flows[0].dst: must be an IPv4 address such as \"198.18.0.2\", got \"h2\"", error(json(String.format(BULK, "").replace("198.18.0.2", "h2"))));
        assertEquals("flows[0].dst: is required: host h2 has no device addresses to default to; give an IPv4 address such as \"198.18.0.2\"",
                error(json("{\"name\":\"f\",\"kind\":\"bulk\",\"from\":\"h1\",\"to\":\"h2\",\"bytes\":1}")));
        assertEquals("flows[0].cpu: must be an integer 0..1, got 2", error(bulk(",\"cpu\":2")));
        assertEquals("flows[0].serverCpu: must be an integer 0..0, got 1", error(bulk(",\"serverCpu\":1")));
        assertEquals("flows[0].start: must not be later than the duration 1s, got \"2s\"", error(bulk(",\"start\":\"2s\"")));
        assertEquals("flows[1].port: host h2 already listens on port 5001 for flows[0]; give each flow its own port",
                error(json(String.format(BULK, "") + "," + String.format(BULK, "").replace("\"f\"", "\"g\""))));
        assertEquals("flows[1].name: duplicate flow name 'f', got \"f\"", error(json(String.format(BULK, "") + "," + String.format(BULK, ",\"port\":5002"))));
    }

    @Test
    void ssSyntax() {
        assertEquals(new CommandSyntax.Ss(false, false, false), CommandSyntax.parse(List.of("ss", "-t")));
        assertEquals(new CommandSyntax.Ss(true, false, false), CommandSyntax.parse(List.of("ss", "-ti")));
        assertEquals(new CommandSyntax.Ss(true, false, false), CommandSyntax.parse(List.of("ss", "-tin")));
        assertEquals(new CommandSyntax.Ss(false, true, false), CommandSyntax.parse(List.of("ss", "-tan")));
        assertEquals(new CommandSyntax.Ss(false, false, true), CommandSyntax.parse(List.of("ss", "-t", "-l")));
        assertEquals(new CommandSyntax.Ss(false, false, false), CommandSyntax.parse(List.of("ss")));
        String e = assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse(List.of("ss", "-tu"))).getMessage();
        assertTrue(e.startsWith("ss: unknown option 'u' in '-tu'; accepted: -t (TCP), -M (MPTCP), -i (tcp_info, MPTCP counters and subflows), -n (numeric, always), -a (all states), -l (listening); usage: "), e);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandSyntax.parse(List.of("ss", "state", "established"))).getMessage()
                .startsWith("ss: filters are not supported, got 'state'"));
        assertTrue(CommandSyntax.usage().contains("ss [-t] [-M] [-i] [-n] [-a|-l]"));
        assertEquals("State       Recv-Q Send-Q Local Address:Port     Peer Address:Port", CommandEngine.SS_HEADER.stripTrailing());
    }

    @Test
    void ssStateFilterIsIproute2s() {
        CommandSyntax.Ss dflt = new CommandSyntax.Ss(false, false, false), all = new CommandSyntax.Ss(false, true, false),
                listen = new CommandSyntax.Ss(false, false, true);
        assertTrue(CommandEngine.ssShows(SockConst.TCP_ESTABLISHED, dflt));
        assertTrue(CommandEngine.ssShows(SockConst.TCP_FIN_WAIT2, dflt));
        assertFalse(CommandEngine.ssShows(SockConst.TCP_LISTEN, dflt));
        assertFalse(CommandEngine.ssShows(SockConst.TCP_TIME_WAIT, dflt));
        assertTrue(CommandEngine.ssShows(SockConst.TCP_LISTEN, all));
        assertTrue(CommandEngine.ssShows(SockConst.TCP_TIME_WAIT, all));
        assertTrue(CommandEngine.ssShows(SockConst.TCP_LISTEN, listen));
        assertFalse(CommandEngine.ssShows(SockConst.TCP_ESTABLISHED, listen));
    }

    @Test
    void ssAndTcpSysctlsAreAcceptedAsActions() {
        Scenario sc = ScenarioParser.parse(String.format(BASE, "", "").replace("\"flows\":[]",
                "\"actions\":[{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"ss -tin\"},{\"at\":\"1ms\",\"host\":\"h1\",\"cmd\":\"sysctl -w net.ipv4.tcp_congestion_control=reno\"}]"));
        assertEquals(2, sc.actions().size());
        assertEquals(new CommandSyntax.Sysctl(List.of(), java.util.Map.of("net.ipv4.tcp_wmem", "4096 16384 4194304")),
                CommandSyntax.parse(Words.split("sysctl -w net.ipv4.tcp_wmem=\"4096 16384 4194304\"")));
    }
}
