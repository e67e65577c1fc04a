package org.nicemu.api.exec;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The task side of one host's scheduler (kernel/sched/core.c). Loop thread only.
 *
 * <p>A task's code is a sequence of callbacks. {@link #wakeUp} makes a task runnable and schedules
 * {@code resume} to run in its context after the current event (never inside the caller: a wake-up
 * from softirq context does not run application code re-entrantly, as in the kernel where the woken
 * task runs after the softirq returns). When the task's code has nothing to do until some event it
 * calls {@link #sleep}, which switches the CPU to the next runnable task.
 */
@ProviderType
public interface TaskScheduler {
    /** A new sleeping task on {@code cpu} (0 .. numCpus-1); IllegalArgumentException otherwise. */
    EmuTask newTask(String name, int cpu);

    /** Mirrors try_to_wake_up(): {@code resume} runs in the task's context after a context switch. */
    void wakeUp(EmuTask task, Runnable resume);

    /** Mirrors set_current_state(TASK_INTERRUPTIBLE) + schedule(): the running task gives up its CPU. */
    void sleep(EmuTask task);

    /** The task currently running on {@code cpu}, or null when it is idle. */
    EmuTask current(int cpu);
}
