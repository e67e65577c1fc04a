package org.nicemu.api.mptcp.pm;

import java.util.ArrayList;
import java.util.List;

/**
 * The MPTCP state of one host's network namespace: {@code struct mptcp_pernet} (net/mptcp/ctrl.c:
 * {@code net.mptcp.enabled}, {@code scheduler}, {@code checksum_enabled},
 * {@code allow_join_initial_addr_port}, {@code add_addr_timeout}) and the in-kernel path manager's
 * {@code struct pm_nl_pernet} (endpoints, {@code subflows_max}, {@code add_addr_accept_max}). Kept by
 * the host so that it survives MPTCP bundle restarts. Loop thread for reads by the stack; the
 * mutators validate and throw {@link IllegalArgumentException} with a message naming what is accepted.
 */
public final class MptcpPernet {
    /** {@code MPTCP_PM_ADDR_MAX}: the kernel's endpoint limit per namespace. */
    public static final int MAX_ENDPOINTS = 8;
    /** {@code MPTCP_PM_ADDR_MAX} is also the largest limit value accepted. */
    public static final int MAX_LIMIT = 8;

    /** net.mptcp.enabled (1 as in Linux). */
    public boolean enabled = true;
    /** net.mptcp.scheduler: the scheduler of new connections. */
    public String scheduler = "default";
    /** net.mptcp.checksum_enabled (0 as in Linux): request DSS checksums in MP_CAPABLE. */
    public boolean checksumEnabled;
    /** net.mptcp.allow_join_initial_addr_port (1): peers may join to the initial address and port. */
    public boolean allowJoinInitialAddrPort = true;
    /** net.mptcp.add_addr_timeout in nanoseconds (120 s): ADD_ADDR retransmission without echo. */
    public long addAddrTimeoutNanos = 120_000_000_000L;
    /** Path-manager limit {@code subflows} (Linux default 2): additional subflows per connection. */
    private int subflowsMax = 2;
    /** Path-manager limit {@code add_addr_accepted} (Linux default 0): ADD_ADDRs acted upon per connection. */
    private int addAddrAcceptMax;
    private final List<MptcpEndpoint> endpoints = new ArrayList<>();

    public int subflowsMax() { return subflowsMax; }

    public int addAddrAcceptMax() { return addAddrAcceptMax; }

    /** {@code ip mptcp limits set subflows N add_addr_accepted M}; negative leaves a value unchanged. */
    public void setLimits(int subflows, int addAddrAccepted) {
        if (subflows > MAX_LIMIT || addAddrAccepted > MAX_LIMIT) {
            throw new IllegalArgumentException("mptcp limits: values must be 0.." + MAX_LIMIT);
        }
        if (subflows >= 0) subflowsMax = subflows;
        if (addAddrAccepted >= 0) addAddrAcceptMax = addAddrAccepted;
    }

    /** The endpoints in ID order (a copy). */
    public List<MptcpEndpoint> endpoints() {
        List<MptcpEndpoint> l = new ArrayList<>(endpoints);
        l.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return l;
    }

    /**
     * {@code ip mptcp endpoint add}: {@code id} 0 picks the lowest free ID. Refuses a duplicate
     * address or ID and more than {@link #MAX_ENDPOINTS} endpoints. Returns the endpoint added.
     */
    public MptcpEndpoint addEndpoint(int id, int addr, int port, String dev, int flags) {
        if (id < 0 || id > 255) throw new IllegalArgumentException("mptcp endpoint: id " + id + " (1..255, or 0 for the next free one)");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("mptcp endpoint: port " + port + " (0..65535)");
        if (endpoints.size() >= MAX_ENDPOINTS) throw new IllegalArgumentException("mptcp endpoint: at most " + MAX_ENDPOINTS + " endpoints");
        for (MptcpEndpoint e : endpoints) {
            if (e.addr() == addr && e.port() == port) {
                throw new IllegalArgumentException("mptcp endpoint: address " + org.nicemu.api.wire.Ipv4Address.toString(addr) + " already has id " + e.id());
            }
            if (id != 0 && e.id() == id) throw new IllegalArgumentException("mptcp endpoint: id " + id + " is in use");
        }
        if (id == 0) {
            id = 1;
            while (byId(id) != null) id++;
        }
        MptcpEndpoint e = new MptcpEndpoint(id, addr, port, dev, flags);
        endpoints.add(e);
        return e;
    }

    /** {@code ip mptcp endpoint del id N}: the endpoint removed; refuses an unknown ID. */
    public MptcpEndpoint delEndpoint(int id) {
        MptcpEndpoint e = byId(id);
        if (e == null) throw new IllegalArgumentException("mptcp endpoint: no endpoint with id " + id);
        endpoints.remove(e);
        return e;
    }

    /** {@code ip mptcp endpoint flush}. */
    public void flushEndpoints() {
        endpoints.clear();
    }

    /** The endpoint with this ID, or null. */
    public MptcpEndpoint byId(int id) {
        for (MptcpEndpoint e : endpoints) if (e.id() == id) return e;
        return null;
    }

    /** The endpoint with this address, or null. */
    public MptcpEndpoint byAddr(int addr) {
        for (MptcpEndpoint e : endpoints) if (e.addr() == addr) return e;
        return null;
    }
}
