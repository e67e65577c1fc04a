package org.nicemu.api.exec;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An emulated task ({@code struct task_struct}): an application thread bound to one emulated CPU.
 * It runs only as callbacks on the event loop; blocking puts it to sleep and a wake-up switches it
 * back in ({@code schedule()} / {@code try_to_wake_up()}, each switch counted).
 */
@ProviderType
public interface EmuTask {
    String name();

    int cpu();

    /** RUNNING, RUNNABLE or SLEEPING. */
    String stateName();

    /** How often this task was switched in (context switches that ran it). */
    long switches();
}
