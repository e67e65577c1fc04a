package org.nicemu.api.inet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ARP table of one host ({@code arp_tbl}): neighbour entries by (device, IPv4 address). */
public final class NeighTable {
    private final Map<String, Neighbour> entries = new LinkedHashMap<>();

    private static String key(String dev, int ip) {
        return dev + '/' + ip;
    }

    /** neigh_lookup(): the entry or null. */
    public Neighbour lookup(String dev, int ip) {
        return entries.get(key(dev, ip));
    }

    /** __neigh_lookup(..., creat=1): the entry, made INCOMPLETE if there was none. */
    public Neighbour lookupOrCreate(String dev, int ip) {
        return entries.computeIfAbsent(key(dev, ip), k -> new Neighbour(dev, ip));
    }

    /** Removes an entry (neigh_remove_one); its queued packets are the caller's to free first. */
    public Neighbour remove(String dev, int ip) {
        return entries.remove(key(dev, ip));
    }

    /** All entries in creation order. */
    public List<Neighbour> entries() {
        return new ArrayList<>(entries.values());
    }
}
