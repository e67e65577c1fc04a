package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.TcpMib;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.tcp.wire.TcpOptions;
import org.nicemu.tcp.wire.TcpOptionsReceived;

/**
 * Bad input on a live connection: a 64 MB bulk transfer h1→h2 (1 Gbit/s, 5 ms) runs while 100,000
 * random and mutated frames go into h2's NIC and 20,000 into h1's, a few hundred per emulated
 * millisecond: copies of real segments of the connection (duplicated, truncated, with wrong IP total
 * length, wrong data offset, garbage options, random flags, bogus ACK numbers and windows, sequence
 * numbers far outside the window), segments to ports without a socket, and random bytes; about half
 * of the TCP-looking ones carry correct IP and TCP checksums so they reach the state machine.
 *
 * <p>Rule for frames on the connection's own 4-tuple with valid checksums (so the stream stays
 * exact under RFC 5961 and RFC 9293 rules, not by luck): their payload is either the real stream's
 * bytes at that sequence number with the real options, or the segment lies wholly outside the receive
 * window (seq ≥ rcv_nxt + 2^28, or end ≤ rcv_wup − 2^20 at generation; rcv_nxt/rcv_wup only grow).
 * RST and SYN only on out-of-window segments or, without data and options, at a seq in
 * [rcv_wup, rcv_nxt) — never at rcv_nxt (a valid reset). FIN only out of the window. ACK numbers are
 * the real ones, or ≥ snd_nxt + 2^20 (unacceptable), or ≤ snd_una − 2^20 (old). No forged SACK or
 * timestamp options reach in-window processing (garbage options are checked with the parser).
 *
 * <p>Checks: no exception escapes; every frame each host received (the peer's transmissions plus the
 * injected ones) is accounted for, by exact counter equations from the NIC to the sockets; the
 * transfer then completes byte-exact.
 */
class TcpFuzzTest {
    static final int IP1 = TcpBed.IP1, IP2 = TcpBed.IP2;
    static final long MAC1 = 0x020000000001L, MAC2 = 0x020000000002L;
    static final int TO_H2 = 100_000, TO_H1 = 20_000, STEP_H2 = 50, STEP_H1 = 10;
    static final long STEP_NS = 100_000, BYTES = 64L << 20;

    final SplittableRandom rnd = new SplittableRandom(0x7cf_f022L);
    final TcpOptionsReceived optRx = new TcpOptionsReceived();
    final long[] kindsH2 = new long[12], kindsH1 = new long[6];
    long validCsum, targetedLive;

    @Test
    void fuzzedReceivePathAccountsForEveryFrameAndTheConnectionStaysExact() {
        long wall0 = System.nanoTime();
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        DeviceHarness.RecordingPort rec2 = new DeviceHarness.RecordingPort();
        b.h.inLoop(() -> b.d2.attachPort(rec2));
        Snap s1 = new Snap(b.h1, b.d1), s2 = new Snap(b.h2, b.d2);
        int tx1 = b.rec.frames().size(), tx2 = rec2.frames().size();
        TcpBed.Sink[] sink = new TcpBed.Sink[1];
        TcpBed.Bulk[] bulk = new TcpBed.Bulk[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, BYTES, "cubic", 42);
        });
        b.h.runUntil(60 * TcpBed.MS);
        assertTrue(sink[0].conn != null, "connection accepted");
        TcpSock c1 = (TcpSock) bulk[0].sk, c2 = (TcpSock) sink[0].conn;
        int eph = c1.sport;
        // recent real segments: h1's data (rec: h1's transmissions) and h2's ACKs (rec2)
        int[] seen = {b.rec.frames().size(), rec2.frames().size()};
        List<byte[]> data = new ArrayList<>(), acks = new ArrayList<>();
        int injected1 = 0, injected2 = 0;
        while (injected2 < TO_H2 || injected1 < TO_H1) {
            int n2 = Math.min(STEP_H2, TO_H2 - injected2), n1 = Math.min(STEP_H1, TO_H1 - injected1);
            b.h.inLoop(() -> {
                seen[0] = collect(b.rec.frames(), seen[0], data, IP1, eph, 5001, true);
                seen[1] = collect(rec2.frames(), seen[1], acks, IP2, 5001, eph, false);
                boolean live = c2.skState == org.nicemu.api.sock.SockConst.TCP_ESTABLISHED
                        && c1.skState == org.nicemu.api.sock.SockConst.TCP_ESTABLISHED && !data.isEmpty() && !acks.isEmpty();
                long now = b.h.now();
                for (int i = 0; i < n2; i++) {
                    byte[] f = toH2(live, c2, eph, data);
                    b.d2.nic().receive(now, f, 0, f.length);
                }
                for (int i = 0; i < n1; i++) {
                    byte[] f = toH1(live, c1, eph, acks);
                    b.d1.nic().receive(now, f, 0, f.length);
                }
            });
            injected2 += n2;
            injected1 += n1;
            b.h.runUntil(b.h.now() + STEP_NS);
        }
        long fuzzEnd = b.h.now();
        System.out.println("fuzz: injected h2 " + injected2 + " by kind " + Arrays.toString(kindsH2) + ", h1 " + injected1
                + " by kind " + Arrays.toString(kindsH1) + "; valid checksums " + validCsum + ", on the live 4-tuple "
                + targetedLive + "; fuzz ended at " + fuzzEnd / TcpBed.MS + " ms with h2 at " + c2.bytesReceived + " bytes");
        assertTrue(targetedLive > 40_000, "the connection was live during the fuzz: " + targetedLive);
        long t = b.h.now();
        while (t < 60 * TcpBed.S && !(sink[0].eof && bulk[0].closed)) {
            t += 100 * TcpBed.MS;
            b.h.runUntil(t);
        }
        b.h.runUntil(t + 2 * TcpBed.S);
        System.out.println("fuzz: transfer done at " + t / TcpBed.MS + " ms emulated, wall " + (System.nanoTime() - wall0) / 1_000_000
                + " ms; " + b.h1.proto(6).info(c1).ssLine());

        // the connection delivered byte-exact
        assertEquals(0, bulk[0].err, "sender error");
        assertTrue(sink[0].eof, "EOF at the sink");
        assertEquals(BYTES, sink[0].bytes);
        assertEquals(TcpBed.hex(bulk[0].sha.digest()), TcpBed.hex(sink[0].sha.digest()), "SHA-256");

        account("h2", s2, b.rec.frames().size() - tx1, injected2, new TcpSock[] {c2}, 1);
        account("h1", s1, rec2.frames().size() - tx2, injected1, new TcpSock[] {c1}, 0);
    }

    // ================================================================ accounting

    /** Counters of one host at the start. */
    static final class Snap {
        final Host host;
        final Device dev;
        final Map<String, Long> nic, devStats, ip, tcp;

        Snap(Host host, Device dev) {
            this.host = host;
            this.dev = dev;
            nic = dev.nic().ethtoolStats(); // read between runs, when the loop is idle
            devStats = dev.stats();
            ip = host.inet().counters.snapshot();
            tcp = mib(host.inet().tcp);
        }

        Map<String, Long> delta() {
            Map<String, Long> d = new LinkedHashMap<>();
            Map<String, Long> nic1 = dev.nic().ethtoolStats(), dev1 = dev.stats(), ip1 = host.inet().counters.snapshot(),
                    tcp1 = mib(host.inet().tcp);
            for (var e : nic1.entrySet()) d.put("nic." + e.getKey(), e.getValue() - nic.getOrDefault(e.getKey(), 0L));
            for (var e : dev1.entrySet()) d.put("dev." + e.getKey(), e.getValue() - devStats.getOrDefault(e.getKey(), 0L));
            for (var e : ip1.entrySet()) d.put(e.getKey(), e.getValue() - ip.getOrDefault(e.getKey(), 0L));
            for (var e : tcp1.entrySet()) d.put("tcp." + e.getKey(), e.getValue() - tcp.getOrDefault(e.getKey(), 0L));
            return d;
        }
    }

    static Map<String, Long> mib(TcpMib m) {
        Map<String, Long> r = new LinkedHashMap<>();
        for (var f : TcpMib.class.getFields()) {
            try {
                if (f.getType() == long.class) r.put(f.getName(), f.getLong(m));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return r;
    }

    /**
     * The equations, over every frame the host's NIC got (the peer's transmissions, the wire being
     * lossless, plus the injected ones):
     * <pre>
     * arrivals         = nic.rx_length_errors + nic.rx_missed + nic.rx_link_down + dev.rx_packets
     * dev.rx_packets + IpExtLoopback = dev.rx_dropped + IpInReceives + ArpRequestsIn + ArpRepliesIn + ArpInErrors
     * IpInReceives     = IpInDiscards + IpInHdrErrors + IpExtInTruncatedPkts + IpInAddrErrors
     *                    + (IpInDelivers + IpInUnknownProtos - IpReasmOKs) + IpReasmReqds
     * to TCP           = IpInDelivers - IcmpInMsgs
     *                  = dropTruncated + dropBadOffset + dropBadChecksum + InSegs
     * InSegs           = sum of the sockets' segs_in (tcp_v4_do_rcv) + dropNoSocket + dropBacklog
     *                    + segments for the listener (the one SYN that became the connection)
     * </pre>
     * and in the sockets' state machines the drops by reason (out of window, bad RST, bad SYN, not
     * acceptable ACK, no ACK, out-of-order overflow) are at most what they processed.
     */
    void account(String name, Snap s, long peerTx, long injected, TcpSock[] socks, long listenerSegs) {
        Map<String, Long> d = s.delta();
        d.values().removeIf(v -> v == 0);
        System.out.println("fuzz: " + name + " counters " + d);
        long arrivals = peerTx + injected;
        long nicDrops = g(d, "nic.rx_length_errors") + g(d, "nic.rx_missed") + g(d, "nic.rx_link_down");
        assertEquals(arrivals, nicDrops + g(d, "dev.rx_packets"), name + ": every frame reached the stack or was a NIC drop");
        long arp = g(d, "ArpRequestsIn") + g(d, "ArpRepliesIn") + g(d, "ArpInErrors");
        assertEquals(g(d, "dev.rx_packets") + g(d, "IpExtLoopback"), g(d, "dev.rx_dropped") + g(d, "IpInReceives") + arp,
                name + ": device drop, IP or ARP (and the host's ICMP errors about its own packets, which Linux's lo would carry)");
        long nonFragments = g(d, "IpInDelivers") + g(d, "IpInUnknownProtos") - g(d, "IpReasmOKs");
        long ipDrops = g(d, "IpInDiscards") + g(d, "IpInHdrErrors") + g(d, "IpExtInTruncatedPkts") + g(d, "IpInAddrErrors");
        assertEquals(g(d, "IpInReceives"), ipDrops + nonFragments + g(d, "IpReasmReqds"), name + ": IP dropped, delivered or a fragment");
        long toTcp = g(d, "IpInDelivers") - g(d, "IcmpInMsgs");
        long tcpHdrDrops = g(d, "tcp.dropTruncated") + g(d, "tcp.dropBadOffset") + g(d, "tcp.dropBadChecksum");
        assertEquals(toTcp, tcpHdrDrops + g(d, "tcp.inSegs"), name + ": TCP header drop or InSegs");
        long segsIn = 0;
        for (TcpSock tp : socks) segsIn += tp.segsIn;
        long noSock = g(d, "tcp.dropNoSocket"), backlog = g(d, "tcp.dropBacklog");
        assertEquals(g(d, "tcp.inSegs"), segsIn + noSock + backlog + listenerSegs, name + ": InSegs = socket + no socket + backlog + listener");
        assertEquals(listenerSegs, g(d, "tcp.passiveOpens"), name + ": the listener got just the connection's SYN");
        String[] inSock = {"dropOutOfWindow", "dropBadRst", "dropBadSyn", "dropNotAcceptable", "dropNoAck", "ofoDrop", "pruneCalled"};
        long sockDrops = 0;
        StringBuilder why = new StringBuilder();
        for (String k : inSock) {
            sockDrops += g(d, "tcp." + k);
            why.append(k).append('=').append(g(d, "tcp." + k)).append(' ');
        }
        assertTrue(sockDrops <= segsIn, name + ": socket drops within what the sockets processed");
        long drops = nicDrops + g(d, "dev.rx_dropped") + g(d, "ArpInErrors") + ipDrops + g(d, "IpExtReasmFragDrops")
                + g(d, "IcmpInErrors") + g(d, "IpInUnknownProtos") + tcpHdrDrops + noSock + backlog + sockDrops;
        System.out.println("fuzz: " + name + ": " + arrivals + " frames (" + peerTx + " from the peer, " + injected + " injected): NIC "
                + nicDrops + ", device " + g(d, "dev.rx_dropped") + ", ARP " + arp + ", IP drops " + ipDrops + " (hdr "
                + g(d, "IpInHdrErrors") + ", truncated " + g(d, "IpExtInTruncatedPkts") + ", addr " + g(d, "IpInAddrErrors")
                + ", discards " + g(d, "IpInDiscards") + "), fragments " + g(d, "IpReasmReqds") + " (frag drops "
                + g(d, "IpExtReasmFragDrops") + ", reassembled " + g(d, "IpReasmOKs") + "), ICMP " + g(d, "IcmpInMsgs")
                + ", unknown protocol " + g(d, "IpInUnknownProtos") + ", to TCP " + toTcp + ": header drops " + tcpHdrDrops
                + " (truncated " + g(d, "tcp.dropTruncated") + ", bad offset " + g(d, "tcp.dropBadOffset") + ", bad checksum "
                + g(d, "tcp.dropBadChecksum") + "), InSegs " + g(d, "tcp.inSegs") + " = socket " + segsIn + " + no socket " + noSock
                + " + backlog " + backlog + " + listener " + listenerSegs + "; in the socket: " + why + "(dropOldAck "
                + g(d, "tcp.dropOldAck") + " counted but may be processed); drops by reason total " + drops);
    }

    static long g(Map<String, Long> d, String k) {
        return d.getOrDefault(k, 0L);
    }

    // ================================================================ real segments

    /** Appends new TCP frames saddr:sport → dport (data only, or pure ACKs only) to pool (the last 512 kept). */
    static int collect(List<byte[]> frames, int from, List<byte[]> pool, int saddr, int sport, int dport, boolean dataOnly) {
        int n = frames.size();
        for (int i = Math.max(from, n - 512); i < n; i++) {
            byte[] f = frames.get(i);
            if (f.length < 54 || EthernetHeader.ethertype(f, 0) != EthernetHeader.ETH_P_IP || Ipv4Header.protocol(f, 14) != 6
                    || Ipv4Header.src(f, 14) != saddr || Ipv4Header.isFragment(f, 14)) continue;
            int th = 14 + Ipv4Header.headerLength(f, 14);
            if (TcpHeader.srcPort(f, th) != sport || TcpHeader.dstPort(f, th) != dport) continue;
            int fl = TcpHeader.flags(f, th);
            if ((fl & (TcpHeader.SYN | TcpHeader.RST | TcpHeader.FIN)) != 0 || (fl & TcpHeader.ACK) == 0) continue;
            int payload = Ipv4Header.totalLength(f, 14) - (th - 14) - TcpHeader.headerLength(f, th);
            if (dataOnly != payload > 0) continue;
            pool.add(f);
        }
        while (pool.size() > 512) pool.remove(0);
        return n;
    }

    // ================================================================ frames for h2 (the receiver)

    byte[] toH2(boolean live, TcpSock c2, int eph, List<byte[]> data) {
        int k = rnd.nextInt(kindsH2.length);
        if (!live && k <= 5) k = 6;
        kindsH2[k]++;
        switch (k) {
            case 0: { // an exact duplicate of a real data segment
                byte[] f = copy(pick(data));
                return valid(f, true);
            }
            case 1: { // real data, mutated header fields that cannot inject wrong bytes
                byte[] f = copy(pick(data));
                int th = th(f);
                switch (rnd.nextInt(6)) {
                    case 0: TcpHeader.setAckSeq(f, th, badAck(c2)); break;
                    case 1: TcpHeader.setWindow(f, th, rnd.nextInt(65536)); break;
                    case 2: TcpHeader.setFlags(f, th, TcpHeader.flags(f, th) ^ (rnd.nextBoolean() ? TcpHeader.PSH : TcpHeader.URG | TcpHeader.ECE | TcpHeader.CWR));
                            TcpHeader.setUrgentPointer(f, th, rnd.nextInt(65536)); break;
                    case 3: f = cutPayload(f); break;                                        // a shorter prefix, lengths right
                    case 4: TcpHeader.setFlags(f, th, TcpHeader.flags(f, th) | TcpHeader.SYN); break; // in-window SYN: challenge ACK
                    default: TcpHeader.setFlags(f, th, TcpHeader.flags(f, th) & ~TcpHeader.ACK); break; // no ACK
                }
                return valid(f, true);
            }
            case 2: { // outside the window: anything goes
                byte[] f = copy(pick(data));
                int th = th(f);
                f = garbageOptions(f, false);
                th = th(f);
                TcpHeader.setSeq(f, th, outOfWindow(c2.rcvNxt, c2.rcvWup));
                TcpHeader.setFlags(f, th, rnd.nextInt(256));
                if (rnd.nextBoolean()) TcpHeader.setAckSeq(f, th, rnd.nextInt());
                for (int i = th + TcpHeader.headerLength(f, th); i < f.length; i++) if (rnd.nextInt(8) == 0) f[i] = (byte) rnd.nextInt();
                return valid(f, true);
            }
            case 3: { // RST or SYN, no data, at a seq in [rcv_wup, rcv_nxt) (or far out)
                byte[] f = bare(IP1, IP2, eph, 5001);
                int th = th(f);
                int seq = TcpSeq.before(c2.rcvWup, c2.rcvNxt) && rnd.nextBoolean()
                        ? c2.rcvWup + rnd.nextInt(c2.rcvNxt - c2.rcvWup) : outOfWindow(c2.rcvNxt, c2.rcvWup);
                if (seq == c2.rcvNxt) seq--;
                TcpHeader.setSeq(f, th, seq);
                TcpHeader.setAckSeq(f, th, rnd.nextBoolean() ? c2.sndNxt : badAck(c2));
                int[] fl = {TcpHeader.RST, TcpHeader.RST | TcpHeader.ACK, TcpHeader.SYN, TcpHeader.SYN | TcpHeader.ACK, TcpHeader.SYN | TcpHeader.RST};
                TcpHeader.setFlags(f, th, fl[rnd.nextInt(fl.length)]);
                return valid(f, true);
            }
            case 4: { // real data with garbage options that carry no timestamp or SACK
                byte[] f = garbageOptions(copy(pick(data)), true);
                return valid(f, true);
            }
            case 5: // a real segment with a bad checksum or wrong data offset / lengths
                return broken(copy(pick(data)));
            case 6: // no socket: random ports (never 5001), flags, seq, options, payload
                return valid(noSocket(IP1, IP2, 5001), true);
            case 7:
                return broken(noSocket(IP1, IP2, 5001));
            case 8:
                return truncateOrBadLength(rnd.nextBoolean() && !data.isEmpty() ? copy(pick(data)) : noSocket(IP1, IP2, 5001));
            case 9:
                return ipMutated(rnd.nextBoolean() && !data.isEmpty() ? copy(pick(data)) : noSocket(IP1, IP2, 5001));
            default:
                return randomFrame(MAC2);
        }
    }

    // ================================================================ frames for h1 (the sender)

    byte[] toH1(boolean live, TcpSock c1, int eph, List<byte[]> acks) {
        int k = rnd.nextInt(kindsH1.length);
        if (!live && k <= 2) k = 3;
        kindsH1[k]++;
        switch (k) {
            case 0: { // a duplicate of a real ACK, or with an unacceptable or old ACK number (and any window)
                byte[] f = copy(pick(acks));
                int th = th(f);
                if (rnd.nextBoolean()) {
                    TcpHeader.setAckSeq(f, th, badAck(c1));
                    TcpHeader.setWindow(f, th, rnd.nextInt(65536));
                }
                return valid(f, true);
            }
            case 1: { // outside h1's receive window: anything goes
                byte[] f = garbageOptions(copy(pick(acks)), false);
                int th = th(f);
                TcpHeader.setSeq(f, th, outOfWindow(c1.rcvNxt, c1.rcvWup));
                TcpHeader.setFlags(f, th, rnd.nextInt(256));
                TcpHeader.setAckSeq(f, th, rnd.nextInt());
                if (rnd.nextBoolean()) f = withPayload(f, rnd.nextInt(1400));
                return valid(f, true);
            }
            case 2:
                return rnd.nextBoolean() ? broken(copy(pick(acks))) : truncateOrBadLength(copy(pick(acks)));
            case 3:
                return rnd.nextBoolean() ? valid(noSocket(IP2, IP1, eph), true) : broken(noSocket(IP2, IP1, eph));
            case 4:
                return ipMutated(noSocket(IP2, IP1, eph));
            default:
                return randomFrame(MAC1);
        }
    }

    // ================================================================ builders and mutators

    byte[] pick(List<byte[]> pool) {
        return pool.get(pool.size() - 1 - rnd.nextInt(Math.min(pool.size(), 256)));
    }

    static byte[] copy(byte[] f) {
        return Arrays.copyOf(f, 14 + Ipv4Header.totalLength(f, 14));
    }

    static int th(byte[] f) {
        return 14 + Ipv4Header.headerLength(f, 14);
    }

    /** An ACK number no ACK can make acceptable: ≥ snd_nxt + 2^20 or ≤ snd_una − 2^20. */
    int badAck(TcpSock tp) {
        return rnd.nextBoolean() ? tp.sndNxt + (1 << 20) + rnd.nextInt(1 << 29) : tp.sndUna - (1 << 20) - rnd.nextInt(1 << 29);
    }

    /** A seq whose segment (≤ 64 KB) lies wholly outside any receive window, now and later. */
    int outOfWindow(int rcvNxt, int rcvWup) {
        return rnd.nextBoolean() ? rcvNxt + (1 << 28) + rnd.nextInt(1 << 28) : rcvWup - (1 << 20) - rnd.nextInt(1 << 28);
    }

    /** Sets tot_len from the frame, the IP checksum and (if csum) the TCP checksum. */
    byte[] valid(byte[] f, boolean csum) {
        Ipv4Header.setTotalLength(f, 14, f.length - 14);
        Ipv4Header.setChecksum(f, 14);
        if (csum) {
            TcpHeader.setChecksumV4(f, 14);
            validCsum++;
        }
        int th = th(f);
        if (Ipv4Header.src(f, 14) == IP1 && Ipv4Header.dst(f, 14) == IP2 && TcpHeader.dstPort(f, th) == 5001
                || Ipv4Header.src(f, 14) == IP2 && Ipv4Header.dst(f, 14) == IP1 && TcpHeader.srcPort(f, th) == 5001) targetedLive++;
        return f;
    }

    byte[] bare(int src, int dst, int sport, int dport) {
        byte[] f = new byte[54];
        EthernetHeader.write(f, 0, dst == IP2 ? MAC2 : MAC1, dst == IP2 ? MAC1 : MAC2, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(f, 14, 0, 40, rnd.nextInt(65536), Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_TCP, src, dst);
        TcpHeader.write(f, 34, sport, dport, rnd.nextInt(), rnd.nextInt(), 20, TcpHeader.ACK, 65535);
        return f;
    }

    /** A segment to a port with no socket (and, from IP1, a reply RST that finds none either). */
    byte[] noSocket(int src, int dst, int avoidPort) {
        int sport, dport;
        do {
            sport = rnd.nextInt(65536);
            dport = rnd.nextInt(65536);
        } while (dport == avoidPort || sport == avoidPort || dport == 5001 || sport == 5001);
        int r = rnd.nextInt(10);
        if (dst == IP2 && r >= 8) src = r == 8 ? 0xc6120000 | (3 + rnd.nextInt(8)) : 0xc6120001; // some from other hosts
        byte[] f = bare(src, dst, sport, dport);
        TcpHeader.setFlags(f, 34, rnd.nextInt(256));
        f = garbageOptions(f, false);
        if (rnd.nextBoolean()) f = withPayload(f, rnd.nextInt(1400));
        return f;
    }

    static byte[] withPayload(byte[] f, int n) {
        byte[] g = Arrays.copyOf(f, f.length + n);
        for (int i = f.length; i < g.length; i++) g[i] = (byte) (i * 31);
        return g;
    }

    /**
     * Replaces the options with 0..40 random bytes: random kinds and lengths (bad lengths included),
     * SACK and timestamp kinds too unless safe, in which case the result is checked with the parser
     * to carry neither.
     */
    byte[] garbageOptions(byte[] f, boolean safe) {
        int th = th(f), hl = TcpHeader.headerLength(f, th);
        int olen = 4 * rnd.nextInt(11);
        byte[] opt = new byte[olen];
        for (int tries = 0;; tries++) {
            int i = 0;
            while (i < olen) {
                int kind = new int[] {0, 1, 2, 3, 4, 5, 8, 30, 34, 254, rnd.nextInt(256)}[rnd.nextInt(11)];
                opt[i++] = (byte) kind;
                if (i < olen && kind > 1) {
                    int l = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : new int[] {2, 3, 4, 6, 10, 18}[rnd.nextInt(6)];
                    opt[i++] = (byte) l;
                    for (int j = 2; j < l && i < olen; j++) opt[i++] = (byte) rnd.nextInt();
                }
            }
            if (!safe) break;
            optRx.clear();
            TcpOptions.parse(opt, 0, olen, optRx);
            if (!optRx.sawTstamp() && optRx.numSacks() == 0) break;
            if (tries > 20) {
                Arrays.fill(opt, (byte) 1);
                break;
            }
        }
        int payloadLen = f.length - th - hl;
        byte[] g = new byte[th + 20 + olen + payloadLen];
        System.arraycopy(f, 0, g, 0, th + 20);
        System.arraycopy(opt, 0, g, th + 20, olen);
        System.arraycopy(f, th + hl, g, th + 20 + olen, payloadLen);
        TcpHeader.setHeaderLength(g, th, 20 + olen);
        return g;
    }

    /** Keeps a shorter prefix of the payload (so the bytes are still the stream's). */
    byte[] cutPayload(byte[] f) {
        int th = th(f), hl = TcpHeader.headerLength(f, th);
        int payload = f.length - th - hl;
        return Arrays.copyOf(f, th + hl + (payload > 1 ? 1 + rnd.nextInt(payload - 1) : payload));
    }

    /** Bad TCP checksum, or a data offset below 5 or beyond the segment (valid checksum). */
    byte[] broken(byte[] f) {
        int th = th(f);
        switch (rnd.nextInt(3)) {
            case 0: { // bad checksum: flip bytes in the segment after computing it
                valid(f, true);
                validCsum--;
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) f[th + rnd.nextInt(f.length - th)] ^= (byte) (1 + rnd.nextInt(255));
                if (TcpHeader.verifyChecksum(f, th, Ipv4Header.src(f, 14), Ipv4Header.dst(f, 14), f.length - th)) f[th + 16] ^= 0x55;
                return f;
            }
            case 1:
                TcpHeader.setDataOffset(f, th, rnd.nextInt(5));
                return valid(f, true);
            default: {
                int len = f.length - th;
                if (len >= 60) f = Arrays.copyOf(f, th + 20 + rnd.nextInt(36));
                TcpHeader.setDataOffset(f, th, Math.min(15, (f.length - th) / 4 + 1 + rnd.nextInt(4)));
                return valid(f, true);
            }
        }
    }

    /** Truncated frames and wrong IP total lengths. */
    byte[] truncateOrBadLength(byte[] f) {
        valid(f, true);
        validCsum--;
        switch (rnd.nextInt(4)) {
            case 0: // cut anywhere, tot_len as it was
                return Arrays.copyOf(f, rnd.nextInt(f.length + 1));
            case 1: { // cut, tot_len fixed (the TCP checksum no longer matches, or the header is cut)
                byte[] g = Arrays.copyOf(f, 34 + rnd.nextInt(Math.max(1, f.length - 34)));
                Ipv4Header.setTotalLength(g, 14, g.length - 14);
                Ipv4Header.setChecksum(g, 14);
                return g;
            }
            case 2: // tot_len too big
                Ipv4Header.setTotalLength(f, 14, f.length - 14 + 1 + rnd.nextInt(2000));
                if (rnd.nextBoolean()) Ipv4Header.setChecksum(f, 14);
                return f;
            default: // tot_len too small (the rest is link-layer padding to IP)
                Ipv4Header.setTotalLength(f, 14, rnd.nextInt(f.length - 14));
                if (rnd.nextBoolean()) Ipv4Header.setChecksum(f, 14);
                return f;
        }
    }

    /** 1..4 bytes of the IP header flipped, the IP checksum maybe fixed, the TCP checksum left as it was. */
    byte[] ipMutated(byte[] f) {
        valid(f, true);
        validCsum--;
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) f[14 + rnd.nextInt(20)] ^= (byte) (1 + rnd.nextInt(255));
        int ihl = f[14] & 0xf;
        if (rnd.nextBoolean() && ihl >= 5 && f.length >= 14 + 4 * ihl) Ipv4Header.setChecksum(f, 14);
        return f;
    }

    byte[] randomFrame(long mac) {
        byte[] f = new byte[rnd.nextInt(1600)];
        for (int i = 0; i < f.length; i++) f[i] = (byte) rnd.nextInt();
        if (f.length >= 14 && rnd.nextInt(4) != 0) EthernetHeader.write(f, 0, mac, 0x020000000100L, EthernetHeader.ETH_P_IP);
        if (f.length >= 34 && rnd.nextBoolean()) { // an IPv4 header for TCP to us, garbage after it
            f[14] = 0x45;
            Ipv4Header.setTotalLength(f, 14, f.length - 14);
            f[14 + Ipv4Header.FRAG_OFF] = 0;
            f[15 + Ipv4Header.FRAG_OFF] = 0;
            f[14 + Ipv4Header.PROTOCOL] = 6;
            Ipv4Header.setDst(f, 14, mac == MAC2 ? IP2 : IP1);
            Ipv4Header.setChecksum(f, 14);
        }
        return f;
    }
}
