package org.nicemu.ip;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.inet.Flowi4;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.InetNs;
import org.nicemu.api.inet.InetProtocol;
import org.nicemu.api.inet.IpCounters;
import org.nicemu.api.inet.Ipv4Layer;
import org.nicemu.api.inet.Neighbour;
import org.nicemu.api.inet.NfHook;
import org.nicemu.api.inet.NudState;
import org.nicemu.api.inet.Route;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.wire.ArpPacket;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.InetChecksum;
import org.nicemu.api.wire.Ipv4Address;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.MacAddress;

/**
 * The IPv4 layer of one host: output ({@code ip_queue_xmit()} → {@code ip_local_out()} →
 * {@code ip_output()} → {@code ip_finish_output()} → {@code ip_fragment()} → {@code neigh_output()}),
 * input ({@code ip_rcv()} → {@code ip_rcv_finish()} → {@code ip_defrag()} → {@code ip_local_deliver()}),
 * ICMP ({@code icmp_rcv()}, {@code icmp_echo()}, {@code icmp_send()}) and ARP ({@code arp_rcv()},
 * {@code arp_process()}, {@code arp_solicit()}, {@code __neigh_event_send()}, {@code neigh_update()}).
 * All lasting state is in the host's {@link InetNs}; this instance owns only timers (ARP
 * retransmission, reassembly) and the reassembly queues. Loop thread only.
 *
 * <p>Differences from Linux, on purpose: IP IDs come from one per-host counter
 * ({@link InetNs#ipIdent}) for every packet, DF or not (Linux uses per-socket {@code inet_id} for
 * connected sockets and a hashed per-destination {@code ip_idents} bucket otherwise); REACHABLE
 * turns STALE when used after {@code base_reachable_time} (checked at use, no timer) and a STALE
 * entry is used without DELAY/PROBE re-confirmation; a full {@code arp_queue} drops its oldest
 * packet as Linux does ({@code ArpUnresolvedDrops}); no loopback device (packets to one's own
 * address are refused with ENETUNREACH); no forwarding; no IP options on output; no ICMP rate limit.
 */
final class Ipv4LayerImpl implements Ipv4Layer {
    /** Headroom reserved for link-layer headers in skbs this layer allocates (LL_RESERVED_SPACE). */
    static final int LL_RESERVE = 32;
    static final int ENETUNREACH = 101, EMSGSIZE = 90, EPERM = 1, EADDRNOTAVAIL = 99, EINVAL = 22;
    static final int ICMP_ECHOREPLY = 0, ICMP_DEST_UNREACH = 3, ICMP_ECHO = 8;
    static final int ICMP_HOST_UNREACH = 1, ICMP_PROT_UNREACH = 2, ICMP_PORT_UNREACH = 3;

    /** ip_tos2prio[]: TC_PRIO_* by (tos & IPTOS_TOS_MASK) >> 1 (besteffort 0, bulk 2, interactive_bulk 4, interactive 6). */
    /** The I/G bit of a MAC held as a 48-bit long (bit 0 of the first octet). */
    private static final long MAC_GROUP_BIT = 1L << 40;

    private static final int[] TOS2PRIO = {0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4};

    private final Host host;
    private final InetNs ns;
    private final IpCounters c;
    private final IpDefrag defrag;
    /** ARP retransmission timers of INCOMPLETE neighbours (neigh->timer). */
    private final Map<Neighbour, Timer> solicitTimers = new HashMap<>();
    /** Per-device facts the hot paths need (dev by name, MAC as a long, MTU), read without allocating. */
    private DevInfo[] devs = new DevInfo[0];
    private boolean destroyed;

    Ipv4LayerImpl(Host host, InetNs ns) {
        this.host = host;
        this.ns = ns;
        this.c = ns.counters;
        this.defrag = new IpDefrag(host, ns);
        // a new instance after a swap: resolutions in progress continue (their timers were the old instance's)
        long now = host.loop().now();
        for (Neighbour n : ns.neigh.entries()) {
            if (n.state == NudState.INCOMPLETE) solicitTimer(n).arm(now + ns.neighRetransNanos);
        }
    }

    /** rt_tos2priority(). */
    static int rtTos2Priority(int tos) {
        return TOS2PRIO[(tos & 0x1e) >> 1];
    }

    /**
     * What the layer caches of one device: its name, the NIC and the NicConfig the MAC and MTU were
     * read from ({@code NicConfig.mac()} clones an array, so the MAC is kept as a long and read again
     * only when the device's NIC or configuration object changes).
     */
    private static final class DevInfo {
        final Device dev;
        final String name;
        Object nic, config;
        long mac;
        int mtu;

        DevInfo(Device dev) {
            this.dev = dev;
            this.name = dev.name();
        }
    }

    /** The cache entry of {@code dev}, made or refreshed when needed; no allocation once made. */
    private DevInfo info(Device dev) {
        DevInfo[] a = devs;
        DevInfo d = null;
        for (int i = 0; i < a.length; i++) {
            if (a[i].dev == dev) {
                d = a[i];
                break;
            }
        }
        if (d == null) {
            d = new DevInfo(dev);
            DevInfo[] n = java.util.Arrays.copyOf(a, a.length + 1);
            n[a.length] = d;
            devs = n;
        }
        org.nicemu.api.nic.Nic nic = dev.nic();
        org.nicemu.api.nic.NicConfig cfg = nic.config();
        if (d.nic != nic || d.config != cfg) {
            d.nic = nic;
            d.config = cfg;
            d.mac = MacAddress.of(cfg.mac()).bits();
            d.mtu = cfg.mtu();
        }
        return d;
    }

    /**
     * The device called {@code name} ({@code host.device()} walks the host's list with an
     * iterator): cached, as devices are never removed from a host; a name not cached yet is asked of
     * the host, and null is not cached.
     */
    private Device deviceByName(String name) {
        DevInfo[] a = devs;
        for (int i = 0; i < a.length; i++) {
            String n = a[i].name;
            if (n == name || n.equals(name)) return a[i].dev;
        }
        Device d = host.device(name);
        if (d != null) info(d);
        return d;
    }

    private long mac(Device dev) {
        return info(dev).mac;
    }

    private void free(SkBuff skb) {
        host.allocator().free(skb);
    }

    // ================================================================ output

    /**
     * Mirrors {@code inet_select_addr()}: the address of {@code dev} whose subnet holds {@code dst},
     * else the first address of {@code dev}, else any address of the host; 0 when there is none.
     */
    int inetSelectAddr(String dev, int dst) {
        InetAddr first = null;
        List<InetAddr> addrs = ns.addrs;
        for (int i = 0, n = addrs.size(); i < n; i++) {
            InetAddr a = addrs.get(i);
            if (!a.dev().equals(dev)) continue;
            if (first == null) first = a;
            if (((a.addr() ^ dst) & Route.mask(a.prefixLen())) == 0) return a.addr();
        }
        if (first != null) return first.addr();
        return ns.addrs.isEmpty() ? 0 : ns.addrs.get(0).addr();
    }

    @Override
    public int ipQueueXmit(SkBuff skb, Flowi4 fl) {
        return ipQueueXmit(skb, fl.saddr(), fl.daddr(), fl.proto(), fl.tos(), fl.ttl(), fl.df());
    }

    /** {@link #ipQueueXmit(SkBuff, Flowi4)} with the flow's fields (ICMP replies and errors make no Flowi4). */
    int ipQueueXmit(SkBuff skb, int flSaddr, int daddr, int proto, int tos, int flTtl, boolean df) {
        if (destroyed) {
            free(skb);
            return -ENETUNREACH;
        }
        if (proto == Ipv4Header.IPPROTO_ICMP && ns.isLocal(daddr)) {
            icmpLoopback(skb, flSaddr != 0 ? flSaddr : daddr, daddr, tos); // a ping of our own address, an error about our own packet
            return 0;
        }
        Route rt = ns.fib.lookup(daddr);
        Device dev = rt == null || rt.type() != Route.Type.UNICAST ? null : deviceByName(rt.dev());
        if (dev == null || ns.isLocal(daddr)) {
            c.outNoRoutes++;
            free(skb);
            return -ENETUNREACH;
        }
        int saddr = flSaddr != 0 ? flSaddr : rt.prefsrc() != 0 ? rt.prefsrc() : inetSelectAddr(dev.name(), daddr);
        if (saddr == 0) {
            c.outNoRoutes++;
            free(skb);
            return -EADDRNOTAVAIL;
        }
        int nexthop = rt.gateway() != 0 ? rt.gateway() : daddr;
        if (skb.headroom() < Ipv4Header.MIN_LEN + EthernetHeader.ETH_HLEN) skb = reallocHeadroom(skb);
        int l4len = skb.len();
        if (skb.transportHeader < 0) skb.setTransportHeader(0);
        skb.push(Ipv4Header.MIN_LEN);
        skb.resetNetworkHeader();
        int id = ns.ipIdent++ & 0xffff;
        int ttl = flTtl != 0 ? flTtl : ns.ipDefaultTtl;
        Ipv4Header.write(skb.head(), skb.dataOffset(), tos, Ipv4Header.MIN_LEN + l4len, id,
                df ? Ipv4Header.IP_DF : 0, ttl, proto, saddr, daddr);
        skb.priority = rtTos2Priority(tos);
        skb.protocol = EthernetHeader.ETH_P_IP;
        return ipLocalOut(skb, dev, nexthop);
    }

    /** skb_realloc_headroom(): a linear copy with LL_RESERVE + 20 bytes of headroom; frees the original. */
    private SkBuff reallocHeadroom(SkBuff skb) {
        int room = LL_RESERVE + Ipv4Header.MIN_LEN;
        SkBuff n = host.allocator().allocSkb(room + skb.len());
        n.reserve(room);
        int d = n.put(skb.len());
        skb.copyBits(0, n.head(), d, skb.len());
        n.sk = skb.sk;
        n.mark = skb.mark;
        n.hash = skb.hash;
        n.senderCpu = skb.senderCpu;
        n.setTransportHeader(skb.transportHeader < 0 ? 0 : skb.transportHeader - skb.dataOffset());
        free(skb);
        return n;
    }

    /** Mirrors {@code ip_local_out()} / {@code __ip_local_out()}: counts IpOutRequests and goes to {@link #ipOutput}. */
    int ipLocalOut(SkBuff skb, Device dev, int nexthop) {
        c.outRequests++;
        return ipOutput(skb, dev, nexthop);
    }

    /**
     * Mirrors {@code ip_output()}: runs the NF_INET_POST_ROUTING hooks ({@code NF_HOOK_COND}) in
     * priority order; NF_DROP frees the packet, counts IpOutDiscards and returns -EPERM; NF_STOLEN
     * leaves it with the hook. Then {@link #ipFinishOutput}.
     */
    int ipOutput(SkBuff skb, Device dev, int nexthop) {
        List<NfHook> hooks = host.postRoutingHooks();
        for (int i = 0; i < hooks.size(); i++) {
            int v;
            try {
                v = hooks.get(i).hook(skb, dev);
            } catch (RuntimeException e) {
                v = NfHook.NF_DROP;
            }
            if (v == NfHook.NF_ACCEPT) continue;
            if (v == NfHook.NF_STOLEN) return NetXmit.NET_XMIT_SUCCESS;
            c.outDiscards++;
            free(skb);
            return -EPERM;
        }
        return ipFinishOutput(skb, dev, nexthop);
    }

    /**
     * Mirrors {@code __ip_finish_output()}: packets larger than the device MTU are fragmented
     * ({@link #ipFragment}) unless GSO; with DF set they are dropped (IpFragFails, -EMSGSIZE; Linux
     * would also report the MTU to the socket).
     */
    int ipFinishOutput(SkBuff skb, Device dev, int nexthop) {
        int mtu = info(dev).mtu;
        if (skb.len() <= mtu || skb.isGso()) return neighOutput(skb, dev, nexthop);
        if (Ipv4Header.isDf(skb.head(), skb.dataOffset())) {
            c.fragFails++;
            free(skb);
            return -EMSGSIZE;
        }
        return ipFragment(skb, dev, nexthop, mtu);
    }

    /**
     * Mirrors {@code ip_do_fragment()} (slow path): splits the payload into fragments of
     * {@code (mtu - ihl) & ~7} bytes, each a new linear skb with a copy of the header, its own
     * tot_len, frag_off (offset in 8-byte units, MF on all but the last unless the original had MF)
     * and checksum; IpFragCreates per fragment, IpFragOKs once. Frees the original.
     */
    int ipFragment(SkBuff skb, Device dev, int nexthop, int mtu) {
        byte[] h = skb.head();
        int o = skb.dataOffset();
        int ihl = Ipv4Header.headerLength(h, o);
        int total = skb.len() - ihl;
        int chunk = (mtu - ihl) & ~7;
        if (chunk < 8) {
            c.fragFails++;
            free(skb);
            return -EMSGSIZE;
        }
        int fo = Ipv4Header.fragOff(h, o);
        int baseOff = (fo & Ipv4Header.IP_OFFSET) << 3;
        boolean origMf = (fo & Ipv4Header.IP_MF) != 0;
        int ret = NetXmit.NET_XMIT_SUCCESS;
        for (int off = 0; off < total; off += chunk) {
            int n = Math.min(chunk, total - off);
            boolean last = off + n >= total;
            SkBuff f = host.allocator().allocSkb(LL_RESERVE + ihl + n);
            f.reserve(LL_RESERVE);
            int d = f.put(ihl + n);
            byte[] fh = f.head();
            System.arraycopy(h, o, fh, d, ihl);
            skb.copyBits(ihl + off, fh, d + ihl, n);
            Ipv4Header.setTotalLength(fh, d, ihl + n);
            Ipv4Header.setFragOff(fh, d, ((baseOff + off) >> 3) | (last && !origMf ? 0 : Ipv4Header.IP_MF));
            Ipv4Header.setChecksum(fh, d);
            f.resetNetworkHeader();
            f.setTransportHeader(ihl);
            f.protocol = EthernetHeader.ETH_P_IP;
            f.priority = skb.priority;
            f.mark = skb.mark;
            f.hash = skb.hash;
            f.senderCpu = skb.senderCpu;
            c.fragCreates++;
            int r = neighOutput(f, dev, nexthop);
            if (r != NetXmit.NET_XMIT_SUCCESS && ret == NetXmit.NET_XMIT_SUCCESS) ret = r;
        }
        c.fragOks++;
        free(skb);
        return ret;
    }

    /** True for 255.255.255.255 and the directed broadcast of one of {@code dev}'s subnets. */
    private boolean isBroadcast(String dev, int ip) {
        if (ip == Ipv4Address.BROADCAST) return true;
        List<InetAddr> addrs = ns.addrs;
        for (int i = 0, n = addrs.size(); i < n; i++) {
            InetAddr a = addrs.get(i);
            if (a.prefixLen() < 31 && (dev == null || a.dev().equals(dev)) && a.broadcast() == ip) return true;
        }
        return false;
    }

    /**
     * Mirrors {@code ip_finish_output2()} → {@code neigh_output()}: a resolved neighbour
     * ({@code neigh_hh_output()}/{@code neigh_resolve_output()}) gets the Ethernet header and goes to
     * {@code dev_queue_xmit()}; an unresolved one queues the packet ({@code __neigh_event_send()}).
     */
    int neighOutput(SkBuff skb, Device dev, int nexthop) {
        if (isBroadcast(dev.name(), nexthop)) return xmitTo(skb, dev, MacAddress.BROADCAST.bits());
        Neighbour n = ns.neigh.lookupOrCreate(dev.name(), nexthop);
        long now = host.loop().now();
        if (n.state == NudState.REACHABLE && now - n.confirmedNanos > ns.neighBaseReachableNanos) {
            n.state = NudState.STALE;
            n.updatedNanos = now;
        }
        switch (n.state) {
            case REACHABLE: case STALE: case DELAY: case PROBE: case PERMANENT: case NOARP:
                return xmitTo(skb, dev, n.mac);
            default:
                return neighEventSend(n, skb, dev);
        }
    }

    /** Pushes the Ethernet header (dst {@code mac}, src the device's MAC) and calls {@code dev_queue_xmit()}. */
    private int xmitTo(SkBuff skb, Device dev, long mac) {
        skb.push(EthernetHeader.ETH_HLEN);
        EthernetHeader.write(skb.head(), skb.dataOffset(), mac, mac(dev), EthernetHeader.ETH_P_IP);
        skb.resetMacHeader();
        skb.protocol = EthernetHeader.ETH_P_IP;
        c.outFrames += skb.isGso() ? skb.gsoSegs() : 1;
        return dev.devQueueXmit(skb);
    }

    /**
     * Mirrors {@code __neigh_event_send()}: queues {@code skb} on the neighbour's arp_queue (a full
     * queue drops its oldest packet, ArpUnresolvedDrops) and starts resolution when none runs
     * (INCOMPLETE or FAILED: the first request goes out now, {@code neigh_probe()}).
     */
    private int neighEventSend(Neighbour n, SkBuff skb, Device dev) {
        if (n.arpQueue.len() >= ns.neighUnresQlen) {
            SkBuff old = n.arpQueue.removeHead();
            if (old != null) {
                c.arpUnresolvedDrops++;
                free(old);
            }
        }
        if (ns.neighUnresQlen > 0) {
            n.arpQueue.addTail(skb);
        } else {
            c.arpUnresolvedDrops++;
            free(skb);
        }
        Timer t = solicitTimers.get(n);
        if (n.state == NudState.FAILED || t == null || !t.isArmed()) {
            long now = host.loop().now();
            n.state = NudState.INCOMPLETE;
            n.updatedNanos = now;
            n.probes = 0;
            arpSolicit(n, dev);
            solicitTimer(n).arm(now + ns.neighRetransNanos);
        }
        return NetXmit.NET_XMIT_SUCCESS;
    }

    private Timer solicitTimer(Neighbour n) {
        return solicitTimers.computeIfAbsent(n, k -> host.loop().newTimer("arp " + Ipv4Address.toString(k.ip), () -> neighTimer(k)));
    }

    /**
     * Mirrors {@code neigh_timer_handler()} for INCOMPLETE entries: another request every
     * retrans_time until mcast_solicit requests went out, then FAILED and the queued packets freed
     * ({@code neigh_invalidate()}, counted ArpUnresolvedDrops), each reported to its sender with an
     * ICMP host unreachable ({@code arp_error_report()} → {@code ipv4_link_failure()}).
     */
    private void neighTimer(Neighbour n) {
        if (destroyed || n.state != NudState.INCOMPLETE) return;
        Device dev = host.device(n.dev);
        if (dev == null || n.probes >= ns.neighMcastSolicit) {
            n.state = NudState.FAILED;
            n.updatedNanos = host.loop().now();
            for (SkBuff s = n.arpQueue.removeHead(); s != null; s = n.arpQueue.removeHead()) {
                c.arpUnresolvedDrops++;
                icmpSend(s, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
                free(s);
            }
            return;
        }
        arpSolicit(n, dev);
        solicitTimer(n).arm(host.loop().now() + ns.neighRetransNanos);
    }

    /** Mirrors {@code arp_solicit()}: a broadcast "who has n.ip? tell us" from the device's address. */
    private void arpSolicit(Neighbour n, Device dev) {
        n.probes++;
        int spa = inetSelectAddr(dev.name(), n.ip);
        arpSend(dev, ArpPacket.ARPOP_REQUEST, MacAddress.BROADCAST.bits(), spa, 0L, n.ip);
        c.arpRequestsOut++;
    }

    /** Mirrors {@code arp_send()} / {@code arp_create()}: one ARP frame to {@code ethDst}. */
    void arpSend(Device dev, int op, long ethDst, int spa, long tha, int tpa) {
        SkBuff s = host.allocator().allocSkb(LL_RESERVE + ArpPacket.FRAME_LEN);
        s.reserve(LL_RESERVE);
        int d = s.put(ArpPacket.FRAME_LEN);
        byte[] b = s.head();
        long src = mac(dev);
        EthernetHeader.write(b, d, ethDst, src, EthernetHeader.ETH_P_ARP);
        ArpPacket.write(b, d + EthernetHeader.ETH_HLEN, op, src, spa, tha, tpa);
        s.resetMacHeader();
        s.setNetworkHeader(EthernetHeader.ETH_HLEN);
        s.protocol = EthernetHeader.ETH_P_ARP;
        dev.devQueueXmit(s);
    }

    // ================================================================ ARP input

    @Override
    public void arpRcv(SkBuff skb, Device dev) {
        try {
            arpProcess(skb, dev);
        } finally {
            free(skb);
        }
    }

    /**
     * Mirrors {@code arp_process()}: learns the sender (existing entries always; a new entry only
     * from a request for one of our addresses, {@code neigh_event_ns()}), answers requests for our
     * addresses, and on resolution sends the queued packets ({@code neigh_update()} →
     * arp_queue flush). Gratuitous ARP (sender = target) only updates existing entries.
     */
    private void arpProcess(SkBuff skb, Device dev) {
        byte[] b = skb.head();
        int o = skb.dataOffset();
        if (destroyed || skb.isNonlinear() || ArpPacket.validate(b, o, skb.len()) != ArpPacket.Check.OK) {
            c.arpInErrors++;
            return;
        }
        int op = ArpPacket.oper(b, o);
        long sha = ArpPacket.sha(b, o);
        int spa = ArpPacket.spa(b, o);
        int tpa = ArpPacket.tpa(b, o);
        if (Ipv4Address.isMulticast(tpa) || Ipv4Address.isMulticast(spa) || (sha & MAC_GROUP_BIT) != 0) {
            c.arpInErrors++;
            return;
        }
        boolean garp = spa == tpa;
        if (op == ArpPacket.ARPOP_REQUEST) c.arpRequestsIn++;
        else c.arpRepliesIn++;
        if (garp) c.arpGratuitousIn++;
        long now = host.loop().now();
        if (op == ArpPacket.ARPOP_REQUEST && !garp && ns.isLocal(tpa) && spa != 0) {
            Neighbour n = ns.neigh.lookupOrCreate(dev.name(), spa);
            neighUpdate(n, sha, n.state == NudState.REACHABLE && n.mac == sha ? NudState.REACHABLE : NudState.STALE, dev, now);
            arpSend(dev, ArpPacket.ARPOP_REPLY, sha, tpa, sha, spa);
            c.arpRepliesOut++;
            return;
        }
        Neighbour n = spa == 0 ? null : ns.neigh.lookup(dev.name(), spa);
        if (n != null && n.state != NudState.PERMANENT && n.state != NudState.NOARP) {
            NudState st = op == ArpPacket.ARPOP_REPLY && !garp ? NudState.REACHABLE : NudState.STALE;
            neighUpdate(n, sha, st, dev, now);
        }
    }

    /** Mirrors {@code neigh_update()}: new link-layer address and state; a resolution ends and the arp_queue is sent. */
    private void neighUpdate(Neighbour n, long mac, NudState st, Device dev, long now) {
        boolean wasUnresolved = n.state == NudState.INCOMPLETE || n.state == NudState.FAILED;
        n.mac = mac;
        n.state = st;
        n.updatedNanos = now;
        if (st == NudState.REACHABLE) n.confirmedNanos = now;
        n.probes = 0;
        Timer t = solicitTimers.remove(n);
        if (t != null) t.cancel();
        if (wasUnresolved) {
            for (SkBuff s = n.arpQueue.removeHead(); s != null; s = n.arpQueue.removeHead()) xmitTo(s, dev, mac);
        }
    }

    // ================================================================ input

    @Override
    public void ipRcv(SkBuff skb, Device dev) {
        c.inReceives++;
        if (destroyed) {
            c.inDiscards++;
            free(skb);
            return;
        }
        byte[] b = skb.head();
        int o = skb.dataOffset();
        // the header in the linear part; a GRO skb carries its later segments in page frags
        Ipv4Header.Check chk = Ipv4Header.validate(b, o, skb.headlen(), skb.len());
        if (chk != Ipv4Header.Check.OK) {
            switch (chk) {
                case TRUNCATED:
                    // the header itself cut: InHdrErrors; shorter than tot_len: InTruncatedPkts
                    if (skb.len() >= Ipv4Header.MIN_LEN && Ipv4Header.version(b, o) == 4 && Ipv4Header.ihl(b, o) >= 5
                            && skb.len() >= Ipv4Header.headerLength(b, o)) {
                        c.inTruncatedPkts++;
                    } else {
                        c.inHdrErrors++;
                    }
                    break;
                case BAD_CHECKSUM:
                    c.inCsumErrors++;
                    c.inHdrErrors++;
                    break;
                default:
                    c.inHdrErrors++;
            }
            free(skb);
            return;
        }
        int tot = Ipv4Header.totalLength(b, o);
        if (skb.len() > tot) skb.trim(tot); // pskb_trim_rcsum(): link-layer padding
        int ihl = Ipv4Header.headerLength(b, o);
        skb.resetNetworkHeader();
        skb.setTransportHeader(ihl);
        ipRcvFinish(skb, dev);
    }

    /**
     * Mirrors {@code ip_rcv_finish()} with the routing decision of {@code ip_route_input_noref()}:
     * local or broadcast destinations are delivered, anything else is dropped with IpInAddrErrors
     * (forwarding is not modelled).
     */
    private void ipRcvFinish(SkBuff skb, Device dev) {
        int daddr = Ipv4Header.dst(skb.head(), skb.dataOffset());
        if (!ns.isLocal(daddr) && !isBroadcast(null, daddr)) {
            c.inAddrErrors++;
            free(skb);
            return;
        }
        ipLocalDeliver(skb, dev);
    }

    /**
     * Mirrors {@code ip_local_deliver()} → {@code ip_local_deliver_finish()}: fragments go to
     * {@link IpDefrag#ipDefrag}; the payload is handed to the protocol ({@code inet_protos[]}) with
     * skb->data at the transport header; ICMP is handled here; an unknown protocol gets an ICMP
     * protocol unreachable (InUnknownProtos).
     */
    private void ipLocalDeliver(SkBuff skb, Device dev) {
        byte[] b = skb.head();
        int o = skb.dataOffset();
        if (Ipv4Header.isFragment(b, o)) {
            skb = defrag.ipDefrag(skb);
            if (skb == null) return;
            b = skb.head();
            o = skb.dataOffset();
        }
        int proto = Ipv4Header.protocol(b, o);
        int ihl = Ipv4Header.headerLength(b, o);
        if (proto == Ipv4Header.IPPROTO_ICMP) {
            c.inDelivers++;
            skb.pull(ihl);
            icmpRcv(skb, dev);
            return;
        }
        InetProtocol p = host.inetProtocol(proto);
        if (p == null) {
            c.inUnknownProtos++;
            if (!isBroadcast(null, Ipv4Header.dst(b, o))) icmpSend(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
            free(skb);
            return;
        }
        c.inDelivers++;
        skb.pull(ihl);
        p.rcv(skb);
    }

    // ================================================================ ICMP

    /**
     * Mirrors {@code icmp_rcv()}: checksum over the whole message (bad → IcmpInErrors), then
     * {@code icmp_echo()} for requests, {@code ping_rcv()} for replies (delivered to the host's
     * protocol handler for IPPROTO_ICMP, the ping socket, if any) and {@code icmp_unreach()} for
     * destination unreachable (the protocol of the quoted packet gets {@code err()}).
     */
    private void icmpRcv(SkBuff skb, Device dev) {
        byte[] b = skb.head();
        int o = skb.dataOffset();
        c.icmpInMsgs++;
        if (skb.len() < 8 || !InetChecksum.verifies(b, o, skb.len())) {
            c.icmpInErrors++;
            free(skb);
            return;
        }
        int type = b[o] & 0xff;
        switch (type) {
            case ICMP_ECHO:
                c.icmpInEchos++;
                icmpEcho(skb);
                free(skb);
                return;
            case ICMP_ECHOREPLY: {
                c.icmpInEchoReps++;
                InetProtocol ping = host.inetProtocol(Ipv4Header.IPPROTO_ICMP);
                if (ping != null) ping.rcv(skb);
                else free(skb);
                return;
            }
            case ICMP_DEST_UNREACH: {
                c.icmpInDestUnreachs++;
                if (skb.len() >= 8 + Ipv4Header.MIN_LEN) {
                    int inner = o + 8;
                    int proto = Ipv4Header.protocol(b, inner);
                    InetProtocol p = host.inetProtocol(proto); // for ICMP: the ping socket (ping_err())
                    if (p != null) {
                        int info = ((b[o + 6] & 0xff) << 8) | (b[o + 7] & 0xff);
                        p.err(skb, type, b[o + 1] & 0xff, info);
                    }
                }
                free(skb);
                return;
            }
            default:
                free(skb);
        }
    }

    /** Mirrors {@code icmp_echo()} → {@code icmp_reply()}: the same identifier, sequence and data, type 0, from the address pinged. */
    private void icmpEcho(SkBuff req) {
        int len = req.len();
        SkBuff r = host.allocator().allocSkb(LL_RESERVE + Ipv4Header.MIN_LEN + len);
        r.reserve(LL_RESERVE + Ipv4Header.MIN_LEN);
        int d = r.put(len);
        byte[] rb = r.head();
        req.copyBits(0, rb, d, len);
        rb[d] = ICMP_ECHOREPLY;
        rb[d + 1] = 0;
        rb[d + 2] = 0;
        rb[d + 3] = 0;
        int cs = InetChecksum.checksum(rb, d, len);
        rb[d + 2] = (byte) (cs >>> 8);
        rb[d + 3] = (byte) cs;
        r.setTransportHeader(0);
        byte[] ib = req.head();
        int ip = req.networkHeader;
        int saddr = Ipv4Header.dst(ib, ip);
        int daddr = Ipv4Header.src(ib, ip);
        c.icmpOutMsgs++;
        c.icmpOutEchoReps++;
        ipQueueXmit(r, ns.isLocal(saddr) ? saddr : 0, daddr, Ipv4Header.IPPROTO_ICMP, Ipv4Header.tos(ib, ip), 0, false);
    }

    /**
     * Mirrors {@code icmp_send()} ({@code __icmp_send()}): an ICMP error about {@code skb} (its
     * network header must be set), quoting its IP header and the first 8 bytes of its payload (Linux
     * quotes up to 576 bytes in all); not about ICMP errors, non-first fragments, or packets to or
     * from broadcast/multicast addresses. The skb is not consumed.
     */
    @Override
    public void icmpSend(SkBuff skb, int type, int code, int info) {
        if (destroyed || skb.networkHeader < 0) return;
        byte[] b = skb.head();
        int ip = skb.networkHeader;
        int avail = skb.tailOffset() - ip;
        if (avail < Ipv4Header.MIN_LEN) return;
        int ihl = Ipv4Header.headerLength(b, ip);
        if (ihl < Ipv4Header.MIN_LEN || avail < ihl) return;
        if ((Ipv4Header.fragOff(b, ip) & Ipv4Header.IP_OFFSET) != 0) return;
        int src = Ipv4Header.src(b, ip), dst = Ipv4Header.dst(b, ip);
        if (src == 0 || isBroadcast(null, src) || Ipv4Address.isMulticast(src) || Ipv4Address.isMulticast(dst)) return;
        if (Ipv4Header.protocol(b, ip) == Ipv4Header.IPPROTO_ICMP && avail > ihl) {
            int t = b[ip + ihl] & 0xff;
            if (t != ICMP_ECHO && t != ICMP_ECHOREPLY && t != 13 && t != 14) return; // never an error about an error
        }
        int quote = Math.min(avail, ihl + 8);
        int len = 8 + quote;
        SkBuff s = host.allocator().allocSkb(LL_RESERVE + Ipv4Header.MIN_LEN + len);
        s.reserve(LL_RESERVE + Ipv4Header.MIN_LEN);
        int d = s.put(len);
        byte[] sb = s.head();
        sb[d] = (byte) type;
        sb[d + 1] = (byte) code;
        sb[d + 2] = 0; // pooled buffers are not zeroed
        sb[d + 3] = 0;
        sb[d + 4] = (byte) (info >>> 24);
        sb[d + 5] = (byte) (info >>> 16);
        sb[d + 6] = (byte) (info >>> 8);
        sb[d + 7] = (byte) info;
        System.arraycopy(b, ip, sb, d + 8, quote);
        int cs = InetChecksum.checksum(sb, d, len);
        sb[d + 2] = (byte) (cs >>> 8);
        sb[d + 3] = (byte) cs;
        s.setTransportHeader(0);
        c.icmpOutMsgs++;
        if (type == ICMP_DEST_UNREACH) c.icmpOutDestUnreachs++;
        int tos = (Ipv4Header.tos(b, ip) & 0x1e) | 0xc0; // IPTOS_PREC_INTERNETCONTROL
        ipQueueXmit(s, ns.isLocal(dst) ? dst : 0, src, Ipv4Header.IPPROTO_ICMP, tos, 0, false);
    }

    /**
     * ICMP to one of this host's own addresses — an error about a packet it sent, or an echo to its
     * own address and the reply — goes back to this host, as Linux routes it through {@code lo}
     * ({@code ip_local_out()} → {@code loopback_xmit()} → {@code ip_rcv()} → {@code icmp_rcv()}): the
     * IP header is written and the message is received at once; no device sees it. There is no
     * loopback device for other protocols.
     */
    private void icmpLoopback(SkBuff s, int saddr, int daddr, int tos) {
        int len = s.len();
        s.push(Ipv4Header.MIN_LEN);
        s.resetNetworkHeader();
        Ipv4Header.write(s.head(), s.dataOffset(), tos, Ipv4Header.MIN_LEN + len, ns.ipIdent++ & 0xffff, 0, ns.ipDefaultTtl,
                Ipv4Header.IPPROTO_ICMP, saddr, daddr);
        c.outRequests++;
        c.loopback++;
        c.inReceives++;
        s.pull(Ipv4Header.MIN_LEN);
        s.setTransportHeader(0);
        c.inDelivers++;
        icmpRcv(s, null);
    }

    // ================================================================ lifecycle

    /** Cancels the ARP and reassembly timers; queued ARP packets stay in InetNs for the next instance. */
    @Override
    public void destroy() {
        destroyed = true;
        for (Timer t : solicitTimers.values()) t.cancel();
        solicitTimers.clear();
        defrag.destroyAll();
    }

    IpDefrag defrag() { return defrag; }
}
