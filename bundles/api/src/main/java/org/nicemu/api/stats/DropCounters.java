package org.nicemu.api.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/** Drops counted by {@link DropReason}, without allocation (like the kernel's per-reason drop monitor). */
public final class DropCounters {
    private final long[] packets = new long[DropReason.values().length];
    private final long[] bytes = new long[DropReason.values().length];

    public void add(DropReason reason, int len) {
        packets[reason.ordinal()]++;
        bytes[reason.ordinal()] += len;
    }

    public long packets(DropReason reason) { return packets[reason.ordinal()]; }

    public long bytes(DropReason reason) { return bytes[reason.ordinal()]; }

    public long totalPackets() {
        long t = 0;
        for (long p : packets) t += p;
        return t;
    }

    /** Non-zero reasons by label. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            if (packets[r.ordinal()] != 0) m.put(r.label(), packets[r.ordinal()]);
        }
        return m;
    }
}
