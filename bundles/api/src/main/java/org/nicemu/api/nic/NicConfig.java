package org.nicemu.api.nic;

/**
 * The hardware description of one emulated NIC.
 *
 * @param numTxQueues     TX queues (and rings)
 * @param txRingSize      descriptors per TX ring
 * @param rateBitsPerSec  line rate
 * @param mtu             MTU in bytes (IP packet size); the NIC accepts received frames of up to MTU + 14 bytes
 * @param mac             the MAC address, 6 bytes
 * @param capabilities    {@link NicHardware} CAP_* bits
 * @param arbitration     how the NIC picks the next TX ring to serve
 * @param countPreambleIfg add preamble+SFD (8 B), FCS (4 B) and inter-frame gap (12 B) to serialization time
 * @param txCoalesceUsecs interrupt coalescing time (ethtool -C tx-usecs)
 * @param txCoalesceFrames interrupt coalescing count (ethtool -C tx-frames)
 * @param numRxQueues     RX queues (and rings), 1..64; RSS spreads received flows over them
 * @param rxRingSize      descriptors (receive buffers) per RX ring, a power of two 2..65536
 */
public record NicConfig(int numTxQueues, int txRingSize, long rateBitsPerSec, int mtu, byte[] mac, long capabilities,
        Arbitration arbitration, boolean countPreambleIfg, long txCoalesceUsecs, int txCoalesceFrames,
        int numRxQueues, int rxRingSize) {

    /** TX queue arbitration. */
    public enum Arbitration {
        /** One descriptor from each non-empty ring in turn. */
        ROUND_ROBIN,
        /** Always the lowest-numbered non-empty ring. */
        STRICT_PRIORITY
    }

    public NicConfig {
        if (numTxQueues < 1 || numTxQueues > 64) throw new IllegalArgumentException("numTxQueues must be 1..64, got " + numTxQueues);
        if (txRingSize < 2 || txRingSize > 65536 || Integer.bitCount(txRingSize) != 1) {
            throw new IllegalArgumentException("txRingSize must be a power of two in 2..65536, got " + txRingSize);
        }
        if (numRxQueues < 1 || numRxQueues > 64) throw new IllegalArgumentException("numRxQueues must be 1..64, got " + numRxQueues);
        if (rxRingSize < 2 || rxRingSize > 65536 || Integer.bitCount(rxRingSize) != 1) {
            throw new IllegalArgumentException("rxRingSize must be a power of two in 2..65536, got " + rxRingSize);
        }
        if (rateBitsPerSec < 1000) throw new IllegalArgumentException("rateBitsPerSec must be at least 1000, got " + rateBitsPerSec);
        if (mtu < 68 || mtu > 65535) throw new IllegalArgumentException("mtu must be 68..65535, got " + mtu);
        if (mac == null || mac.length != 6) throw new IllegalArgumentException("mac must be 6 bytes");
        if (txCoalesceUsecs < 0 || txCoalesceFrames < 0) throw new IllegalArgumentException("coalescing values must be >= 0");
        mac = mac.clone();
    }

    /**
     * The description without RX settings: as many RX queues as TX queues, RX rings as large as
     * the TX rings.
     */
    public NicConfig(int numTxQueues, int txRingSize, long rateBitsPerSec, int mtu, byte[] mac, long capabilities,
            Arbitration arbitration, boolean countPreambleIfg, long txCoalesceUsecs, int txCoalesceFrames) {
        this(numTxQueues, txRingSize, rateBitsPerSec, mtu, mac, capabilities, arbitration, countPreambleIfg,
                txCoalesceUsecs, txCoalesceFrames, numTxQueues, txRingSize);
    }

    /** A copy with other RX queue and RX ring counts. */
    public NicConfig withRx(int rxQueues, int rxRing) {
        return new NicConfig(numTxQueues, txRingSize, rateBitsPerSec, mtu, mac, capabilities, arbitration,
                countPreambleIfg, txCoalesceUsecs, txCoalesceFrames, rxQueues, rxRing);
    }

    @Override
    public byte[] mac() { return mac.clone(); }
}
