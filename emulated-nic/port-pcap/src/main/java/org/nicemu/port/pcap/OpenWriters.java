package org.nicemu.port.pcap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Process-wide registry of open {@link CaptureFileWriter}s, so that Ctrl-C (SIGINT/SIGTERM, any
 * normal JVM exit) still leaves complete, valid capture files.
 *
 * <p>Every writer registers itself when it opens and unregisters when it closes. While at least
 * one writer is open, one JVM shutdown hook ({@code nicemu-capture-close}) is installed; it closes
 * every registered writer (which waits for a record in progress, writes pcapng statistics blocks
 * and flushes). When the last writer closes, the hook is removed again, so a stopped or
 * uninstalled bundle leaves no hook (and no class loader) behind in the JVM. A JVM killed with
 * SIGKILL or {@code Runtime.halt} runs no hooks: then the files end at the last buffer drain,
 * which is always at a record boundary.
 */
public final class OpenWriters {
    private static final Set<CaptureFileWriter> OPEN = ConcurrentHashMap.newKeySet();
    private static Thread hook; // guarded by OpenWriters.class

    private OpenWriters() {
    }

    /** Adds an opened writer; installs the shutdown hook if it is the first one. */
    static synchronized void register(CaptureFileWriter w) {
        OPEN.add(w);
        if (hook == null) {
            Thread t = new Thread(OpenWriters::closeAll, "nicemu-capture-close");
            try {
                Runtime.getRuntime().addShutdownHook(t);
                hook = t;
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already shutting down: nothing more to install
            }
        }
    }

    /** Removes a closed writer; removes the shutdown hook when none is left. */
    static synchronized void unregister(CaptureFileWriter w) {
        OPEN.remove(w);
        if (OPEN.isEmpty() && hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to run; leave it
            }
            hook = null;
        }
    }

    /** Number of writers currently open in this JVM (for tests and the shell). */
    public static int openCount() {
        return OPEN.size();
    }

    /**
     * Closes every open writer; what the shutdown hook runs. Errors are printed, never thrown, so
     * that one broken file does not keep the others from being closed.
     */
    public static void closeAll() {
        List<CaptureFileWriter> all = new ArrayList<>(OPEN);
        for (CaptureFileWriter w : all) {
            try {
                w.close();
            } catch (RuntimeException e) {
                System.err.println("nicemu: closing " + w.file() + " failed: " + e);
            }
        }
    }
}
