package org.nicemu.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.exec.WorkStruct;
import org.nicemu.api.stats.CostCounters;

/** Event loop ordering, workqueue pending rule, scheduler context switches, lock model. */
class ExecModelTest {
    @Test
    void timersFireInTimeThenArmOrder() {
        EmuLoop loop = new EmuLoop(7, true);
        List<String> order = new ArrayList<>();
        Timer a = loop.newTimer("a", () -> order.add("a@" + loop.now()));
        Timer b = loop.newTimer("b", () -> order.add("b@" + loop.now()));
        Timer c = loop.newTimer("c", () -> order.add("c@" + loop.now()));
        c.arm(500);
        a.arm(100);
        b.arm(100);
        assertEquals(1000, loop.runUntil(1000), "the clock reaches the limit");
        assertEquals(List.of("a@100", "b@100", "c@500"), order);
        a.arm(2000);
        assertEquals(1000, loop.runUntil(1000), "an event after the limit: the clock stops at the limit");
        assertEquals(2000, loop.runUntil(Long.MAX_VALUE), "no limit: the clock stays at the last event, 2000");
        assertEquals(4, loop.events());
        a.arm(3000);
        a.cancel();
        assertFalse(a.isArmed());
        loop.runUntil(Long.MAX_VALUE);
        assertEquals(4, loop.events(), "a cancelled timer does not fire");
    }

    @Test
    void reArmedAndCancelledTimersFireInTimeThenLastArmOrder() {
        EmuLoop loop = new EmuLoop(7, true);
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int n = 64;
        List<Integer> fired = new ArrayList<>();
        Timer[] timers = new Timer[n];
        long[] at = new long[n];
        long[] armSeq = new long[n]; // -1: not armed
        for (int i = 0; i < n; i++) {
            int id = i;
            timers[i] = loop.newTimer("t" + i, () -> fired.add(id));
            armSeq[i] = -1;
        }
        for (int step = 0; step < 5_000; step++) {
            int i = r.nextInt(n);
            if (r.nextInt(4) == 0) {
                timers[i].cancel();
                armSeq[i] = -1;
            } else {
                at[i] = r.nextLong(50); // many equal times: arm order decides
                timers[i].arm(at[i]);
                armSeq[i] = step;
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) if (armSeq[i] >= 0) expected.add(i);
        expected.sort((x, y) -> at[x] != at[y] ? Long.compare(at[x], at[y]) : Long.compare(armSeq[x], armSeq[y]));
        loop.runUntil(Long.MAX_VALUE);
        assertEquals(expected, fired);
    }

    @Test
    void seededStreamsAreReproducible() {
        assertEquals(new EmuLoop(5, true).random("x").nextLong(), new EmuLoop(5, true).random("x").nextLong());
        assertTrue(new EmuLoop(5, true).random("x").nextLong() != new EmuLoop(6, true).random("x").nextLong());
    }

    @Test
    void queueWorkOnDoesNotQueuePendingWorkTwice() {
        EmuLoop loop = new EmuLoop(1, true);
        CostCounters c = new CostCounters();
        WorkqueuesImpl wq = new WorkqueuesImpl(loop, c, 2);
        int[] runs = {0};
        WorkStruct w = new WorkStruct("w", () -> runs[0]++);
        assertTrue(wq.queueWorkOn(1, w));
        assertTrue(w.isPending());
        assertFalse(wq.queueWorkOn(0, w), "WORK_STRUCT_PENDING_BIT set: not queued again");
        loop.runUntil(0);
        assertEquals(1, runs[0]);
        assertFalse(w.isPending());
        assertTrue(wq.queueWorkOn(0, w), "queued again once it ran");
        loop.runUntil(0);
        assertEquals(2, runs[0]);
        assertEquals(2, c.workQueued);
        assertEquals(1, c.workAlreadyPending);
        assertEquals(2, c.workExecuted);
    }

    @Test
    void blockingAndWakingCountContextSwitches() {
        Cpu[] cpus = {new Cpu(0)};
        CostCounters c = new CostCounters();
        Scheduler s = new Scheduler(cpus, c);
        Task app = new Task("app", 0);
        Task other = new Task("other", 0);
        List<String> log = new ArrayList<>();
        s.wakeUp(app, () -> log.add("app runs"));
        assertEquals(1, c.contextSwitches, "idle → app");
        s.wakeUp(other, () -> log.add("other runs"));
        assertTrue(s.needResched(0), "a wake-up on a busy CPU sets TIF_NEED_RESCHED");
        s.sleep(app);
        assertEquals(2, c.contextSwitches, "app blocks → other");
        assertEquals(List.of("app runs", "other runs"), log);
        assertFalse(s.needResched(0));
        s.sleep(other);
        assertEquals(2, c.contextSwitches, "other blocks → idle is not a task switch here");
        assertEquals(2, c.scheduleCalls, "schedule() ran for each block");
    }

    @Test
    void spinlockCountsContentionOnlyWhenSectionsOverlap() {
        CostCounters c = new CostCounters();
        SpinLockModel l = new SpinLockModel("q", c);
        l.spinLock(0, 100, 0);
        l.spinUnlock();
        l.spinLock(1, 100, 0);
        l.spinUnlock();
        assertEquals(0, l.contended(), "zero-length critical sections never overlap");
        l.spinLockIrq(0, 200, 50);
        l.spinUnlock();
        l.spinLock(1, 220, 10);
        l.spinUnlock();
        assertEquals(1, l.contended(), "cpu1 at 220 ns meets cpu0's section until 250 ns");
        assertEquals(4, c.lockAcquired);
        assertEquals(1, c.lockIrqOff);
    }
}
