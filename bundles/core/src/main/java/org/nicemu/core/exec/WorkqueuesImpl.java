package org.nicemu.core.exec;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Workqueues;
import org.nicemu.api.exec.WorkStruct;
import org.nicemu.api.stats.CostCounters;

/**
 * Per-CPU workers of one host (kernel/workqueue.c). queue_work_on() sets the pending bit and posts
 * the work to the CPU's worker; a work that is still pending is not queued again. The worker clears
 * the pending bit just before running the function, so the function may queue its work again.
 */
public final class WorkqueuesImpl implements Workqueues {
    private final EventLoop loop;
    private final CostCounters counters;
    private final int cpus;

    public WorkqueuesImpl(EventLoop loop, CostCounters counters, int cpus) {
        this.loop = loop;
        this.counters = counters;
        this.cpus = cpus;
    }

    @Override
    public boolean queueWorkOn(int cpu, WorkStruct work) {
        if (cpu < 0 || cpu >= cpus) throw new IllegalArgumentException("cpu " + cpu + " out of 0.." + (cpus - 1));
        if (work.testAndSetPending()) {
            counters.workAlreadyPending++;
            return false;
        }
        counters.workQueued++;
        loop.post(() -> {
            work.clearPending();
            counters.workExecuted++;
            work.func().run();
        });
        return true;
    }
}
