package org.nicemu.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Commands;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;

class NicemuCommandsTest {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private PrintStream saved;
    private final List<String> lines = new ArrayList<>();

    /** No emulations at all: every forwarded command must print one message and not throw. */
    private final Emulations none = new Emulations() {
        @Override public Emulation create(String name, long seed, boolean virtualTime) { throw new IllegalArgumentException("emulation name must be 1-64 letters; got '" + name + "'"); }
        @Override public Emulation get(String name) { return null; }
        @Override public Collection<Emulation> list() { return List.of(); }
        @Override public Set<String> qdiscKinds() { return Set.of(); }
        @Override public Set<String> driverKinds() { return Set.of(); }
        @Override public Set<String> portKinds() { return Set.of(); }
        @Override public Set<String> congestionControls() { return Set.of(); }
    };

    private final Commands recording = (emu, host, line) -> {
        lines.add(line);
        if (line.equals("help")) return "tc ...\n";
        throw new IllegalStateException("boom");
    };

    @BeforeEach
    void capture() {
        saved = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(saved);
    }

    private String out() { return buf.toString(StandardCharsets.UTF_8); }

    @Test
    void noEmulationGivesOneMessage() {
        NicemuCommands c = new NicemuCommands(recording, none, null);
        c.tc("-s", "qdisc", "show");
        c.run();
        c.emu("use", "x");
        c.emu("new", "bad name");
        c.emu("frob");
        String o = out();
        assertTrue(o.contains("nicemu: no emulation; create one with 'emu new NAME' or 'emu load SCENARIO.json'"), o);
        assertTrue(o.contains("nicemu: no emulation named 'x'; emulations: (none)"), o);
        assertTrue(o.contains("nicemu: emulation name must be 1-64 letters; got 'bad name'"), o);
        assertTrue(o.contains("nicemu: emu: unknown operation 'frob'; accepted: list, use, new, host, dev, load, runfile, close, help"), o);
        assertTrue(lines.isEmpty());
        c.emu("help");
        assertTrue(out().contains("emu use NAME [HOST]") && out().contains("tc ..."));
    }

    @Test
    void quoting() {
        assertEquals("eth0", NicemuCommands.quote("eth0"));
        assertEquals("'/tmp/a b.pcap'", NicemuCommands.quote("/tmp/a b.pcap"));
        assertEquals("''", NicemuCommands.quote(""));
        assertEquals("'it'\"'\"'s'", NicemuCommands.quote("it's"));
    }
}
