package org.nicemu.api.emu;

import java.util.List;
import java.util.concurrent.Callable;

import org.nicemu.api.exec.EventLoop;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One emulation: an event loop thread, a clock, a seeded random source, hosts (DESIGN §4).
 * Management calls may come from any thread; they are executed on the loop.
 */
@ProviderType
public interface Emulation extends AutoCloseable {
    String name();

    long seed();

    EventLoop loop();

    /** Adds a host (a network namespace) with {@code cpus} emulated CPUs. */
    Host addHost(String name, int cpus);

    /** The host with that name, or null. */
    Host host(String name);

    List<Host> hosts();

    /**
     * Runs the loop until emulated time {@code untilNanos} or until no event is left, whichever
     * comes first; blocks the caller until then. Returns the emulated time reached.
     */
    long runUntil(long untilNanos) throws InterruptedException;

    /** Lets the loop run freely in the background (the shell's {@code run}). */
    void start();

    /** Stops a background run between two events (the shell's {@code pause}). */
    void pause();

    boolean isRunning();

    /** Runs {@code task} on the loop thread and waits for its result; exceptions are rethrown. */
    <T> T call(Callable<T> task) throws Exception;

    /** Number of events processed so far. */
    long events();

    /** Stops the loop and closes every port (pcap files are flushed and closed). */
    @Override
    void close();
}
