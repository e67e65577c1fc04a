package org.nicemu.port.wire;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Opens the ends of virtual wires ({@code port.kind=wire}): a wire joins two emulated NICs of one
 * emulation so that what one transmits the other receives, after the wire's rate, delay, jitter,
 * loss (random or Gilbert-Elliott), duplication, reordering and corruption — the impairments of the
 * kernel's netem qdisc (net/sched/sch_netem.c, {@code netem_enqueue()}), applied on the cable
 * instead of in a qdisc, all drawn from the emulation's seeded randomness.
 *
 * <p>{@code open(dev, queues, {name=W, ...})}: the first open of name W makes end A, the second
 * end B, a third is refused while both are open. Each end's parameters shape the frames that end
 * sends. When both ends are closed the name is free again. See {@link WireParams#USAGE} and
 * docs/port-wire.md.
 */
@Component(service = NicPortFactory.class, property = NicPortFactory.KIND + "=" + WirePortFactory.KIND_WIRE)
public final class WirePortFactory implements NicPortFactory {
    /** The value of {@code port.kind}. */
    public static final String KIND_WIRE = "wire";

    private final Map<String, Wire> wires = new HashMap<>(); // guarded by this

    @Override
    public String kind() { return KIND_WIRE; }

    @Override
    public NicPort open(String devName, int numTxQueues, Map<String, String> params) {
        if (numTxQueues < 1 || numTxQueues > 65_535) {
            throw new IllegalArgumentException("port wire: numTxQueues " + numTxQueues + " out of range; accepted 1..65535");
        }
        WireParams p = WireParams.parse(params);
        synchronized (this) {
            Wire w = wires.get(p.name());
            if (w == null) {
                w = new Wire(p.name(), this);
                wires.put(p.name(), w);
                return w.ends[0] = new WireEnd(w, 0, devName, p);
            }
            if (w.ends[1] != null) {
                throw new IllegalArgumentException("port wire: wire '" + p.name() + "' already has both ends (A: "
                        + w.nicOf(0) + ", B: " + w.nicOf(1) + "); a wire joins exactly two NICs, give another name");
            }
            return w.ends[1] = new WireEnd(w, 1, devName, p);
        }
    }

    synchronized void forget(Wire w) {
        wires.remove(w.name(), w);
    }

    /** Names of the wires with an open end. */
    public synchronized List<String> wireNames() {
        return new ArrayList<>(wires.keySet());
    }

    @Override
    public String usage() { return WireParams.USAGE; }

    /** Closes every end still open (the bundle stops). */
    @Deactivate
    public void deactivate() {
        List<WireEnd> all = new ArrayList<>();
        synchronized (this) {
            for (Wire w : wires.values()) for (WireEnd e : w.ends) if (e != null) all.add(e);
        }
        for (WireEnd e : all) e.close();
    }
}
