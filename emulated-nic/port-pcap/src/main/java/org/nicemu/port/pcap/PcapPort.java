package org.nicemu.port.pcap;

import java.nio.file.Path;
import java.util.Objects;

import org.nicemu.api.nic.NicPort;

/**
 * A {@link NicPort} that records the frames of one device into classic nanosecond pcap files:
 * either one file for all TX queues (merged, in transmit order), or — with {@code perQueue=true} —
 * one file per TX queue and no merged file.
 *
 * <p>Received frames ({@link #received}) go into the merged file too, so it shows both directions
 * in time order (the loop is single-threaded, so frames are written in the order they happen; a
 * received frame is stamped with its arrival, a transmitted one with its first bit on the wire).
 * Classic pcap has no direction or queue field: tell them apart by the addresses. The per-queue
 * files hold the TX queues only; received frames are not written there.
 *
 * <p>{@link #transmit} and {@link #flush} run on the emulation loop; {@link #close} may be called
 * from any thread (see {@link CaptureFileWriter}).
 */
public final class PcapPort implements NicPort {
    private final String devName;
    private final Path file;
    private final int numTxQueues;
    private final PcapWriter merged;      // null when perQueue
    private final PcapWriter[] perQueue;  // null when merged
    private final Runnable onClose;

    /**
     * Opens the file(s).
     *
     * @param file      the merged file, or the base name of the per-queue files
     *                  (see {@link #perQueueFile(Path, int)})
     * @param perQueue  one file per TX queue instead of one merged file
     * @param onClose   run once after the port closed (the factory forgets the port), may be null
     * @throws java.io.UncheckedIOException naming the file that cannot be created; files opened
     *                                      before it are closed again
     */
    public PcapPort(String devName, int numTxQueues, Path file, boolean perQueue, int snaplen, Runnable onClose) {
        this.devName = Objects.requireNonNull(devName, "devName");
        this.file = file.toAbsolutePath().normalize();
        this.numTxQueues = numTxQueues;
        this.onClose = onClose;
        PortParams.checkQueues("pcap", numTxQueues);
        PcapWriter.checkSnaplen(snaplen);
        if (perQueue) {
            this.merged = null;
            this.perQueue = new PcapWriter[numTxQueues];
            int bufferBytes = Math.max(256 << 10, CaptureFileWriter.DEFAULT_BUFFER_BYTES / numTxQueues);
            try {
                for (int q = 0; q < numTxQueues; q++) {
                    this.perQueue[q] = new PcapWriter(perQueueFile(this.file, q), snaplen, bufferBytes);
                }
            } catch (RuntimeException e) {
                for (PcapWriter w : this.perQueue) {
                    if (w != null) {
                        w.close();
                    }
                }
                throw e;
            }
        } else {
            this.merged = new PcapWriter(this.file, snaplen, CaptureFileWriter.DEFAULT_BUFFER_BYTES);
            this.perQueue = null;
        }
    }

    /**
     * The file that TX queue {@code queue} is written to in per-queue mode: a trailing ".pcap" of
     * {@code file} is removed and "-tx&lt;queue&gt;.pcap" appended ({@code out/h1-eth0.pcap} →
     * {@code out/h1-eth0-tx0.pcap}; {@code out/cap} → {@code out/cap-tx0.pcap}).
     */
    public static Path perQueueFile(Path file, int queue) {
        return PortParams.perQueueFile(file, queue);
    }

    @Override
    public void transmit(long timestampNanos, int txQueue, byte[] frame, int off, int len) {
        Objects.checkIndex(txQueue, numTxQueues);
        if (merged != null) {
            merged.write(timestampNanos, frame, off, len);
        } else {
            perQueue[txQueue].write(timestampNanos, frame, off, len);
        }
    }

    @Override
    public void received(long timestampNanos, int rxQueue, byte[] frame, int off, int len) {
        if (merged != null) {
            merged.write(timestampNanos, frame, off, len);
        }
    }

    @Override
    public void flush() {
        if (merged != null) {
            merged.flush();
        } else {
            for (PcapWriter w : perQueue) {
                w.flush();
            }
        }
    }

    @Override
    public void close() {
        boolean first = !isClosed();
        RuntimeException failure = null;
        for (PcapWriter w : writers()) {
            try {
                w.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (first && onClose != null) {
            onClose.run();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private PcapWriter[] writers() {
        return merged != null ? new PcapWriter[] {merged} : perQueue;
    }

    /** True once {@link #close()} was called (or the JVM shutdown closed the files). */
    public boolean isClosed() {
        return writers()[0].isClosed();
    }

    /** Frames written so far on all queues (owner thread). */
    public long frames() {
        long n = 0;
        for (PcapWriter w : writers()) {
            n += w.records();
        }
        return n;
    }

    @Override
    public String describe() {
        if (merged != null) {
            return "pcap " + file + " (" + devName + ", " + numTxQueues + " TX queue"
                    + (numTxQueues == 1 ? "" : "s") + " merged)";
        }
        String first = perQueueFile(file, 0).toString();
        return "pcap " + first.substring(0, first.length() - "0.pcap".length()) + "{0.." + (numTxQueues - 1) + "}.pcap"
                + " (" + devName + ", one file per TX queue)";
    }
}
