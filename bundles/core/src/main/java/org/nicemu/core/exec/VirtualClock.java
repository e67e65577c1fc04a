package org.nicemu.core.exec;

import org.nicemu.api.time.Clock;

/**
 * The emulation clock. In virtual time it jumps to the time of each event (discrete-event); in real
 * time the loop waits until the wall clock reaches an event's time, and the clock still reads the
 * event time, so both modes stamp the same way.
 */
public final class VirtualClock implements Clock {
    private final boolean virtual;
    long now;

    public VirtualClock(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public long nowNanos() { return now; }

    @Override
    public boolean isVirtual() { return virtual; }
}
