package org.nicemu.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The real-time loop (virtualTime=false): waits for the wall clock without burning a core, wakes on posts. */
class RealTimeLoopTest {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    @Test
    void boundedRunWaitsForTheWallClockAndIdlesCheaply() {
        EmuLoop loop = new EmuLoop(1, false);
        loop.bindThread(Thread.currentThread());
        long cpu0 = MX.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        long reached = loop.runUntil(300_000_000L);
        long wall = System.nanoTime() - w0;
        long cpu = MX.getCurrentThreadCpuTime() - cpu0;
        assertEquals(300_000_000L, reached);
        assertTrue(loop.wallNanos() >= 300_000_000L, "the clock did not run ahead of the wall clock");
        assertTrue(wall >= 250_000_000L, "waited " + wall + " ns");
        assertTrue(cpu < 60_000_000L, "an idle real-time loop must park, not spin: " + cpu + " ns CPU in " + wall + " ns");
    }

    @Test
    void timersFireAtTheirWallTimeAndReadTheirExpiry() {
        EmuLoop loop = new EmuLoop(1, false);
        loop.bindThread(Thread.currentThread());
        AtomicLong firedWall = new AtomicLong(-1), firedClock = new AtomicLong(-1);
        long at = loop.wallNanos() + 20_000_000L;
        loop.newTimer("t", () -> {
            firedWall.set(loop.wallNanos());
            firedClock.set(loop.now());
        }).arm(at);
        loop.runUntil(at + 10_000_000L);
        assertTrue(firedWall.get() >= at, "fired at wall " + firedWall.get() + " before its expiry " + at);
        assertEquals(at, firedClock.get());
    }

    @Test
    void aPostFromAnotherThreadWakesTheLoopAndSeesWallTime() throws Exception {
        EmuLoop loop = new EmuLoop(1, false);
        loop.bindThread(Thread.currentThread());
        AtomicLong ranWall = new AtomicLong(-1), ranClock = new AtomicLong(-1), postedWall = new AtomicLong(-1);
        Thread other = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            postedWall.set(loop.wallNanos());
            loop.post(() -> {
                ranWall.set(loop.wallNanos());
                ranClock.set(loop.now());
            });
        });
        other.start();
        loop.runUntil(loop.wallNanos() + 1_000_000_000L); // a timer far away: the loop parks until then or a post
        other.join();
        assertTrue(ranWall.get() > 0, "the posted task ran");
        long latency = ranWall.get() - postedWall.get();
        assertTrue(latency < 20_000_000L, "the post woke the parked loop within 20 ms, took " + latency + " ns");
        assertTrue(ranClock.get() >= postedWall.get(), "the clock was moved to the wall clock before the task ran");
    }
}
