package org.nicemu.scenario;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.nicemu.api.nic.NicPortFactory;

/**
 * The {@link NicPortFactory} services bound now, by {@code port.kind}; fed by DS reference
 * callbacks, read from any thread.
 */
final class PortFactories {
    private final Map<String, NicPortFactory> byKind = new ConcurrentHashMap<>();

    void add(NicPortFactory f, Map<String, ?> props) {
        byKind.put(kind(f, props), f);
    }

    void remove(NicPortFactory f, Map<String, ?> props) {
        byKind.remove(kind(f, props), f);
    }

    private static String kind(NicPortFactory f, Map<String, ?> props) {
        Object k = props == null ? null : props.get(NicPortFactory.KIND);
        return k != null ? String.valueOf(k) : f.kind();
    }

    NicPortFactory get(String kind) {
        return byKind.get(kind);
    }

    Set<String> kinds() {
        return new TreeSet<>(byKind.keySet());
    }

    /** The factory of {@code kind}, waiting up to {@code millis} for it to be bound; null if it never came. */
    NicPortFactory await(String kind, long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        NicPortFactory f;
        while ((f = byKind.get(kind)) == null && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return f;
    }
}
