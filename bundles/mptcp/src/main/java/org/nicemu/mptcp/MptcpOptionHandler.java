package org.nicemu.mptcp;

import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.tcp.ulp.UlpCb;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.mptcp.wire.MptcpOption;
import org.nicemu.mptcp.wire.MptcpOptions;
import org.nicemu.mptcp.wire.MptcpOptionsReceived;

/**
 * The MPTCP options of one connection's subflows, both ways: what each outgoing segment carries
 * (MP_CAPABLE, MP_JOIN, DSS with DATA_ACK and mapping, MP_FASTCLOSE, MP_TCPRST, and the path
 * manager's ADD_ADDR/RM_ADDR/MP_PRIO) and what incoming options do to the connection, including
 * the key and HMAC checks of the handshakes. Mirrors net/mptcp/options.c ({@code
 * mptcp_syn_options()}, {@code mptcp_synack_options()}, {@code mptcp_established_options()},
 * {@code mptcp_incoming_options()}) and the option checks of net/mptcp/subflow.c. The wire format
 * itself is {@link MptcpOptions}; the state it reads and changes is the connection's
 * ({@link MptcpSock}). Loop thread only.
 */
final class MptcpOptionHandler {
    private final MptcpSock msk;
    private final MptcpOption opt = new MptcpOption();
    private final MptcpOptionsReceived rx = new MptcpOptionsReceived();

    MptcpOptionHandler(MptcpSock msk) {
        this.msk = msk;
    }

    /** {@code mptcp_syn_options()}: MP_CAPABLE on the first SYN, MP_JOIN on an additional subflow's SYN. */
    int synOptions(Subflow sf, byte[] out) {
        if (sf.mpCapable) {
            if (!msk.pernet().enabled) return 0;
            opt.mpCapableSyn(capFlags());
        } else {
            opt.mpJoinSyn(sf.backup, sf.localId, msk.remoteToken, sf.localNonce);
        }
        msk.counters.synTx++;
        return MptcpOptions.write(opt, out, 0);
    }

    /** MP_CAPABLE flags: H (HMAC-SHA256), and A when checksums are wanted here or in use. */
    int capFlags() {
        return MptcpOptions.MPTCP_CAP_HMAC_SHA256 | (msk.pernet().checksumEnabled || msk.csum ? MptcpOptions.MPTCP_CAP_CHECKSUM_REQD : 0);
    }

    /**
     * {@code mptcp_synack_options()} for {@code sf}, a child of a listener that belongs to this
     * connection: MP_CAPABLE with the server's key, or (a joining subflow) MP_JOIN with the truncated HMAC.
     */
    int synackOptions(Subflow sf, byte[] out) {
        if (sf.mpCapable) {
            opt.mpCapableSynAck(capFlags(), msk.localKey);
        } else {
            long thmac = msk.proto.crypto.joinTruncatedHmac(msk.localKey, msk.remoteKey, sf.localNonce, sf.remoteNonce);
            opt.mpJoinSynAck(sf.backup, sf.localId, thmac, sf.localNonce);
        }
        return MptcpOptions.write(opt, out, 0);
    }

    /** {@code mptcp_established_options()}: what a segment after the handshake carries. */
    int establishedOptions(Subflow sf, SkBuff skb, int tcpFlags, int remaining, byte[] out) {
        if (msk.fallback) return 0;
        if ((tcpFlags & TcpHeader.RST) != 0) {
            if (msk.fastclose) {
                opt.mpFastclose(msk.remoteKey);
                int n = MptcpOptions.write(opt, out, 0);
                if (sf.rstReason >= 0 && remaining - n >= MptcpOptions.TCPOLEN_MPTCP_RST) {
                    opt.mpTcpRst(0, sf.rstReason);
                    n += MptcpOptions.write(opt, out, n);
                }
                return n;
            }
            if (sf.rstReason >= 0) {
                opt.mpTcpRst(0, sf.rstReason);
                return MptcpOptions.write(opt, out, 0);
            }
            return 0;
        }
        boolean ack64 = msk.use64bitAck;
        if (skb == null) {
            return MptcpOptions.TCPOLEN_MPTCP_DSS_BASE + (ack64 ? 8 : 4) + MptcpOptions.TCPOLEN_MPTCP_DSS_MAP64
                    + (msk.csum ? MptcpOptions.TCPOLEN_MPTCP_DSS_CHECKSUM : 0);
        }
        boolean mapped = (UlpCb.flags(skb) & UlpCb.F_MAP) != 0;
        if (sf.mpCapable && !msk.server && !sf.fullyEstablished) {
            if (sf.sendMpcAck && !mapped) {
                sf.sendMpcAck = false;
                opt.mpCapableAck(capFlags(), msk.localKey, msk.remoteKey);
                return MptcpOptions.write(opt, out, 0);
            }
            if (mapped && UlpCb.subflowSeq(skb) == 1 && UlpCb.dataSeq(skb) == msk.localIdsn + 1) {
                opt.mpCapableAckData(capFlags(), msk.localKey, msk.remoteKey, UlpCb.dataLen(skb), msk.csum, msk.csum ? txCsumOf(sf, 1) : 0);
                return MptcpOptions.write(opt, out, 0);
            }
        }
        if (sf.sendJoinAck) {
            sf.sendJoinAck = false;
            byte[] h = new byte[20];
            msk.proto.crypto.joinHmac160(msk.localKey, msk.remoteKey, sf.localNonce, sf.remoteNonce, h, 0);
            opt.mpJoinAck(h, 0);
            return MptcpOptions.write(opt, out, 0);
        }
        boolean pureAck = !mapped && skb.len() == 0;
        if (pureAck && (tcpFlags & TcpHeader.FIN) == 0) {
            int n = msk.pm.addAddrOption(sf, opt, out, remaining);
            if (n > 0) return n;
        }
        int extra = pureAck ? msk.pm.signalOptions(sf, opt, out, remaining) : 0;
        opt.dss();
        if (msk.rcvKnown) opt.withDataAck(ack64 ? msk.rcvq.rcvNxt : msk.rcvq.rcvNxt & 0xffffffffL, ack64);
        if (mapped) {
            int flags = UlpCb.flags(skb);
            opt.withMapping(UlpCb.dataSeq(skb), true, UlpCb.subflowSeq(skb), UlpCb.dataLen(skb), (flags & UlpCb.F_DATA_FIN) != 0);
            if (msk.csum) opt.withChecksum(txCsumOf(sf, UlpCb.subflowSeq(skb)));
        } else if (msk.dataFinSentOnce && !msk.dataFinAcked && (sf.fullyEstablished || msk.server)) {
            opt.withMapping(msk.dataFinSeq, true, 0, 1, true);
            if (msk.csum) opt.withChecksum(MptcpCrypto.dssChecksum(msk.dataFinSeq, 0, 1, 0));
        }
        if (!msk.rcvKnown && !mapped && !(msk.dataFinSentOnce && !msk.dataFinAcked)) return extra;
        if (extra + opt.size() > remaining) return extra;
        return extra + MptcpOptions.write(opt, out, extra);
    }

    private static int txCsumOf(Subflow sf, int ssn) {
        Integer c = sf.txCsum.get(ssn);
        return c == null ? 0 : c;
    }

    /** {@code mptcp_incoming_options()} and the handshake parts of net/mptcp/subflow.c. */
    void incomingOptions(Subflow sf, int tcpFlags, int seq, int payloadLen, byte[] opts, int optOff, int optLen) {
        MptcpOptions.parseTcpOptions(opts, optOff, optLen, rx);
        boolean syn = (tcpFlags & TcpHeader.SYN) != 0;
        if (syn) {
            if ((tcpFlags & TcpHeader.ACK) != 0) synAckReceived(sf);
            return;
        }
        if (msk.fallback) return;
        MptcpOption mpc = rx.find(MptcpOptions.MPTCPOPT_MP_CAPABLE);
        if (sf.mpCapable && msk.server && !sf.keysKnown) {
            if (mpc != null && mpc.ok() && mpc.rcvrKey() == msk.localKey) {
                sf.keysKnown = true;
                sf.fullyEstablished = true;
                msk.setRemoteKey(mpc.sndrKey());
            } else if ((tcpFlags & TcpHeader.ACK) != 0) {
                msk.fallBack("third ACK without MP_CAPABLE");
                return;
            }
        }
        // the MP_CAPABLE carrying the first data: its implicit mapping is DSN IDSN+1, subflow sequence 1 (RFC 8684 §3.1)
        if (sf.mpCapable && msk.server && sf.keysKnown && mpc != null && mpc.ok() && mpc.hasMapping() && payloadLen > 0) {
            addMapping(sf, new Subflow.Mapping(msk.remoteIdsn + 1, 1, mpc.dataLen(), mpc.dataLen(), checksumOf(mpc)));
        }
        if (!sf.mpCapable && sf.preEstablished && (tcpFlags & TcpHeader.ACK) != 0 && sf.joinAckSent && !sf.sendJoinAck) {
            sf.preEstablished = false;
            sf.fullyEstablished = true;
            msk.writeXmit();
        }
        for (int i = 0; i < rx.count(); i++) {
            MptcpOption o = rx.option(i);
            if (!o.ok()) {
                msk.counters.badOptions++;
                continue;
            }
            switch (o.subtype()) {
                case MptcpOptions.MPTCPOPT_DSS -> dss(sf, o, payloadLen);
                case MptcpOptions.MPTCPOPT_ADD_ADDR -> msk.pm.addAddrReceived(sf, o);
                case MptcpOptions.MPTCPOPT_RM_ADDR -> msk.pm.rmAddrReceived(o);
                case MptcpOptions.MPTCPOPT_MP_PRIO -> {
                    sf.peerBackup = o.backup();
                    msk.counters.mpPrioRx++;
                }
                case MptcpOptions.MPTCPOPT_MP_FASTCLOSE -> {
                    if (o.rcvrKey() == msk.localKey) {
                        msk.counters.fastcloseRx++;
                        msk.host.loop().post(() -> msk.abort(SockConst.ECONNRESET, false));
                    }
                }
                case MptcpOptions.MPTCPOPT_RST -> msk.counters.tcprstRx++;
                default -> {
                }
            }
        }
    }

    /** The DSS option: the DATA_ACK ({@code ack_update_msk()}) and the mapping, checked against the data-level window. */
    private void dss(Subflow sf, MptcpOption o, int payloadLen) {
        if (!sf.fullyEstablished && sf.mpCapable) {
            sf.fullyEstablished = true;
            msk.writeXmit();
        }
        if (o.hasDataAck()) {
            long ack = o.dataAck();
            if (!o.dataAck64()) ack = expand32(msk.sndUna, ack);
            long wnd = sf.tcp.sndWnd();
            if (ack + wnd > msk.sndWndEnd) msk.sndWndEnd = ack + wnd;
            msk.dataAcked(ack);
        }
        if (o.hasMapping()) {
            if (o.dsn64()) msk.use64bitAck = true;
            long dsn = o.dsn64() ? o.dsn() : expand32(msk.rcvq.rcvNxt, o.dsn());
            boolean finOnly = o.dataFin() && o.dataLen() == 1;
            // a mapping comes with data (a DATA_FIN alone excepted) and lies in the data-level window:
            // anything else is ignored and counted (it could only come from a broken or hostile peer)
            if ((payloadLen == 0 && !finOnly) || dsn > msk.rcvq.rcvNxt + 2L * msk.skRcvbuf || dsn + o.dataLen() < msk.rcvq.rcvNxt - (1L << 31)) {
                msk.counters.badMappings++;
                msk.writeXmit();
                return;
            }
            if (o.dataLen() == 0) {
                msk.fallBack("infinite mapping");
                return;
            }
            if (o.dataFin()) {
                long finSeq = dsn + o.dataLen() - 1;
                if (!msk.peerDataFin && finSeq >= msk.rcvq.rcvNxt) {
                    msk.peerDataFin = true;
                    msk.peerDataFinSeq = finSeq;
                }
                if (o.dataLen() > 1) addMapping(sf, new Subflow.Mapping(dsn, o.subflowSeq(), o.dataLen() - 1, o.dataLen(), checksumOf(o)));
                msk.checkDataFin(sf);
            } else {
                addMapping(sf, new Subflow.Mapping(dsn, o.subflowSeq(), o.dataLen(), o.dataLen(), checksumOf(o)));
            }
        }
        msk.writeXmit();
    }

    /** The 64-bit number nearest {@code ref} whose low 32 bits are {@code low32} ({@code expand_ack()}, {@code expand_seq()}). */
    static long expand32(long ref, long low32) {
        long v = (ref & ~0xffffffffL) | (low32 & 0xffffffffL);
        if (v < ref - 0x80000000L) v += 1L << 32;
        else if (v > ref + 0x80000000L) v -= 1L << 32;
        return v;
    }

    private void addMapping(Subflow sf, Subflow.Mapping m) {
        if (sf.addMapping(m, sf.tcp.copiedSeq() - sf.tcp.irs())) msk.counters.mappingsRx++;
    }

    /** The DSS checksum the option carried when checksums are in use, else -1. */
    private int checksumOf(MptcpOption o) {
        return msk.csum && o.hasChecksum() ? o.checksum() : -1;
    }

    /** The options of a SYN-ACK on an active subflow ({@code subflow_finish_connect()}): the peer's key, or its MP_JOIN HMAC. */
    private void synAckReceived(Subflow sf) {
        if (sf.mpCapable) {
            MptcpOption mpc = rx.find(MptcpOptions.MPTCPOPT_MP_CAPABLE);
            if (mpc == null || !mpc.ok() || mpc.version() != MptcpOptions.MPTCP_SUPPORTED_VERSION) {
                msk.fallBack(mpc == null ? "SYN-ACK without MP_CAPABLE" : "SYN-ACK with an MP_CAPABLE we cannot use");
                return;
            }
            msk.csum = msk.pernet().checksumEnabled || mpc.checksumRequired();
            msk.setRemoteKey(mpc.sndrKey());
            sf.sendMpcAck = true;
            msk.counters.mpCapableOk++;
        } else {
            MptcpOption j = rx.find(MptcpOptions.MPTCPOPT_MP_JOIN);
            if (j == null || !j.ok()) {
                sf.joinFailed = true;
                sf.rstReason = MptcpOptions.MPTCP_RST_EMPTCP;
                return;
            }
            sf.remoteNonce = j.nonce();
            sf.remoteId = j.addressId();
            sf.peerBackup = j.backup();
            long expect = msk.proto.crypto.joinTruncatedHmac(msk.remoteKey, msk.localKey, sf.remoteNonce, sf.localNonce);
            if (expect != j.truncatedHmac()) {
                sf.joinFailed = true;
                sf.rstReason = MptcpOptions.MPTCP_RST_EPROHIBIT;
                msk.counters.joinHmacBad++;
                return;
            }
            sf.sendJoinAck = true;
            sf.joinAckSent = true;
            sf.preEstablished = true;
        }
    }

    /** Server: options of segments on an MP_JOIN child before it joined (its third ACK). */
    void joinIncoming(Subflow sf, int tcpFlags, byte[] opts, int optOff, int optLen) {
        MptcpOptions.parseTcpOptions(opts, optOff, optLen, rx);
        MptcpOption j = rx.find(MptcpOptions.MPTCPOPT_MP_JOIN);
        if (j == null || !j.ok() || j.variant() != MptcpOption.Variant.ACK) return;
        byte[] h = new byte[MptcpOptions.MPTCPOPT_HMAC_LEN];
        j.copyHmac(h, 0);
        sf.joinVerified = msk.proto.crypto.joinHmac160Valid(msk.localKey, msk.remoteKey, sf.localNonce, sf.remoteNonce, h, 0);
        if (!sf.joinVerified) msk.counters.joinHmacBad++;
    }
}
