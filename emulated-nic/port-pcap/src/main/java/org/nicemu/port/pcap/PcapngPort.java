package org.nicemu.port.pcap;

import java.nio.file.Path;
import java.util.Objects;

import org.nicemu.api.nic.NicPort;

/**
 * A {@link NicPort} that records the frames of one device into one pcapng file with one interface
 * per TX queue (interface id = TX queue, named {@code <dev>-tx<q>}), nanosecond timestamps, and
 * per-queue statistics (frames, drops) at close. See {@link PcapngWriter} for the format.
 *
 * <p>{@link #transmit}, {@link #flush}, {@link #addDrops} and {@link #addOsDrops} run on the
 * emulation loop; {@link #close} may be called from any thread.
 */
public final class PcapngPort implements NicPort {
    private final String devName;
    private final int numTxQueues;
    private final PcapngWriter writer;
    private final Runnable onClose;

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
                + devName + "-tx" + (numTxQueues - 1) + ")";
    }
}
