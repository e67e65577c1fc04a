package org.nicemu.port.pcap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.nicemu.api.nic.NicPort;

/** The ports one factory component opened and that are still open; closed when the component deactivates. */
final class PortRegistry {
    private final Set<NicPort> open = ConcurrentHashMap.newKeySet();

    void add(NicPort p) {
        open.add(p);
    }

    /** The callback a port runs when it closes. */
    Runnable remover(NicPort[] holder) {
        return () -> {
            if (holder[0] != null) {
                open.remove(holder[0]);
            }
        };
    }

    int size() {
        return open.size();
    }

    /** Closes every port still open; errors are printed, so all ports get their chance. */
    void closeAll() {
        List<NicPort> all = new ArrayList<>(open);
        for (NicPort p : all) {
            try {
                p.close();
            } catch (RuntimeException e) {
                System.err.println("nicemu: closing " + p.describe() + " failed: " + e);
            }
        }
        open.clear();
    }
}
