package org.nicemu.port.pcap4j.reader;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One captured frame: timestamp in nanoseconds (since the epoch of the file, i.e. the emulation
 * clock for files nicemu wrote), original length on the wire, and the captured bytes (at most
 * the snapshot length). Equality compares the bytes by content.
 */
public record PcapRecord(long timestampNanos, int originalLength, byte[] data) {
    /** Number of bytes captured. */
    public int capturedLength() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcapRecord r && r.timestampNanos == timestampNanos
                && r.originalLength == originalLength && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(timestampNanos) * 31 + originalLength) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(data, 0, Math.min(data.length, 32));
        return "PcapRecord[ts=" + timestampNanos + "ns, orig=" + originalLength + ", caplen=" + data.length
                + ", data=" + hex + (data.length > 32 ? "..." : "") + "]";
    }
}
