package org.nicemu.api.inet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ARP table of one host ({@code arp_tbl}): neighbour entries by (device, IPv4 address).
 * Lookups allocate nothing: one small open-addressing table per device keyed by the int address
 * (the device's table found by its name, whose hash String caches), plus the entries in creation
 * order for {@link #entries()}. Loop thread only.
 */
public final class NeighTable {
    /** One device's entries: linear probing on the IPv4 address, power-of-two capacity, backward-shift deletion. */
    private static final class DevTable {
        int[] keys = new int[16];
        Neighbour[] vals = new Neighbour[16];
        int size;

        private static int slot(int ip, int mask) {
            int h = ip * 0x9E3779B9;
            return (h ^ (h >>> 16)) & mask;
        }

        Neighbour get(int ip) {
            int mask = vals.length - 1;
            for (int i = slot(ip, mask); ; i = (i + 1) & mask) {
                Neighbour n = vals[i];
                if (n == null) return null;
                if (keys[i] == ip) return n;
            }
        }

        void put(Neighbour n) {
            if ((size + 1) * 2 > vals.length) grow();
            insert(n);
            size++;
        }

        private void insert(Neighbour n) {
            int mask = vals.length - 1;
            int i = slot(n.ip, mask);
            while (vals[i] != null) i = (i + 1) & mask;
            keys[i] = n.ip;
            vals[i] = n;
        }

        private void grow() {
            Neighbour[] old = vals;
            keys = new int[old.length * 2];
            vals = new Neighbour[old.length * 2];
            for (Neighbour n : old) if (n != null) insert(n);
        }

        Neighbour remove(int ip) {
            int mask = vals.length - 1;
            int i = slot(ip, mask);
            while (true) {
                Neighbour n = vals[i];
                if (n == null) return null;
                if (keys[i] == ip) break;
                i = (i + 1) & mask;
            }
            Neighbour removed = vals[i];
            // backward-shift the cluster after the hole
            int hole = i;
            for (int j = (i + 1) & mask; vals[j] != null; j = (j + 1) & mask) {
                int home = slot(keys[j], mask);
                // move j into the hole when its home slot is not in (hole, j]
                if (((j - home) & mask) >= ((j - hole) & mask)) {
                    keys[hole] = keys[j];
                    vals[hole] = vals[j];
                    hole = j;
                }
            }
            vals[hole] = null;
            size--;
            return removed;
        }
    }

    private final Map<String, DevTable> byDev = new HashMap<>();
    private final List<Neighbour> order = new ArrayList<>();

    /** neigh_lookup(): the entry or null. */
    public Neighbour lookup(String dev, int ip) {
        DevTable t = byDev.get(dev);
        return t == null ? null : t.get(ip);
    }

    /** __neigh_lookup(..., creat=1): the entry, made INCOMPLETE if there was none. */
    public Neighbour lookupOrCreate(String dev, int ip) {
        DevTable t = byDev.get(dev);
        if (t == null) {
            t = new DevTable();
            byDev.put(dev, t);
        } else {
            Neighbour n = t.get(ip);
            if (n != null) return n;
        }
        Neighbour n = new Neighbour(dev, ip);
        t.put(n);
        order.add(n);
        return n;
    }

    /** Removes an entry (neigh_remove_one); its queued packets are the caller's to free first. */
    public Neighbour remove(String dev, int ip) {
        DevTable t = byDev.get(dev);
        Neighbour n = t == null ? null : t.remove(ip);
        if (n != null) {
            for (int i = 0; i < order.size(); i++) {
                if (order.get(i) == n) {
                    order.remove(i);
                    break;
                }
            }
            if (t.size == 0) byDev.remove(dev);
        }
        return n;
    }

    /** All entries in creation order. */
    public List<Neighbour> entries() {
        return new ArrayList<>(order);
    }
}
