package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Emulations;
import org.osgi.test.common.annotation.InjectService;

/** The application resolves and starts in Felix: the core service and the plugin kinds are there. */
class FrameworkSmokeIT {
    @InjectService(timeout = 10_000)
    Emulations emulations;

    @Test
    void pluginsAreRegistered() {
        assertTrue(emulations.qdiscKinds().contains("pfifo_fast"), emulations.qdiscKinds().toString());
    }
}
