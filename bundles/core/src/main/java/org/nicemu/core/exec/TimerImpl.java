package org.nicemu.core.exec;

import org.nicemu.api.exec.Timer;

/** A timer of {@link EmuLoop}: an entry of its binary heap (the hrtimer of the emulator). */
final class TimerImpl implements Timer {
    final EmuLoop loop;
    final String name;
    final Runnable action;
    long expires;
    long seq;
    int heapIndex = -1;

    TimerImpl(EmuLoop loop, String name, Runnable action) {
        this.loop = loop;
        this.name = name;
        this.action = action;
    }

    @Override
    public void arm(long atNanos) { loop.arm(this, atNanos); }

    @Override
    public void cancel() { loop.cancel(this); }

    @Override
    public boolean isArmed() { return heapIndex >= 0; }

    @Override
    public long expiresNanos() { return expires; }

    @Override
    public String toString() { return "timer " + name + (isArmed() ? " @" + expires : ""); }
}
