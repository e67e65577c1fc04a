package org.nicemu.port.pcap4j;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Opens {@link Pcap4jPort}s: nanosecond pcap files written by libpcap through Pcap4J. Registered
 * with {@code port.kind=pcap4j}.
 *
 * <p>Parameter: {@code file} (required), the path of the capture file; parent directories are
 * created, an existing file is overwritten. All TX queues go to that one file in transmit order;
 * the snapshot length is fixed at {@value Pcap4jPort#SNAPLEN} bytes.
 *
 * <p>Every port the component opened and that is still open is closed when the component
 * deactivates. While any pcap4j port is open in the JVM, a shutdown hook
 * ({@code nicemu-pcap4j-close}) closes them on a normal JVM exit or Ctrl-C, so libpcap's buffered
 * records reach the file; it is removed again when the last port closes.
 */
@Component(service = NicPortFactory.class, property = NicPortFactory.KIND + "=" + Pcap4jPortFactory.KIND_PCAP4J)
public final class Pcap4jPortFactory implements NicPortFactory {
    /** The value of {@code port.kind}. */
    public static final String KIND_PCAP4J = "pcap4j";

    private static final Set<Pcap4jPort> OPEN = ConcurrentHashMap.newKeySet();
    private static Thread hook; // guarded by Pcap4jPortFactory.class

    private final Set<NicPort> mine = ConcurrentHashMap.newKeySet();

    @Override
    public String kind() {
        return KIND_PCAP4J;
    }

    @Override
    public NicPort open(String devName, int numTxQueues, Map<String, String> params) {
        for (String key : params.keySet()) {
            if (!key.equals("file")) {
                throw new IllegalArgumentException("port pcap4j: unknown parameter '" + key + "'; accepted: file");
            }
        }
        if (numTxQueues < 1 || numTxQueues > 65_535) {
            throw new IllegalArgumentException("port pcap4j: numTxQueues " + numTxQueues + " out of range; accepted 1..65535");
        }
        String v = params.get("file");
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(
                    "port pcap4j: parameter 'file' is required (path of the capture file, e.g. file=out/h1-eth0.pcap)");
        }
        Path file;
        try {
            file = Path.of(v.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("port pcap4j: parameter 'file' is not a valid path: '" + v + "' ("
                    + e.getReason() + ")", e);
        }
        Pcap4jPort[] holder = new Pcap4jPort[1];
        Pcap4jPort port = new Pcap4jPort(devName, numTxQueues, file, () -> mine.remove(holder[0]));
        holder[0] = port;
        mine.add(port);
        return port;
    }

    @Override
    public String usage() {
        return "pcap4j file=PATH — nanosecond pcap written by libpcap through Pcap4J (snaplen 65536;"
                + " slow reference writer: use port pcap for speed)";
    }

    /** Number of ports this component opened that are still open. */
    public int openPorts() {
        return mine.size();
    }

    /** Closes every port this component opened. */
    @Deactivate
    public void deactivate() {
        for (NicPort p : new ArrayList<>(mine)) {
            try {
                p.close();
            } catch (RuntimeException e) {
                System.err.println("nicemu: closing " + p.describe() + " failed: " + e);
            }
        }
        mine.clear();
    }

    static synchronized void registerOpen(Pcap4jPort p) {
        OPEN.add(p);
        if (hook == null) {
            Thread t = new Thread(Pcap4jPortFactory::closeAllOpen, "nicemu-pcap4j-close");
            try {
                Runtime.getRuntime().addShutdownHook(t);
                hook = t;
            } catch (IllegalStateException shuttingDown) {
                // already shutting down
            }
        }
    }

    static synchronized void unregisterOpen(Pcap4jPort p) {
        OPEN.remove(p);
        if (OPEN.isEmpty() && hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now
            }
            hook = null;
        }
    }

    /** Closes every pcap4j port open in this JVM; what the shutdown hook runs. */
    public static void closeAllOpen() {
        List<Pcap4jPort> all = new ArrayList<>(OPEN);
        for (Pcap4jPort p : all) {
            try {
                p.close();
            } catch (RuntimeException e) {
                System.err.println("nicemu: closing " + p.file() + " failed: " + e);
            }
        }
    }

    /** Number of pcap4j ports open in this JVM. */
    public static int openInJvm() {
        return OPEN.size();
    }
}
