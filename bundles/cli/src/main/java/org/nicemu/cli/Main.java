package org.nicemu.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.ScenarioRunner;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The command line of the executable jar: the bnd launcher calls {@link #call()} on the main
 * thread (service property {@code main.thread=true}) and exits with its result. Arguments come
 * from the launcher's own service ({@code launcher.arguments}).
 *
 * <pre>
 *   demo [--out DIR]                       the embedded default scenario (default DIR nicemu-out)
 *   run SCENARIO.json [--out DIR]          a scenario file
 *   shell [SCENARIO.json] [--out DIR]      load it and keep Felix + Gogo running
 *   help
 * </pre>
 * Exit codes: 0 success, 2 usage error or bad scenario (one message on stderr), 1 runtime failure.
 * Nothing escapes: every exception becomes a message and an exit code.
 */
@Component(property = "main.thread=true", service = Callable.class)
public final class Main implements Callable<Integer> {
    /** The embedded demo scenario. */
    static final String DEFAULT_OUT = "nicemu-out";
    static final String USAGE = String.join("\n",
            "usage: nicemu COMMAND [ARGS]",
            "  demo [--out DIR]                     run the embedded demo scenario (pcaps and summary.json in DIR, default " + DEFAULT_OUT + ")",
            "  run SCENARIO.json [--out DIR] [--repeat N]  run a scenario file (docs/scenario.md); progress on stderr;",
            "                                       --repeat runs it N times in this JVM (benchmarks: later runs are warmed up)",
            "  shell [SCENARIO.json] [--out DIR]    load the scenario (if given) and keep the Gogo shell open (docs/shell.md)",
            "  help                                 this text",
            "exit codes: 0 success, 2 usage error or bad scenario, 1 runtime failure");

    static final String STOPPED = "nicemu: the OSGi framework stopped while the command ran (the Gogo console reached the end of its input?"
            + " run with -Dgosh.args=--nointeractive, as ./nicemu does)";

    @Reference
    private ScenarioRunner runner;

    private volatile String[] args = new String[0];
    private volatile BundleContext context;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private PrintStream out = System.out;
    private PrintStream err = System.err;

    /** For DS. */
    public Main() {
    }

    /** For tests: a runner, the arguments and where output goes. */
    Main(ScenarioRunner runner, String[] args, PrintStream out, PrintStream err) {
        this.runner = runner;
        this.args = args.clone();
        this.out = out;
        this.err = err;
    }

    /** The launcher's service: its {@code launcher.arguments} property holds the command line. */
    @Reference(service = Object.class, target = "(launcher.arguments=*)")
    void setLauncher(Map<String, Object> props) {
        Object a = props.get("launcher.arguments");
        if (a instanceof String[]) args = ((String[]) a).clone();
    }

    @Activate
    void activate(BundleContext ctx) {
        context = ctx;
    }

    @Deactivate
    void deactivate() {
        stopped.countDown();
    }

    @Override
    public Integer call() {
        try {
            return main(args);
        } catch (Throwable t) {
            if (frameworkStopping()) {
                err.println(STOPPED);
            } else {
                err.println("nicemu: internal error: " + t);
            }
            return 1;
        }
    }

    private boolean frameworkStopping() {
        BundleContext c = context;
        if (c == null) return false;
        try {
            Bundle sys = c.getBundle(0);
            return sys == null || (sys.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0;
        } catch (RuntimeException e) {
            return true;
        }
    }

    int main(String[] a) {
        if (a.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String cmd = a[0];
        List<String> rest = new ArrayList<>(List.of(a).subList(1, a.length));
        try {
            switch (cmd) {
                case "help": case "--help": case "-h":
                    out.println(USAGE);
                    return 0;
                case "demo": {
                    Path outDir = outOption(rest);
                    if (!rest.isEmpty()) return usage("demo takes no scenario file (unexpected '" + rest.get(0) + "')");
                    return runScenario(runner.demoScenario(), "demo", outDir);
                }
                case "run": {
                    int repeat = repeatOption(rest);
                    Path outDir = outOption(rest);
                    if (rest.size() != 1) return usage("run needs exactly one SCENARIO.json" + (rest.isEmpty() ? "" : ", got " + rest));
                    String json = read(rest.get(0));
                    int rc = 0;
                    for (int i = 1; i <= repeat && rc == 0; i++) {
                        resetPeakHeap();
                        long cpu0 = processCpuNanos();
                        long t0 = System.nanoTime();
                        rc = runScenario(json, rest.get(0), outDir);
                        if (repeat > 1) {
                            long wall = System.nanoTime() - t0, cpu = processCpuNanos() - cpu0;
                            out.printf("nicemu: run %d of %d: %d ms wall (whole run incl. setup and pcap close), %s, peak heap %d MiB%n", i, repeat,
                                    wall / 1_000_000, cpu0 < 0 ? "process CPU unknown"
                                            : String.format(java.util.Locale.ROOT, "process CPU %d ms (%.2f cores)", cpu / 1_000_000, (double) cpu / wall),
                                    peakHeapBytes() >> 20);
                        }
                    }
                    return rc;
                }
                case "shell": {
                    Path outDir = outOption(rest);
                    if (rest.size() > 1) return usage("shell takes at most one SCENARIO.json, got " + rest);
                    return shell(rest.isEmpty() ? null : rest.get(0), outDir);
                }
                default:
                    return usage("unknown command '" + cmd + "'; accepted: demo, run, shell, help");
            }
        } catch (IllegalArgumentException e) {
            err.println("nicemu: " + e.getMessage());
            return 2;
        } catch (RuntimeException | LinkageError e) {
            if (frameworkStopping()) {
                err.println(STOPPED);
            } else {
                err.println("nicemu: failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            return 1;
        }
    }

    private int usage(String msg) {
        err.println("nicemu: " + msg);
        err.println(USAGE);
        return 2;
    }

    /** Removes {@code --repeat N} from {@code rest}; 1 if absent. */
    static int repeatOption(List<String> rest) {
        for (int i = 0; i < rest.size(); i++) {
            String w = rest.get(i);
            String v = null;
            if (w.equals("--repeat")) {
                if (i + 1 >= rest.size()) throw new IllegalArgumentException("--repeat needs a count 1..100");
                v = rest.remove(i + 1);
                rest.remove(i);
            } else if (w.startsWith("--repeat=")) {
                v = w.substring("--repeat=".length());
                rest.remove(i);
            }
            if (v != null) {
                try {
                    int n = Integer.parseInt(v);
                    if (n >= 1 && n <= 100) return n;
                } catch (NumberFormatException e) {
                    // fall through
                }
                throw new IllegalArgumentException("--repeat needs a count 1..100, got '" + v + "'");
            }
        }
        return 1;
    }

    /** The highest heap use the JVM has seen (sum of the heap pools' peaks). */
    /** The JVM's CPU time, all threads (JMX attribute {@code ProcessCpuTime}), or -1 when not available. */
    static long processCpuNanos() {
        try {
            Object v = java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new javax.management.ObjectName("java.lang:type=OperatingSystem"), "ProcessCpuTime");
            return v instanceof Long ? (Long) v : -1;
        } catch (javax.management.JMException | RuntimeException e) {
            return -1;
        }
    }

    /** Starts a new peak for {@link #peakHeapBytes} (each run of {@code --repeat} reports its own). */
    static void resetPeakHeap() {
        for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP) p.resetPeakUsage();
        }
    }

    static long peakHeapBytes() {
        long peak = 0;
        for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP && p.getPeakUsage() != null) peak += p.getPeakUsage().getUsed();
        }
        return peak;
    }

    /** Removes {@code --out DIR} (or {@code --out=DIR}) from {@code rest}; the default folder if absent. */
    static Path outOption(List<String> rest) {
        String dir = null;
        for (int i = 0; i < rest.size(); i++) {
            String w = rest.get(i);
            if (w.equals("--out") || w.equals("-o")) {
                if (i + 1 >= rest.size()) throw new IllegalArgumentException("--out needs a folder");
                dir = rest.remove(i + 1);
                rest.remove(i);
                i--;
            } else if (w.startsWith("--out=")) {
                dir = w.substring("--out=".length());
                rest.remove(i);
                i--;
            } else if (w.startsWith("-")) {
                throw new IllegalArgumentException("unknown option '" + w + "'; accepted: --out DIR (and --repeat N for run)");
            }
        }
        try {
            return Path.of(dir == null ? DEFAULT_OUT : dir);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("--out: not a valid folder name: " + dir);
        }
    }


    private static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("scenario file " + file + " does not exist");
        } catch (IOException | InvalidPathException e) {
            throw new IllegalArgumentException("cannot read scenario file " + file + ": " + e.getMessage());
        }
    }

    private int runScenario(String json, String what, Path outDir) {
        err.println("nicemu: running " + what + ", output in " + outDir.toAbsolutePath());
        Map<String, Object> s = runner.run(json, outDir, err);
        Object c = s.get("check");
        boolean balanced = true;
        boolean drained = Boolean.TRUE.equals(s.get("drained"));
        if (c instanceof Map) {
            Map<?, ?> check = (Map<?, ?>) c;
            balanced = Boolean.TRUE.equals(check.get("balanced"));
            out.println("nicemu: " + what + ": emulated " + formatTime(((Number) s.get("emulatedTimeNanos")).longValue()) + " in "
                    + s.get("wallTimeMillis") + " ms wall, " + s.get("events") + " events; frames generated " + check.get("generated")
                    + ", sent " + check.get("sent") + ", dropped " + check.get("dropped") + " " + check.get("droppedByReason")
                    + ", queued " + check.get("queued") + (balanced ? " (balanced)" : " (NOT balanced)"));
        }
        out.println("nicemu: summary in " + outDir.resolve("summary.json"));
        if (!balanced) {
            if (drained) {
                err.println("nicemu: check failed: generated != sent + dropped + queued after the run drained");
                return 1;
            }
            err.println("nicemu: warning: the run ended at its duration with frames in flight; the check counts descriptors not yet reclaimed as queued");
        }
        return 0;
    }

    private int shell(String file, Path outDir) {
        if (file != null) {
            Emulation emu = runner.load(read(file), outDir);
            out.println("nicemu: scenario " + file + " loaded as emulation '" + emu.name() + "', paused at emulated time 0 (captures in "
                    + outDir.toAbsolutePath() + ")");
        }
        out.println("nicemu: Gogo shell. Try: emu list, tc -s qdisc show, ip -s link, run 10ms, counters, emu help. 'stop 0' quits.");
        openConsoleIfNeeded();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Gogo's own console runs unless {@code gosh.args} contains {@code --nointeractive}; then this
     * opens one, and leaving it ends the shell.
     */
    private void openConsoleIfNeeded() {
        BundleContext c = context;
        if (c == null) return;
        String gosh = c.getProperty("gosh.args");
        if (gosh == null || !gosh.contains("--nointeractive")) return; // Gogo's own console is there
        ServiceReference<?> ref = c.getServiceReference("org.apache.felix.service.command.CommandProcessor");
        Object processor = ref == null ? null : c.getService(ref);
        if (processor == null) {
            err.println("nicemu: no Gogo console available (org.apache.felix.gogo.runtime is not active); the emulation stays loaded until the framework stops");
            return;
        }
        try {
            // the process's own streams: System.out/err are Gogo's per-thread redirections by now
            GogoConsole.start(processor, new FileInputStream(FileDescriptor.in), new PrintStream(new FileOutputStream(FileDescriptor.out), true),
                    new PrintStream(new FileOutputStream(FileDescriptor.err), true), stopped::countDown);
        } catch (LinkageError e) {
            err.println("nicemu: no Gogo console available (" + e + "); the emulation stays loaded until the framework stops");
        }
    }

    /** Emulated time for people: 1.5ms, 201ms, 2s. */
    static String formatTime(long nanos) {
        if (nanos % 1_000_000_000L == 0 && nanos != 0) return nanos / 1_000_000_000L + "s";
        if (nanos >= 1_000_000L) return String.format(java.util.Locale.ROOT, "%.3fms", nanos / 1e6);
        if (nanos >= 1_000L) return String.format(java.util.Locale.ROOT, "%.3fus", nanos / 1e3);
        return nanos + "ns";
    }
}
