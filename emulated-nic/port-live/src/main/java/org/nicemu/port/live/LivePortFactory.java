package org.nicemu.port.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.port.live.Interfaces.Link;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Opens {@link LivePort}s: an emulated NIC on a real interface (docs/port-live.md). Registered with
 * {@code port.kind=live}.
 *
 * <p>Parameters: {@code ifname} (required) the interface, e.g. {@code veth-emu0};
 * {@code rxBacklog} frames the capture thread may queue for the loop (default {@value #DEFAULT_RX_BACKLOG},
 * 16..1048576; more are dropped and counted as {@code rx_overruns}); {@code txRing} frames the loop may
 * queue for the injection thread (default {@value #DEFAULT_TX_RING}, 16..65536, rounded up to a power of
 * two; when full the loop waits); {@code bufferBytes} libpcap's
 * kernel ring (default {@value #DEFAULT_BUFFER_BYTES}, 65536..1073741824); {@code pollMillis} how often the
 * link state and libpcap's statistics are read and a failed handle is retried, also the read
 * timeout (default {@value #DEFAULT_POLL_MILLIS}, 10..10000).
 *
 * <p>Every port the component opened and that is still open is closed when it deactivates.
 */
@Component(service = NicPortFactory.class, property = NicPortFactory.KIND + "=" + LivePortFactory.KIND_LIVE)
public final class LivePortFactory implements NicPortFactory {
    public static final String KIND_LIVE = "live";
    static final int DEFAULT_RX_BACKLOG = 4096;
    static final int DEFAULT_TX_RING = 1024;
    static final int DEFAULT_BUFFER_BYTES = 4 << 20;
    static final int DEFAULT_POLL_MILLIS = 200;
    static final List<String> PARAMS = List.of("ifname", "rxBacklog", "txRing", "bufferBytes", "pollMillis");
    /** Interface names as Linux takes them (IFNAMSIZ 16 with the NUL, no '/', ':' or blanks). */
    static final String IFNAME_PATTERN = "[^/:\\s]{1,15}";

    private final Set<NicPort> mine = ConcurrentHashMap.newKeySet();
    private final Function<Params, LiveHandle.Opener> openers;
    private final Function<String, Link> linkProbe;

    /** The DS component: libpcap through Pcap4J, link state from sysfs. */
    public LivePortFactory() {
        this(p -> ifname -> PcapLiveHandle.open(ifname, p.pollMillis, p.bufferBytes), Interfaces::carrier);
    }

    LivePortFactory(Function<Params, LiveHandle.Opener> openers, Function<String, Link> linkProbe) {
        this.openers = openers;
        this.linkProbe = linkProbe;
    }

    /** Validated parameters. */
    record Params(String ifname, int rxBacklog, int txRing, int bufferBytes, int pollMillis) { }

    @Override
    public String kind() {
        return KIND_LIVE;
    }

    static Params params(Map<String, String> params) {
        for (String k : params.keySet()) {
            if (!PARAMS.contains(k)) throw new IllegalArgumentException("port live: unknown parameter '" + k + "'; accepted: " + String.join(", ", PARAMS));
        }
        String ifname = params.get("ifname");
        if (ifname == null || ifname.isBlank()) {
            throw new IllegalArgumentException("port live: parameter 'ifname' is required (the interface to put the NIC on, e.g. ifname=veth-emu0)");
        }
        ifname = ifname.strip();
        if (!ifname.matches(IFNAME_PATTERN)) {
            throw new IllegalArgumentException("port live: parameter 'ifname' is '" + ifname + "'; accepted: an interface name of 1-15 characters without '/', ':' or blanks");
        }
        int backlog = intParam(params, "rxBacklog", DEFAULT_RX_BACKLOG, 16, 1 << 20, "frames");
        int txRing = intParam(params, "txRing", DEFAULT_TX_RING, 16, 1 << 16, "frames");
        int buffer = intParam(params, "bufferBytes", DEFAULT_BUFFER_BYTES, 1 << 16, 1 << 30, "bytes");
        int poll = intParam(params, "pollMillis", DEFAULT_POLL_MILLIS, 10, 10_000, "milliseconds");
        return new Params(ifname, backlog, txRing, buffer, poll);
    }

    private static int intParam(Map<String, String> p, String key, int dflt, int min, int max, String unit) {
        String v = p.get(key);
        if (v == null) return dflt;
        try {
            int x = Integer.parseInt(v.strip());
            if (x >= min && x <= max) return x;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("port live: parameter '" + key + "' is '" + v + "'; accepted: an integer number of " + unit + " "
                + min + ".." + max + " (default " + dflt + ")");
    }

    /**
     * Opens the interface now: a missing interface, missing permission or missing libpcap is an
     * {@link IllegalStateException} with one clear message.
     */
    @Override
    public NicPort open(String devName, int numTxQueues, Map<String, String> params) {
        Params p = params(params);
        if (numTxQueues < 1 || numTxQueues > 65_535) {
            throw new IllegalArgumentException("port live: numTxQueues " + numTxQueues + " out of range; accepted 1..65535");
        }
        LivePort[] holder = new LivePort[1];
        LivePort port = new LivePort(devName, numTxQueues, p.ifname(), openers.apply(p), linkProbe, p.rxBacklog(), p.txRing(), p.pollMillis(),
                () -> mine.remove(holder[0]));
        holder[0] = port;
        mine.add(port);
        return port;
    }

    @Override
    public String usage() {
        return "live ifname=IF [rxBacklog N] [txRing N] [bufferBytes N] [pollMillis N] — the NIC on a real interface through libpcap"
                + " (root or CAP_NET_RAW; real time only)";
    }

    /** Ports this component opened that are still open. */
    public int openPorts() {
        return mine.size();
    }

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
}
