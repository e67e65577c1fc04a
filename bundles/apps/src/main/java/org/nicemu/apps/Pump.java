package org.nicemu.apps;

import java.util.function.IntConsumer;

import org.nicemu.api.sock.Socket;

/**
 * The iterative loop over the {@link Socket} contract: issue a call; a result at once is handled
 * and the loop goes on, {@link Socket#PENDING} ends the loop until the callback brings the result,
 * which is handled and restarts the loop. Immediate completions never recurse, so a long run of
 * them cannot grow the stack.
 */
final class Pump {
    /** One application's steps. */
    interface Step {
        /** Issues the next socket call with {@code done} as its callback; returns its result or PENDING. */
        int issue(IntConsumer done);

        /** Handles a result; false stops the loop (finished, failed, or nothing more to issue now). */
        boolean advance(int result);
    }

    private final Step step;
    private final IntConsumer done = this::completed;

    Pump(Step step) {
        this.step = step;
    }

    /** Runs the loop until a call is pending or the step says stop. Loop thread, in the task's context. */
    void run() {
        while (true) {
            int r = step.issue(done);
            if (r == Socket.PENDING) return;
            if (!step.advance(r)) return;
        }
    }

    private void completed(int r) {
        if (step.advance(r)) run();
    }
}
