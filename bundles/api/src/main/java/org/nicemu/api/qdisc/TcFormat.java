package org.nicemu.api.qdisc;

import java.util.Locale;

/**
 * How tc prints rates, sizes and times (iproute2 tc/tc_util.c {@code sprint_rate()},
 * {@code sprint_size()}, {@code sprint_time()}), for {@link Qdisc#dump()}: the output side of the
 * units {@link QdiscParams} parses.
 */
public final class TcFormat {
    private static final String[] UNITS = {"", "K", "M", "G", "T"};

    private TcFormat() {
    }

    /** Mirrors {@code sprint_rate()} (SI units): {@code 1Mbit}, {@code 1500Kbit}, {@code 800bit}. */
    public static String rate(long bytesPerSec) {
        long r = bytesPerSec << 3;
        int i = 0;
        for (; i < UNITS.length - 1; i++) {
            if (Long.compareUnsigned(r, 1000) < 0) break;
            if (Long.remainderUnsigned(r, 1000) != 0 && Long.compareUnsigned(r, 1000 * 1000) < 0) break;
            r = Long.divideUnsigned(r, 1000);
        }
        return Long.toUnsignedString(r) + UNITS[i] + "bit";
    }

    /**
     * Mirrors {@code sprint_size()}: whole mebibytes (within 1 KiB) as {@code NMb}, whole kibibytes
     * (within 16 bytes) as {@code NKb}, otherwise {@code Nb}: {@code 32Kb}, {@code 2Mb}, {@code 10000b}.
     */
    public static String size(long bytes) {
        double d = bytes;
        double mib = Math.rint(d / (1024 * 1024));
        if (bytes >= 1024 * 1024 && Math.abs(1024 * 1024 * mib - d) < 1024) return (long) mib + "Mb";
        double kib = Math.rint(d / 1024);
        if (bytes >= 1024 && Math.abs(1024 * kib - d) < 16) return (long) kib + "Kb";
        return bytes + "b";
    }

    /** Mirrors {@code sprint_time()} of a time in microseconds: {@code 1.5s}, {@code 50.0ms}, {@code 400us}. */
    public static String timeUs(long us) {
        if (us >= 1_000_000) return String.format(Locale.ROOT, "%.1fs", us / 1e6);
        if (us >= 1000) return String.format(Locale.ROOT, "%.1fms", us / 1e3);
        return us + "us";
    }
}
