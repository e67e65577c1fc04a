package org.nicemu.mptcp;

import java.util.ArrayDeque;

import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockCallbacks;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.tcp.cc.CoupledSubflows;
import org.nicemu.api.tcp.ulp.TcpSubflow;
import org.nicemu.api.tcp.ulp.TcpUlp;

/**
 * One subflow of an MPTCP connection: the ULP context attached to a TCP socket (mirrors
 * {@code struct mptcp_subflow_context}, net/mptcp/subflow.c) and the scheduler's view of it
 * ({@code tp->mptcp} of the multipath-tcp.org kernel). Its TCP hooks hand everything to the
 * connection ({@link MptcpSock}); the fields are the subflow's MPTCP state. Loop thread only.
 */
final class Subflow implements TcpUlp, MptcpSubflowView, SockCallbacks {
    /**
     * A received DSS mapping: data sequence {@code dsn} for relative subflow sequence {@code ssn},
     * {@code len} data bytes; {@code wireLen} and {@code csum} as the option carried them (the
     * data-level length counts a DATA_FIN; {@code csum} -1 without a DSS checksum).
     */
    record Mapping(long dsn, int ssn, int len, int wireLen, int csum) {
        Mapping(long dsn, int ssn, int len) {
            this(dsn, ssn, len, len, -1);
        }
    }

    /** DSS checksums of the mappings queued on this subflow, by relative subflow sequence number (sender side, checksums on). */
    final java.util.HashMap<Integer, Integer> txCsum = new java.util.HashMap<>();

    /** The connection; null for the context of a listener. */
    MptcpSock msk;
    final TcpSubflow tcp;

    int pathIndex;
    /** Local and remote address IDs (0 for the initial subflow). */
    int localId, remoteId;
    /** MP_CAPABLE subflow (the initial one), or MP_JOIN. */
    final boolean mpCapable;
    /** We asked for backup (MP_JOIN B bit / MP_PRIO), the peer did ({@code rcv_low_prio}). */
    boolean backup, peerBackup;
    /** {@code fully_established}: the peer is known to have our MPTCP state (an MPTCP option came back). */
    boolean fullyEstablished;
    /** MP_JOIN handshake not complete on the initiator (the 4th ACK not yet received). */
    boolean preEstablished;
    /** MP_JOIN nonces. */
    int localNonce, remoteNonce;
    /** MP_CAPABLE third ACK with both keys still to be sent (client). */
    boolean sendMpcAck;
    /** The peer's MP_CAPABLE key arrived (initial subflow of a passive open). */
    boolean keysKnown;
    /** Set once the subflow was reset or closed: it takes no new data. */
    boolean dead;
    /** Last DSN end sent here ({@code tp->mptcp->last_end_data_seq}). */
    long lastEndDataSeq;
    /** Scheduler-private data. */
    Object schedPriv;
    /** Counters: bytes and segments the scheduler put on this subflow, bytes reinjected here, bytes received. */
    long schedBytes, schedSegs, reinjectBytes, rcvBytes;
    /** Retransmission timeouts seen so far (to react to each new one once). */
    int seenRetransmits;
    /** Received mappings not yet fully read, in subflow sequence order. */
    final ArrayDeque<Mapping> mappings = new ArrayDeque<>();
    /** MP_TCPRST reason to send with this subflow's RST, -1 for none. */
    int rstReason = -1;
    /** MP_JOIN: the SYN-ACK failed (client), the third ACK is to be sent / was sent, its HMAC checked out (server). */
    boolean joinFailed, sendJoinAck, joinAckSent, joinVerified;
    /** ADD_ADDR to send on this subflow's next pure ACK: an announce (id, address, port) or an echo. */
    int addAddrId = -1, addAddrAddr, addAddrPort;
    boolean addAddrEcho;
    /** REMOVE_ADDR (address ID) and MP_PRIO (backup or not) to send on this subflow's next ACK; -1 / null for none. */
    int rmAddrId = -1;
    Boolean mpPrio;

    Subflow(MptcpSock msk, TcpSubflow tcp, boolean mpCapable) {
        this.msk = msk;
        this.tcp = tcp;
        this.mpCapable = mpCapable;
    }

    Sock sk() { return tcp.sock(); }

    /**
     * Records a received DSS mapping ({@code mptcp_incoming_options()} storing it; Linux keeps it in
     * the skb's extension, here a list per subflow so that coalesced or out-of-order skbs need
     * nothing). Mappings are ordered by relative subflow sequence number with wrap-around
     * arithmetic; a repeat (every segment of a TSO burst carries the same one) or a mapping that ends
     * before {@code nextRel}, the next byte to read, is ignored. Returns whether it was added.
     */
    boolean addMapping(long dsn, int ssn, int len, int nextRel) {
        return addMapping(new Mapping(dsn, ssn, len), nextRel);
    }

    /** {@link #addMapping(long, int, int, int)} for a mapping with its wire length and checksum. */
    boolean addMapping(Mapping n, int nextRel) {
        int ssn = n.ssn(), len = n.len();
        if (len <= 0 || nextRel - (ssn + len) >= 0) return false;
        Mapping last = mappings.peekLast();
        if (last == null || ssn - last.ssn() > 0) {
            mappings.addLast(n);
            return true;
        }
        for (Mapping m : mappings) if (m.ssn() == ssn) return false;
        java.util.List<Mapping> l = new java.util.ArrayList<>(mappings);
        int i = l.size();
        while (i > 0 && ssn - l.get(i - 1).ssn() < 0) i--;
        l.add(i, n);
        mappings.clear();
        mappings.addAll(l);
        return true;
    }

    /**
     * The mapping covering relative subflow sequence number {@code rel} ({@code get_mapping_status()}
     * of net/mptcp/subflow.c), dropping the ones wholly before it; null when none covers it (data
     * without a mapping).
     */
    Mapping mappingFor(int rel) {
        Mapping m;
        while ((m = mappings.peekFirst()) != null && rel - (m.ssn() + m.len()) >= 0) mappings.removeFirst();
        return m == null || rel - m.ssn() < 0 ? null : m;
    }

    boolean isEstablishedState() {
        int s = sk().skState;
        return s == SockConst.TCP_ESTABLISHED || s == SockConst.TCP_CLOSE_WAIT;
    }

    // ------------------------------------------------------------------ TcpUlp hooks

    @Override
    public int synOptions(TcpSubflow sf, byte[] out) {
        return msk == null ? 0 : msk.options.synOptions(this, out);
    }

    @Override
    public int synackOptions(TcpSubflow child, byte[] out) {
        MptcpSock m = msk != null ? msk : pendingJoin;
        return m == null ? 0 : m.options.synackOptions(this, out);
    }

    @Override
    public int establishedOptions(TcpSubflow sf, SkBuff skb, int tcpFlags, int remaining, byte[] out) {
        return msk == null ? 0 : msk.options.establishedOptions(this, skb, tcpFlags, remaining, out);
    }

    @Override
    public void incomingOptions(TcpSubflow sf, int tcpFlags, int seq, int payloadLen, byte[] opts, int optOff, int optLen) {
        if (msk != null) msk.options.incomingOptions(this, tcpFlags, seq, payloadLen, opts, optOff, optLen);
        else if (pendingJoin != null) pendingJoin.options.joinIncoming(this, tcpFlags, opts, optOff, optLen);
    }

    /** The connection a passive MP_JOIN child asks to join, until its third ACK is verified. */
    MptcpSock pendingJoin;

    @Override
    public boolean established(TcpSubflow sf) {
        if (msk != null) return msk.subflowEstablished(this);
        if (pendingJoin != null) return pendingJoin.joinEstablished(this);
        return false;
    }

    @Override
    public int receiveWindow(TcpSubflow sf, int tcpWindow) {
        return msk == null ? tcpWindow : msk.receiveWindow(tcpWindow);
    }

    @Override
    public void release(TcpSubflow sf) {
        if (msk != null) msk.subflowReleased(this);
        dead = true;
    }

    @Override
    public CoupledSubflows coupled(TcpSubflow sf) {
        return msk == null ? null : msk.coupled;
    }

    // ------------------------------------------------------------------ socket callbacks (sk_data_ready & co.)

    @Override
    public void dataReady(Sock sk) {
        if (msk != null) msk.subflowDataReady(this);
    }

    @Override
    public void writeSpace(Sock sk) {
        if (msk != null) msk.subflowWriteSpace(this);
    }

    @Override
    public void stateChange(Sock sk) {
        if (msk != null) msk.subflowStateChange(this);
    }

    @Override
    public void errorReport(Sock sk) {
        if (msk != null) msk.subflowStateChange(this);
    }

    // ------------------------------------------------------------------ MptcpSubflowView

    @Override public int pathIndex() { return pathIndex; }
    @Override public long srttUs() { return tcp.srttUs(); }
    @Override public long rttvarUs() { return tcp.rttvarUs(); }
    @Override public long sndCwnd() { return tcp.sndCwnd(); }
    @Override public void setSndCwnd(long cwnd) { tcp.setSndCwnd(cwnd); }
    @Override public long sndSsthresh() { return tcp.sndSsthresh(); }
    @Override public void setSndSsthresh(long ssthresh) { tcp.setSndSsthresh(ssthresh); }
    @Override public long packetsInFlight() { return tcp.packetsInFlight(); }
    @Override public long packetsOut() { return tcp.packetsOut(); }
    @Override public int mssCache() { return tcp.mssCache(); }
    @Override public int currentMss() { return tcp.currentMss(); }
    @Override public int gsoMaxSegs() { return tcp.gsoMaxSegs(); }
    @Override public long wmemQueued() { return tcp.wmemQueued(); }
    @Override public boolean isBackup() { return backup || peerBackup; }
    @Override public boolean canSendState() { return !dead && isEstablishedState(); }
    @Override public boolean preEstablished() { return preEstablished; }
    @Override public boolean pf() { return tcp.retransmits() > 0 && tcp.caState() == org.nicemu.api.tcp.cc.TcpCc.TCP_CA_LOSS; }
    @Override public boolean fullyEstablished() { return fullyEstablished; }
    @Override public boolean secondPacket() { return schedSegs > 0; }
    @Override public long lastEndDataSeq() { return lastEndDataSeq; }
    @Override public int caState() { return tcp.caState(); }
    @Override public boolean tcpIsReno() { return !tcp.sackOk(); }
    @Override public int sndUna() { return tcp.sndUna(); }
    @Override public int sndNxt() { return tcp.sndNxt(); }
    @Override public int writeSeq() { return tcp.writeSeq(); }
    @Override public int highSeq() { return tcp.highSeq(); }
    @Override public int wndEnd() { return tcp.sndUna() + (int) tcp.sndWnd(); }
    @Override public long bytesSent() { return tcp.bytesSent(); }
    @Override public long segsOut() { return tcp.segsOut(); }
    @Override public Object schedPriv() { return schedPriv; }
    @Override public void setSchedPriv(Object priv) { schedPriv = priv; }

    @Override
    public String toString() {
        return "subflow " + pathIndex + " " + sk();
    }
}
