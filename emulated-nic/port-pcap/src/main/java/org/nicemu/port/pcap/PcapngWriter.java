package org.nicemu.port.pcap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a pcapng file: one section, one interface per TX queue of a device (and, once added with
 * {@link #addInterfaces}, one per RX queue), nanosecond timestamps.
 *
 * <p>Blocks, all little-endian, each padded to 32 bits and framed by its total length at both ends:
 * <ul>
 * <li>Section Header Block (0x0A0D0D0A): byte-order magic 0x1A2B3C4D, version 1.0, section length
 *     -1 (unknown), option {@code shb_userappl = "nicemu"}.</li>
 * <li>One Interface Description Block (1) per TX queue, in queue order, so the interface id of
 *     queue {@code q} is {@code q}: LINKTYPE_ETHERNET, snaplen, options {@code if_name} =
 *     {@code <dev>-tx<q>} (e.g. {@code eth0-tx0}) and {@code if_tsresol} = 9 (nanoseconds).</li>
 * <li>Interfaces added later with {@link #addInterfaces} (the receive queues, {@code <dev>-rx<q>})
 *     get the next ids, their descriptions written before any packet that uses them (pcapng
 *     allows an IDB anywhere in the section before its first use).</li>
 * <li>One Enhanced Packet Block (6) per frame: interface id = TX queue (or an added id), 64-bit timestamp in ns
 *     (high word first), captured length = min(len, snaplen), original length, data.</li>
 * <li>At {@link #close()}, one Interface Statistics Block (5) per interface, timestamped with the
 *     latest frame timestamp of the file, with {@code isb_starttime}/{@code isb_endtime} (first
 *     and last frame of that queue, only if it sent any), {@code isb_ifrecv} (frames written for
 *     that queue), {@code isb_ifdrop} (drops reported with {@link #addDrops}) and
 *     {@code isb_osdrop} (drops reported with {@link #addOsDrops}).</li>
 * </ul>
 * A file cut off by SIGKILL lacks only the statistics blocks and is still readable.
 * See {@link CaptureFileWriter} for the buffering, threading and close rules.
 */
public final class PcapngWriter extends CaptureFileWriter {
    /** Block type of the Section Header Block. */
    public static final int BT_SHB = 0x0A0D0D0A;
    /** Block type of the Interface Description Block. */
    public static final int BT_IDB = 0x00000001;
    /** Block type of the Interface Statistics Block. */
    public static final int BT_ISB = 0x00000005;
    /** Block type of the Enhanced Packet Block. */
    public static final int BT_EPB = 0x00000006;
    /** Byte-order magic in the Section Header Block. */
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    /** opt_endofopt. */
    public static final short OPT_ENDOFOPT = 0;
    /** shb_userappl: the application that wrote the section. */
    public static final short SHB_USERAPPL = 4;
    /** if_name: the interface name. */
    public static final short IF_NAME = 2;
    /** if_tsresol: timestamp resolution; 9 = 10^-9 s. */
    public static final short IF_TSRESOL = 9;
    /** isb_starttime: timestamp of the first frame. */
    public static final short ISB_STARTTIME = 2;
    /** isb_endtime: timestamp of the last frame. */
    public static final short ISB_ENDTIME = 3;
    /** isb_ifrecv: packets seen by the interface (here: frames sent on the queue). */
    public static final short ISB_IFRECV = 4;
    /** isb_ifdrop: packets dropped by the interface (here: the queue). */
    public static final short ISB_IFDROP = 5;
    /** isb_osdrop: packets dropped by the operating system (here: the emulated stack). */
    public static final short ISB_OSDROP = 7;

    /** EPB size without data and options: type, length, if id, ts hi, ts lo, caplen, len, length. */
    public static final int EPB_OVERHEAD_BYTES = 32;
    private static final String USER_APPL = "nicemu";

    private final int snaplen;
    private int numInterfaces;
    private long[] frames;
    private long[] ifDrops;
    private long[] osDrops;
    private long[] firstTs;
    private long[] lastTs;
    private long maxTs;

    /**
     * Opens {@code file} (parent directories are created, an existing file is truncated) and
     * writes the section header and one interface description per TX queue.
     *
     * @param devName       device name used for {@code if_name} ({@code <devName>-tx<q>})
     * @param numInterfaces number of TX queues, 1..65535
     * @param snaplen       largest number of bytes kept per frame, 1..{@value PcapWriter#MAX_SNAPLEN}
     * @throws IllegalArgumentException naming the bad argument
     * @throws java.io.UncheckedIOException naming the file when it cannot be created
     */
    public PcapngWriter(Path file, String devName, int numInterfaces, int snaplen) {
        this(file, devName, numInterfaces, snaplen, DEFAULT_BUFFER_BYTES);
    }

    /**
     * As {@link #PcapngWriter(Path, String, int, int)} with an explicit buffer size (raised to
     * hold the headers and at least one full record).
     */
    public PcapngWriter(Path file, String devName, int numInterfaces, int snaplen, int bufferBytes) {
        super(file, bufferSize(devName, numInterfaces, snaplen, bufferBytes));
        this.snaplen = snaplen;
        this.numInterfaces = numInterfaces;
        this.frames = new long[numInterfaces];
        this.ifDrops = new long[numInterfaces];
        this.osDrops = new long[numInterfaces];
        this.firstTs = new long[numInterfaces];
        this.lastTs = new long[numInterfaces];
        writeSectionHeader();
        for (int q = 0; q < numInterfaces; q++) {
            writeInterfaceDescription(devName + "-tx" + q);
        }
    }

    private static int bufferSize(String devName, int numInterfaces, int snaplen, int bufferBytes) {
        Objects.requireNonNull(devName, "devName");
        if (numInterfaces < 1 || numInterfaces > 65_535) {
            throw new IllegalArgumentException(
                    "numInterfaces " + numInterfaces + " out of range: accepted 1..65535 (TX queues)");
        }
        PcapWriter.checkSnaplen(snaplen);
        int nameBytes = devName.getBytes(StandardCharsets.UTF_8).length + 12;
        int headers = 64 + numInterfaces * (40 + pad4(nameBytes));
        int trailer = numInterfaces * 80;
        return Math.max(bufferBytes, Math.max(headers, trailer) + EPB_OVERHEAD_BYTES + pad4(snaplen));
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private void writeSectionHeader() {
        byte[] appl = USER_APPL.getBytes(StandardCharsets.UTF_8);
        int total = 28 + 4 + pad4(appl.length) + 4;
        buf.putInt(BT_SHB).putInt(total)
                .putInt(BYTE_ORDER_MAGIC)
                .putShort((short) 1).putShort((short) 0)
                .putLong(-1L); // section length not known
        putOption(SHB_USERAPPL, appl);
        buf.putShort(OPT_ENDOFOPT).putShort((short) 0);
        buf.putInt(total);
    }

    /**
     * Adds {@code n} interfaces named {@code <namePrefix><i>} (i = 0..n-1, e.g. {@code eth0-rx0}),
     * writes their Interface Description Blocks and returns the id of the first one; the others
     * follow consecutively. Owner thread only; returns -1 (nothing written) once closed.
     *
     * @throws IllegalArgumentException when the total number of interfaces would exceed 65535
     */
    public int addInterfaces(String namePrefix, int n) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        if (n < 1 || numInterfaces + n > 65_535) {
            throw new IllegalArgumentException("cannot add " + n + " interfaces to " + numInterfaces + ": accepted 1.." + (65_535 - numInterfaces));
        }
        if (!enter()) {
            return -1;
        }
        try {
            int first = numInterfaces;
            int total = first + n;
            frames = java.util.Arrays.copyOf(frames, total);
            ifDrops = java.util.Arrays.copyOf(ifDrops, total);
            osDrops = java.util.Arrays.copyOf(osDrops, total);
            firstTs = java.util.Arrays.copyOf(firstTs, total);
            lastTs = java.util.Arrays.copyOf(lastTs, total);
            for (int i = 0; i < n; i++) {
                writeInterfaceDescription(namePrefix + i);
            }
            numInterfaces = total;
            return first;
        } finally {
            exit();
        }
    }

    private void writeInterfaceDescription(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int total = 20 + (4 + pad4(n.length)) + (4 + 4) + 4;
        ensure(total);
        buf.putInt(BT_IDB).putInt(total)
                .putShort((short) PcapWriter.LINKTYPE_ETHERNET).putShort((short) 0)
                .putInt(snaplen);
        putOption(IF_NAME, n);
        buf.putShort(IF_TSRESOL).putShort((short) 1).put((byte) 9).put((byte) 0).putShort((short) 0);
        buf.putShort(OPT_ENDOFOPT).putShort((short) 0);
        buf.putInt(total);
    }

    private void putOption(short code, byte[] value) {
        buf.putShort(code).putShort((short) value.length).put(value);
        padBuffer(value.length);
    }

    private void padBuffer(int len) {
        for (int i = len; (i & 3) != 0; i++) {
            buf.put((byte) 0);
        }
    }

    /**
     * Appends one Enhanced Packet Block for TX queue {@code queue}. Owner thread only; ignored once closed.
     *
     * @param timestampNanos emulation time in nanoseconds (negative values are written as 0)
     * @param queue          TX queue = interface id, 0..numInterfaces-1
     * @param frame          frame bytes (copied, not kept)
     * @throws IndexOutOfBoundsException when the queue is out of range or off/len do not lie within frame
     * @throws java.io.UncheckedIOException naming the file when a buffer drain fails
     */
    public void write(long timestampNanos, int queue, byte[] frame, int off, int len) {
        Objects.checkIndex(queue, numInterfaces);
        Objects.checkFromIndexSize(off, len, frame.length);
        if (!enter()) {
            return;
        }
        try {
            int incl = Math.min(len, snaplen);
            int total = EPB_OVERHEAD_BYTES + pad4(incl);
            ensure(total);
            long ts = timestampNanos < 0 ? 0 : timestampNanos;
            buf.putInt(BT_EPB).putInt(total)
                    .putInt(queue)
                    .putInt((int) (ts >>> 32)).putInt((int) ts)
                    .putInt(incl).putInt(len)
                    .put(frame, off, incl);
            padBuffer(incl);
            buf.putInt(total);
            if (frames[queue]++ == 0) {
                firstTs[queue] = ts;
            }
            lastTs[queue] = ts;
            if (ts > maxTs) {
                maxTs = ts;
            }
        } finally {
            exit();
        }
    }

    /**
     * Counts {@code n} frames dropped by TX queue {@code queue} (ring full, link down, ...);
     * written as {@code isb_ifdrop} at close. Owner thread only.
     */
    public void addDrops(int queue, long n) {
        ifDrops[Objects.checkIndex(queue, numInterfaces)] += n;
    }

    /**
     * Counts {@code n} frames for TX queue {@code queue} dropped before the NIC (by the emulated
     * stack, e.g. the qdisc); written as {@code isb_osdrop} at close. Owner thread only.
     */
    public void addOsDrops(int queue, long n) {
        osDrops[Objects.checkIndex(queue, numInterfaces)] += n;
    }

    /** Frames written for interface {@code queue} (a TX queue, or an added interface id) so far. */
    public long frames(int queue) {
        return frames[Objects.checkIndex(queue, numInterfaces)];
    }

    /** Number of interfaces (TX queues, then added ones) described in the file. */
    public int numInterfaces() {
        return numInterfaces;
    }

    /** Snapshot length written in every interface description. */
    public int snaplen() {
        return snaplen;
    }

    @Override
    protected void writeTrailer() {
        for (int q = 0; q < numInterfaces; q++) {
            boolean any = frames[q] > 0;
            int total = 20 + (any ? 2 * 12 : 0) + 3 * 12 + 4 + 4;
            ensure(total);
            buf.putInt(BT_ISB).putInt(total)
                    .putInt(q)
                    .putInt((int) (maxTs >>> 32)).putInt((int) maxTs);
            if (any) {
                putTimestampOption(ISB_STARTTIME, firstTs[q]);
                putTimestampOption(ISB_ENDTIME, lastTs[q]);
            }
            putU64Option(ISB_IFRECV, frames[q]);
            putU64Option(ISB_IFDROP, ifDrops[q]);
            putU64Option(ISB_OSDROP, osDrops[q]);
            buf.putShort(OPT_ENDOFOPT).putShort((short) 0);
            buf.putInt(total);
        }
    }

    private void putTimestampOption(short code, long ts) {
        buf.putShort(code).putShort((short) 8).putInt((int) (ts >>> 32)).putInt((int) ts);
    }

    private void putU64Option(short code, long v) {
        buf.putShort(code).putShort((short) 8).putLong(v);
    }
}
