package org.nicemu.port.pcap4j.reader;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.nicemu.port.pcap4j.Pcap4jSupport;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * Reads a capture file record by record through Pcap4J
 * ({@code Pcaps.openOffline(file, TimestampPrecision.NANO)}), for tests and replay. libpcap reads
 * classic pcap (micro- and nanosecond) and pcapng files whose interfaces share one link type;
 * timestamps are delivered in nanoseconds either way.
 *
 * <pre>
 * try (PcapReader r = PcapReader.open(path)) {
 *     for (PcapRecord rec; (rec = r.next()) != null;) { ... }
 * }
 * List&lt;PcapRecord&gt; all = PcapReader.readAll(path);
 * </pre>
 * Not thread-safe: one reader per thread.
 */
public final class PcapReader implements AutoCloseable {
    private final Path file;
    private final PcapHandle handle;

    private PcapReader(Path file, PcapHandle handle) {
        this.file = file;
        this.handle = handle;
    }

    /**
     * Opens {@code file}.
     *
     * @throws UncheckedIOException naming the file when it is missing or not a capture libpcap reads
     * @throws IllegalStateException when libpcap cannot be loaded
     */
    public static PcapReader open(Path file) {
        Path f = file.toAbsolutePath().normalize();
        return Pcap4jSupport.call(() -> {
            try {
                return new PcapReader(f, Pcaps.openOffline(f.toString(), PcapHandle.TimestampPrecision.NANO));
            } catch (PcapNativeException e) {
                throw new UncheckedIOException("cannot read capture file " + f + ": " + e.getMessage(),
                        new IOException(e.getMessage(), e));
            }
        });
    }

    /** Reads every record of {@code file}. */
    public static List<PcapRecord> readAll(Path file) {
        try (PcapReader r = open(file)) {
            List<PcapRecord> all = new ArrayList<>();
            for (PcapRecord rec; (rec = r.next()) != null;) {
                all.add(rec);
            }
            return all;
        }
    }

    /**
     * The next record, or null at the end of the file.
     *
     * @throws UncheckedIOException naming the file when libpcap reports an error (e.g. a truncated record)
     */
    public PcapRecord next() {
        return Pcap4jSupport.call(() -> {
            try {
                byte[] data = handle.getNextRawPacketEx();
                Timestamp t = handle.getTimestamp();
                long nanos = Math.floorDiv(t.getTime(), 1000L) * 1_000_000_000L + t.getNanos();
                Integer orig = handle.getOriginalLength();
                return new PcapRecord(nanos, orig == null ? data.length : orig, data);
            } catch (EOFException end) {
                return null;
            } catch (PcapNativeException | TimeoutException | NotOpenException e) {
                throw new UncheckedIOException("cannot read capture file " + file + ": " + e.getMessage(),
                        new IOException(e.getMessage(), e));
            }
        });
    }

    /** The file's link type (1 = Ethernet). */
    public int dataLinkType() {
        return handle.getDlt().value();
    }

    /** The file's snapshot length, in bytes. */
    public int snaplen() {
        try {
            return handle.getSnapshot();
        } catch (NotOpenException e) {
            throw new IllegalStateException("reader of " + file + " is closed", e);
        }
    }

    /** Closes the file. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }
}
