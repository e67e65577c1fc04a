package org.nicemu.api.time;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The time source of one emulation, in nanoseconds since the emulation started. Protocol, qdisc and
 * driver code read time only from here (never from the wall clock). Plays the part of the kernel's
 * {@code ktime_get_ns()} / {@code jiffies}.
 */
@ProviderType
public interface Clock {
    /** Emulated nanoseconds since the start of the emulation. */
    long nowNanos();

    /** True for virtual (discrete-event) time, false when events fire at wall-clock time. */
    boolean isVirtual();
}
