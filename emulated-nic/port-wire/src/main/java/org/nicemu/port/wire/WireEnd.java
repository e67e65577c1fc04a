package org.nicemu.port.wire;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.FrameReceiver;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.PortBinding;

/**
 * One end of a virtual wire, as a {@link NicPort} of the NIC it is attached to: the frames the NIC
 * transmits enter this end's {@link Direction} towards the other end; frames coming from the other
 * end are delivered through the {@link PortBinding#receiver()} this end got at
 * {@link #bind(PortBinding)} ({@code Nic.receive}). Frames the NIC receives are not of interest here
 * ({@link #received} is ignored). Loop thread only, except {@link #close()} (any thread: nothing
 * more is sent or delivered by this end; frames in flight towards it are counted {@code no_peer}
 * when their time comes).
 *
 * <p>{@link #stats()} from this end's point of view: {@code tx_*} the direction this end sends
 * (shaped by its parameters), {@code rx_*} the direction it receives.
 */
final class WireEnd implements NicPort {
    private final Wire wire;
    /** 0 = A, 1 = B. */
    private final int index;
    private final String devName;
    private final Direction egress;
    private volatile boolean closed;
    private PortBinding binding;

    WireEnd(Wire wire, int index, String devName, WireParams params) {
        this.wire = wire;
        this.index = index;
        this.devName = devName;
        this.egress = new Direction(wire, index, params);
    }

    Direction egress() { return egress; }

    /** The other end's egress direction, or null while it is not open. */
    private Direction ingress() {
        WireEnd o = wire.ends[1 - index];
        return o == null ? null : o.egress;
    }

    String endName() { return index == 0 ? "A" : "B"; }

    FrameReceiver receiver() {
        PortBinding b = binding;
        return closed || b == null ? null : b.receiver();
    }

    EventLoop boundLoop() {
        PortBinding b = binding;
        return b == null ? null : b.loop();
    }

    String nicName() {
        PortBinding b = binding;
        return b == null ? devName + " (not attached)" : b.nicName();
    }

    boolean isClosed() { return closed; }

    @Override
    public void bind(PortBinding b) {
        if (closed) throw new IllegalStateException("wire " + wire.name() + ": end " + endName() + " is closed");
        if (binding != null && binding.receiver() != b.receiver()) {
            throw new IllegalStateException("wire " + wire.name() + ": end " + endName() + " is already attached to "
                    + binding.nicName() + "; a wire end serves one NIC");
        }
        EventLoop other = wire.loopOf(1 - index);
        if (other != null && other != b.loop()) {
            throw new IllegalStateException("wire " + wire.name() + ": end " + endName() + " (" + b.nicName()
                    + ") and the other end (" + wire.nicOf(1 - index) + ") belong to different emulations");
        }
        binding = b;
        egress.bind(b);
    }

    @Override
    public void unbind() {
        binding = null;
        egress.unbind();
    }

    @Override
    public void transmit(long timestampNanos, int txQueue, byte[] frame, int off, int len) {
        if (closed) return;
        egress.send(timestampNanos, frame, off, len);
    }

    @Override
    public void flush() {
        // nothing buffered outside the emulation
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        wire.endClosed();
    }

    @Override
    public String describe() {
        WireEnd o = wire.ends[1 - index];
        return "wire " + wire.name() + " end " + endName() + " (" + nicName() + ") <-> end " + (index == 0 ? "B" : "A")
                + " (" + (o == null ? "not open" : o.nicName()) + "): " + egress.params().describe()
                + (closed ? " [closed]" : "");
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        egress.stats("tx_", m);
        Direction in = ingress();
        if (in != null) in.stats("rx_", m);
        return m;
    }
}
