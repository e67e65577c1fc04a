package org.nicemu.api.inet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The IPv4, ICMP and ARP counters of one host, named as in {@code /proc/net/snmp} (Ip:, Icmp:) and
 * {@code nstat}. Plain long fields incremented on the loop.
 */
public final class IpCounters {
    public long inReceives, inHdrErrors, inAddrErrors, inUnknownProtos, inDiscards, inDelivers, inTruncatedPkts, inCsumErrors;
    public long outRequests, outDiscards, outNoRoutes, forwDatagrams;
    /**
     * IPv4 packets handed to a device, counted as the frames they become on the wire (a GSO packet
     * counts its gso_segs). Not a Linux MIB field; the scenario runner balances frames with it.
     */
    public long outFrames;
    public long reasmTimeout, reasmReqds, reasmOks, reasmFails, fragOks, fragFails, fragCreates;
    public long icmpInMsgs, icmpInEchos, icmpInEchoReps, icmpInDestUnreachs, icmpInErrors;
    public long icmpOutMsgs, icmpOutEchos, icmpOutEchoReps, icmpOutDestUnreachs;
    public long arpRequestsIn, arpRepliesIn, arpRequestsOut, arpRepliesOut, arpUnresolvedDrops, arpGratuitousIn;
    /**
     * nicemu's own, for accounting every received frame (Linux has only drop reasons for these):
     * ARP packets dropped unprocessed (malformed, bad hardware/protocol type or length, unknown
     * opcode, multicast sender or target, non-linear), and fragments freed without becoming part
     * of a reassembled datagram (refused over ipfrag_high_thresh, duplicate, overlapping or
     * inconsistent, or in a queue that timed out or was killed).
     */
    public long arpInErrors, reasmFragDrops;
    /**
     * nicemu's own: packets this host sent to itself and received (an ICMP error about one of its
     * own packets), which Linux counts as the {@code lo} device's packets. They are in
     * IpOutRequests and IpInReceives without passing a device.
     */
    public long loopback;

    /** A copy by /proc/net/snmp name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("IpInReceives", inReceives); m.put("IpInHdrErrors", inHdrErrors); m.put("IpInAddrErrors", inAddrErrors);
        m.put("IpInUnknownProtos", inUnknownProtos); m.put("IpInDiscards", inDiscards); m.put("IpInDelivers", inDelivers);
        m.put("IpExtInTruncatedPkts", inTruncatedPkts); m.put("IpExtInCsumErrors", inCsumErrors);
        m.put("IpOutRequests", outRequests); m.put("IpOutDiscards", outDiscards); m.put("IpOutNoRoutes", outNoRoutes);
        m.put("IpForwDatagrams", forwDatagrams);
        m.put("IpReasmTimeout", reasmTimeout); m.put("IpReasmReqds", reasmReqds); m.put("IpReasmOKs", reasmOks);
        m.put("IpReasmFails", reasmFails); m.put("IpFragOKs", fragOks); m.put("IpFragFails", fragFails); m.put("IpFragCreates", fragCreates);
        m.put("IcmpInMsgs", icmpInMsgs); m.put("IcmpInEchos", icmpInEchos); m.put("IcmpInEchoReps", icmpInEchoReps);
        m.put("IcmpInDestUnreachs", icmpInDestUnreachs); m.put("IcmpInErrors", icmpInErrors);
        m.put("IcmpOutMsgs", icmpOutMsgs); m.put("IcmpOutEchos", icmpOutEchos); m.put("IcmpOutEchoReps", icmpOutEchoReps);
        m.put("IcmpOutDestUnreachs", icmpOutDestUnreachs);
        m.put("ArpRequestsIn", arpRequestsIn); m.put("ArpRepliesIn", arpRepliesIn); m.put("ArpRequestsOut", arpRequestsOut);
        m.put("ArpRepliesOut", arpRepliesOut); m.put("ArpUnresolvedDrops", arpUnresolvedDrops); m.put("ArpGratuitousIn", arpGratuitousIn);
        m.put("ArpInErrors", arpInErrors); m.put("IpExtReasmFragDrops", reasmFragDrops); m.put("IpExtLoopback", loopback);
        return m;
    }
}
