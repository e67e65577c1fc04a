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
import org.nicemu.api.tcp.cc.TcpCongestionOps;

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
 * 8, eor at 9.
 */
public final class TcpSock extends Sock implements TcpCcSock, SkbDestructor {
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

    int packetsOut() { return sb.packetsOut(); }

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

    @Override public long srttUs() { return rtt.srttUs(); }
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
}
