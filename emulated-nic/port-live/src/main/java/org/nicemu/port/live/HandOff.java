package org.nicemu.port.live;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded single-producer single-consumer queue of received frames: the capture thread
 * {@link #offer}s, the emulation's loop {@link #poll}s. No locks; {@code offer} never blocks (a
 * full queue refuses the frame, and the port counts it as an overrun).
 */
final class HandOff {
    private final AtomicReferenceArray<byte[]> slots;
    private final int mask;
    private final AtomicLong head = new AtomicLong(); // next to poll (consumer)
    private final AtomicLong tail = new AtomicLong(); // next to fill (producer)

    /** @param capacity frames, rounded up to a power of two */
    HandOff(int capacity) {
        int c = powerOfTwoAtLeast(capacity);
        slots = new AtomicReferenceArray<>(c);
        mask = c - 1;
    }

    /** The smallest power of two >= {@code capacity} (2 for anything below 1): the size of a ring indexed by a mask. */
    static int powerOfTwoAtLeast(int capacity) {
        return capacity == 1 ? 1 : Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    }

    int capacity() {
        return mask + 1;
    }

    /** Producer: false when full. */
    boolean offer(byte[] frame) {
        long t = tail.get();
        if (t - head.get() > mask) return false;
        slots.lazySet((int) t & mask, frame);
        tail.lazySet(t + 1);
        return true;
    }

    /** Consumer: the oldest frame, or null when empty. */
    byte[] poll() {
        long h = head.get();
        if (h == tail.get()) return null;
        int i = (int) h & mask;
        byte[] f = slots.get(i);
        slots.lazySet(i, null);
        head.lazySet(h + 1);
        return f;
    }

    int size() {
        return (int) (tail.get() - head.get());
    }
}
