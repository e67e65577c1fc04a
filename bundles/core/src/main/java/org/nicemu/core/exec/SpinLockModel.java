package org.nicemu.core.exec;

import org.nicemu.api.stats.CostCounters;

/**
 * A modelled spinlock ({@code spinlock_t}): the emulator is single-threaded, so nothing really
 * spins; the model records acquisitions, irq-off sections and contention. An acquisition is
 * contended when another CPU's critical section still covers the current emulated time, which can
 * only happen when a cost model gives critical sections a duration ({@code holdNanos}).
 * Mirrors {@code _raw_spin_lock}, {@code spin_lock}, {@code spin_lock_irq}, {@code spin_unlock}.
 */
public final class SpinLockModel {
    private final String name;
    private final CostCounters counters;
    private int ownerCpu = -1;
    private long heldUntil = Long.MIN_VALUE;
    private int depth;
    private long acquired;
    private long contended;

    public SpinLockModel(String name, CostCounters counters) {
        this.name = name;
        this.counters = counters;
    }

    /** _raw_spin_lock()/spin_lock() by {@code cpu} at {@code now}, holding for {@code holdNanos} of emulated CPU time. */
    public void spinLock(int cpu, long now, long holdNanos) {
        acquired++;
        counters.lockAcquired++;
        if (ownerCpu >= 0 && ownerCpu != cpu && now < heldUntil) {
            contended++;
            counters.lockContended++;
        }
        ownerCpu = cpu;
        heldUntil = Math.max(heldUntil, now + holdNanos);
        depth++;
    }

    /** spin_lock_irq(): as {@link #spinLock} with local interrupts off for the critical section. */
    public void spinLockIrq(int cpu, long now, long holdNanos) {
        counters.lockIrqOff++;
        spinLock(cpu, now, holdNanos);
    }

    /** spin_unlock(). */
    public void spinUnlock() {
        if (depth == 0) throw new IllegalStateException("spin_unlock of unlocked " + name);
        depth--;
    }

    public boolean isLocked() { return depth > 0; }

    public long acquired() { return acquired; }

    public long contended() { return contended; }

    public String name() { return name; }
}
