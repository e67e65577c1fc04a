package org.nicemu.ip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.inet.InetNs;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.wire.Ipv4Header;

/**
 * IPv4 reassembly, mirroring net/ipv4/ip_fragment.c ({@code ip_defrag()}, {@code ip_find()},
 * {@code ip_frag_queue()}, {@code ip_frag_reasm()}, {@code ip_expire()}): queues keyed by
 * (saddr, daddr, id, protocol), one timer each ({@code net.ipv4.ipfrag_time}), a memory limit over
 * all queues ({@code net.ipv4.ipfrag_high_thresh}, counted in packet bytes, not truesize).
 *
 * <p>Overlaps: an exact duplicate fragment is dropped alone; any other overlap kills the whole queue
 * (IpReasmFails), as Linux does since 4.19 (RFC 5722 in spirit). Unlike Linux, no ICMP time
 * exceeded (fragment reassembly time exceeded) is sent when a queue expires. The queues are state of
 * this layer instance: a swap of the IP layer frees them (counted IpReasmFails).
 */
final class IpDefrag {
    private record Key(int saddr, int daddr, int id, int proto) { }

    /** struct ipq: the fragments in offset order with their [start, end) payload ranges. */
    private final class Ipq {
        final Key key;
        final List<SkBuff> frags = new ArrayList<>();
        final List<int[]> ranges = new ArrayList<>();
        int len = -1; // total payload length once the last fragment arrived
        int meat;
        long mem;
        final Timer timer;

        Ipq(Key key) {
            this.key = key;
            this.timer = host.loop().newTimer("ipfrag", () -> expire(this));
        }
    }

    private final Host host;
    private final InetNs ns;
    private final Map<Key, Ipq> queues = new HashMap<>();
    private long mem;

    IpDefrag(Host host, InetNs ns) {
        this.host = host;
        this.ns = ns;
    }

    /** Bytes held by all queues. */
    long mem() { return mem; }

    int queues() { return queues.size(); }

    /**
     * Mirrors {@code ip_defrag()}: {@code skb} is a fragment (data at the IP header, trimmed to
     * tot_len). Returns the reassembled packet (data at its IP header) or null when it was queued or dropped.
     */
    SkBuff ipDefrag(SkBuff skb) {
        ns.counters.reasmReqds++;
        byte[] h = skb.head();
        int o = skb.dataOffset();
        int ihl = Ipv4Header.headerLength(h, o);
        int start = Ipv4Header.fragmentOffsetBytes(h, o);
        boolean mf = Ipv4Header.isMf(h, o);
        int end = start + Ipv4Header.totalLength(h, o) - ihl;
        Key k = new Key(Ipv4Header.src(h, o), Ipv4Header.dst(h, o), Ipv4Header.id(h, o), Ipv4Header.protocol(h, o));
        // inet_frag_find() refuses every fragment, for new and existing queues, over high_thresh
        // (here: when this fragment would take the queues over it, so mem never exceeds it)
        if (mem + skb.len() > ns.ipfragHighThreshBytes) {
            ns.counters.reasmFails++;
            drop(skb);
            return null;
        }
        Ipq q = queues.get(k);
        if (q == null) {
            q = new Ipq(k);
            queues.put(k, q);
            q.timer.arm(host.loop().now() + ns.ipfragTimeNanos);
        }
        if (end > 65535) {
            kill(q);
            drop(skb);
            return null;
        }
        if (mf) {
            end &= ~7; // non-final fragments carry a multiple of 8 bytes (Linux trims)
            if (end <= start || (q.len >= 0 && end > q.len)) {
                kill(q);
                drop(skb);
                return null;
            }
        } else {
            if (end < maxEnd(q) || (q.len >= 0 && end != q.len)) { // last fragment contradicts what we have
                kill(q);
                drop(skb);
                return null;
            }
            q.len = end;
        }
        // overlap check (inet_frag_queue_insert): exact duplicates dropped, other overlaps kill the queue
        int pos = 0;
        for (int i = 0; i < q.ranges.size(); i++) {
            int[] r = q.ranges.get(i);
            if (r[0] == start && r[1] == end) {
                drop(skb);
                return null;
            }
            if (start < r[1] && r[0] < end) {
                kill(q);
                drop(skb);
                return null;
            }
            if (r[0] < start) pos = i + 1;
        }
        q.frags.add(pos, skb);
        q.ranges.add(pos, new int[] {start, end});
        q.meat += end - start;
        q.mem += skb.len();
        mem += skb.len();
        if (q.len >= 0 && q.meat == q.len) return reasm(q);
        return null;
    }

    /** Frees a fragment that will not be part of a reassembled datagram (IpExtReasmFragDrops). */
    private void drop(SkBuff skb) {
        ns.counters.reasmFragDrops++;
        host.allocator().free(skb);
    }

    private static int maxEnd(Ipq q) {
        int m = 0;
        for (int[] r : q.ranges) m = Math.max(m, r[1]);
        return m;
    }

    /** Mirrors {@code ip_frag_reasm()}: one linear skb with the first fragment's header, tot_len and checksum fixed. */
    private SkBuff reasm(Ipq q) {
        SkBuff first = q.frags.get(0);
        byte[] fh = first.head();
        int fo = first.dataOffset();
        int ihl = Ipv4Header.headerLength(fh, fo);
        SkBuff n = host.allocator().allocSkb(Ipv4LayerImpl.LL_RESERVE + ihl + q.len);
        n.reserve(Ipv4LayerImpl.LL_RESERVE);
        int d = n.put(ihl + q.len);
        byte[] nh = n.head();
        System.arraycopy(fh, fo, nh, d, ihl);
        for (int i = 0; i < q.frags.size(); i++) {
            SkBuff f = q.frags.get(i);
            int fihl = Ipv4Header.headerLength(f.head(), f.dataOffset());
            int[] r = q.ranges.get(i);
            f.copyBits(fihl, nh, d + ihl + r[0], r[1] - r[0]);
        }
        Ipv4Header.setTotalLength(nh, d, ihl + q.len);
        Ipv4Header.setFragOff(nh, d, Ipv4Header.fragOff(fh, fo) & Ipv4Header.IP_DF);
        Ipv4Header.setChecksum(nh, d);
        n.protocol = first.protocol;
        n.tstamp = q.frags.get(q.frags.size() - 1).tstamp;
        n.pktType = first.pktType;
        n.resetNetworkHeader();
        n.setTransportHeader(ihl);
        destroy(q, false);
        ns.counters.reasmOks++;
        return n;
    }

    /** Mirrors {@code ip_expire()}: the queue timed out. */
    private void expire(Ipq q) {
        if (queues.get(q.key) != q) return;
        ns.counters.reasmTimeout++;
        ns.counters.reasmFails++;
        destroy(q, true);
    }

    /** {@code inet_frag_kill()} + free: a corrupt or overlapping queue. */
    private void kill(Ipq q) {
        ns.counters.reasmFails++;
        destroy(q, true);
    }

    /** Removes the queue and frees its fragments; {@code dropped}: they were not reassembled (IpExtReasmFragDrops). */
    private void destroy(Ipq q, boolean dropped) {
        q.timer.cancel();
        queues.remove(q.key);
        if (dropped) ns.counters.reasmFragDrops += q.frags.size();
        for (SkBuff f : q.frags) host.allocator().free(f);
        q.frags.clear();
        q.ranges.clear();
        mem -= q.mem;
    }

    /** Frees every queue (the layer goes away): counted as reassembly failures. */
    void destroyAll() {
        for (Ipq q : new ArrayList<>(queues.values())) kill(q);
    }
}
