package org.nicemu.port.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the kernel says about the interfaces of this network namespace, read from
 * {@code /sys/class/net} ({@code ip netns exec} mounts the namespace's own sysfs there). Reads
 * files only: called from the capture thread, never from the loop.
 */
final class Interfaces {
    static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
    /** IFF_UP in {@code /sys/class/net/IF/flags}. */
    static final int IFF_UP = 0x1;

    private Interfaces() {
    }

    /** Interface names, sorted; null when sysfs cannot be read (then libpcap decides). */
    static List<String> names() {
        return names(SYS_CLASS_NET);
    }

    static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        List<String> l = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> l.add(p.getFileName().toString()));
        } catch (IOException e) {
            return null;
        }
        Collections.sort(l);
        return l;
    }

    /** The carrier state, as {@link #carrier(Path, String)} for the real sysfs. */
    static Link carrier(String ifname) {
        return carrier(SYS_CLASS_NET, ifname);
    }

    /** Link state of an interface as the port reports it. */
    enum Link {
        /** administratively up (IFF_UP) and carrier present (IFF_RUNNING / LOWER_UP). */
        UP,
        /** down, or up without carrier (e.g. the veth peer is down). */
        DOWN,
        /** the interface does not exist (any more). */
        GONE,
        /** sysfs cannot be read here: unknown, assume up. */
        UNKNOWN
    }

    /**
     * {@code flags} has IFF_UP and {@code carrier} reads 1 → UP; the folder is missing → GONE
     * (when sysfs itself is readable); otherwise DOWN. Reading {@code carrier} of a down interface
     * fails with EINVAL: that is DOWN too.
     */
    static Link carrier(Path sys, String ifname) {
        if (!Files.isDirectory(sys)) return Link.UNKNOWN;
        Path dir = sys.resolve(ifname);
        if (!Files.isDirectory(dir)) return Link.GONE;
        try {
            String f = read(dir.resolve("flags"));
            int flags = Integer.decode(f);
            if ((flags & IFF_UP) == 0) return Link.DOWN;
            String c = read(dir.resolve("carrier"));
            return c.equals("1") ? Link.UP : Link.DOWN;
        } catch (NoSuchFileException e) {
            return Link.GONE;
        } catch (IOException | NumberFormatException e) {
            return Link.DOWN;
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).strip();
    }
}
