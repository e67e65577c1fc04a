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
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Told about endpoint changes, as the in-kernel path manager is by its netlink commands
     * ({@code mptcp_nl_cmd_add_addr}, {@code _del_addr}, {@code _set_flags}); called on the thread that
     * made the change (the host's loop for shell and scenario commands).
     */
    public interface Listener {
        /** {@code e} was added. */
        default void endpointAdded(MptcpEndpoint e) {
        }

        /** {@code e} was removed (also once per endpoint on a flush). */
        default void endpointRemoved(MptcpEndpoint e) {
        }

        /** {@code e}'s flags changed from {@code before} (backup on or off). */
        default void endpointChanged(MptcpEndpoint before, MptcpEndpoint e) {
        }
    }

    /** Registers a listener (the MPTCP layer of this host). */
    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** Unregisters a listener. */
    public void removeListener(Listener l) {
        listeners.remove(l);
    }

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
        for (Listener l : listeners) l.endpointAdded(e);
        return e;
    }

    /** {@code ip mptcp endpoint del id N}: the endpoint removed; refuses an unknown ID. */
    public MptcpEndpoint delEndpoint(int id) {
        MptcpEndpoint e = byId(id);
        if (e == null) throw new IllegalArgumentException("mptcp endpoint: no endpoint with id " + id);
        endpoints.remove(e);
        for (Listener l : listeners) l.endpointRemoved(e);
        return e;
    }

    /** {@code ip mptcp endpoint flush}. */
    public void flushEndpoints() {
        List<MptcpEndpoint> gone = endpoints();
        endpoints.clear();
        for (MptcpEndpoint e : gone) for (Listener l : listeners) l.endpointRemoved(e);
    }

    /**
     * {@code ip mptcp endpoint change id ID backup|nobackup}: sets or clears {@link MptcpEndpoint#BACKUP}
     * (the kernel's {@code mptcp_nl_cmd_set_flags}, which sends MP_PRIO on the subflows using it).
     * Returns the changed endpoint; refuses an unknown ID.
     */
    public MptcpEndpoint setBackup(int id, boolean backup) {
        MptcpEndpoint e = byId(id);
        if (e == null) throw new IllegalArgumentException("mptcp endpoint: no endpoint with id " + id);
        int flags = backup ? e.flags() | MptcpEndpoint.BACKUP : e.flags() & ~MptcpEndpoint.BACKUP;
        if (flags == e.flags()) return e;
        MptcpEndpoint n = new MptcpEndpoint(e.id(), e.addr(), e.port(), e.dev(), flags);
        endpoints.set(endpoints.indexOf(e), n);
        for (Listener l : listeners) l.endpointChanged(e, n);
        return n;
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
