package org.nicemu.mptcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.nicemu.api.exec.Timer;
import org.nicemu.api.mptcp.pm.MptcpPernet;
import org.nicemu.api.mptcp.sched.MptcpMetaView;
import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.tcp.cc.CoupledSubflows;
import org.nicemu.api.tcp.ulp.UlpCb;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.mptcp.wire.MptcpOption;
import org.nicemu.mptcp.wire.MptcpOptions;
import org.nicemu.mptcp.wire.MptcpOptionsReceived;

/**
 * An MPTCP connection: the meta socket ({@code struct mptcp_sock} of net/mptcp/protocol.c, with the
 * {@code meta_sk}/{@code mpcb} send structure of the multipath-tcp.org kernel that the seed's
 * {@code mptcp_write_xmit()} uses). It owns the data-level queues — the meta queue from the oldest
 * byte not DATA_ACKed ({@link #rtxHead()}) through the send head ({@link #sendHead()}) to the tail,
 * and the reinject queue — the data-level receive buffer with its out-of-order map, the keys and
 * tokens (RFC 8684 §3.1), the subflows and the scheduler. Loop thread only.
 *
 * <p>As Linux does it: the DATA_FIN is its own mapping (subflow sequence 0, length 1) on every
 * subflow; the subflows advertise the connection's free receive space ({@link #receiveWindow}).
 * Departures are listed in docs/mptcp.md (no MP_FAIL / infinite mapping is sent).
 */
final class MptcpSock extends Sock implements MptcpMetaView {
    /** Per-connection scheduler option, {@code MPTCP_SCHEDULER} (SOL_TCP 43) of multipath-tcp.org. */
    static final int MPTCP_SCHEDULER = SockConst.MPTCP_SCHEDULER;
    /** Largest mapping ({@code data_len} is 16 bits) and meta segment. */
    static final int MAX_MAP = 65535 - 1;

    final MptcpProto proto;
    final List<Subflow> subflows = new ArrayList<>();
    boolean server;
    /** Fell back to plain TCP (RFC 8684 §3.7): no MPTCP options, the first subflow is the connection. */
    boolean fallback;
    /** DSS checksums in use: either end asked for them in MP_CAPABLE (flag A, RFC 8684 §3.1). */
    boolean csum;
    /** The connection is gone for good (all subflows closed or reset). */
    boolean dead;

    // ---- keys (RFC 8684 §3.1)
    long localKey, remoteKey;
    int localToken, remoteToken;
    long localIdsn, remoteIdsn;

    // ---- data-level send
    MptcpSeg head, sendHead, tail;
    long sndUna, sndNxt, writeSeq;
    /** Right edge of the peer's data-level window: DATA_ACK + the subflow window it came with. */
    long sndWndEnd;
    final ArrayDeque<MptcpSeg> reinjectQueue = new ArrayDeque<>();
    /** DATA_FIN: queued by shutdown/close, its DSN, and whether the peer DATA_ACKed it. */
    boolean dataFinQueued, dataFinAcked;
    long dataFinSeq;
    boolean nodelay;

    // ---- data-level receive (the bytes themselves are in rcvq)
    boolean rcvKnown;
    boolean use64bitAck;
    boolean peerDataFin;
    long peerDataFinSeq;

    // ---- scheduler
    MptcpSchedOps sched;
    /** Scheduler asked for by the user (per connection) or null for the host's default. */
    String schedWanted;
    final NextSegment next = new NextSegment();
    /** The congestion control name set with TCP_CONGESTION, applied to every new subflow; null = host default. */
    String ccName;

    // ---- timers and counters
    final Timer rtxTimer;
    int rtxBackoff;
    long rtxArmedUna;
    final MptcpCounters counters = new MptcpCounters();
    /** The data-level receive buffer: in-order bytes and the out-of-order map. */
    final DataLevelRcvQueue rcvq = new DataLevelRcvQueue(counters);
    /** Path manager state of this connection. */
    final MptcpPm pm;
    /** The listener that accepted this connection (passive side), until accepted. */
    MptcpListener listener;
    boolean orphan;
    /** Set by {@link #abort}: the RSTs carry MP_FASTCLOSE. */
    boolean fastclose;

    final CoupledSubflows coupled = new CoupledSubflows() {
        @Override public int count() { return sendable().size(); }
        @Override public long cwnd(int i) { return sendable().get(i).sndCwnd(); }
        @Override public long srttUs(int i) { return sendable().get(i).srttUs(); }
        @Override public int mss(int i) { return sendable().get(i).mssCache(); }
    };
    private final List<Subflow> sendableCache = new ArrayList<>();
    /** The MPTCP options of this connection's segments, out and in (net/mptcp/options.c). */
    final MptcpOptionHandler options = new MptcpOptionHandler(this);
    private final byte[] scratch = new byte[65536];

    MptcpSock(MptcpProto proto, int cpu) {
        super(proto.host());
        this.proto = proto;
        this.cpu = cpu;
        var inet = proto.host().inet();
        skSndbuf = inet.tcpWmem[2];
        skRcvbuf = inet.tcpRmem[2];
        rtxTimer = proto.host().loop().newTimer(proto.host().name() + " mptcp retransmit", this::retransmitTimer);
        pm = new MptcpPm(this);
    }

    @Override
    public Proto proto() { return proto; }

    MptcpPernet pernet() { return host.inet().mptcp; }

    List<Subflow> sendable() {
        sendableCache.clear();
        for (Subflow s : subflows) if (s.canSendState()) sendableCache.add(s);
        return sendableCache;
    }

    // =================================================================== keys

    /** A fresh local key whose token is unique on the host ({@code mptcp_token_new_connect()}). */
    void newLocalKey() {
        do {
            localKey = proto.random.nextLong();
            localToken = proto.crypto.token(localKey);
        } while (localKey == 0 || proto.tokens.containsKey(localToken));
        localIdsn = proto.crypto.idsn(localKey);
        proto.tokens.put(localToken, this);
    }

    /** The peer's key is known: tokens and initial data sequence numbers ({@code mptcp_crypto_key_sha()}). */
    void setRemoteKey(long key) {
        remoteKey = key;
        remoteToken = proto.crypto.token(key);
        remoteIdsn = proto.crypto.idsn(key);
        sndUna = sndNxt = writeSeq = localIdsn + 1;
        rcvq.rcvNxt = remoteIdsn + 1;
        rcvKnown = true;
    }

    // =================================================================== subflow list

    void addSubflow(Subflow sf) {
        int used = 0;
        for (Subflow s : subflows) used |= MptcpSched.piToFlag(s.pathIndex);
        int pi = 1;
        while (pi < 32 && (used & MptcpSched.piToFlag(pi)) != 0) pi++;
        sf.pathIndex = pi;
        sf.msk = this;
        subflows.add(sf);
        sf.sk().callbacks = sf;
        // the subflow can hold what the shared window lets in (Linux syncs ssk->sk_rcvbuf with the msk's)
        if (sf.sk().skRcvbuf < skRcvbuf) sf.sk().skRcvbuf = skRcvbuf;
        if (sched != null) {
            try {
                sched.initSubflow(this, sf);
            } catch (RuntimeException e) {
                schedFault(e);
            }
        }
    }

    private void removeSubflow(Subflow sf) {
        if (!subflows.remove(sf)) return;
        if (sched != null) {
            try {
                sched.releaseSubflow(this, sf);
            } catch (RuntimeException e) {
                schedFault(e);
            }
        }
        sf.schedPriv = null;
    }

    // =================================================================== scheduler

    /** Gives the connection the scheduler {@code name} (or the built-in default when no bundle offers it). */
    void setScheduler(MptcpSchedOps ops) {
        if (sched != null) {
            try {
                for (Subflow s : subflows) sched.releaseSubflow(this, s);
                sched.release(this);
            } catch (RuntimeException e) {
                proto.fault("scheduler " + sched.name() + " release", e);
            }
        }
        for (Subflow s : subflows) s.schedPriv = null;
        sched = ops;
        try {
            ops.init(this);
            for (Subflow s : subflows) ops.initSubflow(this, s);
        } catch (RuntimeException e) {
            schedFault(e);
        }
        counters.schedChanges++;
    }

    private void schedFault(RuntimeException e) {
        proto.fault("scheduler " + (sched == null ? "?" : sched.name()), e);
        if (!(sched instanceof BuiltinDefaultSched)) {
            sched = null;
            setScheduler(new BuiltinDefaultSched());
        }
    }

    String schedName() { return sched == null ? "" : sched.name(); }

    // =================================================================== sending

    /** {@code mptcp_sendmsg()}: copies into the meta queue as far as the send buffer allows, then {@link #writeXmit}. */
    int sendmsg(byte[] buf, int off, int len) {
        if (skErr != 0 || (skShutdown & SockConst.SEND_SHUTDOWN) != 0 || dataFinQueued) return -SockConst.EPIPE;
        if (skState != SockConst.TCP_ESTABLISHED && skState != SockConst.TCP_CLOSE_WAIT) {
            return skState == SockConst.TCP_SYN_SENT ? -SockConst.EAGAIN : -SockConst.ENOTCONN;
        }
        int copied = 0;
        while (copied < len && skWmemQueued < skSndbuf) {
            int n = Math.min(Math.min(len - copied, MAX_MAP), skSndbuf - skWmemQueued);
            byte[] b = new byte[n];
            System.arraycopy(buf, off + copied, b, 0, n);
            MptcpSeg seg = new MptcpSeg(writeSeq, b, 0, n, null);
            append(seg);
            writeSeq += n;
            skWmemQueued += n;
            copied += n;
        }
        if (copied == 0) return -SockConst.EAGAIN;
        counters.bytesQueued += copied;
        writeXmit();
        return copied;
    }

    private void append(MptcpSeg seg) {
        seg.prev = tail;
        if (tail != null) tail.next = seg;
        else head = seg;
        tail = seg;
        if (sendHead == null) sendHead = seg;
    }

    /** Splits {@code seg} after {@code n} bytes; {@code seg} keeps the first part ({@code mptcp_fragment()}). */
    private void split(MptcpSeg seg, int n) {
        MptcpSeg t = new MptcpSeg(seg.dataSeq + n, seg.buf, seg.off + n, seg.len - n, null);
        t.pathMask = seg.pathMask;
        seg.len = n;
        t.prev = seg;
        t.next = seg.next;
        if (seg.next != null) seg.next.prev = t;
        else tail = t;
        seg.next = t;
    }

    /**
     * {@code mptcp_write_xmit()} (the seed's function, multipath-tcp.org net/mptcp/mptcp_output.c):
     * asks the scheduler for the next segment until it has none; drops reinjections already
     * DATA_ACKed; tests the data-level window for new data (not for reinjections); cuts the segment
     * to the subflow's quota and the sub-limit ({@code mptcp_fragment()}); queues it on the subflow
     * with its mapping ({@code mptcp_skb_entail()}); then pushes every subflow it used.
     */
    void writeXmit() {
        if (dead || sched == null) return;
        if (fallback) {
            fallbackXmit();
            return;
        }
        host.counters().mptcpWriteXmitCalls++;
        int used = 0;
        for (int guard = 0; guard < 100_000; guard++) {
            MptcpSegmentView v;
            try {
                v = sched.nextSegment(this, next);
            } catch (RuntimeException e) {
                schedFault(e);
                break;
            }
            if (v == null) break;
            MptcpSeg seg = (MptcpSeg) v;
            Subflow sf = (Subflow) next.subflow;
            int kind = next.reinject;
            if (sf == null || !sf.canSendState() || !subflows.contains(sf)) break;
            if (kind == NextSegment.REINJECT && seg.endDataSeq() <= sndUna) {
                reinjectQueue.remove(seg);
                continue;
            }
            if (kind != NextSegment.REINJECT && seg.endDataSeq() <= sndUna) break;
            int mss = Math.max(1, sf.currentMss());
            if (kind == NextSegment.NEW_DATA && seg.dataSeq + Math.min(seg.len, mss) > sndWndEnd) break;
            long quota = MptcpSched.tcpCwndTest(sf, seg);
            int gso = Math.max(1, sf.gsoMaxSegs());
            long limit = mss * Math.max(1, Math.min(quota, gso));
            if (next.limit > 0) limit = Math.min(limit, next.limit);
            long wndRoom = sf.sndWndSpaceBytes();
            if (wndRoom > 0) limit = Math.min(limit, Math.max(wndRoom, mss));
            if (kind == NextSegment.NEW_DATA) limit = Math.min(limit, sndWndEnd - seg.dataSeq);
            int n = (int) Math.min(seg.len, Math.min(limit, MAX_MAP));
            if (n <= 0) break;
            // mptcp_fragment(): a meta-queue segment (new data or a meta retransmission) is split at the
            // limit; a reinject-queue copy sends its head and keeps the rest queued
            if (seg.origin == null && kind != NextSegment.REINJECT && n < seg.len) split(seg, n);
            if (csum) {
                int ssn = sf.tcp.writeSeq() - sf.tcp.iss();
                sf.txCsum.put(ssn, MptcpCrypto.dssChecksum(seg.dataSeq, ssn, seg.buf, seg.off, n));
                pruneTxCsum(sf);
            }
            int r = sf.tcp.queueMapped(seg.buf, seg.off, n, seg.dataSeq, false);
            if (r < 0) {
                sf.dead = true;
                break;
            }
            host.counters().mptcpWriteXmitSegments++;
            int flag = MptcpSched.piToFlag(sf.pathIndex);
            seg.pathMask |= flag;
            sf.lastEndDataSeq = seg.dataSeq + n;
            sf.schedBytes += n;
            sf.schedSegs++;
            used |= flag;
            if (kind == NextSegment.NEW_DATA) {
                sendHead = seg.next;
                sndNxt = Math.max(sndNxt, seg.dataSeq + n);
                counters.bytesSent += n;
            } else {
                if (seg.origin != null) seg.origin.pathMask |= flag;
                sf.reinjectBytes += n;
                counters.reinjectedBytes += n;
                if (kind == NextSegment.REINJECT) {
                    if (n < seg.len) seg.trimHead(n);
                    else reinjectQueue.remove(seg);
                } else {
                    counters.metaRetransBytes += n;
                }
            }
        }
        for (Subflow s : subflows) if ((used & MptcpSched.piToFlag(s.pathIndex)) != 0) s.tcp.push();
        if (dataFinQueued && !dataFinAcked && sendHead == null && writeSeq == dataFinSeq && used == 0 && !dataFinSentOnce) {
            sendDataFin();
        }
        armRtx();
    }

    /** Forgets the checksums of mappings the subflow's peer has acknowledged. */
    private static void pruneTxCsum(Subflow sf) {
        if (sf.txCsum.size() < 256) return;
        int una = sf.tcp.sndUna() - sf.tcp.iss();
        sf.txCsum.keySet().removeIf(ssn -> una - ssn > 65536);
    }

    /** Plain TCP after fallback: meta bytes go to the one subflow in order and are done with once queued there. */
    private void fallbackXmit() {
        Subflow sf = subflows.isEmpty() ? null : subflows.get(0);
        if (sf == null || !sf.canSendState()) return;
        while (sendHead != null) {
            MptcpSeg seg = sendHead;
            if (sf.tcp.queueMapped(seg.buf, seg.off, seg.len, seg.dataSeq, false) < 0) break;
            sendHead = seg.next;
            sndNxt = seg.endDataSeq();
            counters.bytesSent += seg.len;
        }
        sf.tcp.push();
        dataAcked(sndNxt);
        if (dataFinQueued && sendHead == null && !dataFinSentOnce) {
            dataFinSentOnce = true;
            proto.tcp().shutdown(sf.sk(), SockConst.SHUT_WR);
        }
    }

    boolean dataFinSentOnce;

    /** The DATA_FIN on every subflow (a mapping with subflow sequence 0 and length 1 on an ACK, as Linux sends it). */
    private void sendDataFin() {
        dataFinSentOnce = true;
        for (Subflow s : subflows) if (s.canSendState() && (s.fullyEstablished || server)) s.tcp.sendAck();
        if (skState == SockConst.TCP_ESTABLISHED) setState(SockConst.TCP_FIN_WAIT1);
        else if (skState == SockConst.TCP_CLOSE_WAIT) setState(SockConst.TCP_LAST_ACK);
        armRtx();
    }

    // =================================================================== retransmission timer (data level)

    private void armRtx() {
        boolean outstanding = sndUna < sndNxt || (dataFinSentOnce && !dataFinAcked);
        if (!outstanding || dead) {
            rtxTimer.cancel();
            rtxBackoff = 0;
            return;
        }
        if (rtxTimer.isArmed() && rtxArmedUna == sndUna) return;
        rtxArmedUna = sndUna;
        rtxTimer.arm(host.loop().now() + rtoNanos());
    }

    /** The data-level RTO: the largest subflow RTO estimate ({@code srtt + 4 rttvar}), 200 ms .. 120 s, doubled per backoff. */
    private long rtoNanos() {
        long us = 200_000;
        for (Subflow s : subflows) {
            if (!s.canSendState()) continue;
            us = Math.max(us, s.srttUs() + Math.max(s.rttvarUs(), 50_000));
        }
        us <<= Math.min(rtxBackoff, 10);
        return Math.min(us, 120_000_000L) * 1000;
    }

    /**
     * The data-level retransmission timer ({@code mptcp_retransmit_timer()} → {@code __mptcp_retrans()}):
     * data sent on a subflow that has since timed out is reinjected on the others
     * ({@code mptcp_reinject_data()}), and the oldest segment not DATA_ACKed is queued for
     * reinjection; an unacknowledged DATA_FIN is sent again.
     */
    private void retransmitTimer() {
        if (dead) return;
        try {
            for (Subflow s : new ArrayList<>(subflows)) {
                if (s.tcp.retransmits() > 0 && s.tcp.retransmits() != s.seenRetransmits) {
                    s.seenRetransmits = s.tcp.retransmits();
                    reinjectFrom(s);
                }
            }
            if (head != null && head != sendHead && sndUna < sndNxt) queueReinject(head);
            if (dataFinSentOnce && !dataFinAcked && sendHead == null) {
                for (Subflow s : subflows) if (s.canSendState()) s.tcp.sendAck();
            }
            counters.rtoCount++;
            rtxBackoff++;
            rtxTimer.cancel();
            writeXmit();
            rtxArmedUna = sndUna;
            if (!rtxTimer.isArmed() && (sndUna < sndNxt || (dataFinSentOnce && !dataFinAcked))) {
                rtxTimer.arm(host.loop().now() + rtoNanos());
            }
        } catch (RuntimeException e) {
            proto.fault("mptcp retransmit timer", e);
        }
    }

    /** Queues a copy of every sent, not DATA_ACKed segment that went on {@code sf} for another subflow. */
    void reinjectFrom(Subflow sf) {
        int flag = MptcpSched.piToFlag(sf.pathIndex);
        for (MptcpSeg s = head; s != null && s != sendHead; s = s.next) {
            if ((s.pathMask & flag) != 0) queueReinject(s);
        }
    }

    private void queueReinject(MptcpSeg s) {
        for (MptcpSeg r : reinjectQueue) if (r.origin == s) return;
        MptcpSeg copy = new MptcpSeg(s.dataSeq, s.buf, s.off, s.len, s);
        copy.pathMask = s.pathMask;
        reinjectQueue.add(copy);
        counters.reinjectQueued++;
    }

    // =================================================================== DATA_ACK

    /** A DATA_ACK up to {@code ack} (64-bit): frees the meta queue, opens the window, wakes writers. */
    void dataAcked(long ack) {
        long top = sndNxt + (dataFinSentOnce ? 1 : 0);
        if (ack > top || ack <= sndUna) {
            if (ack == sndUna) armRtx();
            return;
        }
        long dataAck = Math.min(ack, sndNxt);
        while (head != null && head.endDataSeq() <= dataAck) {
            MptcpSeg h = head;
            if (h == sendHead) sendHead = h.next;
            head = h.next;
            if (head != null) head.prev = null;
            else tail = null;
            h.next = null;
        }
        if (head != null && head.dataSeq < dataAck) head.trimHead((int) (dataAck - head.dataSeq));
        for (var it = reinjectQueue.iterator(); it.hasNext();) {
            MptcpSeg r = it.next();
            if (r.endDataSeq() <= dataAck) it.remove();
            else if (r.dataSeq < dataAck) r.trimHead((int) (dataAck - r.dataSeq));
        }
        long freed = dataAck - sndUna;
        sndUna = dataAck;
        skWmemQueued -= (int) freed;
        counters.bytesAcked += freed;
        if (dataFinSentOnce && ack == dataFinSeq + 1 && !dataFinAcked) {
            dataFinAcked = true;
            if (skState == SockConst.TCP_FIN_WAIT1) setState(SockConst.TCP_FIN_WAIT2);
            maybeFinish();
        }
        rtxBackoff = 0;
        rtxTimer.cancel();
        armRtx();
        callbacks.writeSpace(this);
    }

    // =================================================================== handshake

    /** A subflow reached ESTABLISHED (active side, or the passive initial subflow). */
    boolean subflowEstablished(Subflow sf) {
        if (!sf.mpCapable && !server) {
            if (sf.joinFailed) {
                // RFC 8684 §3.2: no (valid) MP_JOIN in the SYN-ACK: RST instead of the third ACK
                sf.tcp.reset(SockConst.ECONNREFUSED);
                return false;
            }
            counters.joinOk++;
            return false;
        }
        if (sf.mpCapable) {
            saddr = sf.sk().saddr;
            sport = sf.sk().sport;
            daddr = sf.sk().daddr;
            dport = sf.sk().dport;
            if (!server) {
                sndWndEnd = sndUna + sf.tcp.sndWnd();
                setState(SockConst.TCP_ESTABLISHED);
                ensureScheduler();
                pm.established();
            } else {
                if (!sf.keysKnown) {
                    fallBack("third ACK without MP_CAPABLE");
                }
                sndWndEnd = sndUna + sf.tcp.sndWnd();
                setState(SockConst.TCP_ESTABLISHED);
                ensureScheduler();
            }
        }
        return false;
    }

    void ensureScheduler() {
        if (sched == null) setScheduler(proto.schedulerFor(schedWanted != null ? schedWanted : pernet().scheduler));
    }

    /** Server: the third ACK of an MP_JOIN (its HMAC checked in {@link MptcpOptionHandler#joinIncoming}) completed; the subflow joins. */
    boolean joinEstablished(Subflow sf) {
        sf.pendingJoin = null;
        if (!sf.joinVerified || dead) {
            sf.rstReason = MptcpOptions.MPTCP_RST_EPROHIBIT;
            sf.tcp.reset(SockConst.ECONNREFUSED);
            return true;
        }
        addSubflow(sf);
        sf.fullyEstablished = true;
        counters.joinOk++;
        sf.tcp.sendAck();
        writeXmit();
        return true;
    }


    /** RFC 8684 §3.7: no MPTCP from here on; the first subflow carries the connection as plain TCP. */
    void fallBack(String why) {
        if (fallback) return;
        fallback = true;
        counters.fallbacks++;
        counters.fallbackReason = why;
        proto.tokens.remove(localToken, this);
        rcvKnown = true;
        if (sndUna == 0 && sndNxt == 0 && writeSeq == 0) {
            // nothing sent yet at the data level: any numbering works
            sndUna = sndNxt = writeSeq = 1;
        }
    }

    // =================================================================== receiving

    /** {@code mptcp_data_ready()} → {@code __mptcp_move_skbs_from_subflow()}: in-order subflow bytes into the meta. */
    void subflowDataReady(Subflow sf) {
        try {
            moveFrom(sf);
        } catch (RuntimeException e) {
            proto.fault("mptcp receive", e);
        }
    }

    private void moveFrom(Subflow sf) {
        boolean delivered = false;
        while (rcvq.queued() + rcvq.ofoBytes() < skRcvbuf) {
            int avail = sf.tcp.readable();
            if (avail <= 0) break;
            if (fallback) {
                int n = sf.tcp.read(scratch, 0, Math.min(avail, scratch.length));
                if (n <= 0) break;
                rcvq.deliver(rcvq.rcvNxt, scratch, 0, n);
                sf.rcvBytes += n;
                delivered = true;
                continue;
            }
            int rel = sf.tcp.copiedSeq() - sf.tcp.irs();
            Subflow.Mapping m = sf.mappingFor(rel);
            if (m == null) {
                // data without a mapping (RFC 8684 §3.3.1): a middlebox stripped the options
                counters.unmappedData++;
                if (subflows.size() == 1 && sf.mpCapable && counters.bytesReceived == 0 && rcvq.queued() == 0) {
                    fallBack("data without a DSS mapping");
                    continue;
                }
                sf.rstReason = MptcpOptions.MPTCP_RST_EMIDDLEBOX;
                host.loop().post(() -> sf.tcp.reset(SockConst.ECONNRESET));
                break;
            }
            int inMap = m.ssn() + m.len() - rel;
            if (csum) {
                // __mptcp_validate_data_checksum(): the whole mapping is checked before any of it is delivered
                if (m.csum() < 0 || rel != m.ssn()) {
                    dssChecksumFailed(sf, m, m.csum() < 0 ? "mapping without a DSS checksum" : "mapping entered in the middle");
                    break;
                }
                if (avail < inMap) break;
                int n = sf.tcp.read(scratch, 0, inMap);
                long sum = MptcpCrypto.csumPartial(scratch, 0, n, 0);
                if (n != inMap || !MptcpCrypto.dssChecksumValid(m.dsn(), m.ssn(), m.wireLen(), m.csum(), sum)) {
                    dssChecksumFailed(sf, m, "DSS checksum mismatch");
                    break;
                }
                rcvq.deliver(m.dsn(), scratch, 0, n);
                sf.rcvBytes += n;
                delivered = true;
                continue;
            }
            int n = sf.tcp.read(scratch, 0, Math.min(Math.min(avail, inMap), scratch.length));
            if (n <= 0) break;
            rcvq.deliver(m.dsn() + (rel - m.ssn()), scratch, 0, n);
            sf.rcvBytes += n;
            delivered = true;
        }
        if (fallback && (sf.sk().skShutdown & SockConst.RCV_SHUTDOWN) != 0 && sf.tcp.readable() == 0 && !peerDataFin) {
            peerDataFin = true;
            peerDataFinSeq = rcvq.rcvNxt;
            checkDataFin(sf);
        }
        if (delivered) {
            checkDataFin(sf);
            callbacks.dataReady(this);
        }
    }

    /**
     * A mapping failed its DSS checksum (RFC 8684 §3.7): its data is not delivered and the subflow is
     * reset with MP_TCPRST (reason "middlebox interference"); the sender's data on it is reinjected
     * on the other subflows. With no other subflow the connection goes with it (infinite-mapping
     * fallback after MP_FAIL is not modelled).
     */
    private void dssChecksumFailed(Subflow sf, Subflow.Mapping m, String why) {
        counters.csumFailures++;
        counters.csumFailureReason = why + " at DSN " + m.dsn();
        sf.rstReason = MptcpOptions.MPTCP_RST_EMIDDLEBOX;
        host.loop().post(() -> sf.tcp.reset(SockConst.ECONNRESET));
    }

    void checkDataFin(Subflow sf) {
        if (!peerDataFin || rcvq.rcvNxt != peerDataFinSeq || (skShutdown & SockConst.RCV_SHUTDOWN) != 0) return;
        if (!fallback) rcvq.rcvNxt++;
        skShutdown |= SockConst.RCV_SHUTDOWN;
        if (skState == SockConst.TCP_ESTABLISHED) setState(SockConst.TCP_CLOSE_WAIT);
        else if (skState == SockConst.TCP_FIN_WAIT2 || skState == SockConst.TCP_FIN_WAIT1) maybeFinish();
        if (!fallback && sf != null && sf.canSendState()) sf.tcp.sendAck();
        callbacks.dataReady(this);
        maybeFinish();
    }

    /** Both DATA_FINs done: the subflows close ({@code mptcp_close_ssk()}) and the connection is over. */
    private void maybeFinish() {
        boolean ours = fallback ? dataFinSentOnce : dataFinAcked;
        if (!ours || (skShutdown & SockConst.RCV_SHUTDOWN) == 0 || skState == SockConst.TCP_CLOSE) return;
        setState(SockConst.TCP_CLOSE);
        rtxTimer.cancel();
        for (Subflow s : new ArrayList<>(subflows)) {
            if (s.sk().skState != SockConst.TCP_CLOSE) s.tcp.close();
        }
        proto.tokens.remove(localToken, this);
        // the connection stays listed (ss -M) until its last subflow is gone (subflowGone)
    }

    /**
     * The window a subflow advertises (RFC 8684 §3.3.4: one receive window for the connection, relative
     * to the DATA_ACK): the connection's free receive space as {@code __mptcp_space()} computes it
     * (half the free buffer, the default {@code tcp_adv_win_scale}), never less than the subflow's
     * own TCP window.
     */
    int receiveWindow(int tcpWindow) {
        if (fallback) return tcpWindow;
        long free = (long) skRcvbuf - rcvq.queued() - rcvq.ofoBytes();
        return (int) Math.max(tcpWindow, Math.min(Integer.MAX_VALUE, Math.max(0, free) >> 1));
    }

    /** {@code mptcp_recvmsg()}: in-order data-level bytes. */
    int recvmsg(byte[] buf, int off, int len, boolean peek) {
        if (rcvq.queued() == 0) {
            if (skErr != 0) return -skErr;
            if ((skShutdown & SockConst.RCV_SHUTDOWN) != 0) return 0;
            if (skState == SockConst.TCP_CLOSE || skState == SockConst.TCP_LISTEN) return -SockConst.ENOTCONN;
            return -SockConst.EAGAIN;
        }
        int copied = rcvq.read(buf, off, len, peek);
        if (peek) return copied;
        // room again: pull what the subflows hold
        for (Subflow s : new ArrayList<>(subflows)) if (s.tcp.readable() > 0) moveFrom(s);
        return copied;
    }

    // =================================================================== subflow events

    void subflowWriteSpace(Subflow sf) {
        try {
            writeXmit();
        } catch (RuntimeException e) {
            proto.fault("mptcp write space", e);
        }
    }

    void subflowStateChange(Subflow sf) {
        int st = sf.sk().skState;
        if (st == SockConst.TCP_CLOSE || sf.sk().skErr != 0 && st != SockConst.TCP_ESTABLISHED) {
            subflowGone(sf);
        } else if (fallback && (sf.sk().skShutdown & SockConst.RCV_SHUTDOWN) != 0) {
            moveFrom(sf);
        } else if (st == SockConst.TCP_ESTABLISHED && sf.mpCapable && !server && skState == SockConst.TCP_SYN_SENT) {
            subflowEstablished(sf);
        }
    }

    void subflowReleased(Subflow sf) {
        subflowGone(sf);
    }

    /** A subflow closed or was reset: its data goes to the others ({@code mptcp_reinject_data()}); the last one takes the connection with it. */
    private void subflowGone(Subflow sf) {
        if (!subflows.contains(sf)) return;
        sf.dead = true;
        boolean initialEstablishing = skState == SockConst.TCP_SYN_SENT;
        reinjectFrom(sf);
        removeSubflow(sf);
        counters.subflowsClosed++;
        if (subflows.isEmpty()) {
            if (skState != SockConst.TCP_CLOSE) {
                int err = sf.sk().skErr;
                if (err == 0 && !(dataFinAcked && (skShutdown & SockConst.RCV_SHUTDOWN) != 0)) err = SockConst.ECONNRESET;
                if (initialEstablishing && err == 0) err = SockConst.ECONNREFUSED;
                if (err != 0 && skErr == 0 && skState != SockConst.TCP_CLOSE) skErr = err;
                setState(SockConst.TCP_CLOSE);
                callbacks.errorReport(this);
            }
            dead = true;
            rtxTimer.cancel();
            proto.tokens.remove(localToken, this);
            proto.forget(this);
        } else {
            host.loop().post(this::writeXmit);
        }
    }

    void setState(int st) {
        if (skState == st) return;
        skState = st;
        callbacks.stateChange(this);
    }

    // =================================================================== close

    void shutdownWrite() {
        if (dataFinQueued) return;
        dataFinQueued = true;
        dataFinSeq = writeSeq;
        skShutdown |= SockConst.SEND_SHUTDOWN;
        writeXmit();
        if (!fallback && sendHead == null && !dataFinSentOnce && skState != SockConst.TCP_SYN_SENT) sendDataFin();
    }

    /** Aborts: every subflow gets a RST (with MP_FASTCLOSE when {@code fastclose}); {@code err} goes to the socket. */
    void abort(int err, boolean sendFastclose) {
        if (dead) return;
        fastclose = sendFastclose && !fallback && rcvKnown;
        dead = true;
        if (err != 0) skErr = err;
        for (Subflow s : new ArrayList<>(subflows)) {
            if (s.sk().skState != SockConst.TCP_CLOSE) s.tcp.reset(err);
        }
        subflows.clear();
        rtxTimer.cancel();
        proto.tokens.remove(localToken, this);
        setState(SockConst.TCP_CLOSE);
        callbacks.errorReport(this);
        proto.forget(this);
    }

    // =================================================================== MptcpMetaView

    @Override public int subflowCount() { return subflows.size(); }
    @Override public MptcpSubflowView subflow(int i) { return subflows.get(i); }
    @Override public MptcpSegmentView reinjectHead() { return reinjectQueue.peekFirst(); }
    @Override public MptcpSegmentView sendHead() { return sendHead; }
    @Override public MptcpSegmentView rtxHead() { return head == sendHead ? null : head; }

    @Override
    public MptcpSegmentView rtxNext(MptcpSegmentView seg) {
        MptcpSeg s = (MptcpSeg) seg;
        if (s == null || s.origin != null || s.next == sendHead) return null;
        return s.next;
    }

    @Override public long sndUna() { return sndUna; }
    @Override public long sndNxt() { return sndNxt; }
    @Override public long sndWnd() { return Math.max(0, sndWndEnd - sndUna); }

    @Override
    public long packetsOut() {
        // meta_tp->packets_out counts MSS-sized packets (tcp_skb_pcount() of each meta skb at the meta's
        // mss_cache, the smallest subflow MSS), not segments
        int mss = Integer.MAX_VALUE;
        for (Subflow sf : subflows) if (sf.canSendState()) mss = Math.min(mss, sf.mssCache());
        if (mss == Integer.MAX_VALUE || mss <= 0) mss = 1424;
        long n = 0;
        for (MptcpSeg s = head; s != null && s != sendHead; s = s.next) n += (s.len + mss - 1) / mss;
        return n;
    }

    @Override public long wmemQueued() { return skWmemQueued; }
    @Override public boolean sndbufFull() { return skWmemQueued >= skSndbuf; }
    @Override public boolean streamMemoryFree() { return skWmemQueued < skSndbuf; }
    @Override public boolean infiniteMapping() { return fallback; }
    @Override public boolean rcvShutdown() { return (skShutdown & SockConst.RCV_SHUTDOWN) != 0; }
    @Override public int dfinPathIndex() { return 0; }
    @Override public long nowUs() { return host.loop().now() / 1000; }

    String local() { return org.nicemu.api.wire.Ipv4Address.toString(saddr) + ":" + sport; }

    String remote() { return skState == SockConst.TCP_LISTEN ? "*:*" : org.nicemu.api.wire.Ipv4Address.toString(daddr) + ":" + dport; }

    @Override
    public String toString() {
        return "mptcp " + local() + " -> " + remote() + " " + SockConst.stateName(skState);
    }
}
