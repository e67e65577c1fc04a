package org.nicemu.core.exec;

/**
 * An emulated task (a {@code task_struct}): an application or kernel thread bound to a CPU. It runs
 * by callbacks on the loop; when it blocks it sleeps and the CPU schedules another task or idles.
 */
public final class Task implements org.nicemu.api.exec.EmuTask {
    public enum State { RUNNING, RUNNABLE, SLEEPING }

    public final String name;
    public final int cpu;
    State state = State.RUNNABLE;
    /** What runs when the task is switched in after a wake-up. */
    Runnable resume;
    long switches;

    public Task(String name, int cpu) {
        this.name = name;
        this.cpu = cpu;
    }

    public State state() { return state; }

    /** A new task that has not run yet waits to be woken (used by TaskScheduler.newTask). */
    public void markSleeping() { state = State.SLEEPING; }

    @Override public String name() { return name; }

    @Override public int cpu() { return cpu; }

    @Override public String stateName() { return state.name(); }

    /** Number of times this task was switched in. */
    @Override
    public long switches() { return switches; }

    @Override
    public String toString() { return "task " + name + "@cpu" + cpu + " " + state; }
}
