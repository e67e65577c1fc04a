package org.nicemu.mptcp;

import org.nicemu.api.mptcp.pm.MptcpEndpoint;
import org.nicemu.api.tcp.ulp.TcpSubflow;
import org.nicemu.api.tcp.ulp.TcpUlp;
import org.nicemu.mptcp.wire.MptcpOption;
import org.nicemu.mptcp.wire.MptcpOptions;
import org.nicemu.mptcp.wire.MptcpOptionsReceived;

/**
 * The ULP of an MPTCP listener's TCP socket: decides what a SYN starts ({@code subflow_v4_init_req()}
 * / {@code subflow_check_req()} of net/mptcp/subflow.c): an MP_CAPABLE SYN makes a new connection
 * with a fresh key, an MP_JOIN SYN with a known token a subflow of that connection (refused with a
 * RST when the token is unknown or the subflow limit is reached), anything else plain TCP (the
 * accepted socket is then an MPTCP socket in fallback).
 */
final class MptcpListener implements TcpUlp {
    private final MptcpSock lmsk;
    private final MptcpOptionsReceived rx = new MptcpOptionsReceived();

    MptcpListener(MptcpSock listener) {
        this.lmsk = listener;
    }

    @Override
    public TcpUlp synReceived(TcpSubflow listener, TcpSubflow child, byte[] opts, int optOff, int optLen) {
        MptcpProto proto = lmsk.proto;
        try {
            MptcpOptions.parseTcpOptions(opts, optOff, optLen, rx);
            MptcpOption join = rx.find(MptcpOptions.MPTCPOPT_MP_JOIN);
            if (join != null && join.ok() && join.variant() == MptcpOption.Variant.SYN) {
                MptcpSock msk = proto.tokens.get(join.token());
                if (msk == null || msk.dead || msk.fallback || !msk.rcvKnown
                        || msk.subflows.size() - 1 >= msk.pernet().subflowsMax()) {
                    if (msk != null) msk.counters.joinRejected++;
                    return REJECT;
                }
                Subflow s = new Subflow(null, child, false);
                s.pendingJoin = msk;
                s.remoteNonce = join.nonce();
                s.remoteId = join.addressId();
                s.peerBackup = join.backup();
                s.localNonce = proto.random.nextInt();
                MptcpEndpoint e = msk.pernet().byAddr(child.sock().saddr);
                s.localId = e != null && child.sock().saddr != msk.saddr ? e.id() : 0;
                return s;
            }
            MptcpOption mpc = rx.find(MptcpOptions.MPTCPOPT_MP_CAPABLE);
            if (mpc == null || !mpc.ok() || mpc.variant() != MptcpOption.Variant.SYN || !lmsk.pernet().enabled
                    || mpc.version() != MptcpOptions.MPTCP_SUPPORTED_VERSION) {
                return null;
            }
            MptcpSock msk = new MptcpSock(proto, lmsk.cpu);
            msk.server = true;
            msk.csum = mpc.checksumRequired() || lmsk.pernet().checksumEnabled;
            msk.schedWanted = lmsk.schedWanted;
            msk.ccName = lmsk.ccName;
            msk.newLocalKey();
            msk.skState = org.nicemu.api.sock.SockConst.TCP_SYN_RECV;
            Subflow s = new Subflow(msk, child, true);
            msk.addSubflow(s);
            proto.track(msk);
            return s;
        } catch (RuntimeException e) {
            proto.fault("mptcp listener SYN", e);
            return null;
        }
    }
}
