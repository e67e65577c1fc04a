package org.nicemu.tcp;

import java.util.ArrayDeque;

import org.nicemu.api.exec.Timer;
import org.nicemu.api.inet.Flowi4;
import org.nicemu.api.inet.TcpMib;
import org.nicemu.api.skb.Page;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkBuffHead;
import org.nicemu.api.skb.SkbDestructor;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCcSock;
import org.nicemu.api.tcp.cc.CoupledSubflows;
import org.nicemu.api.tcp.cc.TcpCongestionOps;
import org.nicemu.api.tcp.ulp.TcpSubflow;
import org.nicemu.api.tcp.ulp.TcpUlp;
import org.nicemu.api.tcp.ulp.UlpCb;

/**
 * One TCP socket: mirrors {@code struct tcp_sock} with its {@code inet_connection_sock} part
 * (include/linux/tcp.h, include/net/inet_connection_sock.h). State only, plus the small helpers the
 * kernel keeps in include/net/tcp.h; the send path is {@link TcpOutput}, the receive path
 * {@link TcpInput}, the timers {@link TcpTimers}. Loop thread only.
 *
 * <p>Queues: {@link #writeQueue} holds unsent skbs ({@code sk_write_queue}), {@link #rtxQueue} the
 * sent, unacknowledged ones in sequence order ({@code tcp_rtx_queue}, a list here instead of an
 * rb-tree), mirrored entry for entry by the {@link SackScoreboard} whose entries carry the skb as
 * tag. Payload lives in page frags ({@code sk_page_frag}); headers are pushed on the clone that is
 * transmitted. {@code TCP_SKB_CB(skb)} is kept in {@code skb.cb}: seq at 0, end_seq at 4, tcp_flags at
 * 8, eor at 9; bytes 24..39 belong to the ULP ({@link UlpCb}) and are copied on every split.
 *
 * <p>As a {@link TcpSubflow} the socket offers an upper-layer protocol ({@link TcpUlp}, MPTCP) what
 * net/mptcp reads and calls on a subflow; the hooks of the ULP are called by {@link TcpOutput}
 * (options), {@link TcpInput} (incoming options) and {@link TcpProto} (request socks, ESTABLISHED,
 * release).
 */
public final class TcpSock extends Sock implements TcpCcSock, TcpSubflow, SkbDestructor {
    // ---- TCP_SKB_CB layout in skb.cb
    static int cbSeq(SkBuff s) { return i32(s.cb, 0); }
    static void cbSetSeq(SkBuff s, int v) { put32(s.cb, 0, v); }
    static int cbEndSeq(SkBuff s) { return i32(s.cb, 4); }
    static void cbSetEndSeq(SkBuff s, int v) { put32(s.cb, 4, v); }

    private static int i32(byte[] b, int o) {
        return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
    }

    private static void put32(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
    static int cbFlags(SkBuff s) { return s.cb[8] & 0xff; }
    static void cbSetFlags(SkBuff s, int f) { s.cb[8] = (byte) f; }
    static boolean cbEor(SkBuff s) { return s.cb[9] != 0; }
    static void cbSetEor(SkBuff s, boolean e) { s.cb[9] = (byte) (e ? 1 : 0); }

    /** TCP_NAGLE_OFF, TCP_NAGLE_CORK, TCP_NAGLE_PUSH (include/net/tcp.h). */
    static final int TCP_NAGLE_OFF = 1, TCP_NAGLE_CORK = 2, TCP_NAGLE_PUSH = 4;
    /** icsk_ack.pending bits. */
    static final int ICSK_ACK_SCHED = 1, ICSK_ACK_TIMER = 2, ICSK_ACK_PUSHED = 4;
    /** icsk_pending: what the retransmit timer is armed for. */
    static final int ICSK_TIME_RETRANS = 1, ICSK_TIME_PROBE0 = 3, ICSK_TIME_LOSS_PROBE = 5;
    /** TCP_ATO_MIN, TCP_DELACK_MAX (µs), TCP_MAX_QUICKACKS, TCP_TIMEWAIT_LEN (ns). */
    static final long TCP_ATO_MIN_US = 40_000, TCP_DELACK_MAX_US = 200_000;
    static final int TCP_MAX_QUICKACKS = 16;
    static final long TCP_TIMEWAIT_LEN_NS = 60_000_000_000L;

    final TcpProto proto;
    final TcpMib mib;

    // ---- connection identity and sequence space (RFC 9293 §3.3.1)
    int iss, irs;
    int sndUna, sndNxt, writeSeq, pushedSeq, sndWl1, sndUp;
    long sndWnd, maxWindow;
    int rcvNxt, rcvWup, copiedSeq;
    int rcvWnd, windowClamp, rcvSsthresh;
    int sndWscale, rcvWscale;
    boolean wscaleOk, sackOk, tstampOk;
    int tsRecent, tsOffset;
    long tsRecentStampUs;
    int rcvTsecr;

    // ---- MSS
    int mssCache = 536, advmss = 1460, mssClamp = 65535, userMss;
    int rcvMss = 536;
    int pmtu = 1500;

    // ---- congestion control
    TcpCongestionOps ca;
    /** Algorithm the socket runs, and the one the user/sysctl wants (re-applied when its bundle returns). */
    String caName = "", caWanted;
    boolean caUserSet;
    long sndCwnd = 10, sndSsthresh = TcpCc.TCP_INFINITE_SSTHRESH, sndCwndCnt, sndCwndClamp = 0xffffffffL;
    long priorCwnd, priorSsthresh;
    int caState = TcpCc.TCP_CA_OPEN;
    int highSeq;
    /** tp->reordering: the reordering degree in segments, DupThresh of the loss marking (net.ipv4.tcp_reordering = 3). */
    int reordering = 3;
    /** tp->undo_marker (as a flag plus snd_una at the start), tp->undo_retrans, and the TS clock at the first retransmission. */
    boolean undoActive;
    int undoMarker, undoRetrans, retransStampTs;
    boolean retransStamped;
    long prrDelivered, prrOut;
    long delivered;
    int maxPacketsOut;
    boolean isCwndLimited;
    long lsndtimeUs, lrcvtimeUs;
    long pacingRate;

    // ---- RTT and retransmission
    final RttEstimator rtt = new RttEstimator();
    long minRttUs = Long.MAX_VALUE;
    int retransmits;
    /** {@code sk_err_soft}: the last ICMP error of an established connection, reported if it times out. */
    int skErrSoft;
    int probesOut;
    long retransStampUs;
    int tlpHighSeq;
    boolean tlpPending;

    // ---- queues
    final SkBuffHead writeQueue = new SkBuffHead();
    final SkBuffHead rtxQueue = new SkBuffHead();
    final SackScoreboard sb;
    final SkBuffHead receiveQueue = new SkBuffHead();
    final SkBuffHead ofoQueue = new SkBuffHead();
    /** Bytes in the receive and out-of-order queues (sk_rmem_alloc, by payload). */
    int rmemAlloc;
    /** Bytes of transmitted clones not yet freed below TCP (sk_wmem_alloc for TSQ). */
    int wmemAlloc;
    boolean tsqThrottled, tsqPosted;
    Page pfPage;
    int pfOffset;

    // ---- receiver SACK blocks (tp->selective_acks, tp->duplicate_sack)
    final int[] sackStart = new int[4], sackEnd = new int[4];
    int numSacks;
    int dsackStart, dsackEnd;
    boolean dsack;

    // ---- delayed ACK (icsk_ack)
    int ackPending;
    int ackQuick;
    boolean ackPingpong;
    long atoUs = TCP_ATO_MIN_US;

    // ---- receive-buffer auto-tuning (tcp_rcv_space_adjust)
    int rcvqSpace, rcvqSeq;
    long rcvqTimeUs, rcvRttUs;

    // ---- Nagle, cork, user options
    int nonagle;
    int icskPending;
    boolean finQueued;
    /** The peer's FIN was received in order (it occupies rcv_nxt's last sequence number). */
    boolean finRcvd;
    /** tp->snd_sml: end of the last small segment sent (Minshall's Nagle). */
    int sndSml;
    /** sk->sk_txhash: the flow hash XPS/RSS see. */
    int txhash;
    /** TCP_TSQ_DEFERRED: the TSQ handler found the socket owned; tcp_release_cb() pushes. */
    boolean tsqDeferred;
    /** TCP_DELACK_TIMER_DEFERRED. */
    boolean delackDeferred;
    /** ICSK_ACK_NOW: the next ACK check sends at once. */
    boolean ackNow;
    /** tp->rcv_rtt_last_tsecr: one receiver RTT sample per echoed timestamp. */
    int rcvRttLastTsecr;

    // ---- listener (inet_connection_sock accept queue and request socks)
    TcpSock parent;
    final ArrayDeque<TcpSock> acceptQueue = new ArrayDeque<>();
    int maxAckBacklog;
    int synQueueLen;
    boolean orphan;
    boolean hashed;
    boolean bound;

    // ---- tcp_info counters
    long bytesSent, bytesRetrans, bytesAcked, bytesReceived, segsOut, segsIn, dataSegsOut, dataSegsIn;
    long totalRetrans;

    // ---- upper-layer protocol (icsk_ulp_ops / the MPTCP subflow context)
    /** The ULP attached ({@code icsk->icsk_ulp_data}), or null for plain TCP. */
    TcpUlp ulp;
    /** mss_now of the last tcp_current_mss() with a ULP (the ULP's option estimate taken off). */
    int ulpMssNow;
    /** Guards tcp_current_mss() against a ULP asking for it from its own option hook. */
    boolean inUlpEstimate;

    // ---- timers
    final Timer retransmitTimer, delackTimer, timewaitTimer;
    Flowi4 flow;
    final Runnable tsqHandler;

    TcpSock(TcpProto proto, int cpu) {
        super(proto.host());
        this.proto = proto;
        this.mib = proto.host().inet().tcp;
        this.cpu = cpu;
        this.sb = new SackScoreboard(536, 0);
        sb.setTagSplitter(this::splitTag);
        skSndbuf = proto.host().inet().tcpWmem[1];
        skRcvbuf = proto.host().inet().tcpRmem[1];
        var loop = proto.host().loop();
        String n = proto.host().name() + " tcp";
        retransmitTimer = loop.newTimer(n + " retransmit", () -> TcpTimers.tcpWriteTimer(this));
        delackTimer = loop.newTimer(n + " delack", () -> TcpTimers.tcpDelackTimer(this));
        timewaitTimer = loop.newTimer(n + " timewait", () -> TcpTimers.tcpTimewaitTimer(this));
        tsqHandler = () -> TcpOutput.tcpTsqHandler(this);
    }

    @Override
    public Proto proto() { return proto; }

    long nowNs() { return host.loop().now(); }

    @Override
    public long nowUs() { return host.loop().now() / 1000; }

    /** tcp_time_stamp_ms() plus the per-connection offset (tp->tsoffset). */
    int tcpTimeStamp() { return (int) (host.loop().now() / 1_000_000L) + tsOffset; }

    // ---- the scoreboard split the entry holding skb: split the skb likewise (tcp_fragment()).
    private Object splitTag(Object tag, int headLen) {
        SkBuff skb = (SkBuff) tag;
        SkBuff tail = host.allocator().allocSkbFclone(WindowMath.MAX_TCP_HEADER);
        tail.reserve(WindowMath.MAX_TCP_HEADER);
        host.allocator().skbUnclone(skb); // a clone may still be in flight below TCP
        int seq = cbSeq(skb);
        int curLen = cbEndSeq(skb) - seq;
        // the scoreboard may have trimmed the head already (partial ACK): catch up first
        if (skb.len() > curLen) skb.pskbTrimHead(skb.len() - curLen);
        host.allocator().skbSplit(skb, tail, headLen);
        cbSetSeq(tail, seq + headLen);
        cbSetEndSeq(tail, cbEndSeq(skb));
        cbSetFlags(tail, cbFlags(skb));
        UlpCb.copy(skb, tail); // the ULP's mapping covers both parts (the kernel copies the mptcp_ext)
        cbSetEndSeq(skb, seq + headLen);
        cbSetFlags(skb, cbFlags(skb) & ~(org.nicemu.api.wire.TcpHeader.FIN | org.nicemu.api.wire.TcpHeader.PSH));
        tail.tstamp = skb.tstamp;
        rtxQueue.insertAfter(skb, tail);
        return tail;
    }

    // ---- TSQ: a transmitted clone was freed below TCP (tcp_wfree())
    @Override
    public void destruct(SkBuff skb) {
        wmemAlloc -= skb.truesize;
        if (wmemAlloc < 0) wmemAlloc = 0;
        if (tsqThrottled && !tsqPosted) {
            tsqPosted = true;
            host.loop().post(tsqHandler);
        }
    }

    // ---- include/net/tcp.h helpers
    int tcpPacketsInFlight() { return sb.tcpPacketsInFlight(); }

    /** tp->packets_out. */
    @Override
    public long packetsOut() { return sb.packetsOut(); }

    /** tcp_wnd_end(): the first sequence number beyond the peer's window. */
    int tcpWndEnd() { return sndUna + (int) sndWnd; }

    /** tcp_receive_window(): what is left of the window we advertised. */
    int tcpReceiveWindow() {
        int win = rcvWup + rcvWnd - rcvNxt;
        return Math.max(win, 0);
    }

    boolean inCwndReduction() {
        return caState == TcpCc.TCP_CA_CWR || caState == TcpCc.TCP_CA_RECOVERY;
    }

    /** tcp_set_ca_state(). */
    void tcpSetCaState(int state) {
        if (ca != null) ca.setState(this, state);
        caState = state;
    }

    /** The state name for messages. */
    String stateName() { return SockConst.stateName(skState); }

    /** sk_stream_memory_free(): may sendmsg queue more? */
    boolean skStreamMemoryFree() { return skWmemQueued < skSndbuf; }

    /** sk_stream_is_writeable(): free space at least a third of the buffer (sk_stream_min_wspace()). */
    boolean skStreamIsWriteable() { return skSndbuf - skWmemQueued >= skWmemQueued / 2 && skStreamMemoryFree(); }

    String local() { return org.nicemu.api.wire.Ipv4Address.toString(saddr) + ":" + sport; }

    String remote() { return skState == SockConst.TCP_LISTEN ? "*:*" : org.nicemu.api.wire.Ipv4Address.toString(daddr) + ":" + dport; }

    @Override
    public String toString() { return "tcp " + local() + " -> " + remote() + " " + stateName(); }

    // ---------------------------------------------------------------- TcpCcSock
    @Override public long sndCwnd() { return sndCwnd; }
    @Override public void setSndCwnd(long cwnd) { sndCwnd = Math.max(1, Math.min(cwnd, sndCwndClamp)); }
    @Override public long sndSsthresh() { return sndSsthresh; }
    @Override public void setSndSsthresh(long ssthresh) { sndSsthresh = ssthresh; }
    @Override public long sndCwndCnt() { return sndCwndCnt; }
    @Override public void setSndCwndCnt(long cnt) { sndCwndCnt = cnt; }
    @Override public long sndCwndClamp() { return sndCwndClamp; }
    @Override public long priorCwnd() { return priorCwnd; }
    @Override public long packetsInFlight() { return tcpPacketsInFlight(); }

    @Override
    public boolean isCwndLimited() {
        if (TcpCc.tcpInSlowStart(this)) return sndCwnd < 2L * maxPacketsOut;
        return isCwndLimited;
    }

    /** The smoothed RTT in µs, unscaled ({@code tp->srtt_us >> 3}), as {@link TcpCcSock#srttUs} documents. */
    @Override public long srttUs() { return rtt.smoothedRttUs(); }
    @Override public long minRttUs() { return minRttUs == Long.MAX_VALUE ? 0 : minRttUs; }
    @Override public int mssCache() { return mssCache; }
    @Override public long deliveredPackets() { return delivered; }
    @Override public long prrOut() { return prrOut; }
    @Override public int caState() { return caState; }
    @Override public int sndUna() { return sndUna; }
    @Override public int sndNxt() { return sndNxt; }
    @Override public long lsndtimeUs() { return lsndtimeUs; }
    @Override public long pacingRate() { return pacingRate; }
    @Override public boolean pacingEnabled() { return false; }
    @Override public int gsoMaxSize() { return WindowMath.GSO_MAX_SIZE; }
    @Override
    public CoupledSubflows coupled() {
        TcpUlp u = ulp;
        return u != null ? u.coupled(this) : null;
    }

    // ---------------------------------------------------------------- TcpSubflow
    @Override public Sock sock() { return this; }
    @Override public TcpUlp ulp() { return ulp; }

    /** tcp_set_ulp(): before connect/listen, or on a child from {@link TcpUlp#synReceived}. */
    @Override public void setUlp(TcpUlp ulp) { this.ulp = ulp == TcpUlp.REJECT ? null : ulp; }

    @Override public int iss() { return iss; }
    @Override public int irs() { return irs; }
    @Override public int rcvNxt() { return rcvNxt; }
    @Override public int copiedSeq() { return copiedSeq; }
    @Override public int writeSeq() { return writeSeq; }
    @Override public int highSeq() { return highSeq; }
    @Override public long sndWnd() { return sndWnd; }
    /** tp->rttvar_us as {@link RttEstimator} keeps it (the RTO's variance term). */
    @Override public long rttvarUs() { return rtt.rttvarUs(); }
    /** tcp_current_mss(sk), the ULP's option estimate included. */
    @Override public int currentMss() { return TcpOutput.tcpCurrentMss(this); }
    @Override public int gsoMaxSegs() { return WindowMath.GSO_MAX_SEGS; }
    @Override public long wmemQueued() { return skWmemQueued; }
    @Override public boolean sackOk() { return sackOk; }
    @Override public long bytesSent() { return bytesSent; }
    @Override public long bytesAcked() { return bytesAcked; }
    @Override public long bytesReceived() { return bytesReceived; }
    @Override public long segsOut() { return segsOut; }
    @Override public long totalRetrans() { return totalRetrans; }
    @Override public int retransmits() { return retransmits; }

    /** mptcp_sendmsg_frag() + tcp_build_frag(): see {@link TcpOutput#tcpQueueMapped}. */
    @Override
    public int queueMapped(byte[] buf, int off, int len, long dataSeq, boolean dataFin) {
        return TcpOutput.tcpQueueMapped(this, buf, off, len, dataSeq, dataFin);
    }

    /** tcp_push() with the current MSS, the size goal and the socket's own Nagle setting. */
    @Override
    public void push() {
        if (writeQueue.isEmpty() || skState == SockConst.TCP_CLOSE) return;
        int mss = TcpOutput.tcpCurrentMss(this);
        TcpOutput.tcpPush(this, 0, mss, nonagle, TcpOutput.tcpXmitSizeGoal(this, mss));
    }

    /**
     * tcp_recvmsg() without waiting: in-order bytes from the receive queue, copied_seq, rmem,
     * tcp_rcv_space_adjust() and tcp_cleanup_rbuf() (window update). Never returns the FIN: 0 when
     * nothing is queued; -EFAULT for a bad buffer range.
     */
    @Override
    public int read(byte[] buf, int off, int len) {
        if (buf == null || len < 0 || off < 0 || off > buf.length - len) return -SockConst.EFAULT;
        if (len == 0 || readable() == 0) return 0;
        int r = TcpInput.tcpRecvmsg(this, buf, off, len, 0);
        return Math.max(r, 0);
    }

    /** Bytes {@link #read} would return: rcv_nxt - copied_seq less the FIN's sequence number. */
    @Override
    public int readable() {
        if (receiveQueue.isEmpty()) return 0;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, TcpSeq.distance(copiedSeq, rcvNxt) - (finRcvd ? 1 : 0)));
    }

    /** tcp_send_ack(). */
    @Override
    public void sendAck() { TcpOutput.tcpSendAck(this); }

    /** tcp_close(). */
    @Override
    public void close() { proto.close(this); }

    /** tcp_send_active_reset() + tcp_done() reporting {@code err} (Proto.abort). */
    @Override
    public void reset(int err) { proto.abort(this, err); }

    // ---------------------------------------------------------------- ULP hook calls
    // The hooks must not throw; if one does, it is logged and TCP goes on as if it had returned
    // nothing, so that no exception leaves the receive path.

    private void ulpFailed(String hook, RuntimeException e) {
        System.err.println("nicemu: tcp: ulp " + hook + " failed on " + this + ": " + e);
    }

    /** mptcp_syn_options(): the raw options, length written to {@code out} (0 if none or failing). */
    int ulpSynOptions(boolean synack, byte[] out) {
        TcpUlp u = ulp;
        if (u == null) return 0;
        try {
            return synack ? u.synackOptions(this, out) : u.synOptions(this, out);
        } catch (RuntimeException e) {
            ulpFailed(synack ? "synackOptions" : "synOptions", e);
            return 0;
        }
    }

    /** mptcp_established_options(). */
    int ulpEstablishedOptions(SkBuff skb, int tcpFlags, int remaining, byte[] out) {
        TcpUlp u = ulp;
        if (u == null) return 0;
        try {
            return u.establishedOptions(this, skb, tcpFlags, remaining, out);
        } catch (RuntimeException e) {
            ulpFailed("establishedOptions", e);
            return 0;
        }
    }

    /** The ULP's receive window (MPTCP's shared data-level window); TCP's own on failure or a negative answer. */
    int ulpReceiveWindow(int tcpWindow) {
        TcpUlp u = ulp;
        if (u == null) return tcpWindow;
        try {
            int w = u.receiveWindow(this, tcpWindow);
            return w < 0 ? tcpWindow : w;
        } catch (RuntimeException e) {
            ulpFailed("receiveWindow", e);
            return tcpWindow;
        }
    }

    /** mptcp_incoming_options(). */
    void ulpIncomingOptions(int tcpFlags, int seq, int payloadLen, byte[] opts, int optOff, int optLen) {
        TcpUlp u = ulp;
        if (u == null) return;
        try {
            u.incomingOptions(this, tcpFlags, seq, payloadLen, opts, optOff, optLen);
        } catch (RuntimeException e) {
            ulpFailed("incomingOptions", e);
        }
    }

    /** The ULP's part of ESTABLISHED (subflow_finish_connect() / subflow_syn_recv_sock()); true: it took the child. */
    boolean ulpEstablished() {
        TcpUlp u = ulp;
        if (u == null) return false;
        try {
            return u.established(this);
        } catch (RuntimeException e) {
            ulpFailed("established", e);
            return false;
        }
    }

    /** tcp_cleanup_ulp(): release once, then forget the ULP. */
    void ulpRelease() {
        TcpUlp u = ulp;
        if (u == null) return;
        ulp = null;
        try {
            u.release(this);
        } catch (RuntimeException e) {
            ulpFailed("release", e);
        }
    }

    /** subflow_v4_init_req() on the listener's ULP; exceptions count as plain TCP (null). */
    TcpUlp ulpSynReceived(TcpSock child, byte[] opts, int optOff, int optLen) {
        TcpUlp u = ulp;
        if (u == null) return null;
        try {
            return u.synReceived(this, child, opts, optOff, optLen);
        } catch (RuntimeException e) {
            ulpFailed("synReceived", e);
            return null;
        }
    }
}
