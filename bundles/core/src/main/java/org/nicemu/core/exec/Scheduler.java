package org.nicemu.core.exec;

import org.nicemu.api.stats.CostCounters;

/**
 * The task side of the execution model (kernel/sched/core.c): {@code schedule()},
 * {@code context_switch()} (prepare_task_switch, switch_mm, switch_to, finish_task_switch, counted
 * as one switch), {@code try_to_wake_up()} and {@code need_resched()}.
 */
public final class Scheduler {
    private final Cpu[] cpus;
    private final CostCounters counters;

    public Scheduler(Cpu[] cpus, CostCounters counters) {
        this.cpus = cpus;
        this.counters = counters;
    }

    /** Makes {@code t} runnable on its CPU; runs it now if the CPU is idle (try_to_wake_up()). */
    public void wakeUp(Task t, Runnable resume) {
        if (t.state != Task.State.SLEEPING && t.state != Task.State.RUNNABLE) return;
        t.resume = resume;
        Cpu c = cpus[t.cpu];
        if (c.current == null) {
            t.state = Task.State.RUNNABLE;
            contextSwitch(c, t);
        } else if (c.current != t) {
            if (!c.runQueue.contains(t)) c.runQueue.addLast(t);
            t.state = Task.State.RUNNABLE;
            c.needResched = true; // check_preempt_curr() on a wake-up
        }
    }

    /** Puts the running task of {@code cpu} to sleep and runs the next runnable task (schedule()). */
    public void sleep(Task t) {
        Cpu c = cpus[t.cpu];
        if (c.current != t) throw new IllegalStateException(t + " is not running on cpu" + t.cpu);
        t.state = Task.State.SLEEPING;
        schedule(c);
    }

    /** The running task gives the CPU to the next runnable one, staying runnable (cond_resched()). */
    public void yield(Task t, Runnable resume) {
        Cpu c = cpus[t.cpu];
        if (c.current != t) return;
        t.resume = resume;
        t.state = Task.State.RUNNABLE;
        if (c.runQueue.isEmpty()) {
            c.needResched = false;
            t.state = Task.State.RUNNING;
            return;
        }
        c.runQueue.addLast(t);
        schedule(c);
    }

    /** schedule(): picks the next runnable task of {@code c} (or idle) and switches to it. */
    public void schedule(Cpu c) {
        counters.scheduleCalls++;
        c.needResched = false;
        Task next = c.runQueue.pollFirst();
        if (next == null) {
            c.current = null;
            return;
        }
        contextSwitch(c, next);
    }

    /** context_switch(): counted; the incoming task's resume callback runs. */
    private void contextSwitch(Cpu c, Task next) {
        counters.contextSwitches++;
        c.current = next;
        next.state = Task.State.RUNNING;
        next.switches++;
        Runnable r = next.resume;
        next.resume = null;
        if (r != null) r.run();
    }

    /** need_resched() on {@code cpu}. */
    public boolean needResched(int cpu) { return cpus[cpu].needResched; }
}
