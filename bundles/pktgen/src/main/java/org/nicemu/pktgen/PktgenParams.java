package org.nicemu.pktgen;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.nicemu.api.emu.Device;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Address;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.MacAddress;
import org.nicemu.api.wire.UdpHeader;

/**
 * The validated settings of one generator, parsed from pktgen-style string parameters (the
 * keywords written to {@code /proc/net/pktgen/<dev>} in Linux, see net/core/pktgen.c
 * {@code pktgen_if_write()}). Immutable; every error is an {@link IllegalArgumentException} whose
 * message names the parameter, the value and what is accepted.
 *
 * <p>Differences from Linux: {@code tos} and {@code priority} take decimal or {@code 0x}-prefixed
 * hex (the /proc interface takes bare hex for tos); {@code rate} takes tc units
 * ({@code 500mbit}, {@code 1gbit}) instead of a number of Mbit/s; {@code flows} selects UDP source
 * ports round robin instead of pktgen's randomised flow table; {@code start} and {@code csum} are
 * emulator-specific.
 */
final class PktgenParams {
    /** pktgen_hdr.pgh_magic. */
    static final int PKTGEN_MAGIC = 0xbe9be955;
    /** sizeof(struct pktgen_hdr): magic, seq_num, tv_sec, tv_usec. */
    static final int PKTGEN_HDR_LEN = 16;
    /** Ethernet + IPv4 (no options) + UDP header bytes in front of the payload. */
    static final int HEADERS_LEN = EthernetHeader.ETH_HLEN + Ipv4Header.MIN_LEN + UdpHeader.LEN;
    /** Preamble + SFD (8), FCS (4) and inter-frame gap (12) when the NIC counts them. */
    static final int WIRE_OVERHEAD = 8 + EthernetHeader.ETH_FCS_LEN + 12;

    /** Checksum handling of the UDP header. */
    enum Csum {
        /** Computed in software by the generator (udp_send_skb()'s software path). */
        SW,
        /** CHECKSUM_PARTIAL: the device (or validate_xmit_skb()'s software fallback) completes it. */
        OFFLOAD,
        /** Zero: no UDP checksum, as Linux pktgen sends without the UDPCSUM flag. */
        NONE
    }

    /** The parameters in the order {@link #usage()} lists them. */
    static final Set<String> ACCEPTED = Set.of("count", "pkt_size", "rate", "ratep", "flows", "udp_src_min", "udp_dst",
            "src", "dst", "src_mac", "dst_mac", "tos", "priority", "cpu", "csum", "start");
    private static final String ACCEPTED_LIST = "count, pkt_size, rate, ratep, flows, udp_src_min, udp_dst, src, dst, "
            + "src_mac, dst_mac, tos, priority, cpu, csum, start";

    final long count;
    final int pktSize;
    /** Pacing: one frame every {@code intervalNum / intervalDen} nanoseconds, exactly. */
    final long intervalNum;
    final long intervalDen;
    /** Bits per second (rate or line rate), or 0 when paced by {@code ratep}. */
    final long rateBitsPerSec;
    /** Frames per second when paced by {@code ratep}, else 0. */
    final long ratePps;
    final int flows;
    final int udpSrcMin;
    final int udpDst;
    final int srcIp;
    final int dstIp;
    final long srcMac;
    final long dstMac;
    final int tos;
    final int priority;
    final int cpu;
    final Csum csum;
    final long startOffsetNanos;

    private PktgenParams(Map<String, String> p, Device device) {
        for (Map.Entry<String, String> e : p.entrySet()) {
            if (!ACCEPTED.contains(e.getKey())) {
                throw new IllegalArgumentException("pktgen: unknown parameter '" + e.getKey() + "'; accepted: " + ACCEPTED_LIST);
            }
            if (e.getValue() == null) throw new IllegalArgumentException("pktgen: parameter '" + e.getKey() + "' has no value");
        }
        NicConfig nic = device.nic().config();
        int maxSize = nic.mtu() + EthernetHeader.ETH_HLEN;

        count = integer(p, "count", 0, 0, Long.MAX_VALUE, "a frame count 0.." + Long.MAX_VALUE + " (0 = until stopped)");
        pktSize = (int) integer(p, "pkt_size", EthernetHeader.ETH_ZLEN, EthernetHeader.ETH_ZLEN, maxSize,
                "a frame size in bytes without FCS, " + EthernetHeader.ETH_ZLEN + ".." + maxSize + " (60..MTU+14)");
        flows = (int) integer(p, "flows", 1, 1, 65536, "a number of flows 1..65536");
        udpSrcMin = (int) integer(p, "udp_src_min", 9, 0, 65535, "a UDP port 0..65535");
        if (udpSrcMin + flows - 1 > 65535) {
            throw new IllegalArgumentException("pktgen: parameters 'udp_src_min' " + udpSrcMin + " and 'flows' " + flows
                    + " need source ports up to " + (udpSrcMin + flows - 1) + "; udp_src_min + flows - 1 must be at most 65535");
        }
        udpDst = (int) integer(p, "udp_dst", 9, 0, 65535, "a UDP port 0..65535");
        srcIp = ipv4(p, "src", 0xc6120001);
        dstIp = ipv4(p, "dst", 0xc6120002);
        srcMac = mac(p, "src_mac", MacAddress.of(nic.mac()).bits());
        dstMac = mac(p, "dst_mac", 0x020000000002L);
        tos = (int) integer(p, "tos", 0, 0, 255, "a TOS byte 0..255 (decimal or 0x hex)");
        priority = (int) integer(p, "priority", p.containsKey("tos") ? rtTos2Priority(tos) : 0, 0, 0xffffffffL,
                "an skb priority 0..4294967295 (decimal or 0x hex)");
        int cpus = device.host().numCpus();
        cpu = (int) integer(p, "cpu", 0, 0, cpus - 1, "a CPU of host " + device.host().name() + ", 0.." + (cpus - 1));
        csum = csum(p.get("csum"));
        startOffsetNanos = time(p, "start");

        long frameBits = 8L * pktSize;
        if (p.containsKey("rate") && p.containsKey("ratep")) {
            throw new IllegalArgumentException("pktgen: parameters 'rate' and 'ratep' exclude each other; give a bit rate "
                    + "(rate 1gbit) or a frame rate (ratep 100000), not both");
        }
        if (p.containsKey("ratep")) {
            ratePps = integer(p, "ratep", 0, 1, 1_000_000_000L, "a frame rate in frames per second, 1..1000000000");
            rateBitsPerSec = 0;
            intervalNum = 1_000_000_000L;
            intervalDen = ratePps;
        } else {
            ratePps = 0;
            if (p.containsKey("rate")) {
                rateBitsPerSec = rate(p.get("rate"));
            } else {
                // line rate: frames spaced by the time the NIC needs to serialise them
                rateBitsPerSec = nic.rateBitsPerSec();
                if (nic.countPreambleIfg()) frameBits += 8L * WIRE_OVERHEAD;
            }
            intervalNum = frameBits * 1_000_000_000L;
            intervalDen = rateBitsPerSec;
            if (intervalNum < intervalDen) {
                throw new IllegalArgumentException("pktgen: parameter 'rate': " + rateBitsPerSec + " bit/s sends a "
                        + pktSize + "-byte frame in less than 1 ns; expected at most " + intervalNum + " bit/s");
            }
        }
    }

    /** Parses and validates {@code params} for {@code device}. */
    static PktgenParams parse(Device device, Map<String, String> params) {
        return new PktgenParams(params == null ? Map.of() : params, device);
    }

    /**
     * Mirrors include/net/route.h {@code rt_tos2priority()}: the skb priority the IPv4 output path
     * gives a socket's TOS, through the {@code ip_tos2prio} table (net/ipv4/route.c) indexed by the
     * four TOS bits: 0-3 best effort (0), 4-7 bulk (2), 8-11 interactive (6), 12-15 interactive bulk (4).
     */
    static int rtTos2Priority(int tos) {
        int idx = (tos & 0x1e) >>> 1;
        if (idx < 4) return 0;
        if (idx < 8) return 2;
        if (idx < 12) return 6;
        return 4;
    }

    /** One line per parameter, with units and defaults. */
    static String usage() {
        return String.join("\n",
                "pktgen (net/core/pktgen.c, xmit_mode queue_xmit) parameters:",
                "  count N        frames to generate, 0 = until stopped (default 0)",
                "  pkt_size B     frame bytes without FCS, 60..MTU+14 (default 60)",
                "  rate R         bit rate of pkt_size frames: 1000000, 500mbit, 1gbit, 125kbps ... (default: NIC line rate)",
                "  ratep N        frames per second instead of rate",
                "  flows N        UDP flows, source port udp_src_min + (frame mod N) (default 1)",
                "  udp_src_min P  first UDP source port (default 9)",
                "  udp_dst P      UDP destination port (default 9)",
                "  src A, dst A   IPv4 addresses (default 198.18.0.1, 198.18.0.2)",
                "  src_mac M      source MAC (default the NIC's), dst_mac M destination MAC (default 02:00:00:00:00:02)",
                "  tos T          IPv4 TOS byte 0..255, decimal or 0x hex (default 0)",
                "  priority P     skb->priority (default 0, or rt_tos2priority(tos) when only tos is given)",
                "  cpu C          sending CPU, for XPS (default 0)",
                "  csum sw|offload|none  UDP checksum: software, CHECKSUM_PARTIAL, or zero (default sw)",
                "  start T        delay before the first frame: 0, 250us, 10ms, 1s; plain numbers are ns (default 0)");
    }

    /** The parameters as applied (defaults filled in), for reports. */
    Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("count", Long.toString(count));
        m.put("pkt_size", Integer.toString(pktSize));
        if (ratePps != 0) m.put("ratep", Long.toString(ratePps));
        else m.put("rate", Long.toString(rateBitsPerSec));
        m.put("flows", Integer.toString(flows));
        m.put("udp_src_min", Integer.toString(udpSrcMin));
        m.put("udp_dst", Integer.toString(udpDst));
        m.put("src", Ipv4Address.toString(srcIp));
        m.put("dst", Ipv4Address.toString(dstIp));
        m.put("src_mac", new MacAddress(srcMac).toString());
        m.put("dst_mac", new MacAddress(dstMac).toString());
        m.put("tos", Integer.toString(tos));
        m.put("priority", Integer.toUnsignedString(priority));
        m.put("cpu", Integer.toString(cpu));
        m.put("csum", csum.name().toLowerCase(Locale.ROOT));
        m.put("start", startOffsetNanos + "ns");
        return m;
    }

    // ---------------------------------------------------------------- parsing helpers

    private static IllegalArgumentException bad(String key, String value, String accepted) {
        return new IllegalArgumentException("pktgen: parameter '" + key + "': '" + value + "' is not accepted; expected " + accepted);
    }

    /** A decimal or 0x-hex integer in [min, max]. */
    private static long integer(Map<String, String> p, String key, long dflt, long min, long max, String accepted) {
        String v = p.get(key);
        if (v == null) return dflt;
        String s = v.trim();
        long x;
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) x = Long.parseLong(s.substring(2), 16);
            else x = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad(key, v, accepted);
        }
        if (x < min || x > max) throw bad(key, v, accepted);
        return x;
    }

    private static int ipv4(Map<String, String> p, String key, int dflt) {
        String v = p.get(key);
        if (v == null) return dflt;
        try {
            return Ipv4Address.parse(v.trim());
        } catch (IllegalArgumentException e) {
            throw bad(key, v, "an IPv4 address such as 198.18.0.1");
        }
    }

    private static long mac(Map<String, String> p, String key, long dflt) {
        String v = p.get(key);
        if (v == null) return dflt;
        try {
            return MacAddress.parse(v.trim()).bits();
        } catch (IllegalArgumentException e) {
            throw bad(key, v, "a MAC address of six hex octets such as 02:00:00:00:00:02");
        }
    }

    private static Csum csum(String v) {
        if (v == null) return Csum.SW;
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "sw": return Csum.SW;
            case "offload": return Csum.OFFLOAD;
            case "none": return Csum.NONE;
            default: throw bad("csum", v, "sw (software checksum), offload (CHECKSUM_PARTIAL) or none (zero checksum)");
        }
    }

    private static long rate(String v) {
        long r;
        try {
            r = QdiscParams.of(Map.of("rate", v)).getRateBitsPerSec("rate", 0);
        } catch (QdiscParamException e) {
            throw new IllegalArgumentException("pktgen: " + e.getMessage(), e);
        }
        if (r <= 0) throw bad("rate", v, "a positive rate such as 1000000, 500mbit, 1gbit, 125kbps");
        return r;
    }

    /** A time offset: an integer with ns, us, ms or s; a plain number is nanoseconds. Exact. */
    private static long time(Map<String, String> p, String key) {
        String v = p.get(key);
        if (v == null) return 0;
        String accepted = "a time such as 0, 250us, 10ms, 1s (integer; plain numbers are nanoseconds)";
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == 0) throw bad(key, v, accepted);
        long mul;
        switch (s.substring(i)) {
            case "": case "ns": mul = 1; break;
            case "us": mul = 1_000; break;
            case "ms": mul = 1_000_000; break;
            case "s": mul = 1_000_000_000; break;
            default: throw bad(key, v, accepted);
        }
        try {
            return Math.multiplyExact(Long.parseLong(s.substring(0, i)), mul);
        } catch (ArithmeticException | NumberFormatException e) {
            throw bad(key, v, accepted);
        }
    }
}
