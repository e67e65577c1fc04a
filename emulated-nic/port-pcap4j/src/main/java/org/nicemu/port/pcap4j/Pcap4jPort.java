package org.nicemu.port.pcap4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.nicemu.api.nic.NicPort;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A {@link NicPort} that writes a nanosecond pcap file through Pcap4J / libpcap:
 * {@code Pcaps.openDead(EN10MB, 65536, NANO)}, {@code dumpOpen}, one {@code dumpRaw} per frame.
 *
 * <p>Frames the NIC receives ({@link #received}) are written too, in time order with the
 * transmitted ones (classic pcap has no direction field).
 *
 * <p>This is the reference writer (libpcap writes the file), not the fast one: each frame costs a
 * copy, a {@link Timestamp} and a JNA call. For captures on the hot path use the {@code pcap} and
 * {@code pcapng} ports of {@code org.nicemu.port.pcap}.
 *
 * <p>File format as written by libpcap 1.10: magic 0xa1b23c4d in host byte order, version 2.4,
 * thiszone 0, sigfigs 0, snaplen {@value #SNAPLEN}, LINKTYPE_ETHERNET. Frames longer than
 * {@value #SNAPLEN} bytes are cut to {@value #SNAPLEN} bytes, and since Pcap4J's {@code dumpRaw}
 * sets the original length to the length it is given, the record then shows {@value #SNAPLEN}
 * as the original length too. Negative timestamps are written as 0.
 *
 * <p>Threading as in the project's own writers: {@link #transmit} and {@link #flush} on the loop
 * thread, {@link #close} from any thread (the loop, DS deactivation, the JVM shutdown hook of
 * {@link Pcap4jPortFactory}); no lock on the transmit path, a volatile handshake instead.
 */
public final class Pcap4jPort implements NicPort {
    /** Snapshot length given to {@code Pcaps.openDead}, in bytes. */
    public static final int SNAPLEN = 65_536;

    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final VarHandle WRITING;

    static {
        try {
            WRITING = MethodHandles.lookup().findVarHandle(Pcap4jPort.class, "writing", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Path file;
    private final String devName;
    private final int numTxQueues;
    private final PcapHandle handle;
    private final PcapDumper dumper;
    private final Runnable onClose;
    @SuppressWarnings("unused") // through WRITING
    private volatile boolean writing;
    private volatile boolean closed;
    private boolean released; // guarded by this
    private long frames;

    /**
     * Opens {@code file} for writing (parent directories are created, an existing file is overwritten).
     *
     * @param onClose run once after the port closed, may be null
     * @throws UncheckedIOException naming the file when libpcap cannot create it
     * @throws IllegalStateException when libpcap cannot be loaded
     */
    public Pcap4jPort(String devName, int numTxQueues, Path file, Runnable onClose) {
        this.devName = Objects.requireNonNull(devName, "devName");
        this.numTxQueues = numTxQueues;
        this.file = file.toAbsolutePath().normalize();
        this.onClose = onClose;
        try {
            Path parent = this.file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create capture file " + this.file + ": " + e, e);
        }
        PcapHandle[] h = new PcapHandle[1];
        this.dumper = Pcap4jSupport.call(() -> {
            try {
                h[0] = Pcaps.openDead(DataLinkType.EN10MB, SNAPLEN, PcapHandle.TimestampPrecision.NANO);
                return h[0].dumpOpen(this.file.toString());
            } catch (PcapNativeException | NotOpenException e) {
                if (h[0] != null) {
                    h[0].close();
                }
                throw new UncheckedIOException("cannot create capture file " + this.file + ": " + e.getMessage(),
                        new IOException(e.getMessage(), e));
            }
        });
        this.handle = h[0];
        Pcap4jPortFactory.registerOpen(this);
    }

    @Override
    public void transmit(long timestampNanos, int txQueue, byte[] frame, int off, int len) {
        Objects.checkIndex(txQueue, numTxQueues);
        dump(timestampNanos, frame, off, len);
    }

    /** Received frames are written to the same file, in time order with the transmitted ones. */
    @Override
    public void received(long timestampNanos, int rxQueue, byte[] frame, int off, int len) {
        dump(timestampNanos, frame, off, len);
    }

    private void dump(long timestampNanos, byte[] frame, int off, int len) {
        Objects.checkFromIndexSize(off, len, frame.length);
        WRITING.setVolatile(this, true);
        try {
            if (closed) {
                return;
            }
            long ts = Math.max(0, timestampNanos);
            Timestamp t = new Timestamp((ts / 1_000_000_000L) * 1000L);
            t.setNanos((int) (ts % 1_000_000_000L));
            dumper.dumpRaw(Arrays.copyOfRange(frame, off, off + Math.min(len, SNAPLEN)), t);
            frames++;
        } catch (NotOpenException e) {
            throw new UncheckedIOException("cannot write capture file " + file + ": dumper not open",
                    new IOException(e));
        } finally {
            WRITING.setRelease(this, false);
        }
    }

    @Override
    public void flush() {
        WRITING.setVolatile(this, true);
        try {
            if (!closed) {
                dumper.flush();
            }
        } catch (PcapNativeException | NotOpenException e) {
            throw new UncheckedIOException("cannot flush capture file " + file + ": " + e.getMessage(),
                    new IOException(e));
        } finally {
            WRITING.setRelease(this, false);
        }
    }

    @Override
    public void close() {
        closed = true;
        awaitNoWriter();
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            dumper.close(); // pcap_dump_close: flushes libpcap's stdio buffer and closes the file
            handle.close();
        }
        Pcap4jPortFactory.unregisterOpen(this);
        if (onClose != null) {
            onClose.run();
        }
    }

    private void awaitNoWriter() {
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        int spins = 0;
        while ((boolean) WRITING.getVolatile(this)) {
            if (++spins < 1000) {
                Thread.onSpinWait();
            } else if (System.nanoTime() - deadline > 0) {
                System.err.println("nicemu: capture file " + file + ": a write did not finish within 5 s; closing anyway");
                return;
            } else {
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Frames written so far (loop thread). */
    public long frames() {
        return frames;
    }

    /** The capture file (absolute, normalized). */
    public Path file() {
        return file;
    }

    @Override
    public String describe() {
        return "pcap4j " + file + " (" + devName + ", " + numTxQueues + " TX queue"
                + (numTxQueues == 1 ? "" : "s") + " merged, written by libpcap)";
    }
}
