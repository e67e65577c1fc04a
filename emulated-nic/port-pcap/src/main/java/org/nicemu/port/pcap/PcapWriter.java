package org.nicemu.port.pcap;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a classic libpcap file with nanosecond timestamps, the format {@code tcpdump -w} writes
 * with {@code --time-stamp-precision=nano}.
 *
 * <p>Layout, all fields little-endian:
 * <pre>
 * global header (24 B): magic 0xa1b23c4d (nanosecond pcap), version 2.4, thiszone 0, sigfigs 0,
 *                       snaplen, network = 1 (LINKTYPE_ETHERNET)
 * per record (16 B + data): ts_sec, ts_nsec, incl_len = min(len, snaplen), orig_len = len
 * </pre>
 * Frames are as on the wire without preamble and FCS. A timestamp is nanoseconds of the emulation
 * clock; negative values are written as 0, and seconds are stored in 32 bits unsigned (as in the format).
 *
 * <p>Records are copied into a reusable direct buffer (default 1 MiB) and written with one
 * {@code FileChannel.write} per full buffer: no allocation per frame. See {@link CaptureFileWriter}
 * for the threading and close rules.
 */
public final class PcapWriter extends CaptureFileWriter {
    /** Magic number of a pcap file with nanosecond-resolution timestamps. */
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    /** Major version of the pcap format. */
    public static final short VERSION_MAJOR = 2;
    /** Minor version of the pcap format. */
    public static final short VERSION_MINOR = 4;
    /** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet frames. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** Default and largest snapshot length, in bytes (Wireshark's limit for Ethernet). */
    public static final int MAX_SNAPLEN = 262_144;
    /** Size of the global header, in bytes. */
    public static final int GLOBAL_HEADER_BYTES = 24;
    /** Size of a record header, in bytes. */
    public static final int RECORD_HEADER_BYTES = 16;

    private final int snaplen;
    private long records;
    private long bytes;

    /** Opens {@code file} with snaplen {@value #MAX_SNAPLEN} and a 1 MiB buffer. */
    public PcapWriter(Path file) {
        this(file, MAX_SNAPLEN, DEFAULT_BUFFER_BYTES);
    }

    /**
     * Opens {@code file} (parent directories are created, an existing file is truncated) and
     * writes the global header into the buffer.
     *
     * @param snaplen     largest number of bytes kept per frame, 1..{@value #MAX_SNAPLEN}
     * @param bufferBytes size of the reusable buffer; raised to hold at least one full record
     * @throws IllegalArgumentException when snaplen is out of range
     * @throws java.io.UncheckedIOException naming the file when it cannot be created
     */
    public PcapWriter(Path file, int snaplen, int bufferBytes) {
        super(file, Math.max(bufferBytes, GLOBAL_HEADER_BYTES + RECORD_HEADER_BYTES + checkSnaplen(snaplen)));
        this.snaplen = snaplen;
        buf.putInt(MAGIC_NANOS)
                .putShort(VERSION_MAJOR)
                .putShort(VERSION_MINOR)
                .putInt(0) // thiszone: timestamps are UTC / emulation time
                .putInt(0) // sigfigs
                .putInt(snaplen)
                .putInt(LINKTYPE_ETHERNET);
    }

    static int checkSnaplen(int snaplen) {
        if (snaplen < 1 || snaplen > MAX_SNAPLEN) {
            throw new IllegalArgumentException(
                    "snaplen " + snaplen + " out of range: accepted 1.." + MAX_SNAPLEN + " (bytes)");
        }
        return snaplen;
    }

    /**
     * Appends one record. Owner thread only; ignored once closed.
     *
     * @param timestampNanos emulation time in nanoseconds
     * @param frame          frame bytes (copied, not kept)
     * @throws IndexOutOfBoundsException when off/len do not lie within frame
     * @throws java.io.UncheckedIOException naming the file when a buffer drain fails
     */
    public void write(long timestampNanos, byte[] frame, int off, int len) {
        Objects.checkFromIndexSize(off, len, frame.length);
        if (!enter()) {
            return;
        }
        try {
            int incl = Math.min(len, snaplen);
            ensure(RECORD_HEADER_BYTES + incl);
            buf.putInt((int) seconds(timestampNanos))
                    .putInt(nanosPart(timestampNanos))
                    .putInt(incl)
                    .putInt(len)
                    .put(frame, off, incl);
            records++;
            bytes += len;
        } finally {
            exit();
        }
    }

    /** The snapshot length written in the global header. */
    public int snaplen() {
        return snaplen;
    }

    /** Records written so far (owner thread). */
    public long records() {
        return records;
    }

    /** Sum of the original frame lengths written so far, in bytes (owner thread). */
    public long frameBytes() {
        return bytes;
    }
}
