package org.nicemu.mptcp;

import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.Route;
import org.nicemu.api.mptcp.pm.MptcpEndpoint;
import org.nicemu.api.mptcp.pm.MptcpPernet;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.tcp.ulp.TcpSubflow;
import org.nicemu.mptcp.wire.MptcpOption;
import org.nicemu.mptcp.wire.MptcpOptions;

/**
 * The in-kernel path manager for one connection (net/mptcp/pm_netlink.c, full-mesh): once the
 * connection is established, it announces the host's {@code signal} endpoints with ADD_ADDR
 * ({@code mptcp_pm_nl_add_addr_signal}) and opens subflows from its {@code subflow} endpoints to the
 * peer's initial address ({@code mptcp_pm_create_subflow_or_signal_addr}); an ADD_ADDR from the peer
 * is echoed and, within {@code add_addr_accepted}, answered with a new subflow from the address the
 * route to it selects ({@code mptcp_pm_nl_add_addr_received}); REMOVE_ADDR closes the subflows to
 * that address. Limits: {@code subflows} additional subflows per connection.
 */
final class MptcpPm {
    /** {@code ADD_ADDR_RETRANS_MAX}: an announcement is sent again at most this often without an echo. */
    static final int ADD_ADDR_RETRANS_MAX = 3;

    private final MptcpSock msk;
    private int addAddrAccepted;
    /** Remote address IDs whose ADD_ADDR we acted upon (they count against {@code add_addr_accepted}). */
    private final java.util.Set<Integer> acceptedIds = new java.util.TreeSet<>();
    /** Our announced address IDs not yet echoed, with their retransmission count ({@code pm->anno_list}). */
    private final java.util.TreeMap<Integer, Integer> unechoed = new java.util.TreeMap<>();
    /** Address IDs announced to the peer (echoed or not), for REMOVE_ADDR. */
    private final java.util.Set<Integer> announcedIds = new java.util.TreeSet<>();
    private org.nicemu.api.exec.Timer addAddrTimer;
    private boolean established;

    MptcpPm(MptcpSock msk) {
        this.msk = msk;
    }

    private MptcpPernet pernet() { return msk.pernet(); }

    private int extraSubflows() { return Math.max(0, msk.subflows.size() - 1); }

    /** The connection is established: announce the signal endpoints and open subflows from the subflow ones. */
    void established() {
        if (msk.fallback || established) return;
        established = true;
        for (MptcpEndpoint e : pernet().endpoints()) endpointAdded(e);
    }

    /** {@code mptcp_pm_nl_add_addr}: a new endpoint is announced (signal) or used for a new subflow (subflow). */
    void endpointAdded(MptcpEndpoint e) {
        if (!established || msk.fallback || msk.dead || e.addr() == msk.saddr) return;
        if (e.signal() && !announcedIds.contains(e.id())) announce(e);
        if (e.subflow() && !msk.server && extraSubflows() < pernet().subflowsMax()) {
            for (Subflow s : msk.subflows) if (s.sk().saddr == e.addr() && s.sk().daddr == msk.daddr) return;
            createSubflow(e.addr(), e.id(), e.backup(), msk.daddr, msk.dport);
        }
    }

    /** {@code mptcp_pm_nl_rm_addr}: an announced address is withdrawn with REMOVE_ADDR and the subflows from it close. */
    void endpointRemoved(MptcpEndpoint e) {
        if (!established || msk.fallback || msk.dead) return;
        unechoed.remove(e.id());
        if (announcedIds.remove(e.id())) {
            Subflow via = signalSubflow(e.addr());
            if (via != null) {
                via.rmAddrId = e.id();
                ackSoon(via);
            }
        }
        for (Subflow s : new java.util.ArrayList<>(msk.subflows)) {
            if (!s.mpCapable && s.sk().saddr == e.addr()) {
                s.rstReason = MptcpOptions.MPTCP_RST_EUNSPEC;
                msk.host.loop().post(() -> s.tcp.reset(SockConst.ECONNRESET));
            }
        }
    }

    /** {@code mptcp_pm_nl_mp_prio_send_ack}: the subflows from the endpoint's address signal their new priority. */
    void endpointChanged(MptcpEndpoint e) {
        if (!established || msk.fallback || msk.dead) return;
        for (Subflow s : msk.subflows) {
            if (s.sk().saddr == e.addr() && s.backup != e.backup()) {
                s.backup = e.backup();
                s.mpPrio = e.backup();
                ackSoon(s);
            }
        }
    }

    private void announce(MptcpEndpoint e) {
        Subflow via = signalSubflow(e.addr());
        if (via == null) return;
        via.addAddrId = e.id();
        via.addAddrAddr = e.addr();
        via.addAddrPort = e.port();
        via.addAddrEcho = false;
        announcedIds.add(e.id());
        unechoed.putIfAbsent(e.id(), 0);
        ackSoon(via);
        armAddAddrTimer();
    }

    /** A subflow to carry a signal: the initial one when it can send, else any other that can and is not from {@code avoidAddr}. */
    private Subflow signalSubflow(int avoidAddr) {
        Subflow any = null;
        for (Subflow s : msk.subflows) {
            if (!s.canSendState()) continue;
            if (s.mpCapable) return s;
            if (any == null && s.sk().saddr != avoidAddr) any = s;
        }
        return any;
    }

    private void ackSoon(Subflow s) {
        msk.host.loop().post(() -> {
            if (s.canSendState()) s.tcp.sendAck();
        });
    }

    /** The ADD_ADDR retransmission timer ({@code mptcp_pm_add_timer}): un-echoed announcements go out again. */
    private void armAddAddrTimer() {
        long timeout = pernet().addAddrTimeoutNanos;
        if (timeout <= 0 || unechoed.isEmpty()) return;
        if (addAddrTimer == null) addAddrTimer = msk.host.loop().newTimer(msk.host.name() + " mptcp add_addr", this::addAddrTimeout);
        if (!addAddrTimer.isArmed()) addAddrTimer.arm(msk.host.loop().now() + timeout);
    }

    private void addAddrTimeout() {
        if (msk.dead || msk.fallback) return;
        for (var it = unechoed.entrySet().iterator(); it.hasNext();) {
            var en = it.next();
            MptcpEndpoint e = pernet().byId(en.getKey());
            if (e == null || en.getValue() >= ADD_ADDR_RETRANS_MAX) {
                it.remove();
                continue;
            }
            en.setValue(en.getValue() + 1);
            msk.counters.addAddrRetrans++;
            Subflow via = signalSubflow(e.addr());
            if (via != null) {
                via.addAddrId = e.id();
                via.addAddrAddr = e.addr();
                via.addAddrPort = e.port();
                via.addAddrEcho = false;
                ackSoon(via);
            }
        }
        armAddAddrTimer();
    }

    /** The connection ends: its timer stops. */
    void close() {
        if (addAddrTimer != null) addAddrTimer.cancel();
    }

    /**
     * Options of a pure ACK of {@code sf} beside the DSS: a pending REMOVE_ADDR and MP_PRIO (the
     * ADD_ADDR goes alone, {@link #addAddrOption}); leaves 12 bytes for the DSS. Returns the bytes
     * written at {@code out[0]}.
     */
    int signalOptions(Subflow sf, MptcpOption opt, byte[] out, int remaining) {
        int n = 0;
        if (sf.rmAddrId >= 0) {
            opt.removeAddr(new byte[] {(byte) sf.rmAddrId}, 0, 1);
            if (n + opt.size() <= remaining - 12) {
                n += MptcpOptions.write(opt, out, n);
                sf.rmAddrId = -1;
                msk.counters.rmAddrTx++;
            }
        }
        if (sf.mpPrio != null) {
            opt.mpPrio(sf.mpPrio);
            if (n + opt.size() <= remaining - 12) {
                n += MptcpOptions.write(opt, out, n);
                sf.mpPrio = null;
                msk.counters.mpPrioTx++;
            }
        }
        return n;
    }

    /** The option for a pure ACK of {@code sf}: a pending ADD_ADDR (alone, as Linux drops the DSS for it). */
    int addAddrOption(Subflow sf, MptcpOption opt, byte[] out, int remaining) {
        if (sf.addAddrId < 0) return 0;
        long hmac = sf.addAddrEcho ? 0 : msk.proto.crypto.addAddrHmac4(msk.localKey, msk.remoteKey, sf.addAddrId, sf.addAddrAddr, sf.addAddrPort);
        opt.addAddr4(sf.addAddrId, sf.addAddrAddr, sf.addAddrPort, sf.addAddrEcho, hmac);
        if (opt.size() > remaining) return 0;
        sf.addAddrId = -1;
        if (!sf.addAddrEcho) msk.counters.addAddrTx++;
        return MptcpOptions.write(opt, out, 0);
    }

    /** ADD_ADDR from the peer: echo it, and open a subflow to it within the limits. */
    void addAddrReceived(Subflow sf, MptcpOption o) {
        if (o.echo()) {
            msk.counters.addAddrEchoRx++;
            unechoed.remove(o.addressId());
            return;
        }
        if (o.addrLen() != 4) return;
        int addr = o.addrIpv4();
        int port = o.hasPort() ? o.port() : 0;
        long expect = msk.proto.crypto.addAddrHmac4(msk.remoteKey, msk.localKey, o.addressId(), addr, port);
        if (!o.hasAddrHmac() || o.addrHmac() != expect) {
            msk.counters.badOptions++;
            return;
        }
        msk.counters.addAddrRx++;
        sf.addAddrId = o.addressId();
        sf.addAddrAddr = addr;
        sf.addAddrPort = port;
        sf.addAddrEcho = true;
        msk.host.loop().post(() -> {
            if (sf.canSendState()) sf.tcp.sendAck();
        });
        if (addAddrAccepted >= pernet().addAddrAcceptMax() || extraSubflows() >= pernet().subflowsMax()) return;
        for (Subflow s : msk.subflows) if (s.sk().daddr == addr) return;
        addAddrAccepted++;
        acceptedIds.add(o.addressId());
        int remoteId = o.addressId();
        int dport = port != 0 ? port : msk.dport;
        msk.host.loop().post(() -> {
            Subflow s = createSubflow(0, -1, false, addr, dport);
            if (s != null) s.remoteId = remoteId;
        });
    }

    /** REMOVE_ADDR: the subflows to those address IDs close. */
    void rmAddrReceived(MptcpOption o) {
        msk.counters.rmAddrRx++;
        for (int i = 0; i < o.numRemoveIds(); i++) {
            int id = o.removeId(i);
            if (acceptedIds.remove(id)) addAddrAccepted--; // mptcp_pm_nl_rm_addr_received(): the slot is free again
            for (Subflow s : new java.util.ArrayList<>(msk.subflows)) {
                if (!s.mpCapable && s.remoteId == id) msk.host.loop().post(() -> s.tcp.reset(SockConst.ECONNRESET));
            }
        }
    }

    /**
     * {@code __mptcp_subflow_connect()}: a new TCP socket with this connection's ULP, bound to
     * {@code saddr} (0: the source the route to {@code daddr} selects), sending an MP_JOIN SYN.
     */
    Subflow createSubflow(int saddr, int localId, boolean backup, int daddr, int dport) {
        if (msk.dead || msk.fallback) return null;
        Proto tcp = msk.proto.tcp();
        if (tcp == null) return null;
        var inet = msk.host.inet();
        if (saddr == 0) {
            Route rt = inet.fib.lookup(daddr);
            if (rt == null) return null;
            saddr = rt.prefsrc();
            if (saddr == 0) {
                InetAddr ia = inet.addrOf(rt.dev());
                if (ia == null) return null;
                saddr = ia.addr();
            }
        }
        if (localId < 0) {
            MptcpEndpoint e = pernet().byAddr(saddr);
            localId = e != null ? e.id() : nextFreeId();
            backup = e != null && e.backup();
        }
        Sock sk = tcp.create(msk.cpu);
        if (!(sk instanceof TcpSubflow t)) return null;
        Subflow s = new Subflow(msk, t, false);
        s.localId = localId;
        s.backup = backup;
        s.localNonce = msk.proto.random.nextInt();
        t.setUlp(s);
        msk.addSubflow(s);
        msk.proto.applySockopts(msk, sk);
        int r = tcp.bind(sk, saddr, 0);
        if (r == 0) r = tcp.connect(sk, daddr, dport);
        if (r != 0 && r != -SockConst.EINPROGRESS) {
            int err = -r;
            msk.host.loop().post(() -> t.reset(err));
            return null;
        }
        return s;
    }

    private int nextFreeId() {
        int id = 1;
        while (pernet().byId(id) != null) id++;
        for (Subflow s : msk.subflows) if (s.localId >= id) id = s.localId + 1;
        return Math.min(id, 255);
    }
}
