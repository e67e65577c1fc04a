package org.nicemu.nic;

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
final class RxRing extends DescRing {

    // ethtool -S counters
    long packets;
    long bytes;
    long missed;
    long posted;
    long flushedFrames;

    RxRing(int index, int size) {
        super(index, size);
    }

    /** True when the NIC has an empty buffer to fill. */
    boolean hasEmpty() {
        return head != tail;
    }
}
