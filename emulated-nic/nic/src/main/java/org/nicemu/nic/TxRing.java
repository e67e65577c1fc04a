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
final class TxRing extends DescRing {
    /** The tail register value last written by txDoorbell (TDT). */
    int doorbell;

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
        super(index, size);
    }

    /** True when the NIC sees a descriptor it has not completed. */
    boolean hasVisible() {
        return head != doorbell;
    }

    SkBuff at(int idx) {
        return slots[idx & mask];
    }
}
