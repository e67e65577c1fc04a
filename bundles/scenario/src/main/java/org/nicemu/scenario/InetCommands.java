package org.nicemu.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.inet.Fib;
import org.nicemu.api.inet.Flowi4;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.InetNs;
import org.nicemu.api.inet.InetProtocol;
import org.nicemu.api.inet.Neighbour;
import org.nicemu.api.inet.Route;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.wire.ArpPacket;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.InetChecksum;
import org.nicemu.api.wire.Ipv4Address;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.MacAddress;

/**
 * The iproute2 commands on a host's IPv4 state ({@code ip addr|route|neigh}, mirroring
 * {@code inet_rtm_newaddr()}/{@code inet_rtm_deladdr()}, {@code inet_rtm_newroute()}/{@code inet_rtm_delroute()},
 * {@code neigh_dump_table()}/{@code neigh_flush_dev()}) and {@code ping} (iputils) through the bound
 * IPv4 layer. State changes run on the emulation's loop.
 */
final class InetCommands {
    static final String USAGE = "ip addr add|del ADDR/LEN dev DEV | ip addr show [dev DEV] | ip route add|del PREFIX [via GW] dev DEV [metric M] | "
            + "ip route show | ip neigh show | ip neigh flush dev DEV | ping [-c N] [-i INTERVAL] [-s SIZE] ADDR";

    private InetCommands() {
    }

    /** True when {@code w} is an {@code ip addr|route|neigh|mptcp} or {@code ping} command line. */
    static boolean handles(List<String> w) {
        if (w.isEmpty()) return false;
        if (w.get(0).equals("ping")) return true;
        if (!w.get(0).equals("ip") || w.size() < 2) return false;
        String o = w.get(1);
        return obj(o) != null;
    }

    private static String obj(String o) {
        if (o.equals("a") || o.equals("addr") || o.equals("address")) return "addr";
        if (o.equals("r") || o.equals("ro") || o.equals("route")) return "route";
        if (o.equals("n") || o.equals("neigh") || o.equals("neighbour") || o.equals("neighbor")) return "neigh";
        if (o.equals("mptcp")) return "mptcp";
        return null;
    }

    /**
     * Checks an {@code ip addr|route|neigh|mptcp} line of a scenario action (syntax, addresses, the
     * devices it names) without running it. {@code ping} is refused: it runs the emulation until
     * its replies are in, which a timed action (on the emulation's loop) cannot do.
     */
    static void checkAction(List<String> w, Scenario.HostDef host) {
        if (w.get(0).equals("ping")) {
            throw new IllegalArgumentException("'ping' cannot be a timed action (it runs the emulation until its replies arrive; use it in the shell, "
                    + "or send traffic with a generator); accepted: ip addr|route|neigh|mptcp, tc, ip link, ethtool, sysctl, driver, pktgen, capture, counters");
        }
        String o = obj(w.get(1));
        List<String> a = w.subList(2, w.size());
        if (o.equals("mptcp")) {
            String dev = MptcpCommands.parse(a).dev();
            if (dev != null) checkDev(host, dev);
            return;
        }
        String v = verb(a);
        switch (o) {
            case "addr":
                if (v.equals("add") || v.equals("del") || v.equals("delete")) {
                    if (a.size() < 2) throw new IllegalArgumentException("ip addr " + v + ": missing ADDR/LEN; usage: " + USAGE);
                    prefix(a.get(1));
                    checkDev(host, devArg(a, true));
                } else if (v.equals("show") || v.equals("list") || v.equals("ls")) {
                    String d = devArg(a, false);
                    if (d != null) checkDev(host, d);
                } else {
                    throw new IllegalArgumentException("ip addr: unknown verb '" + v + "'; accepted: add, del, show; usage: " + USAGE);
                }
                return;
            case "route":
                if (v.equals("add") || v.equals("del") || v.equals("delete")) {
                    if (a.size() < 2) throw new IllegalArgumentException("ip route " + v + ": missing PREFIX; usage: " + USAGE);
                    prefix(a.get(1));
                    boolean via = false;
                    for (int i = 2; i < a.size(); i++) {
                        String k = a.get(i);
                        if (i + 1 >= a.size()) throw new IllegalArgumentException("ip route: '" + k + "' needs a value; usage: " + USAGE);
                        String val = a.get(++i);
                        switch (k) {
                            case "via": Ipv4Address.parse(val); via = true; break;
                            case "dev": checkDev(host, val); break;
                            case "metric": case "preference":
                                try {
                                    Integer.parseInt(val);
                                } catch (NumberFormatException e) {
                                    throw new IllegalArgumentException("ip route: bad metric '" + val + "'");
                                }
                                break;
                            default: throw new IllegalArgumentException("ip route: unknown argument '" + k + "'; accepted: via, dev, metric");
                        }
                    }
                    if (!via && devArg(a, false) == null) throw new IllegalArgumentException("ip route: missing 'dev DEV' or 'via GW'; usage: " + USAGE);
                } else if (!(v.equals("show") || v.equals("list") || v.equals("ls"))) {
                    throw new IllegalArgumentException("ip route: unknown verb '" + v + "'; accepted: add, del, show; usage: " + USAGE);
                }
                return;
            default:
                if (v.equals("flush")) checkDev(host, devArg(a, true));
                else if (!(v.equals("show") || v.equals("list") || v.equals("ls"))) {
                    throw new IllegalArgumentException("ip neigh: unknown verb '" + v + "'; accepted: show, flush; usage: " + USAGE);
                }
        }
    }

    private static void checkDev(Scenario.HostDef host, String dev) {
        if (host.device(dev) == null) {
            List<String> names = new ArrayList<>();
            for (Scenario.DeviceDef d : host.devices()) names.add(d.name());
            throw new IllegalArgumentException("host " + host.name() + " has no device '" + dev + "'; devices: " + (names.isEmpty() ? "(none)" : String.join(", ", names)));
        }
    }

    static String execute(Emulation emu, String hostName, List<String> w) {
        if (w.get(0).equals("ping")) return ping(emu, hostName, w.subList(1, w.size()));
        String o = obj(w.get(1));
        List<String> a = w.subList(2, w.size());
        return CommandEngine.onLoop(emu, () -> {
            Host host = CommandEngine.host(emu, hostName);
            switch (o) {
                case "addr": return addr(host, a);
                case "route": return route(host, a);
                case "mptcp": return mptcp(host, a);
                default: return neigh(host, a);
            }
        });
    }

    private static String verb(List<String> a) {
        return a.isEmpty() ? "show" : a.get(0);
    }

    private static String devArg(List<String> a, boolean required) {
        int i = a.indexOf("dev");
        if (i < 0 || i + 1 >= a.size()) {
            if (required) throw new IllegalArgumentException("missing 'dev DEV'; usage: " + USAGE);
            return null;
        }
        return a.get(i + 1);
    }

    private static int[] prefix(String s) {
        if (s.equals("default")) return new int[] {0, 0};
        int slash = s.indexOf('/');
        int len = 32;
        String ip = s;
        if (slash >= 0) {
            ip = s.substring(0, slash);
            try {
                len = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                len = -1;
            }
            if (len < 0 || len > 32) throw new IllegalArgumentException("bad prefix length in '" + s + "'; expected 0..32");
        }
        return new int[] {Ipv4Address.parse(ip), len};
    }

    // ---------------------------------------------------------------- ip addr

    private static String addr(Host host, List<String> a) {
        InetNs ns = host.inet();
        String v = verb(a);
        switch (v) {
            case "add": case "del": case "delete": {
                if (a.size() < 2) throw new IllegalArgumentException("ip addr " + v + ": missing ADDR/LEN; usage: " + USAGE);
                int[] p = prefix(a.get(1));
                String dev = devArg(a, true);
                Device d = CommandEngine.device(host, dev);
                InetAddr ia = new InetAddr(dev, p[0], p[1]);
                if (v.equals("add")) {
                    for (InetAddr x : ns.addrs) if (x.addr() == p[0] && x.dev().equals(dev)) throw new IllegalArgumentException("RTNETLINK answers: File exists");
                    ns.addrs.add(ia);
                    // the connected route, proto kernel scope link src ADDR (fib_add_ifaddr())
                    if (p[1] < 32) ns.fib.add(new Route(p[0], p[1], 0, dev, p[0], 0, Route.Type.UNICAST));
                    gratuitousArp(host, d, p[0]);
                } else {
                    if (!ns.addrs.removeIf(x -> x.addr() == p[0] && x.dev().equals(dev))) throw new IllegalArgumentException("RTNETLINK answers: Cannot assign requested address");
                    for (Route r : ns.fib.routes()) if (r.prefsrc() == p[0] && r.dev().equals(dev) && r.gateway() == 0) ns.fib.remove(r);
                }
                return "";
            }
            case "show": case "list": case "ls": {
                String dev = devArg(a, false);
                StringBuilder sb = new StringBuilder();
                int idx = 1;
                for (Device d : host.devices()) {
                    idx++;
                    if (dev != null && !dev.equals(d.name())) continue;
                    boolean carrier = d.nic().linkUp();
                    String flags = "BROADCAST,MULTICAST" + (d.isUp() ? carrier ? ",UP,LOWER_UP" : ",UP,NO-CARRIER" : "");
                    String state = d.isUp() && carrier ? "UP" : "DOWN";
                    String qdisc = d.qdiscs().isEmpty() ? "noop" : d.qdiscs().get(0).kind();
                    sb.append(idx).append(": ").append(d.name()).append(": <").append(flags).append("> mtu ").append(d.nic().config().mtu())
                            .append(" qdisc ").append(qdisc).append(" state ").append(state).append(" group default qlen ").append(d.txQueueLen())
                            .append('\n');
                    sb.append("    link/ether ").append(MacAddress.of(d.nic().config().mac())).append(" brd ff:ff:ff:ff:ff:ff\n");
                    for (InetAddr x : ns.addrs) {
                        if (!x.dev().equals(d.name())) continue;
                        sb.append("    inet ").append(Ipv4Address.toString(x.addr())).append('/').append(x.prefixLen());
                        if (x.prefixLen() < 31) sb.append(" brd ").append(Ipv4Address.toString(x.broadcast()));
                        sb.append(" scope global ").append(x.dev()).append('\n');
                        sb.append("       valid_lft forever preferred_lft forever\n");
                    }
                }
                return sb.toString();
            }
            default:
                throw new IllegalArgumentException("ip addr: unknown verb '" + v + "'; accepted: add, del, show; usage: " + USAGE);
        }
    }

    /** A gratuitous ARP request for {@code ip} (sender = target), as Linux sends when an address comes up ({@code arp_ifup}/{@code inetdev_event}). */
    static void gratuitousArp(Host host, Device d, int ip) {
        SkBuff s = host.allocator().allocSkb(32 + ArpPacket.FRAME_LEN);
        s.reserve(32);
        int off = s.put(ArpPacket.FRAME_LEN);
        long mac = MacAddress.of(d.nic().config().mac()).bits();
        ArpPacket.writeRequestFrame(s.head(), off, mac, ip, ip);
        s.resetMacHeader();
        s.setNetworkHeader(EthernetHeader.ETH_HLEN);
        s.protocol = EthernetHeader.ETH_P_ARP;
        host.inet().counters.arpRequestsOut++;
        d.devQueueXmit(s);
    }

    // ---------------------------------------------------------------- ip route

    private static String route(Host host, List<String> a) {
        Fib fib = host.inet().fib;
        String v = verb(a);
        switch (v) {
            case "add": case "del": case "delete": {
                if (a.size() < 2) throw new IllegalArgumentException("ip route " + v + ": missing PREFIX; usage: " + USAGE);
                int[] p = prefix(a.get(1));
                int gw = 0, metric = 0;
                String dev = null;
                for (int i = 2; i < a.size(); i++) {
                    String k = a.get(i);
                    if (i + 1 >= a.size()) throw new IllegalArgumentException("ip route: '" + k + "' needs a value; usage: " + USAGE);
                    String val = a.get(++i);
                    switch (k) {
                        case "via": gw = Ipv4Address.parse(val); break;
                        case "dev": dev = val; break;
                        case "metric": case "preference":
                            try {
                                metric = Integer.parseInt(val);
                            } catch (NumberFormatException e) {
                                throw new IllegalArgumentException("ip route: bad metric '" + val + "'");
                            }
                            break;
                        default: throw new IllegalArgumentException("ip route: unknown argument '" + k + "'; accepted: via, dev, metric");
                    }
                }
                if (dev == null && gw != 0) {
                    Route r = fib.lookup(gw);
                    if (r == null || r.gateway() != 0) throw new IllegalArgumentException("RTNETLINK answers: Network is unreachable (gateway " + Ipv4Address.toString(gw) + ")");
                    dev = r.dev();
                }
                if (dev == null) throw new IllegalArgumentException("ip route: missing 'dev DEV' or 'via GW'; usage: " + USAGE);
                CommandEngine.device(host, dev);
                Route r = new Route(p[0], p[1], gw, dev, 0, metric, Route.Type.UNICAST);
                if (v.equals("add")) {
                    try {
                        fib.add(r);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("RTNETLINK answers: File exists");
                    }
                } else {
                    boolean removed = false;
                    for (Route x : fib.routes()) {
                        if (x.dst() == r.dst() && x.prefixLen() == r.prefixLen() && (gw == 0 || x.gateway() == gw) && x.dev().equals(dev) && (metric == 0 || x.metric() == metric)) {
                            removed = fib.remove(x);
                            break;
                        }
                    }
                    if (!removed) throw new IllegalArgumentException("RTNETLINK answers: No such process");
                }
                return "";
            }
            case "show": case "list": case "ls": {
                StringBuilder sb = new StringBuilder();
                for (Route r : fib.routes()) {
                    String s = Fib.describe(r);
                    if (r.gateway() == 0 && r.prefsrc() != 0) s = s.replace(" src ", " proto kernel scope link src ");
                    sb.append(s).append('\n');
                }
                return sb.toString();
            }
            default:
                throw new IllegalArgumentException("ip route: unknown verb '" + v + "'; accepted: add, del, show; usage: " + USAGE);
        }
    }

    // ---------------------------------------------------------------- ip mptcp

    /** {@code ip mptcp endpoint|limits}: parsed and the device checked before the host's state changes. */
    private static String mptcp(Host host, List<String> a) {
        MptcpCommands.Op op = MptcpCommands.parse(a);
        if (op.dev() != null) CommandEngine.device(host, op.dev());
        return MptcpCommands.apply(host.inet().mptcp, op);
    }

    // ---------------------------------------------------------------- ip neigh

    private static String neigh(Host host, List<String> a) {
        String v = verb(a);
        switch (v) {
            case "show": case "list": case "ls": {
                StringBuilder sb = new StringBuilder();
                for (Neighbour n : host.inet().neigh.entries()) sb.append(n).append('\n');
                return sb.toString();
            }
            case "flush": {
                String dev = devArg(a, true);
                CommandEngine.device(host, dev);
                for (Neighbour n : host.inet().neigh.entries()) {
                    if (!n.dev.equals(dev)) continue;
                    for (SkBuff s = n.arpQueue.removeHead(); s != null; s = n.arpQueue.removeHead()) host.allocator().free(s);
                    host.inet().neigh.remove(dev, n.ip);
                }
                return "";
            }
            default:
                throw new IllegalArgumentException("ip neigh: unknown verb '" + v + "'; accepted: show, flush; usage: " + USAGE);
        }
    }

    // ---------------------------------------------------------------- ping

    /** One ping run: what was sent and received, on the loop. */
    private static final class PingRun implements InetProtocol {
        final Host host;
        final int dst, size, count, ident;
        final long interval;
        final long[] sentAt;
        final long[] rtt;
        final int[] ttl;
        /** Per sequence number: the source of an ICMP error about that echo request, 0 when none. */
        final int[] errorFrom;
        final String[] errorText;
        int sent, received, errors;
        long firstSend = -1, lastSend;
        Timer timer;

        PingRun(Host host, int dst, int size, int count, long interval, int ident) {
            this.host = host;
            this.dst = dst;
            this.size = size;
            this.count = count;
            this.interval = interval;
            this.ident = ident;
            sentAt = new long[count];
            rtt = new long[count];
            ttl = new int[count];
            errorFrom = new int[count];
            errorText = new String[count];
            java.util.Arrays.fill(rtt, -1);
        }

        void send() {
            int seq = sent + 1;
            int len = 8 + size;
            SkBuff s = host.allocator().allocSkb(64 + len);
            s.reserve(64);
            int d = s.put(len);
            byte[] b = s.head();
            for (int i = 0; i < size; i++) b[d + 8 + i] = (byte) i;
            long now = host.loop().now();
            if (size >= 16) { // struct timeval (64-bit, little endian) at the start of the data, as iputils
                putLe(b, d + 8, now / 1_000_000_000L);
                putLe(b, d + 16, (now % 1_000_000_000L) / 1000);
            }
            b[d] = 8;
            b[d + 1] = 0;
            b[d + 2] = 0;
            b[d + 3] = 0;
            b[d + 4] = (byte) (ident >>> 8);
            b[d + 5] = (byte) ident;
            b[d + 6] = (byte) (seq >>> 8);
            b[d + 7] = (byte) seq;
            int cs = InetChecksum.checksum(b, d, len);
            b[d + 2] = (byte) (cs >>> 8);
            b[d + 3] = (byte) cs;
            s.setTransportHeader(0);
            sentAt[sent] = now;
            if (firstSend < 0) firstSend = now;
            lastSend = now;
            sent++;
            host.inet().counters.icmpOutMsgs++;
            host.inet().counters.icmpOutEchos++;
            if (host.ipv4() == null) host.allocator().free(s);
            else host.ipv4().ipQueueXmit(s, new Flowi4(0, dst, 1, 0, 0, true));
            if (sent < count) timer.arm(now + interval);
        }

        private static void putLe(byte[] b, int off, long v) {
            for (int i = 0; i < 8; i++) b[off + i] = (byte) (v >>> (8 * i));
        }

        /** ping_rcv(): an echo reply; ours when the identifier matches. */
        @Override
        public void rcv(SkBuff skb) {
            byte[] b = skb.head();
            int o = skb.dataOffset();
            int id = ((b[o + 4] & 0xff) << 8) | (b[o + 5] & 0xff);
            int seq = ((b[o + 6] & 0xff) << 8) | (b[o + 7] & 0xff);
            if (id == ident && seq >= 1 && seq <= sent && rtt[seq - 1] < 0) {
                rtt[seq - 1] = host.loop().now() - sentAt[seq - 1];
                ttl[seq - 1] = b[skb.networkHeader + 8] & 0xff;
                received++;
            }
            host.allocator().free(skb);
        }

        /**
         * {@code ping_err()}: an ICMP error quoting one of our echo requests (identifier and sequence
         * in the quoted ICMP header) counts as an error for that sequence number, as iputils prints
         * {@code From ADDR icmp_seq=N Destination Host Unreachable}. The skb stays the caller's.
         */
        @Override
        public void err(SkBuff skb, int type, int code, int info) {
            byte[] b = skb.head();
            int o = skb.dataOffset();
            int inner = o + 8;
            int avail = skb.len() - 8;
            if (avail < Ipv4Header.MIN_LEN) return;
            int ihl = Ipv4Header.headerLength(b, inner);
            if (avail < ihl + 8 || (b[inner + ihl] & 0xff) != 8) return; // the quoted packet must be an echo request
            int id = ((b[inner + ihl + 4] & 0xff) << 8) | (b[inner + ihl + 5] & 0xff);
            int seq = ((b[inner + ihl + 6] & 0xff) << 8) | (b[inner + ihl + 7] & 0xff);
            if (id != ident || seq < 1 || seq > sent || rtt[seq - 1] >= 0 || errorFrom[seq - 1] != 0) return;
            errorFrom[seq - 1] = Ipv4Header.src(b, skb.networkHeader);
            errorText[seq - 1] = type == 3 ? unreachText(code) : "ICMP type " + type + " code " + code;
            errors++;
        }

        /** iputils' texts for destination unreachable codes. */
        private static String unreachText(int code) {
            switch (code) {
                case 0: return "Destination Net Unreachable";
                case 1: return "Destination Host Unreachable";
                case 2: return "Destination Protocol Unreachable";
                case 3: return "Destination Port Unreachable";
                case 4: return "Frag needed and DF set";
                default: return "Dest Unreachable, Bad Code: " + code;
            }
        }
    }

    private static String ping(Emulation emu, String hostName, List<String> a) {
        int count = 4, size = 56;
        long interval = 1_000_000_000L;
        String target = null;
        for (int i = 0; i < a.size(); i++) {
            String k = a.get(i);
            if (k.equals("-c") || k.equals("-i") || k.equals("-s")) {
                if (i + 1 >= a.size()) throw new IllegalArgumentException("ping: " + k + " needs a value; usage: " + USAGE);
                String val = a.get(++i);
                try {
                    if (k.equals("-c")) count = Integer.parseInt(val);
                    else if (k.equals("-s")) size = Integer.parseInt(val);
                    else interval = (long) (Double.parseDouble(val) * 1e9);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("ping: bad value '" + val + "' for " + k);
                }
            } else if (target == null) {
                target = k;
            } else {
                throw new IllegalArgumentException("ping: unexpected '" + k + "'; usage: " + USAGE);
            }
        }
        if (target == null) throw new IllegalArgumentException("ping: missing destination; usage: " + USAGE);
        if (emu.loop().inLoop()) throw new IllegalArgumentException("ping cannot run on the emulation's own loop (e.g. in a timed action): it runs the emulation until its replies arrive");
        if (count < 1 || count > 100_000) throw new IllegalArgumentException("ping: -c must be 1..100000");
        if (size < 0 || size > 65507) throw new IllegalArgumentException("ping: -s must be 0..65507");
        if (interval < 1_000_000L) throw new IllegalArgumentException("ping: -i must be at least 0.001 (s)");
        int dst = Ipv4Address.parse(target);
        int c = count, s = size;
        String tgt = target;
        long iv = interval;
        PingRun run = CommandEngine.onLoop(emu, () -> {
            Host host = CommandEngine.host(emu, hostName);
            if (host.ipv4() == null) throw new IllegalStateException("ping: no IPv4 layer on host " + host.name() + " (bundle org.nicemu.ip not active)");
            if (host.inet().fib.lookup(dst) == null) {
                // iputils: connect() on the ICMP socket fails before anything is sent
                throw new IllegalStateException("ping: connect: Network is unreachable: host " + host.name() + " has no route to " + tgt
                        + " (add an address with 'ip addr add ADDR/LEN dev DEV' or a route with 'ip route add')");
            }
            PingRun r = new PingRun(host, dst, s, c, iv, (host.name().hashCode() ^ (int) host.loop().now()) & 0xffff);
            host.addInetProtocol(1, r);
            r.timer = host.loop().newTimer("ping", r::send);
            r.send();
            return r;
        });
        long linger = 10_000_000_000L;
        try {
            if (emu.isRunning()) {
                long wallEnd = System.nanoTime() + (long) (c - 1) * iv + linger;
                while (System.nanoTime() < wallEnd) {
                    boolean done = CommandEngine.onLoop(emu, () -> run.sent == c && run.received + run.errors == c);
                    if (done) break;
                    Thread.sleep(10);
                }
            } else {
                long end = CommandEngine.onLoop(emu, () -> run.firstSend) + (long) (c - 1) * iv;
                emu.runUntil(end);
                long limit = end + linger;
                long t = end;
                while (t < limit && !CommandEngine.onLoop(emu, () -> run.received + run.errors == c)) {
                    t = Math.min(limit, t + 10_000_000L);
                    emu.runUntil(t);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CommandEngine.onLoop(emu, () -> {
            run.timer.cancel();
            run.host.removeInetProtocol(1, run);
            return report(run, tgt);
        });
    }

    private static String report(PingRun r, String target) {
        StringBuilder sb = new StringBuilder();
        sb.append("PING ").append(target).append(" (").append(target).append(") ").append(r.size).append('(').append(r.size + 28)
                .append(") bytes of data.\n");
        double min = Double.MAX_VALUE, max = 0, sum = 0, sum2 = 0;
        for (int i = 0; i < r.sent; i++) {
            if (r.rtt[i] < 0) {
                if (r.errorFrom[i] != 0) {
                    sb.append("From ").append(Ipv4Address.toString(r.errorFrom[i])).append(" icmp_seq=").append(i + 1).append(' ')
                            .append(r.errorText[i]).append('\n');
                }
                continue;
            }
            double ms = r.rtt[i] / 1e6;
            min = Math.min(min, ms);
            max = Math.max(max, ms);
            sum += ms;
            sum2 += ms * ms;
            sb.append(r.size + 8).append(" bytes from ").append(target).append(": icmp_seq=").append(i + 1).append(" ttl=").append(r.ttl[i])
                    .append(" time=").append(String.format(Locale.ROOT, "%.3f", ms)).append(" ms\n");
        }
        sb.append("\n--- ").append(target).append(" ping statistics ---\n");
        int loss = r.sent == 0 ? 0 : (int) Math.round(100.0 * (r.sent - r.received) / r.sent);
        sb.append(r.sent).append(" packets transmitted, ").append(r.received).append(" received, ")
                .append(r.errors > 0 ? "+" + r.errors + " errors, " : "").append(loss).append("% packet loss, time ")
                .append((r.lastSend - r.firstSend) / 1_000_000L).append("ms\n");
        if (r.received > 0) {
            double avg = sum / r.received;
            double mdev = Math.sqrt(Math.max(0, sum2 / r.received - avg * avg));
            sb.append(String.format(Locale.ROOT, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", min, avg, max, mdev));
        }
        return sb.toString();
    }

    static List<String> usageLines() {
        return new ArrayList<>(List.of(USAGE.split(" \\| ")));
    }
}
