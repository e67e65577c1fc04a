package org.nicemu.port.pcap;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Opens {@link PcapngPort}s: one pcapng file per device with one interface per TX queue.
 * Registered with {@code port.kind=pcapng}.
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code file} (required): path of the capture file; parent directories are created and an
 *     existing file is overwritten.</li>
 * <li>{@code snaplen} (bytes, 1..262144, default 262144).</li>
 * </ul>
 * {@code perQueue} is not accepted: the TX queue is the interface id of every packet block, so
 * Wireshark separates the queues with {@code frame.interface_id == N}.
 * Every port this component opened and that is still open is closed when the component
 * deactivates; a JVM shutdown closes them through {@link OpenWriters}.
 */
@Component(service = NicPortFactory.class, property = NicPortFactory.KIND + "=" + PcapngPortFactory.KIND_PCAPNG)
public final class PcapngPortFactory implements NicPortFactory {
    /** The value of {@code port.kind}. */
    public static final String KIND_PCAPNG = "pcapng";
    private static final Set<String> ACCEPTED = Set.of(PortParams.FILE, PortParams.SNAPLEN);

    private final PortRegistry ports = new PortRegistry();

    @Override
    public String kind() {
        return KIND_PCAPNG;
    }

    @Override
    public NicPort open(String devName, int numTxQueues, Map<String, String> params) {
        if (params.containsKey(PortParams.PER_QUEUE)) {
            throw new IllegalArgumentException("port pcapng: parameter 'perQueue' is not accepted"
                    + " (one file, one interface per TX queue); accepted: file, snaplen; use port pcap for per-queue files");
        }
        PortParams.checkKnown(KIND_PCAPNG, params, ACCEPTED);
        PortParams.checkQueues(KIND_PCAPNG, numTxQueues);
        Path file = PortParams.file(KIND_PCAPNG, params);
        int snaplen = PortParams.snaplen(KIND_PCAPNG, params);
        NicPort[] holder = new NicPort[1];
        PcapngPort port = new PcapngPort(devName, numTxQueues, file, snaplen, ports.remover(holder));
        holder[0] = port;
        ports.add(port);
        return port;
    }

    @Override
    public String usage() {
        return "pcapng file=PATH [snaplen=BYTES 1..262144 (default 262144)]"
                + " — one interface per TX queue (<dev>-txN), nanosecond timestamps, per-queue drop statistics";
    }

    /** Number of ports this component opened that are still open. */
    public int openPorts() {
        return ports.size();
    }

    /** Closes (flushes) every port this component opened. */
    @Deactivate
    public void deactivate() {
        ports.closeAll();
    }
}
