package org.nicemu.tcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.Flowi4;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.InetNs;
import org.nicemu.api.inet.Route;
import org.nicemu.api.inet.TcpMib;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockCallbacks;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.TcpInfo;
import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCongestionFactory;
import org.nicemu.api.tcp.cc.TcpCongestionOps;
import org.nicemu.api.tcp.ulp.TcpUlp;
import org.nicemu.api.wire.InetChecksum;
import org.nicemu.api.wire.Ipv4Address;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.tcp.wire.TcpOptions;
import org.nicemu.tcp.wire.TcpOptionsReceived;
import org.nicemu.tcp.wire.TcpOutOptions;

/**
 * TCP of one host: mirrors {@code tcp_prot} and {@code tcp_protocol} (net/ipv4/tcp_ipv4.c:
 * {@code tcp_v4_rcv()} with checksum and header checks, the established/listening hash lookup
 * ({@code __inet_lookup_skb()}), the socket-owned backlog, {@code tcp_v4_connect()},
 * {@code tcp_v4_conn_request()}/{@code tcp_check_req()}; net/ipv4/tcp.c {@code tcp_close()},
 * {@code tcp_shutdown()}, {@code do_tcp_setsockopt()}, {@code tcp_get_info()}) plus the
 * congestion-control binding of net/ipv4/tcp_cong.c. Loop thread only.
 *
 * <p>Request socks: a SYN to a listener creates a full {@link TcpSock} in SYN-RECV (Linux uses a
 * smaller {@code request_sock}); it behaves the same on the wire and shows as SYN-RECV in ss.
 * ISNs and ephemeral ports come from the emulation's seeded random source (Linux uses a keyed hash
 * and a clock), so runs repeat exactly.
 */
final class TcpProto implements Proto {
    /** The parsed segment being processed ({@code TCP_SKB_CB} plus the parsed options). */
    static final class Seg {
        int seq, endSeq, ack, flags, window, doff, len;
        int saddr, daddr, sport, dport;
        boolean sawTstamp;
        int tsval, tsecr;
        int numSacks;
        final int[] sackStart = new int[4], sackEnd = new int[4];
        boolean hasMss, hasWscale, sackPermitted;
        int mss, wscale;
    }

    private final Host host;
    private final InetNs ns;
    final TcpMib mib;
    private final Map<String, TcpCongestionFactory> ccs;
    final Seg seg = new Seg();
    private final TcpOptionsReceived rx = new TcpOptionsReceived();
    final TcpOutOptions outOpts = new TcpOutOptions();
    final int[] sackOutStart = new int[4], sackOutEnd = new int[4];
    /** Where a ULP writes its raw options (at most MAX_TCP_OPTION_SPACE bytes), reused per segment. */
    final byte[] ulpScratch = new byte[TcpOptions.MAX_TCP_OPTION_SPACE];
    final int copySiteSendmsg, copySiteRecvmsg;
    private final SplittableRandom random;
    /** ehash: connections by (remote addr, remote port, local port); listeners by local port. */
    private final HashMap<Long, TcpSock> ehash = new HashMap<>();
    private final HashMap<Integer, TcpSock> lhash = new HashMap<>();
    private final HashMap<Integer, Integer> bhash = new HashMap<>();
    private final List<TcpSock> all = new ArrayList<>();
    private TcpSock lastHit;
    private boolean destroyed;
    private final Runnable onDestroy;

    /** {@code onDestroy} runs once when the core unbinds this instance (the component forgets it). */
    TcpProto(Host host, Map<String, TcpCongestionFactory> ccs, Runnable onDestroy) {
        this.onDestroy = onDestroy;
        this.host = host;
        this.ns = host.inet();
        this.mib = ns.tcp;
        this.ccs = ccs;
        this.random = host.loop().random("tcp:" + host.name());
        SkbAllocator a = host.allocator();
        this.copySiteSendmsg = a.copySite("tcp_sendmsg");
        this.copySiteRecvmsg = a.copySite("tcp_recvmsg");
    }

    @Override public String name() { return "tcp"; }

    @Override public int protocol() { return Ipv4Header.IPPROTO_TCP; }

    @Override public Host host() { return host; }

    // ================================================================ socket ops

    @Override
    public Sock create(int cpu) {
        if (destroyed) throw new IllegalStateException("TCP of host " + host.name() + " is stopped");
        TcpSock tp = new TcpSock(this, Math.max(0, Math.min(cpu, host.numCpus() - 1)));
        all.add(tp);
        return tp;
    }

    @Override
    public int bind(Sock sk, int addr, int port) {
        TcpSock tp = (TcpSock) sk;
        if (tp.skState != SockConst.TCP_CLOSE || tp.bound) return -SockConst.EINVAL;
        if (port < 0 || port > 65535) return -SockConst.EINVAL;
        if (addr != 0 && !ns.isLocal(addr)) return -SockConst.EADDRNOTAVAIL;
        if (port == 0) port = pickEphemeral();
        if (port < 0) return -SockConst.EADDRINUSE;
        if (bhash.containsKey(port)) return -SockConst.EADDRINUSE;
        bhash.merge(port, 1, Integer::sum);
        tp.saddr = addr;
        tp.sport = port;
        tp.bound = true;
        return 0;
    }

    private int pickEphemeral() {
        int lo = ns.ipLocalPortLow, hi = ns.ipLocalPortHigh;
        int range = hi - lo + 1;
        int start = random.nextInt(range);
        for (int i = 0; i < range; i++) {
            int p = lo + (start + i) % range;
            if (!bhash.containsKey(p)) return p;
        }
        return -1;
    }

    private void unbindPort(TcpSock tp) {
        if (!tp.bound) return;
        bhash.computeIfPresent(tp.sport, (k, v) -> v <= 1 ? null : v - 1);
        tp.bound = false;
    }

    @Override
    public int listen(Sock sk, int backlog) {
        TcpSock tp = (TcpSock) sk;
        if (tp.skState == SockConst.TCP_LISTEN) {
            tp.maxAckBacklog = Math.max(1, backlog);
            return 0;
        }
        if (tp.skState != SockConst.TCP_CLOSE) return -SockConst.EINVAL;
        if (!tp.bound) {
            int r = bind(tp, 0, 0);
            if (r != 0) return r;
        }
        if (lhash.containsKey(tp.sport)) return -SockConst.EADDRINUSE;
        tp.maxAckBacklog = Math.max(1, Math.min(backlog, 4096));
        tp.skState = SockConst.TCP_LISTEN;
        lhash.put(tp.sport, tp);
        return 0;
    }

    @Override
    public int connect(Sock sk, int daddr, int dport) {
        TcpSock tp = (TcpSock) sk;
        if (tp.skState == SockConst.TCP_SYN_SENT) return -SockConst.EALREADY;
        if (tp.skState != SockConst.TCP_CLOSE) return -SockConst.EISCONN;
        if (dport <= 0 || dport > 65535) return -SockConst.EINVAL;
        Route rt = ns.fib.lookup(daddr);
        if (rt == null || rt.type() != Route.Type.UNICAST && rt.type() != Route.Type.LOCAL) return -SockConst.ENETUNREACH;
        int saddr = tp.saddr;
        if (saddr == 0) {
            saddr = rt.prefsrc();
            if (saddr == 0) {
                InetAddr ia = ns.addrOf(rt.dev());
                if (ia == null) return -SockConst.EADDRNOTAVAIL;
                saddr = ia.addr();
            }
        }
        if (!tp.bound) {
            int r = bind(tp, 0, 0);
            if (r != 0) return r;
        }
        tp.saddr = saddr;
        tp.daddr = daddr;
        tp.dport = dport;
        if (ehash.containsKey(key(daddr, dport, tp.sport))) return -SockConst.EADDRNOTAVAIL;
        int mtu = deviceMtu(rt.dev());
        tcpConnectInit(tp, mtu);
        tp.iss = random.nextInt();
        tp.tsOffset = random.nextInt();
        hash(tp);
        tp.skState = SockConst.TCP_SYN_SENT;
        mib.activeOpens++;
        TcpOutput.tcpSendSyn(tp, false);
        return -SockConst.EINPROGRESS;
    }

    private int deviceMtu(String dev) {
        Device d = host.device(dev);
        if (d == null || d.nic() == null) return 1500;
        return d.nic().config().mtu();
    }

    /** tcp_connect_init(): MSS, initial window and scale, flow. */
    private void tcpConnectInit(TcpSock tp, int mtu) {
        tp.pmtu = mtu;
        tp.advmss = WindowMath.ipv4DefaultAdvmss(mtu);
        if (tp.userMss != 0 && tp.userMss < tp.advmss) tp.advmss = tp.userMss;
        tp.mssClamp = tp.userMss != 0 ? tp.userMss : 65535;
        tp.tstampOk = ns.tcpTimestamps; // provisional: what our SYN offers
        TcpOutput.tcpSyncMss(tp, mtu);
        int space = WindowMath.tcpFullSpace(tp.skRcvbuf, WindowMath.TCP_DEFAULT_SCALING_RATIO);
        lockedClamp(tp, space);
        int mss = tp.advmss; // no ts_recent_stamp yet on a new connection: rounded to advmss (64240)
        WindowMath.InitialWindow w = WindowMath.tcpSelectInitialWindow(space, mss, tp.windowClamp, ns.tcpWindowScaling,
                0, ns.tcpRmem[2], ns.tcpRmem[2], false);
        tp.rcvWnd = w.rcvWnd();
        tp.windowClamp = w.windowClamp();
        tp.rcvWscale = w.rcvWscale();
        tp.rcvSsthresh = tp.rcvWnd;
        tp.rcvMss = WindowMath.tcpInitializeRcvMss(tp.advmss, tp.mssCache, tp.rcvWnd);
        tp.flow = new Flowi4(tp.saddr, tp.daddr, Ipv4Header.IPPROTO_TCP, 0, 0, true);
        tp.txhash = flowHash(tp.saddr, tp.daddr, tp.sport, tp.dport);
    }

    /**
     * tcp_connect_init() / tcp_openreq_init_rwin(): with SO_RCVBUF set, the window clamp is the
     * buffer's full space, so the window scale fits the buffer, not tcp_rmem[2].
     */
    private static void lockedClamp(TcpSock tp, int fullSpace) {
        if ((tp.skUserlocks & Sock.SOCK_RCVBUF_LOCK) != 0 && (tp.windowClamp == 0 || tp.windowClamp > fullSpace)) {
            tp.windowClamp = fullSpace;
        }
    }

    private static int flowHash(int saddr, int daddr, int sport, int dport) {
        int h = saddr * 0x9e3779b1 ^ daddr * 0x85ebca6b ^ (sport << 16 | dport) * 0xc2b2ae35;
        h ^= h >>> 15;
        return h == 0 ? 1 : h;
    }

    /**
     * Applies the peer's SYN options (tcp_parse_options() results as the handshake uses them):
     * timestamps, SACK and window scaling only when both sides offer them; the MSS clamp.
     */
    void tcpNegotiate(TcpSock tp, Seg s) {
        tp.tstampOk = ns.tcpTimestamps && s.sawTstamp;
        tp.sackOk = ns.tcpSack && s.sackPermitted;
        tp.wscaleOk = ns.tcpWindowScaling && s.hasWscale;
        if (tp.wscaleOk) {
            tp.sndWscale = Math.min(s.wscale, TcpOptions.TCP_MAX_WSCALE);
        } else {
            tp.sndWscale = 0;
            tp.rcvWscale = 0;
            tp.windowClamp = Math.min(tp.windowClamp, WindowMath.U16_MAX);
        }
        if (tp.tstampOk) {
            tp.tsRecent = s.tsval;
            tp.tsRecentStampUs = tp.nowUs();
        }
        tp.mssClamp = WindowMath.tcpMssClamp(s.hasMss ? s.mss : 0, tp.userMss);
    }

    /**
     * tcp_finish_connect() + tcp_init_transfer(): ESTABLISHED; cwnd, CC, buffers; the ULP is told
     * ({@code subflow_finish_connect()}) before the task is woken and before the third ACK is built.
     */
    void tcpFinishConnect(TcpSock tp) {
        tp.skState = SockConst.TCP_ESTABLISHED;
        tcpInitTransfer(tp);
        tp.ulpEstablished();
        if (tp.skState != SockConst.TCP_ESTABLISHED) return; // the ULP reset or closed it
        tp.callbacks.stateChange(tp);
        tp.callbacks.writeSpace(tp);
    }

    private void tcpInitTransfer(TcpSock tp) {
        if (!tp.rtt.hasSample()) tp.rtt.tcpInitMetricsNoSample();
        tp.sndCwnd = tp.totalRetrans > 1 ? 1 : 10; // TCP_INIT_CWND (RFC 6928); 1 after more than one lost SYN (tcp_init_transfer())
        tp.sndCwndCnt = 0;
        tp.lsndtimeUs = tp.nowUs();
        tp.rcvqSpace = Math.min(tp.rcvWnd, 10 * tp.advmss);
        tp.rcvqSeq = tp.copiedSeq;
        tp.rcvqTimeUs = tp.nowUs();
        tcpInitCongestionControl(tp);
        TcpOutput.tcpUpdatePacingRate(tp);
    }

    // ================================================================ passive open

    /**
     * tcp_v4_conn_request(): a SYN for a listener makes a request sock in SYN-RECV and sends the
     * SYN-ACK. A listener with a ULP is asked first ({@code subflow_v4_init_req()} /
     * {@code subflow_check_req()}) with the SYN's options: it gives the child its ULP, leaves it plain
     * TCP (null), or refuses the SYN ({@link TcpUlp#REJECT}: RST, no request sock).
     */
    private void tcpConnRequest(TcpSock lsk, SkBuff skb, Seg s) {
        if (lsk.acceptQueue.size() > lsk.maxAckBacklog || lsk.synQueueLen >= ns.tcpMaxSynBacklog) {
            mib.dropListenOverflow++;
            host.allocator().free(skb);
            return;
        }
        TcpSock tp = new TcpSock(this, lsk.cpu);
        tp.parent = lsk;
        tp.skSndbuf = lsk.skSndbuf;
        tp.skRcvbuf = lsk.skRcvbuf;
        tp.skUserlocks = lsk.skUserlocks;
        tp.nonagle = lsk.nonagle;
        tp.userMss = lsk.userMss;
        tp.caWanted = lsk.caWanted;
        tp.caUserSet = lsk.caUserSet;
        tp.saddr = s.daddr;
        tp.sport = s.dport;
        tp.daddr = s.saddr;
        tp.dport = s.sport;
        Route rt = ns.fib.lookup(tp.daddr);
        int mtu = rt == null ? 1500 : deviceMtu(rt.dev());
        tcpConnectInit(tp, mtu);
        tcpNegotiate(tp, s);
        int space = WindowMath.tcpFullSpace(tp.skRcvbuf, WindowMath.TCP_DEFAULT_SCALING_RATIO);
        int mss = tp.advmss - (tp.tstampOk ? TcpOptions.TCPOLEN_TSTAMP_ALIGNED : 0);
        tp.windowClamp = 0;
        lockedClamp(tp, space);
        WindowMath.InitialWindow w = WindowMath.tcpSelectInitialWindow(space, mss, tp.windowClamp, tp.wscaleOk, 0, ns.tcpRmem[2],
                ns.tcpRmem[2], false);
        tp.rcvWnd = w.rcvWnd();
        tp.windowClamp = w.windowClamp();
        tp.rcvWscale = tp.wscaleOk ? w.rcvWscale() : 0;
        tp.rcvSsthresh = tp.rcvWnd;
        TcpOutput.tcpSyncMss(tp, mtu);
        tp.irs = s.seq;
        tp.rcvNxt = s.seq + 1;
        tp.rcvWup = tp.rcvNxt;
        tp.copiedSeq = tp.rcvNxt;
        tp.sndWl1 = s.seq;
        tp.sndWnd = s.window;
        tp.maxWindow = tp.sndWnd;
        tp.iss = random.nextInt();
        tp.tsOffset = random.nextInt();
        tp.skState = SockConst.TCP_SYN_RECV;
        tp.bound = false; // shares the listener's port
        if (lsk.ulp != null) {
            int th = skb.dataOffset();
            TcpUlp r = lsk.ulpSynReceived(tp, skb.head(), th + TcpHeader.MIN_LEN, s.doff - TcpHeader.MIN_LEN);
            if (r == TcpUlp.REJECT) { // subflow_v4_route_req() failing: send_reset(), the request sock is dropped
                tp.skState = SockConst.TCP_CLOSE;
                tp.parent = null;
                host.allocator().free(skb);
                TcpOutput.tcpV4SendReset(this, s.daddr, s.saddr, s.dport, s.sport, s.seq, s.ack, s.flags, s.len);
                return;
            }
            tp.ulp = r;
        }
        host.allocator().free(skb);
        all.add(tp);
        hash(tp);
        lsk.synQueueLen++;
        TcpOutput.tcpSendSyn(tp, true);
    }

    /** tcp_check_req() → tcp_child_process(): the handshake's ACK completes it; the child is queued for accept(). */
    void tcpSynRecvEstablished(TcpSock tp, Seg s) {
        tp.skState = SockConst.TCP_ESTABLISHED;
        tp.sndWnd = (long) s.window << tp.sndWscale;
        tp.sndWl1 = s.seq;
        tp.maxWindow = Math.max(tp.maxWindow, tp.sndWnd);
        TcpOutput.tcpSyncMss(tp, tp.pmtu);
        tcpInitTransfer(tp);
        TcpSock lsk = tp.parent;
        if (lsk != null) mib.passiveOpens++; // not for a simultaneous open
        if (lsk == null) {
            tp.ulpEstablished(); // simultaneous open: nothing to keep out of an accept queue
        } else {
            lsk.synQueueLen--;
            // subflow_syn_recv_sock() for an MP_JOIN: true means the ULP took the child; it is never
            // queued for accept(), does not count against the backlog and lives on as a connection
            // of its own (not an orphan, still hashed, on this host's TCP), owned by the ULP
            boolean taken = lsk.skState == SockConst.TCP_LISTEN && tp.ulpEstablished();
            if (taken) tp.parent = null;
            if (tp.skState != SockConst.TCP_ESTABLISHED) return; // the ULP reset or closed it from established()
            if (taken) {
                // nothing to queue
            } else if (lsk.skState == SockConst.TCP_LISTEN) {
                lsk.acceptQueue.addLast(tp);
                lsk.callbacks.dataReady(lsk);
                lsk.callbacks.stateChange(lsk);
            } else {
                tp.orphan = true;
                TcpOutput.tcpSendActiveReset(tp);
                tcpDone(tp);
            }
        }
        tp.callbacks.stateChange(tp);
    }

    @Override
    public Sock accept(Sock listener) {
        TcpSock lsk = (TcpSock) listener;
        TcpSock child = lsk.acceptQueue.pollFirst();
        if (child != null) child.parent = null;
        return child;
    }

    @Override
    public boolean acceptable(Sock listener) {
        return !((TcpSock) listener).acceptQueue.isEmpty();
    }

    // ================================================================ data

    @Override
    public int sendmsgLocked(Sock sk, byte[] buf, int off, int len, int flags) {
        return TcpOutput.tcpSendmsgLocked((TcpSock) sk, buf, off, len, flags);
    }

    @Override
    public int recvmsg(Sock sk, byte[] buf, int off, int len, int flags) {
        return TcpInput.tcpRecvmsg((TcpSock) sk, buf, off, len, flags);
    }

    @Override
    public boolean writable(Sock sk) {
        TcpSock tp = (TcpSock) sk;
        if (tp.skErr != 0 || (tp.skShutdown & SockConst.SEND_SHUTDOWN) != 0) return true;
        int st = tp.skState;
        if (st != SockConst.TCP_ESTABLISHED && st != SockConst.TCP_CLOSE_WAIT) return st == SockConst.TCP_CLOSE;
        return tp.skStreamMemoryFree();
    }

    @Override
    public boolean readable(Sock sk) {
        TcpSock tp = (TcpSock) sk;
        return tp.rcvNxt != tp.copiedSeq && !tp.receiveQueue.isEmpty() || tp.skErr != 0
                || (tp.skShutdown & SockConst.RCV_SHUTDOWN) != 0 || tp.skState == SockConst.TCP_CLOSE;
    }

    @Override
    public int shutdown(Sock sk, int how) {
        TcpSock tp = (TcpSock) sk;
        if (how == SockConst.SHUT_RD || how == SockConst.SHUT_RDWR) {
            tp.skShutdown |= SockConst.RCV_SHUTDOWN;
            tp.callbacks.dataReady(tp);
        }
        if (how == SockConst.SHUT_WR || how == SockConst.SHUT_RDWR) {
            if (tcpCloseState(tp)) TcpOutput.tcpSendFin(tp);
            tp.skShutdown |= SockConst.SEND_SHUTDOWN;
        }
        return 0;
    }

    /** tcp_close_state(): ESTABLISHED → FIN-WAIT-1, CLOSE-WAIT → LAST-ACK, SYN-RECV → FIN-WAIT-1; true if a FIN is due. */
    private boolean tcpCloseState(TcpSock tp) {
        switch (tp.skState) {
            case SockConst.TCP_ESTABLISHED:
            case SockConst.TCP_SYN_RECV:
                tp.skState = SockConst.TCP_FIN_WAIT1;
                return true;
            case SockConst.TCP_CLOSE_WAIT:
                tp.skState = SockConst.TCP_LAST_ACK;
                return true;
            case SockConst.TCP_SYN_SENT:
                tcpDone(tp);
                return false;
            default:
                return false;
        }
    }

    /**
     * tcp_close(): a listener drops its pending children (RST); unread data means an abortive close
     * (RST, TCPAbortOnClose); otherwise the FIN goes after the queued data and the socket lives on
     * as an orphan until the close handshake ends.
     */
    @Override
    public void close(Sock sk) {
        TcpSock tp = (TcpSock) sk;
        tp.callbacks = SockCallbacks.NONE;
        tp.orphan = true;
        if (tp.skState == SockConst.TCP_LISTEN) {
            lhash.remove(tp.sport, tp);
            tp.skState = SockConst.TCP_CLOSE;
            TcpSock c;
            while ((c = tp.acceptQueue.pollFirst()) != null) {
                c.orphan = true;
                TcpOutput.tcpSendActiveReset(c);
                tcpDone(c);
            }
            for (TcpSock o : new ArrayList<>(all)) {
                if (o.parent == tp && o.skState == SockConst.TCP_SYN_RECV) {
                    TcpOutput.tcpSendActiveReset(o);
                    tcpDone(o);
                }
            }
            tcpDone(tp);
            return;
        }
        tp.skShutdown = SockConst.SHUTDOWN_MASK;
        boolean unread = tp.copiedSeq != tp.rcvNxt && !tp.receiveQueue.isEmpty();
        purge(tp.receiveQueue, tp);
        if (tp.skState == SockConst.TCP_CLOSE) {
            tcpDone(tp);
        } else if (unread) {
            mib.abortOnClose++;
            TcpOutput.tcpSendActiveReset(tp);
            tcpDone(tp);
        } else if (tcpCloseState(tp)) {
            TcpOutput.tcpSendFin(tp);
        }
    }

    @Override
    public void abort(Sock sk, int err) {
        TcpSock tp = (TcpSock) sk;
        if (tp.skState == SockConst.TCP_CLOSE) return;
        if (tp.skState != SockConst.TCP_LISTEN && tp.skState != SockConst.TCP_SYN_SENT && tp.skState != SockConst.TCP_TIME_WAIT) {
            TcpOutput.tcpSendActiveReset(tp);
        }
        tp.skErr = err;
        tp.callbacks.errorReport(tp);
        if (tp.skState == SockConst.TCP_LISTEN) lhash.remove(tp.sport, tp);
        tcpDone(tp);
    }

    /** tcp_time_wait(): TIME-WAIT for 60 s (TCP_TIMEWAIT_LEN), still hashed so retransmitted FINs are ACKed. */
    void tcpTimeWait(TcpSock tp) {
        tp.skState = SockConst.TCP_TIME_WAIT;
        tp.retransmitTimer.cancel();
        tp.delackTimer.cancel();
        tp.icskPending = 0;
        tp.timewaitTimer.arm(tp.nowNs() + TcpSock.TCP_TIMEWAIT_LEN_NS);
        tp.callbacks.stateChange(tp);
    }

    /** tcp_done(): CLOSED: timers off, unhashed, queues freed, congestion control released. */
    void tcpDone(TcpSock tp) {
        if (tp.skState == SockConst.TCP_SYN_RECV && tp.parent != null) tp.parent.synQueueLen--;
        if (tp.skState == SockConst.TCP_SYN_SENT || tp.skState == SockConst.TCP_SYN_RECV) mib.attemptFails++; // TCP_MIB_ATTEMPTFAILS
        tp.skState = SockConst.TCP_CLOSE;
        tp.skShutdown = SockConst.SHUTDOWN_MASK;
        tp.retransmitTimer.cancel();
        tp.delackTimer.cancel();
        tp.timewaitTimer.cancel();
        tp.icskPending = 0;
        unhash(tp);
        unbindPort(tp);
        purge(tp.writeQueue, tp);
        purge(tp.rtxQueue, tp);
        TcpInput.tcpPurgeOfo(tp);
        tp.sb.reset(tp.sndUna);
        tp.skWmemQueued = 0;
        if (tp.pfPage != null) {
            host.allocator().putPage(tp.pfPage);
            tp.pfPage = null;
        }
        if (tp.ca != null) {
            try {
                tp.ca.release(tp);
            } catch (RuntimeException e) {
                System.err.println("nicemu: tcp: " + tp.caName + " release failed: " + e);
            }
            tp.ca = null;
        }
        if (tp.orphan) {
            purge(tp.receiveQueue, tp);
            all.remove(tp);
        }
        tp.callbacks.stateChange(tp);
        tp.callbacks.dataReady(tp);
        tp.callbacks.writeSpace(tp);
        tp.ulpRelease(); // tcp_cleanup_ulp() from inet_csk_destroy_sock(): once, then the reference is gone
    }

    private void purge(org.nicemu.api.skb.SkBuffHead q, TcpSock tp) {
        SkBuff s;
        while ((s = q.removeHead()) != null) host.allocator().free(s);
        if (q == tp.receiveQueue) tp.rmemAlloc = 0;
    }

    // ================================================================ options

    @Override
    public int setsockopt(Sock sk, int level, int name, long value) {
        TcpSock tp = (TcpSock) sk;
        if (level == SockConst.SOL_SOCKET) {
            switch (name) {
                case SockConst.SO_SNDBUF: {
                    long v = Math.max(4608, Math.min(value, Integer.MAX_VALUE / 2) * 2); // sock_setsockopt doubles
                    tp.skSndbuf = (int) Math.min(v, Integer.MAX_VALUE);
                    tp.skUserlocks |= Sock.SOCK_SNDBUF_LOCK;
                    tp.callbacks.writeSpace(tp);
                    return 0;
                }
                case SockConst.SO_RCVBUF: {
                    long v = Math.max(2304, Math.min(value, Integer.MAX_VALUE / 2) * 2);
                    tp.skRcvbuf = (int) Math.min(v, Integer.MAX_VALUE);
                    tp.skUserlocks |= Sock.SOCK_RCVBUF_LOCK;
                    return 0;
                }
                case SockConst.SO_REUSEADDR:
                case SockConst.SO_KEEPALIVE:
                    return 0;
                default:
                    return -SockConst.ENOPROTOOPT;
            }
        }
        if (level != SockConst.IPPROTO_TCP) return -SockConst.ENOPROTOOPT;
        switch (name) {
            case SockConst.TCP_NODELAY:
                if (value != 0) {
                    tp.nonagle |= TcpSock.TCP_NAGLE_OFF | TcpSock.TCP_NAGLE_PUSH;
                    TcpOutput.tcpPushPendingFrames(tp);
                } else {
                    tp.nonagle &= ~TcpSock.TCP_NAGLE_OFF;
                }
                return 0;
            case SockConst.TCP_CORK:
                if (value != 0) {
                    tp.nonagle |= TcpSock.TCP_NAGLE_CORK;
                } else {
                    tp.nonagle &= ~TcpSock.TCP_NAGLE_CORK;
                    if ((tp.nonagle & TcpSock.TCP_NAGLE_OFF) != 0) tp.nonagle |= TcpSock.TCP_NAGLE_PUSH;
                    TcpOutput.tcpPushPendingFrames(tp);
                }
                return 0;
            case SockConst.TCP_MAXSEG:
                if (value != 0 && (value < WindowMath.TCP_MIN_MSS || value > 65535 - 40)) return -SockConst.EINVAL;
                tp.userMss = (int) value;
                return 0;
            case SockConst.TCP_QUICKACK:
                if (value != 0) TcpInput.tcpEnterQuickack(tp);
                return 0;
            default:
                return -SockConst.ENOPROTOOPT;
        }
    }

    @Override
    public int setsockopt(Sock sk, int level, int name, String value) {
        if (level != SockConst.IPPROTO_TCP || name != SockConst.TCP_CONGESTION) return -SockConst.ENOPROTOOPT;
        TcpSock tp = (TcpSock) sk;
        if (value == null || (!ccs.containsKey(value) && !BuiltinReno.NAME.equals(value))) return -SockConst.ENOENT;
        tp.caWanted = value;
        tp.caUserSet = true;
        if (tp.ca != null) tcpSetCongestionControl(tp, value);
        return 0;
    }

    @Override
    public long getsockopt(Sock sk, int level, int name) {
        TcpSock tp = (TcpSock) sk;
        if (level == SockConst.SOL_SOCKET) {
            switch (name) {
                case SockConst.SO_SNDBUF: return tp.skSndbuf;
                case SockConst.SO_RCVBUF: return tp.skRcvbuf;
                case SockConst.SO_ERROR: return -tp.sockError();
                default: return Long.MIN_VALUE;
            }
        }
        if (level != SockConst.IPPROTO_TCP) return Long.MIN_VALUE;
        switch (name) {
            case SockConst.TCP_NODELAY: return (tp.nonagle & TcpSock.TCP_NAGLE_OFF) != 0 ? 1 : 0;
            case SockConst.TCP_CORK: return (tp.nonagle & TcpSock.TCP_NAGLE_CORK) != 0 ? 1 : 0;
            case SockConst.TCP_MAXSEG: return tp.skState == SockConst.TCP_ESTABLISHED ? tp.mssCache : (tp.userMss != 0 ? tp.userMss : WindowMath.TCP_MSS_DEFAULT);
            default: return Long.MIN_VALUE;
        }
    }

    @Override
    public String getsockoptString(Sock sk, int level, int name) {
        if (level != SockConst.IPPROTO_TCP || name != SockConst.TCP_CONGESTION) return null;
        TcpSock tp = (TcpSock) sk;
        if (tp.ca != null) return tp.caName;
        return tp.caWanted != null ? tp.caWanted : ns.tcpCongestionControl;
    }

    // ================================================================ congestion control (tcp_cong.c)

    /** tcp_init_congestion_control(): the wanted algorithm, else the sysctl default, else built-in reno. */
    void tcpInitCongestionControl(TcpSock tp) {
        String want = tp.caWanted != null ? tp.caWanted : ns.tcpCongestionControl;
        attachCa(tp, want);
    }

    private void attachCa(TcpSock tp, String want) {
        TcpCongestionFactory f = ccs.get(want);
        String name = want;
        if (f == null) {
            f = ccs.get(ns.tcpCongestionControl);
            name = ns.tcpCongestionControl;
        }
        TcpCongestionOps ops = null;
        if (f != null) {
            try {
                ops = f.create();
            } catch (RuntimeException e) {
                System.err.println("nicemu: tcp: " + name + " could not be created: " + e.getMessage());
            }
        }
        if (ops == null) {
            ops = new BuiltinReno();
            name = BuiltinReno.NAME;
        }
        tp.ca = ops;
        tp.caName = name;
        try {
            ops.init(tp);
        } catch (RuntimeException e) {
            System.err.println("nicemu: tcp: " + name + " init failed: " + e);
        }
    }

    /** tcp_set_congestion_control() / tcp_reinit_congestion_control(): switch a live socket. */
    void tcpSetCongestionControl(TcpSock tp, String name) {
        if (tp.ca != null) {
            try {
                tp.ca.release(tp);
            } catch (RuntimeException e) {
                System.err.println("nicemu: tcp: " + tp.caName + " release failed: " + e);
            }
        }
        attachCa(tp, name);
        if (tp.caState != TcpCc.TCP_CA_OPEN) tp.ca.setState(tp, tp.caState);
    }

    /** A congestion-control bundle is going: its sockets move to the default (or built-in reno). */
    void ccGone(String name) {
        for (TcpSock tp : new ArrayList<>(all)) {
            if (tp.ca != null && name.equals(tp.caName)) tcpSetCongestionControl(tp, ns.tcpCongestionControl); // or built-in reno
        }
    }

    /** A congestion-control bundle came (back): sockets that wanted it get it again. */
    void ccBack(String name) {
        for (TcpSock tp : new ArrayList<>(all)) {
            String want = tp.caWanted != null ? tp.caWanted : ns.tcpCongestionControl;
            if (tp.ca != null && name.equals(want) && !name.equals(tp.caName)) tcpSetCongestionControl(tp, name);
        }
    }

    // ================================================================ receive (tcp_v4_rcv)

    /**
     * Mirrors tcp_v4_rcv(): header length and data offset checks, checksum by summing (0x0000 and
     * 0xffff both verify), socket lookup (established, then listening), RST for segments no socket
     * wants, TIME-WAIT handling, and the backlog when a task owns the socket. Every segment not
     * processed is counted in the host's TcpMib with a reason. Consumes the skb.
     */
    @Override
    public void rcv(SkBuff skb) {
        SkbAllocator a = host.allocator();
        if (destroyed) {
            mib.dropNoSocket++;
            a.free(skb);
            return;
        }
        int len = skb.len();
        if (len < TcpHeader.MIN_LEN || skb.headlen() < TcpHeader.MIN_LEN) {
            mib.dropTruncated++;
            mib.inErrs++;
            a.free(skb);
            return;
        }
        byte[] b = skb.head();
        int th = skb.dataOffset();
        int doff = TcpHeader.headerLength(b, th);
        if (doff < TcpHeader.MIN_LEN) {
            mib.dropBadOffset++;
            mib.inErrs++;
            a.free(skb);
            return;
        }
        if (doff > len || doff > skb.headlen()) {
            mib.dropTruncated++;
            mib.inErrs++;
            a.free(skb);
            return;
        }
        int ip = skb.networkHeader;
        if (ip < 0) {
            mib.dropTruncated++;
            a.free(skb);
            return;
        }
        int saddr = Ipv4Header.src(b, ip);
        int daddr = Ipv4Header.dst(b, ip);
        if (skb.ipSummed != SkBuff.CHECKSUM_UNNECESSARY) {
            long sum = InetChecksum.pseudoHeaderV4(saddr, daddr, Ipv4Header.IPPROTO_TCP, len);
            if (InetChecksum.reduce(InetChecksum.skbChecksum(skb, 0, len, sum)) != 0xffff) {
                mib.dropBadChecksum++;
                mib.inCsumErrors++;
                mib.inErrs++;
                a.free(skb);
                return;
            }
        }
        mib.inSegs++;
        Seg s = parse(b, th, doff, len, saddr, daddr);
        TcpSock tp = lookupEstablished(saddr, s.sport, s.dport, daddr);
        if (tp == null) {
            TcpSock lsk = lhash.get(s.dport);
            if (lsk != null && (lsk.saddr == 0 || lsk.saddr == daddr)) {
                tcpV4ListenRcv(lsk, skb, s);
                return;
            }
            mib.dropNoSocket++;
            TcpOutput.tcpV4SendReset(this, daddr, saddr, s.dport, s.sport, s.seq, s.ack, s.flags, s.len);
            a.free(skb);
            return;
        }
        if (tp.ownedByUser) {
            host.counters().lockSockOwned++;
            if (!tp.skAddBacklogAllowed(len)) {
                mib.dropBacklog++;
                a.free(skb);
                return;
            }
            tp.skBacklog.addTail(skb);
            tp.skBacklogLen += len;
            return;
        }
        TcpInput.tcpV4DoRcv(tp, skb, s);
    }

    /** The listener's part of tcp_rcv_state_process(): SYN → request sock; RST ignored; ACK → RST. */
    private void tcpV4ListenRcv(TcpSock lsk, SkBuff skb, Seg s) {
        int f = s.flags;
        if ((f & TcpHeader.RST) != 0) {
            host.allocator().free(skb);
            return;
        }
        if ((f & TcpHeader.ACK) != 0) {
            mib.dropNoSocket++;
            TcpOutput.tcpV4SendReset(this, s.daddr, s.saddr, s.dport, s.sport, s.seq, s.ack, f, s.len);
            host.allocator().free(skb);
            return;
        }
        if ((f & TcpHeader.SYN) == 0) {
            mib.dropBadSyn++;
            host.allocator().free(skb);
            return;
        }
        tcpConnRequest(lsk, skb, s);
    }

    @Override
    public void backlogRcv(Sock sk, SkBuff skb) {
        TcpSock tp = (TcpSock) sk;
        if (skb.networkHeader < 0 || skb.len() < TcpHeader.MIN_LEN) {
            host.allocator().free(skb);
            return;
        }
        byte[] b = skb.head();
        int th = skb.dataOffset();
        int saddr = Ipv4Header.src(b, skb.networkHeader);
        int daddr = Ipv4Header.dst(b, skb.networkHeader);
        Seg s = parse(b, th, TcpHeader.headerLength(b, th), skb.len(), saddr, daddr);
        TcpInput.tcpV4DoRcv(tp, skb, s);
    }

    @Override
    public void releaseCb(Sock sk) {
        TcpSock tp = (TcpSock) sk;
        if (tp.tsqDeferred) {
            tp.tsqDeferred = false;
            TcpOutput.tcpPushPendingFrames(tp);
        }
        if (tp.delackDeferred) {
            tp.delackDeferred = false;
            TcpTimers.tcpDelackTimer(tp);
        }
    }

    /** Parses the TCP header and options into {@link #seg} (tcp_parse_options(); malformed options end the parse). */
    private Seg parse(byte[] b, int th, int doff, int len, int saddr, int daddr) {
        Seg s = seg;
        s.saddr = saddr;
        s.daddr = daddr;
        s.sport = TcpHeader.srcPort(b, th);
        s.dport = TcpHeader.dstPort(b, th);
        s.seq = TcpHeader.seq(b, th);
        s.ack = TcpHeader.ackSeq(b, th);
        s.flags = TcpHeader.flags(b, th);
        s.window = TcpHeader.window(b, th);
        s.doff = doff;
        s.len = len - doff;
        s.endSeq = s.seq + s.len + ((s.flags & TcpHeader.SYN) != 0 ? 1 : 0) + ((s.flags & TcpHeader.FIN) != 0 ? 1 : 0);
        s.sawTstamp = false;
        s.numSacks = 0;
        s.hasMss = false;
        s.hasWscale = false;
        s.sackPermitted = false;
        if (doff > TcpHeader.MIN_LEN) {
            TcpOptions.parse(b, th + TcpHeader.MIN_LEN, doff - TcpHeader.MIN_LEN, rx);
            s.sawTstamp = rx.sawTstamp();
            s.tsval = rx.tsval();
            s.tsecr = rx.tsecr();
            if ((s.flags & TcpHeader.SYN) != 0) {
                s.hasMss = rx.hasMss();
                s.mss = rx.mss();
                s.hasWscale = rx.hasWscale();
                s.wscale = rx.wscale();
                s.sackPermitted = rx.sackPermitted();
            } else {
                s.numSacks = Math.min(rx.numSacks(), 4);
                for (int i = 0; i < s.numSacks; i++) {
                    s.sackStart[i] = rx.sackStart(i);
                    s.sackEnd[i] = rx.sackEnd(i);
                }
            }
        }
        return s;
    }

    // ================================================================ hash tables

    private static long key(int raddr, int rport, int lport) {
        return ((long) raddr << 32) | ((long) (rport & 0xffff) << 16) | (lport & 0xffff);
    }

    /**
     * {@code tcp_v4_err()}: an ICMP destination unreachable about one of our segments. The quote (IP
     * header and the first 8 bytes of TCP: ports and sequence number) names the connection; a
     * sequence number outside {@code snd_una..snd_nxt} is ignored (OutOfWindowIcmps). The error is
     * {@code icmp_err_convert[code]}. In SYN-SENT and SYN-RECV the connection fails with it at once
     * ({@code connect()} returns it), unless the socket is owned by the user; otherwise it becomes the
     * soft error ({@code sk_err_soft}) that a later timeout reports instead of ETIMEDOUT
     * ({@code IP_RECVERR} is not modelled). Fragmentation needed (path MTU discovery) is not modelled
     * and ignored. Loop thread; the skb stays the caller's.
     */
    @Override
    public void err(SkBuff skb, int type, int code, int info) {
        if (type != 3 || code == 4 || code > 15) return; // ICMP_DEST_UNREACH only; not ICMP_FRAG_NEEDED; NR_ICMP_UNREACH
        byte[] b = skb.head();
        int inner = skb.dataOffset() + 8;
        int avail = skb.len() - 8;
        if (avail < Ipv4Header.MIN_LEN) return;
        int ihl = Ipv4Header.headerLength(b, inner);
        if (ihl < Ipv4Header.MIN_LEN || avail < ihl + 8) return;
        int th = inner + ihl;
        TcpSock tp = lookupEstablished(Ipv4Header.dst(b, inner), TcpHeader.dstPort(b, th), TcpHeader.srcPort(b, th), Ipv4Header.src(b, inner));
        if (tp == null) return;
        if (!TcpSeq.between(TcpHeader.seq(b, th), tp.sndUna, tp.sndNxt)) {
            mib.outOfWindowIcmps++;
            return;
        }
        int err = icmpErrno(code);
        if ((tp.skState == SockConst.TCP_SYN_SENT || tp.skState == SockConst.TCP_SYN_RECV) && !tp.ownedByUser) {
            TcpTimers.tcpWriteErr(tp, err);
        } else {
            tp.skErrSoft = err;
        }
    }

    /** {@code icmp_err_convert[]}: the errno of a destination-unreachable code 0..15 (not 4). */
    static int icmpErrno(int code) {
        switch (code) {
            case 0: case 6: case 9: case 11: return SockConst.ENETUNREACH;
            case 2: return SockConst.ENOPROTOOPT;
            case 3: return SockConst.ECONNREFUSED;
            case 5: return SockConst.EOPNOTSUPP;
            default: return SockConst.EHOSTUNREACH; // 1, 7 (EHOSTDOWN in Linux), 8 (ENONET), 10, 12..15
        }
    }

    private TcpSock lookupEstablished(int raddr, int rport, int lport, int laddr) {
        TcpSock h = lastHit;
        if (h != null && h.hashed && h.daddr == raddr && h.dport == rport && h.sport == lport && h.saddr == laddr) return h;
        TcpSock tp = ehash.get(key(raddr, rport, lport));
        if (tp != null && tp.saddr != laddr) return null;
        if (tp != null) lastHit = tp;
        return tp;
    }

    private void hash(TcpSock tp) {
        ehash.put(key(tp.daddr, tp.dport, tp.sport), tp);
        tp.hashed = true;
    }

    private void unhash(TcpSock tp) {
        if (tp.hashed) ehash.remove(key(tp.daddr, tp.dport, tp.sport), tp);
        tp.hashed = false;
        if (lastHit == tp) lastHit = null;
    }

    // ================================================================ ss, destroy

    @Override
    public TcpInfo info(Sock sk) {
        TcpSock tp = (TcpSock) sk;
        long rto = tp.rtt.rtoUs();
        return new TcpInfo(SockConst.stateName(tp.skState), tp.local(), tp.remote(),
                tp.ca != null ? tp.caName : (tp.caWanted != null ? tp.caWanted : ns.tcpCongestionControl),
                tp.wscaleOk ? tp.sndWscale : -1, tp.wscaleOk ? tp.rcvWscale : -1, rto, tp.rtt.smoothedRttUs(),
                tp.rtt.mdevUs() >> 2, tp.minRttUs(), tp.mssCache, tp.advmss, tp.sndCwnd, tp.sndSsthresh,
                tp.bytesSent, tp.bytesRetrans, tp.bytesAcked, tp.bytesReceived, tp.segsOut, tp.segsIn, tp.dataSegsOut,
                tp.dataSegsIn, tp.sb.retransOut(), tp.totalRetrans, tp.sb.lostOut(), tp.sb.sackedOut(), tp.packetsOut(),
                tp.pacingRate * 8, 0, tp.rcvqSpace, tp.sndWnd, tp.rcvWnd, tp.caState, tp.rtt.backoff(),
                tp.skState == SockConst.TCP_LISTEN ? tp.maxAckBacklog : Math.max(0, TcpSeq.distance(tp.sndUna, tp.writeSeq) - (tp.finQueued && tp.sndUna != tp.writeSeq ? 1 : 0)),
                tp.skState == SockConst.TCP_LISTEN ? tp.acceptQueue.size() : Math.max(0, TcpSeq.distance(tp.copiedSeq, tp.rcvNxt) - (tp.finRcvd ? 1 : 0)));
    }

    @Override
    public List<Sock> sockets() {
        List<Sock> r = new ArrayList<>();
        for (TcpSock tp : all) if (tp.skState != SockConst.TCP_CLOSE || !tp.orphan) r.add(tp);
        return r;
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        onDestroy.run();
        for (TcpSock tp : new ArrayList<>(all)) {
            if (tp.skState == SockConst.TCP_CLOSE) {
                tp.ulpRelease(); // never connected (or already done): its ULP goes with the protocol
                continue;
            }
            abort(tp, SockConst.ECONNABORTED);
        }
        destroyed = true;
    }

    /** All sockets, for the component's CC rebinding. */
    List<TcpSock> all() { return all; }
}
