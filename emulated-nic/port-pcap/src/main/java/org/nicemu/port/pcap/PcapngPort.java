package org.nicemu.port.pcap;

import java.nio.file.Path;
import java.util.Objects;

import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.PortBinding;

/**
 * A {@link NicPort} that records the frames of one device into one pcapng file with one interface
 * per TX queue (interface id = TX queue, named {@code <dev>-tx<q>}), nanosecond timestamps, and
 * per-queue statistics (frames, drops) at close. See {@link PcapngWriter} for the format.
 *
 * <p>Received frames ({@link #received}) go to one interface per RX queue, named
 * {@code <dev>-rx<q>}, with ids after the TX ones: RX queue q is interface {@code numTxQueues + q}.
 * Their descriptions are written when the port is attached to a NIC ({@link #bind(PortBinding)},
 * as many as the NIC has RX queues), or at the first received frame of a port that was never
 * attached (then as many as TX queues).
 *
 * <p>{@link #transmit}, {@link #flush}, {@link #addDrops} and {@link #addOsDrops} run on the
 * emulation loop; {@link #close} may be called from any thread.
 */
public final class PcapngPort implements NicPort {
    private final String devName;
    private final int numTxQueues;
    private final PcapngWriter writer;
    private final Runnable onClose;
    private int rxBase = -1;
    private int rxCount;

    /**
     * Opens the file.
     *
     * @param onClose run once after the port closed (the factory forgets the port), may be null
     * @throws java.io.UncheckedIOException naming the file when it cannot be created
     */
    public PcapngPort(String devName, int numTxQueues, Path file, int snaplen, Runnable onClose) {
        this.devName = Objects.requireNonNull(devName, "devName");
        PortParams.checkQueues("pcapng", numTxQueues);
        this.numTxQueues = numTxQueues;
        this.onClose = onClose;
        this.writer = new PcapngWriter(file, devName, numTxQueues, snaplen);
    }

    @Override
    public void transmit(long timestampNanos, int txQueue, byte[] frame, int off, int len) {
        writer.write(timestampNanos, txQueue, frame, off, len);
    }

    /** Writes the RX interfaces, one per RX queue of the NIC the port is attached to. */
    @Override
    public void bind(PortBinding binding) {
        addRxInterfaces(binding.config().numRxQueues());
    }

    @Override
    public void received(long timestampNanos, int rxQueue, byte[] frame, int off, int len) {
        if (rxBase < 0) {
            addRxInterfaces(numTxQueues);
            if (rxBase < 0) {
                return; // closed
            }
        }
        Objects.checkIndex(rxQueue, rxCount);
        writer.write(timestampNanos, rxBase + rxQueue, frame, off, len);
    }

    private void addRxInterfaces(int n) {
        if (rxBase >= 0) {
            return;
        }
        int base = writer.addInterfaces(devName + "-rx", n);
        if (base >= 0) {
            rxBase = base;
            rxCount = n;
        }
    }

    /** The interface id of RX queue 0, or -1 while the RX interfaces are not written yet. */
    public int rxInterfaceBase() {
        return rxBase;
    }

    /** Counts frames dropped by TX queue {@code txQueue}; written as {@code isb_ifdrop} at close. */
    public void addDrops(int txQueue, long n) {
        writer.addDrops(txQueue, n);
    }

    /** Counts frames of TX queue {@code txQueue} dropped by the stack; written as {@code isb_osdrop}. */
    public void addOsDrops(int txQueue, long n) {
        writer.addOsDrops(txQueue, n);
    }

    @Override
    public void flush() {
        writer.flush();
    }

    @Override
    public void close() {
        boolean first = !writer.isClosed();
        try {
            writer.close();
        } finally {
            if (first && onClose != null) {
                onClose.run();
            }
        }
    }

    /** True once {@link #close()} was called (or the JVM shutdown closed the file). */
    public boolean isClosed() {
        return writer.isClosed();
    }

    /** The underlying writer. */
    public PcapngWriter writer() {
        return writer;
    }

    @Override
    public String describe() {
        return "pcapng " + writer.file() + " (" + devName + ", " + numTxQueues + " TX queue"
                + (numTxQueues == 1 ? "" : "s") + " as interfaces " + devName + "-tx0.."
                + devName + "-tx" + (numTxQueues - 1)
                + (rxBase < 0 ? "" : ", " + rxCount + " RX queue" + (rxCount == 1 ? "" : "s") + " as "
                        + devName + "-rx0.." + devName + "-rx" + (rxCount - 1)) + ")";
    }
}
