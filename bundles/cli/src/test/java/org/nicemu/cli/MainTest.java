package org.nicemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.ScenarioRunner;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private String lastJson;
    private Path lastOut;

    private static final String DEMO = "{\"name\": \"demo\"}";

    private final class FakeRunner implements ScenarioRunner {
        final Function<String, Map<String, Object>> behaviour;

        FakeRunner(Function<String, Map<String, Object>> behaviour) { this.behaviour = behaviour; }

        @Override
        public String demoScenario() { return DEMO; }

        @Override
        public void validate(String json) { }

        @Override
        public Emulation load(String json, Path outDir) { throw new IllegalStateException("not in this test"); }

        @Override
        public Map<String, Object> run(String json, Path outDir, PrintStream progress) {
            lastJson = json;
            lastOut = outDir;
            return behaviour.apply(json);
        }
    }

    private static Map<String, Object> summary(boolean balanced, boolean drained) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("generated", 10L);
        check.put("sent", balanced ? 10L : 9L);
        check.put("dropped", 0L);
        check.put("droppedByReason", Map.of());
        check.put("queued", 0L);
        check.put("balanced", balanced);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("emulatedTimeNanos", 5_000_000L);
        s.put("wallTimeMillis", 12L);
        s.put("events", 100L);
        s.put("drained", drained);
        s.put("check", check);
        return s;
    }

    private int main(ScenarioRunner r, String... args) {
        Main m = new Main(r, args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return m.call();
    }

    private String err() { return err.toString(StandardCharsets.UTF_8); }

    @Test
    void usageAndHelp() {
        FakeRunner r = new FakeRunner(j -> summary(true, true));
        assertEquals(2, main(r));
        assertTrue(err().contains("usage: nicemu COMMAND"));
        assertEquals(0, main(r, "help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("demo [--out DIR]"));
        assertEquals(2, main(r, "frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'; accepted: demo, run, shell, help"));
        assertEquals(2, main(r, "demo", "--out"));
        assertTrue(err().contains("--out needs a folder"));
        assertEquals(2, main(r, "demo", "--fast"));
        assertEquals(2, main(r, "run"));
        assertTrue(err().contains("run needs exactly one SCENARIO.json"));
    }

    @Test
    void demoRunsTheEmbeddedScenario() {
        FakeRunner r = new FakeRunner(j -> summary(true, true));
        assertEquals(0, main(r, "demo"));
        assertEquals(DEMO, lastJson);
        assertEquals(Path.of("nicemu-out"), lastOut);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("(balanced)"));
        assertEquals(0, main(r, "demo", "--out", "/tmp/x"));
        assertEquals(Path.of("/tmp/x"), lastOut);
        assertEquals(0, main(r, "demo", "--out=/tmp/y"));
        assertEquals(Path.of("/tmp/y"), lastOut);
    }

    @Test
    void runExitCodes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("s.json");
        Files.writeString(f, "{}");
        assertEquals(0, main(new FakeRunner(j -> summary(true, true)), "run", f.toString(), "--out", dir.toString()));
        assertEquals(2, main(new FakeRunner(j -> { throw new IllegalArgumentException("hosts[0].cpus: must be an integer 1..256, got 0"); }),
                "run", f.toString(), "--out", dir.toString()));
        assertTrue(err().contains("nicemu: hosts[0].cpus: must be an integer 1..256, got 0"));
        assertEquals(1, main(new FakeRunner(j -> { throw new IllegalStateException("disk full"); }), "run", f.toString()));
        assertTrue(err().contains("nicemu: failed: disk full"));
        assertEquals(1, main(new FakeRunner(j -> { throw new NullPointerException(); }), "run", f.toString()));
        assertTrue(err().contains("nicemu: failed: java.lang.NullPointerException"));
        assertEquals(1, main(new FakeRunner(j -> summary(false, true)), "run", f.toString()));
        assertTrue(err().contains("check failed"));
        assertEquals(0, main(new FakeRunner(j -> summary(false, false)), "run", f.toString()));
        assertTrue(err().contains("warning"));
        assertEquals(2, main(new FakeRunner(j -> summary(true, true)), "run", dir.resolve("missing.json").toString()));
        assertTrue(err().contains("does not exist"));
    }
}
