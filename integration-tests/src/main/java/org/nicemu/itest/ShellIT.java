package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.osgi.test.common.annotation.InjectService;

/**
 * The nicemu commands as a shell user types them: through the real Gogo runtime's
 * {@link CommandProcessor}, one command line at a time, as the console does. A two-host scenario
 * is loaded with {@code emu load}; {@code emu use NAME h2} must hold for the commands after it
 * (Gogo gets and releases the command service around each line), {@code ping} must be a command,
 * and {@code ss -tin} shows the connection of the host selected.
 */
class ShellIT {
    @InjectService(timeout = 10_000)
    CommandProcessor processor;
    @InjectService(timeout = 10_000)
    Emulations emulations;

    private static final String SCENARIO = """
            {"name": "shellit", "seed": 3, "virtualTime": true, "duration": "5s",
             "hosts": [
              {"name": "h1", "cpus": 1, "devices": [{"name": "eth0", "rate": "1gbit", "mac": "02:00:00:00:01:01", "addresses": ["198.18.0.1/24"]}]},
              {"name": "h2", "cpus": 1, "devices": [{"name": "eth0", "rate": "1gbit", "mac": "02:00:00:00:02:01", "addresses": ["198.18.0.2/24"]}]}],
             "wires": [{"name": "w", "a": "h1:eth0", "b": "h2:eth0", "params": {"rate": "1gbit", "delay": "1ms"}}],
             "flows": [{"name": "bulk", "kind": "bulk", "from": "h1", "to": "h2", "port": 5001, "bytes": 50000000, "cc": "cubic"}]}
            """;

    @Test
    void theHostChosenWithEmuUseHoldsForTheNextCommandsAndPingIsACommand() throws Exception {
        Path dir = Files.createTempDirectory("nicemu-shell");
        Path file = dir.resolve("shellit.json");
        Files.writeString(file, SCENARIO, StandardCharsets.UTF_8);
        try {
            String loaded = line("emu load " + file + " " + dir);
            assertTrue(loaded.contains("loaded as emulation shellit"), loaded);
            assertTrue(line("run 200ms").contains("emulated time 200ms"), "run");

            String use = line("emu use shellit h2");
            assertTrue(use.contains("using emulation shellit, host h2"), use);
            String addr = line("ip addr show");
            assertTrue(addr.contains("198.18.0.2/24"), "ip addr on h2 after 'emu use shellit h2': " + addr);
            assertFalse(addr.contains("several hosts"), addr);
            assertEquals("""
                    2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000
                        link/ether 02:00:00:00:02:01 brd ff:ff:ff:ff:ff:ff
                        inet 198.18.0.2/24 brd 198.18.0.255 scope global eth0
                           valid_lft forever preferred_lft forever
                    """, addr, "iproute2's format");
            String ss = line("ss -tin");
            assertTrue(ss.contains("ESTAB") && ss.contains("198.18.0.2:5001") && ss.contains("198.18.0.1:"), "h2's accepted connection: " + ss);

            String use1 = line("emu use shellit h1");
            assertTrue(use1.contains("host h1"), use1);
            String ss1 = line("ss -tin");
            assertTrue(ss1.contains("ESTAB") && ss1.contains("198.18.0.1:") && ss1.contains("cwnd:"), "h1's connection: " + ss1);
            assertTrue(line("ip addr show").contains("198.18.0.1/24"), "ip addr on h1");

            // TCP_CONGESTION on the live connection, from the shell
            assertTrue(line("sysctl net.ipv4.tcp_available_congestion_control").contains("= cubic lia reno"), "the algorithms of the running bundles");
            String cc = line("tcp congestion reno");
            assertTrue(cc.matches("198\\.18\\.0\\.1:\\d+ -> 198\\.18\\.0\\.2:5001 congestion reno \\(was cubic\\)\\R"), cc);
            assertTrue(line("run 50ms").contains("emulated time 250ms"), "traffic goes on");
            String ssReno = line("ss -tin");
            assertTrue(ssReno.contains("ESTAB") && ssReno.contains("\t reno wscale:"), "ss shows reno on the live connection: " + ssReno);
            assertTrue(line("tcp congestion cubic 5001").contains("congestion cubic (was reno)"), "and back, by port");
            assertTrue(line("tcp congestion vegas").startsWith("nicemu: tcp congestion: unknown algorithm 'vegas'; available: cubic, lia, reno"), "unknown name");
            assertTrue(line("tcp congestion reno 7000").startsWith("nicemu: tcp congestion: no live TCP connection on host h1 with local or remote port 7000"));
            assertTrue(line("sysctl -w net.ipv4.tcp_available_congestion_control=reno").contains("read-only"), "read-only sysctl");

            String bad = line("emu use shellit h9");
            assertTrue(bad.startsWith("nicemu: emulation shellit has no host 'h9'; hosts: h1, h2"), bad);
            assertTrue(line("ip addr show").contains("198.18.0.1/24"), "a refused 'emu use' keeps the selection");

            assertTrue(line("emu use shellit h2").contains("host h2"));
            String ping = line("ping -c 3 198.18.0.1");
            assertTrue(ping.contains("3 packets transmitted, 3 received, 0% packet loss"), "ping from h2: " + ping);

            // a scenario whose action names an algorithm no bundle offers is refused when it is read
            Path badFile = dir.resolve("bad.json");
            Files.writeString(badFile, SCENARIO.replace("\"shellit\"", "\"shellbad\"").replace("\"flows\"",
                    "\"actions\": [{\"at\": \"10ms\", \"host\": \"h1\", \"cmd\": \"tcp congestion vegas\"}],\n \"flows\""), StandardCharsets.UTF_8);
            String bad2 = line("emu load " + badFile + " " + dir);
            assertTrue(bad2.contains("actions[0].cmd: tcp congestion: unknown algorithm 'vegas'; available: cubic, lia, reno"), bad2);
            assertTrue(emulations.get("shellbad") == null, "nothing built");
        } finally {
            if (session != null) session.close();
            Emulation e = emulations.get("shellit");
            if (e != null) e.close();
        }
    }

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    private CommandSession session;

    /** One command line in the test's session, as the console runs each line; returns what it printed. */
    private String line(String cmd) throws Exception {
        if (session == null) session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        buf.reset();
        Object r = session.execute(cmd);
        if (r != null) out.println(r);
        out.flush();
        return buf.toString(StandardCharsets.UTF_8);
    }
}
