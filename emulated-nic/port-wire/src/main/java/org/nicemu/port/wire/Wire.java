package org.nicemu.port.wire;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.FrameReceiver;

/**
 * A virtual wire: a named pair of ends (A, then B), each a {@link WireEnd} port attached to one
 * emulated NIC, and a {@link Direction} per sending end. Both ends must be attached to NICs of the
 * same emulation (one loop). Opening and closing are synchronized on the factory; everything else
 * runs on the emulation's loop.
 */
final class Wire {
    private final String name;
    private final WirePortFactory factory;
    /** Ends A (0) and B (1); B is null until opened. */
    final WireEnd[] ends = new WireEnd[2];

    Wire(String name, WirePortFactory factory) {
        this.name = name;
        this.factory = factory;
    }

    String name() { return name; }

    /** The receiver of end {@code i}'s NIC, or null when that end is not open, closed or not attached. */
    FrameReceiver receiverOf(int i) {
        WireEnd e = ends[i];
        return e == null ? null : e.receiver();
    }

    /** The loop end {@code i}'s NIC runs on, or null. */
    EventLoop loopOf(int i) {
        WireEnd e = ends[i];
        return e == null ? null : e.boundLoop();
    }

    /** The NIC end {@code i} is attached to, for messages. */
    String nicOf(int i) {
        WireEnd e = ends[i];
        return e == null ? "(not open)" : e.nicName();
    }

    /** An end closed: when every opened end is closed the name is free again. */
    void endClosed() {
        boolean allClosed = true;
        for (WireEnd e : ends) if (e != null && !e.isClosed()) allClosed = false;
        if (allClosed) factory.forget(this);
    }
}
