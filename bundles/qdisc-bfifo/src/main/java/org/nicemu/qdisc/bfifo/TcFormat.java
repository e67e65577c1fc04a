package org.nicemu.qdisc.bfifo;

/**
 * How tc prints a size (iproute2 tc/tc_util.c {@code sprint_size()}): whole mebibytes as
 * {@code NMb}, whole kibibytes (within 16 bytes) as {@code NKb}, otherwise {@code Nb}.
 */
final class TcFormat {
    private TcFormat() {
    }

    /** Mirrors {@code sprint_size()}. */
    static String size(long bytes) {
        double d = bytes;
        double mib = Math.rint(d / (1024 * 1024));
        if (bytes >= 1024 * 1024 && Math.abs(1024 * 1024 * mib - d) < 1024) return (long) mib + "Mb";
        double kib = Math.rint(d / 1024);
        if (bytes >= 1024 && Math.abs(1024 * kib - d) < 16) return (long) kib + "Kb";
        return bytes + "b";
    }
}
