package org.nicemu.api.inet;

import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 state of one host (the ipv4 part of {@code struct net}): addresses, routes, neighbours,
 * counters and the ipv4 sysctls. It belongs to the host, not to the IP bundle, so it survives a
 * swap of the IP layer. Loop thread only.
 */
public final class InetNs {
    public final Fib fib = new Fib();
    public final NeighTable neigh = new NeighTable();
    public final List<InetAddr> addrs = new ArrayList<>();
    public final IpCounters counters = new IpCounters();
    /** TCP counters (/proc/net/snmp Tcp, /proc/net/netstat TcpExt); kept across TCP bundle swaps. */
    public final TcpMib tcp = new TcpMib();
    /** net.mptcp.* and the MPTCP path manager's endpoints and limits; kept across MPTCP bundle swaps. */
    public final org.nicemu.api.mptcp.pm.MptcpPernet mptcp = new org.nicemu.api.mptcp.pm.MptcpPernet();
    /** net.ipv4.tcp_congestion_control: the default algorithm of new sockets. */
    public String tcpCongestionControl = "cubic";
    /** net.ipv4.tcp_sack, tcp_timestamps, tcp_window_scaling (on by default, as in Linux). */
    public boolean tcpSack = true, tcpTimestamps = true, tcpWindowScaling = true;
    /** net.ipv4.tcp_wmem and tcp_rmem: min, default, max in bytes (the defaults of the Linux 6.18 reference kernel: its SYN offers window scale 10). */
    public int[] tcpWmem = {4096, 16384, 4194304};
    public int[] tcpRmem = {4096, 131072, 33554432};
    /** net.ipv4.tcp_limit_output_bytes (TSQ budget per socket) in bytes. */
    public int tcpLimitOutputBytes = 1048576;
    /** net.ipv4.tcp_autocorking, tcp_slow_start_after_idle. */
    public boolean tcpAutocorking = true, tcpSlowStartAfterIdle = true;
    /** net.ipv4.tcp_early_retrans: 3 enables tail loss probes (TLP), 0 disables them. */
    public int tcpEarlyRetrans = 3;
    /** net.ipv4.tcp_syn_retries, tcp_synack_retries, tcp_retries2, tcp_fin_timeout (seconds). */
    public int tcpSynRetries = 6, tcpSynackRetries = 5, tcpRetries2 = 15, tcpFinTimeoutSec = 60;
    /** net.ipv4.tcp_max_syn_backlog. */
    public int tcpMaxSynBacklog = 1024;
    /** net.ipv4.ip_local_port_range. */
    public int ipLocalPortLow = 32768, ipLocalPortHigh = 60999;
    /** Next IP ID ({@code ip_idents} simplified to one counter per host). */
    public int ipIdent;
    /** net.ipv4.ip_default_ttl. */
    public int ipDefaultTtl = 64;
    /** net.ipv4.ip_forward. */
    public boolean ipForward;
    /** net.ipv4.ipfrag_time and ipfrag_high_thresh. */
    public long ipfragTimeNanos = 30_000_000_000L;
    public long ipfragHighThreshBytes = 4 * 1024 * 1024;
    /** net.ipv4.neigh.default.*: base_reachable_time_ms, retrans_time_ms, ucast/mcast_solicit, unres_qlen. */
    public long neighBaseReachableNanos = 30_000_000_000L;
    public long neighRetransNanos = 1_000_000_000L;
    public int neighUcastSolicit = 3;
    public int neighMcastSolicit = 3;
    public int neighUnresQlen = 101;

    /** The first address of {@code dev}, or null. */
    public InetAddr addrOf(String dev) {
        for (int i = 0, n = addrs.size(); i < n; i++) {
            InetAddr a = addrs.get(i);
            if (a.dev().equals(dev)) return a;
        }
        return null;
    }

    /** True when {@code ip} is one of this host's addresses (inet_addr_type() == RTN_LOCAL). */
    public boolean isLocal(int ip) {
        for (int i = 0, n = addrs.size(); i < n; i++) if (addrs.get(i).addr() == ip) return true; // no iterator: per packet
        return false;
    }
}
