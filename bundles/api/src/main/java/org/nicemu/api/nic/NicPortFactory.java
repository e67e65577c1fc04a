package org.nicemu.api.nic;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/** An OSGi service that opens ports of one kind, registered with {@value #KIND} (pcap, pcapng, pcap4j, live, wire). */
@ConsumerType
public interface NicPortFactory {
    String KIND = "port.kind";

    String kind();

    /**
     * Opens a port for device {@code devName} with {@code numTxQueues} TX queues. Parameters are
     * kind-specific (e.g. {@code file}, {@code perQueue}); bad ones give an IllegalArgumentException
     * naming the parameter and what is accepted; I/O failures an {@link java.io.UncheckedIOException}.
     */
    NicPort open(String devName, int numTxQueues, Map<String, String> params);

    String usage();
}
