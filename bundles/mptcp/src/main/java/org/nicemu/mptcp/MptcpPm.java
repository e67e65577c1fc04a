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
    private final MptcpSock msk;
    private int addAddrAccepted;
    private int announced;

    MptcpPm(MptcpSock msk) {
        this.msk = msk;
    }

    private MptcpPernet pernet() { return msk.pernet(); }

    private int extraSubflows() { return Math.max(0, msk.subflows.size() - 1); }

    /** The connection is established: announce and open subflows. */
    void established() {
        if (msk.fallback) return;
        Subflow first = msk.subflows.isEmpty() ? null : msk.subflows.get(0);
        if (first == null) return;
        for (MptcpEndpoint e : pernet().endpoints()) {
            if (e.addr() == msk.saddr) continue;
            if (e.signal() && first != null && first.addAddrId < 0 && announced < MptcpPernet.MAX_ENDPOINTS) {
                first.addAddrId = e.id();
                first.addAddrAddr = e.addr();
                first.addAddrPort = e.port();
                first.addAddrEcho = false;
                announced++;
                msk.host.loop().post(() -> {
                    if (first.canSendState()) first.tcp.sendAck();
                });
            }
            if (e.subflow() && !msk.server && extraSubflows() < pernet().subflowsMax()) {
                createSubflow(e.addr(), e.id(), e.backup(), msk.daddr, msk.dport);
            }
        }
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
            for (Subflow s : new java.util.ArrayList<>(msk.subflows)) {
                if (!s.mpCapable && s.remoteId == id) msk.host.loop().post(() -> s.tcp.reset(SockConst.ECONNRESET));
            }
        }
    }

    void subflowClosed(Subflow sf) {
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
