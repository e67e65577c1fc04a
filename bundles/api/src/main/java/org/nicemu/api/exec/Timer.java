package org.nicemu.api.exec;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A reusable one-shot timer on the emulation's event loop, like the kernel's {@code hrtimer}.
 * Arming an armed timer moves it. Creating a timer allocates; arming and firing do not.
 */
@ProviderType
public interface Timer {
    /** Arms the timer to fire at the given emulated time (clamped to now if in the past). Mirrors hrtimer_start(). */
    void arm(long atNanos);

    /** Disarms the timer if armed. Mirrors hrtimer_cancel(). */
    void cancel();

    /** True while armed and not yet fired. */
    boolean isArmed();

    /** The expiry time when armed, otherwise the last expiry time. */
    long expiresNanos();
}
