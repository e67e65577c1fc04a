package org.nicemu.socket;

import java.util.ArrayDeque;

import org.nicemu.api.exec.EmuTask;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.TaskScheduler;

/**
 * The wait-queue entry of one emulated task (the {@code wait_queue_entry} with
 * {@code woken_wake_function} that {@code sk_wait_event()} puts on {@code sk_sleep(sk)}), shared by
 * every socket of the task. {@link TaskScheduler} keeps one resume callback per task, so all wake-ups
 * of the task's pending socket calls go through here: the first one wakes the task
 * ({@code try_to_wake_up()}), later ones only queue their call, and the resume retries every queued
 * call in the task's context, in the order they were woken. A task that is running already is not
 * woken again (no context switch): the retries run after the current event. Loop thread only.
 */
final class TaskWaker {
    private final TaskScheduler tasks;
    private final EventLoop loop;
    private final EmuTask task;
    private final ArrayDeque<SocketImpl.Call> ready = new ArrayDeque<>();
    /** A wake-up (or a post for a running task) is on its way. */
    private boolean scheduled;
    /** Inside {@link #resume()}: sleeping waits until the retries are done. */
    private boolean resuming;
    private boolean sleepWanted;

    TaskWaker(TaskScheduler tasks, EventLoop loop, EmuTask task) {
        this.tasks = tasks;
        this.loop = loop;
        this.task = task;
    }

    EmuTask task() { return task; }

    /** True when nothing is queued or on its way (the waker may be forgotten). */
    boolean idle() { return !scheduled && !resuming && ready.isEmpty(); }

    /** Mirrors woken_wake_function() → try_to_wake_up(): {@code c} is retried in the task's context. */
    void wake(SocketImpl.Call c) {
        ready.add(c);
        if (scheduled || resuming) return;
        scheduled = true;
        if (running()) loop.post(this::resumeIfRunning);
        else tasks.wakeUp(task, this::resume);
    }

    private boolean running() {
        return tasks.current(task.cpu()) == task;
    }

    private void resumeIfRunning() {
        if (ready.isEmpty()) {
            scheduled = false;
        } else if (running()) {
            resume();
        } else {
            tasks.wakeUp(task, this::resume);
        }
    }

    /** The task is switched in: retries the woken calls, then sleeps if one of them waits again. */
    private void resume() {
        scheduled = false;
        resuming = true;
        try {
            SocketImpl.Call c;
            while ((c = ready.poll()) != null) c.resume();
        } finally {
            resuming = false;
        }
        if (sleepWanted) {
            sleepWanted = false;
            sleepIfRunning();
        }
    }

    /**
     * The task waits (set_current_state() + schedule() inside sk_wait_event()): it sleeps now, or at
     * the end of the retries being run, and only if it is the task running on its CPU (a call made
     * from outside the task's context waits without sleeping anything).
     */
    void sleep() {
        if (resuming) sleepWanted = true;
        else sleepIfRunning();
    }

    private void sleepIfRunning() {
        if (running()) tasks.sleep(task);
    }
}
