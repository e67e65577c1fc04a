package org.nicemu.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The embedded default scenario of {@code nicemu demo} (docs/scenario.md shows it). */
final class DemoScenario {
    static final String RESOURCE = "/org/nicemu/scenario/demo.json";

    private DemoScenario() {
    }

    /** The demo scenario's JSON text. */
    static String json() {
        try (InputStream in = DemoScenario.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the embedded demo scenario " + RESOURCE + " is missing from the bundle");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded demo scenario: " + e, e);
        }
    }
}
