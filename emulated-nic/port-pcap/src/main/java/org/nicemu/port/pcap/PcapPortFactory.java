package org.nicemu.port.pcap;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Opens {@link PcapPort}s: classic nanosecond pcap files. Registered with {@code port.kind=pcap}.
 *
 * <p>Parameters:
 * <ul>
 * <li>{@code file} (required): path of the capture file; parent directories are created and an
 *     existing file is overwritten.</li>
 * <li>{@code perQueue} ({@code true}/{@code false}, default {@code false}): write one file per
 *     TX queue, named {@code <file without .pcap>-tx<N>.pcap}, instead of one merged file.</li>
 * <li>{@code snaplen} (bytes, 1..262144, default 262144): longer frames are truncated in the file
 *     (the original length is kept in the record header).</li>
 * </ul>
 * Every port this component opened and that is still open is closed (flushed) when the component
 * deactivates; a JVM shutdown closes them through {@link OpenWriters}.
 */
@Component(service = NicPortFactory.class, property = NicPortFactory.KIND + "=" + PcapPortFactory.KIND_PCAP)
public final class PcapPortFactory implements NicPortFactory {
    /** The value of {@code port.kind}. */
    public static final String KIND_PCAP = "pcap";
    private static final Set<String> ACCEPTED = Set.of(PortParams.FILE, PortParams.PER_QUEUE, PortParams.SNAPLEN);

    private final PortRegistry ports = new PortRegistry();

    @Override
    public String kind() {
        return KIND_PCAP;
    }

    @Override
    public NicPort open(String devName, int numTxQueues, Map<String, String> params) {
        PortParams.checkKnown(KIND_PCAP, params, ACCEPTED);
        PortParams.checkQueues(KIND_PCAP, numTxQueues);
        Path file = PortParams.file(KIND_PCAP, params);
        boolean perQueue = PortParams.perQueue(KIND_PCAP, params);
        int snaplen = PortParams.snaplen(KIND_PCAP, params);
        NicPort[] holder = new NicPort[1];
        PcapPort port = new PcapPort(devName, numTxQueues, file, perQueue, snaplen, ports.remover(holder));
        holder[0] = port;
        ports.add(port);
        return port;
    }

    @Override
    public String usage() {
        return "pcap file=PATH [perQueue=true|false (default false): one file PATH-txN.pcap per TX queue]"
                + " [snaplen=BYTES 1..262144 (default 262144)] — classic pcap, nanosecond timestamps";
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
