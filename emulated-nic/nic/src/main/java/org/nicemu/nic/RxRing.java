package org.nicemu.nic;

import org.nicemu.api.skb.SkBuff;

/**
 * One RX descriptor ring of the emulated NIC: a power-of-two array of receive buffers posted by the
 * driver, and three free-running indices compared with wrap-around arithmetic, like the software
 * indices and the head/tail registers of a real RX ring (e.g. ixgbe's RDH/RDT):
 *
 * <pre>
 *   clean  ≤  head  ≤  tail        (mod 2^32, tail - clean ≤ size)
 *   [clean, head)   filled by the NIC, waiting for the driver's rxReclaim (next_to_clean)
 *   [head, tail)    empty buffers the NIC may fill, oldest first (RDH .. RDT)
 * </pre>
 *
 * Plain fields, no allocation after construction. Package-private: only {@link EmulatedNic} uses it.
 */
final class RxRing {
    final int index;
    final SkBuff[] slots;
    final int mask;
    final int size;
    /** next_to_clean: the oldest filled buffer not yet reclaimed. */
    int clean;
    /** Hardware head (RDH): the next empty buffer the NIC fills. */
    int head;
    /** next_to_use (RDT): where the driver posts the next empty buffer. */
    int tail;

    // ethtool -S counters
    long packets;
    long bytes;
    long missed;
    long posted;
    long flushedFrames;

    RxRing(int index, int size) {
        this.index = index;
        this.size = size;
        this.mask = size - 1;
        this.slots = new SkBuff[size];
    }

    /** Descriptors the driver may still post. */
    int free() {
        return size - (tail - clean);
    }

    /** True when the NIC has an empty buffer to fill. */
    boolean hasEmpty() {
        return head != tail;
    }
}
