package org.nicemu.api.emu;

import java.util.Collection;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/** The core's service: creates emulations and tells which plugin kinds are available now. */
@ProviderType
public interface Emulations {
    /** Creates an emulation with its own loop thread, clock and seeded random source. */
    Emulation create(String name, long seed, boolean virtualTime);

    /** The emulation with that name, or null. */
    Emulation get(String name);

    Collection<Emulation> list();

    /** Qdisc kinds available now (built-in and registered bundles). */
    Set<String> qdiscKinds();

    /** Driver models available now. */
    Set<String> driverKinds();

    /** Port kinds available now. */
    Set<String> portKinds();

    /**
     * TCP congestion control algorithms available now ({@code tcp_available_congestion_control}):
     * the registered {@code tcp.cc} bundles and the built-in {@code reno}.
     */
    Set<String> congestionControls();
}
