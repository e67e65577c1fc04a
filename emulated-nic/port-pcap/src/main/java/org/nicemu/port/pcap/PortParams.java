package org.nicemu.port.pcap;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses and validates the parameters of the {@code pcap} and {@code pcapng} port factories.
 * Every failure is an {@link IllegalArgumentException} that names the parameter and what is accepted.
 */
final class PortParams {
    static final String FILE = "file";
    static final String PER_QUEUE = "perQueue";
    static final String SNAPLEN = "snaplen";

    private PortParams() {
    }

    /** Rejects any key not in {@code accepted}, listing the accepted ones. */
    static void checkKnown(String kind, Map<String, String> params, Set<String> accepted) {
        for (String key : params.keySet()) {
            if (!accepted.contains(key)) {
                throw new IllegalArgumentException("port " + kind + ": unknown parameter '" + key
                        + "'; accepted: " + String.join(", ", new TreeSet<>(accepted)));
            }
        }
    }

    static void checkQueues(String kind, int numTxQueues) {
        if (numTxQueues < 1 || numTxQueues > 65_535) {
            throw new IllegalArgumentException("port " + kind + ": numTxQueues " + numTxQueues
                    + " out of range; accepted 1..65535");
        }
    }

    /** The required {@code file} parameter as a path. */
    static Path file(String kind, Map<String, String> params) {
        String v = params.get(FILE);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("port " + kind + ": parameter 'file' is required"
                    + " (path of the capture file, e.g. file=out/h1-eth0." + kind + ")");
        }
        try {
            return Path.of(v.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("port " + kind + ": parameter 'file' is not a valid path: '"
                    + v + "' (" + e.getReason() + ")", e);
        }
    }

    /** The optional {@code snaplen} parameter in bytes, default {@value PcapWriter#MAX_SNAPLEN}. */
    static int snaplen(String kind, Map<String, String> params) {
        String v = params.get(SNAPLEN);
        if (v == null) {
            return PcapWriter.MAX_SNAPLEN;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1 && n <= PcapWriter.MAX_SNAPLEN) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("port " + kind + ": parameter 'snaplen' is '" + v
                + "'; accepted: an integer number of bytes 1.." + PcapWriter.MAX_SNAPLEN
                + " (default " + PcapWriter.MAX_SNAPLEN + ")");
    }

    /** The optional {@code perQueue} parameter, "true" or "false" (any case), default false. */
    static boolean perQueue(String kind, Map<String, String> params) {
        String v = params.get(PER_QUEUE);
        if (v == null) {
            return false;
        }
        String s = v.strip();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("port " + kind + ": parameter 'perQueue' is '" + v
                + "'; accepted: true or false (default false)");
    }

    /**
     * The per-queue file of {@code file}: a trailing ".pcap" is removed and "-tx&lt;queue&gt;.pcap"
     * appended, so {@code out/h1-eth0.pcap} gives {@code out/h1-eth0-tx0.pcap}, {@code out/cap}
     * gives {@code out/cap-tx0.pcap}.
     */
    static Path perQueueFile(Path file, int queue) {
        String name = file.getFileName().toString();
        String base = name.endsWith(".pcap") ? name.substring(0, name.length() - 5) : name;
        return file.resolveSibling(base + "-tx" + queue + ".pcap");
    }
}
