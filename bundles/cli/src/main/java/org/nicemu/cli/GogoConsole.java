package org.nicemu.cli;

import java.io.InputStream;
import java.io.PrintStream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/**
 * Opens an interactive Gogo console ({@code gosh --login --noshutdown}) on the process's standard
 * streams, for {@code nicemu shell} when Gogo's own console is switched off
 * ({@code gosh.args=--nointeractive}). Loaded only then, so the bundle does not need Gogo otherwise.
 */
final class GogoConsole {
    private GogoConsole() {
    }

    /**
     * Starts the console on a daemon thread; {@code onEnd} runs when the user leaves it (end of
     * input, {@code exit}) or it fails.
     *
     * @param processor a {@code CommandProcessor} service object
     */
    static void start(Object processor, InputStream in, PrintStream out, PrintStream err, Runnable onEnd) {
        CommandProcessor cp = (CommandProcessor) processor;
        Thread t = new Thread(() -> {
            try (CommandSession s = cp.createSession(in, out, err)) {
                s.execute("gosh --login --noshutdown");
            } catch (Exception e) {
                Throwable c = e;
                while (c.getCause() != null && (c instanceof java.lang.reflect.InvocationTargetException || c.getMessage() == null)) c = c.getCause();
                err.println("nicemu: console: " + c);
                if (Boolean.getBoolean("nicemu.debug")) e.printStackTrace(err);
            } finally {
                onEnd.run();
            }
        }, "nicemu-console");
        t.setDaemon(true);
        t.start();
    }
}
