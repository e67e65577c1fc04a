package org.nicemu.nic;

import org.nicemu.api.skb.SkBuff;

/**
 * One TX descriptor ring of the emulated NIC, as the hardware keeps it: a power-of-two array of
 * descriptor slots (each holds the skb the driver posted) and four free-running indices, compared
 * with wrap-around arithmetic like the head/tail registers of a real ring (e.g. ixgbe's TDH/TDT):
 *
 * <pre>
 *   clean  ≤  head  ≤  doorbell  ≤  tail       (mod 2^32, tail - clean ≤ size)
 *   [clean, head)      completed, waiting for the driver's txReclaim (next_to_clean)
 *   [head, doorbell)   visible to the NIC, not yet completed (head = the descriptor being sent)
 *   [doorbell, tail)   written by the driver, tail register not yet written (xmit_more batching)
 * </pre>
 *
 * Plain fields, no allocation after construction. Package-private: only {@link EmulatedNic} uses it.
 */
final class TxRing {
    final int index;
    final SkBuff[] slots;
    final int mask;
    final int size;
    /** next_to_clean: oldest completed descriptor not yet reclaimed. */
    int clean;
    /** Hardware head (TDH): the next descriptor the NIC sends or is sending. */
    int head;
    /** The tail register value last written by txDoorbell (TDT). */
    int doorbell;
    /** next_to_use: where the driver writes the next descriptor. */
    int tail;

    // ethtool -S counters
    long packets;
    long bytes;
    long descriptors;
    long tsoSegments;
    long flushed;
    long malformed;
    long doorbells;
    long padded;

    TxRing(int index, int size) {
        this.index = index;
        this.size = size;
        this.mask = size - 1;
        this.slots = new SkBuff[size];
    }

    /** Descriptors the driver may still write (unused descriptors). */
    int free() {
        return size - (tail - clean);
    }

    /** True when the NIC sees a descriptor it has not completed. */
    boolean hasVisible() {
        return head != doorbell;
    }

    SkBuff at(int idx) {
        return slots[idx & mask];
    }
}
