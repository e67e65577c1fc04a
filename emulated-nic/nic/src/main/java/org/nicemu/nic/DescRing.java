package org.nicemu.nic;

import org.nicemu.api.skb.SkBuff;

/**
 * What every descriptor ring of the emulated NIC shares: a power-of-two array of skb slots and the
 * free-running indices {@code clean ≤ head ≤ tail} (mod 2^32) compared with wrap-around arithmetic,
 * like the next_to_clean/next_to_use indices and head/tail registers of a real ring.
 * {@code [clean, head)} holds descriptors the NIC finished and the driver has not reclaimed yet.
 */
abstract class DescRing {
    final int index;
    final SkBuff[] slots;
    final int mask;
    final int size;
    /** next_to_clean: the oldest finished descriptor not yet reclaimed. */
    int clean;
    /** Hardware head: the next descriptor the NIC works on. */
    int head;
    /** next_to_use: where the driver writes the next descriptor. */
    int tail;

    DescRing(int index, int size) {
        this.index = index;
        this.size = size;
        this.mask = size - 1;
        this.slots = new SkBuff[size];
    }

    /** Descriptors the driver may still write. */
    final int free() {
        return size - (tail - clean);
    }

    /** Takes the skb of the oldest finished descriptor (the driver's clean step), or null. */
    final SkBuff reclaim() {
        if (clean == head) return null;
        int i = clean & mask;
        SkBuff skb = slots[i];
        slots[i] = null;
        clean++;
        return skb;
    }
}
