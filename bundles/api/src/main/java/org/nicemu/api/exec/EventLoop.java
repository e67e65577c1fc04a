package org.nicemu.api.exec;

import java.util.SplittableRandom;

import org.nicemu.api.time.Clock;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The single thread that owns all state of one emulation (DESIGN §5). Plugin code runs on it and
 * uses it for time, timers and randomness; other threads only {@link #post(Runnable)} tasks to it.
 */
@ProviderType
public interface EventLoop {
    /** The emulation clock. */
    Clock clock();

    /** Shorthand for {@code clock().nowNanos()}. */
    default long now() {
        return clock().nowNanos();
    }

    /** Creates a timer that runs {@code action} on this loop when it fires. */
    Timer newTimer(String name, Runnable action);

    /**
     * Runs {@code task} on the loop thread at the current emulated time, after the event being
     * processed. Safe from any thread.
     */
    void post(Runnable task);

    /** True when called on the loop thread. */
    boolean inLoop();

    /**
     * Runs {@code task} on the loop and waits until it has run, at most {@code timeoutMillis}; runs
     * it directly when called on the loop thread. For framework threads that must know the loop has
     * finished with a bundle's code before they return (DESIGN §6). The task handles its own
     * exceptions. Returns false when the loop did not run it in time.
     */
    default boolean runAndWait(Runnable task, long timeoutMillis) throws InterruptedException {
        if (inLoop()) {
            task.run();
            return true;
        }
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        post(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        return done.await(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * A deterministic random stream derived from the emulation seed and {@code stream}: the same
     * seed and stream name always give the same sequence.
     */
    SplittableRandom random(String stream);
}
