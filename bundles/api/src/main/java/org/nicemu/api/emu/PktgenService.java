package org.nicemu.api.emu;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** The packet generator service (net/core/pktgen.c in queue_xmit mode). */
@ProviderType
public interface PktgenService {
    /**
     * Starts a generator on {@code device} (call on the loop). Parameters are pktgen's, e.g.
     * {@code count}, {@code pkt_size}, {@code rate}, {@code flows}, {@code dst}, {@code tos}, {@code cpu};
     * bad ones give an IllegalArgumentException naming the parameter and what is accepted.
     */
    Generator start(Device device, String name, Map<String, String> params);

    /** One running generator. */
    interface Generator {
        String name();

        /** True when {@code count} frames have been handed to the device (or it was stopped). */
        boolean done();

        void stop();

        /** sofar, errors (dropped at enqueue), bytes, waits for a stopped queue... */
        Map<String, Long> stats();
    }

    /** The accepted parameters with units. */
    String usage();
}
