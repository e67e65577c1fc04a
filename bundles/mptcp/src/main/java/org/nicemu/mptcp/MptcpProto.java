package org.nicemu.mptcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import org.nicemu.api.emu.Host;
import org.nicemu.api.mptcp.info.MptcpInfo;
import org.nicemu.api.mptcp.info.MptcpInfoSource;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.TcpInfo;
import org.nicemu.api.tcp.ulp.TcpSubflow;

/**
 * MPTCP for one host: mirrors {@code mptcp_prot} (net/mptcp/protocol.c), the {@code struct proto}
 * of {@code socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)}. Each socket is an {@link MptcpSock}
 * whose subflows are sockets of the host's TCP ({@code Host.proto(6)}) with the MPTCP ULP attached;
 * MPTCP itself receives no IP packets. Keys and nonces come from the emulation's seeded random
 * source; the token table ({@code token.c}) maps local tokens to connections for MP_JOIN.
 */
final class MptcpProto implements Proto, MptcpInfoSource {
    /** IPPROTO_MPTCP. */
    static final int IPPROTO_MPTCP = 262;

    private final Host host;
    final SplittableRandom random;
    final MptcpCrypto crypto = new MptcpCrypto();
    final Map<Integer, MptcpSock> tokens = new HashMap<>();
    private final List<MptcpSock> socks = new ArrayList<>();
    private final Function<String, MptcpSchedOps> schedulers;
    private final Runnable onDestroy;

    MptcpProto(Host host, Function<String, MptcpSchedOps> schedulers, Runnable onDestroy) {
        this.host = host;
        this.random = host.loop().random("mptcp:" + host.name());
        this.schedulers = schedulers;
        this.onDestroy = onDestroy;
        host.inet().mptcp.addListener(pmEvents);
    }

    /** Endpoint changes reach every connection's path manager ({@code mptcp_nl_cmd_*} walking the connections). */
    private final org.nicemu.api.mptcp.pm.MptcpPernet.Listener pmEvents = new org.nicemu.api.mptcp.pm.MptcpPernet.Listener() {
        @Override
        public void endpointAdded(org.nicemu.api.mptcp.pm.MptcpEndpoint e) {
            each(m -> m.pm.endpointAdded(e));
        }

        @Override
        public void endpointRemoved(org.nicemu.api.mptcp.pm.MptcpEndpoint e) {
            each(m -> m.pm.endpointRemoved(e));
        }

        @Override
        public void endpointChanged(org.nicemu.api.mptcp.pm.MptcpEndpoint before, org.nicemu.api.mptcp.pm.MptcpEndpoint e) {
            each(m -> m.pm.endpointChanged(e));
        }

        private void each(java.util.function.Consumer<MptcpSock> action) {
            for (MptcpSock m : new ArrayList<>(socks)) {
                if (m.skState == SockConst.TCP_LISTEN || m.dead) continue;
                try {
                    action.accept(m);
                } catch (RuntimeException ex) {
                    fault("path manager", ex);
                }
            }
        }
    };

    @Override public String name() { return "mptcp"; }
    @Override public int protocol() { return IPPROTO_MPTCP; }
    @Override public Host host() { return host; }

    /** The host's TCP, which makes the subflows; null when no TCP bundle is bound. */
    Proto tcp() {
        return host.proto(6);
    }

    void fault(String where, Throwable e) {
        System.err.println("nicemu: " + host.name() + ": mptcp: " + where + ": " + e);
    }

    void track(MptcpSock m) {
        if (!socks.contains(m)) socks.add(m);
    }

    void forget(MptcpSock m) {
        m.pm.close();
        socks.remove(m);
        tokens.remove(m.localToken, m);
    }

    /** The scheduler {@code name} from its bundle, or the built-in default when none offers it. */
    MptcpSchedOps schedulerFor(String name) {
        MptcpSchedOps ops = schedulers.apply(name);
        if (ops == null && !"default".equals(name)) ops = schedulers.apply("default");
        return ops != null ? ops : new BuiltinDefaultSched();
    }

    /** Whether a scheduler of this name can be chosen now ("default" always can). */
    boolean schedulerKnown(String name) {
        return "default".equals(name) || schedulers.apply(name) != null;
    }

    /** Connections whose scheduler bundle {@code name} went away move to the default one. */
    void schedGone(String name) {
        for (MptcpSock m : new ArrayList<>(socks)) {
            if (m.sched != null && m.sched.name().equals(name)) m.setScheduler(schedulerFor("default"));
        }
    }

    /** A scheduler bundle arrived: connections that wanted it get it. */
    void schedBack(String name) {
        for (MptcpSock m : new ArrayList<>(socks)) {
            String want = m.schedWanted != null ? m.schedWanted : m.pernet().scheduler;
            if (m.sched != null && want.equals(name) && !m.sched.name().equals(name)) m.setScheduler(schedulerFor(name));
        }
    }

    private static MptcpSock msk(Sock sk) {
        return (MptcpSock) sk;
    }

    @Override
    public Sock create(int cpu) {
        MptcpSock m = new MptcpSock(this, cpu);
        return m;
    }

    /** The first subflow's TCP socket, made on first use ({@code __mptcp_socket_create()}). */
    private Subflow first(MptcpSock m) {
        if (!m.subflows.isEmpty()) return m.subflows.get(0);
        Proto tcp = tcp();
        if (tcp == null) return null;
        Sock sk = tcp.create(m.cpu);
        if (!(sk instanceof TcpSubflow t)) return null;
        Subflow s = new Subflow(m, t, true);
        t.setUlp(s);
        m.addSubflow(s);
        applySockopts(m, sk);
        return s;
    }

    /** The meta's TCP_NODELAY, TCP_CONGESTION and buffer settings on a new subflow socket. */
    void applySockopts(MptcpSock m, Sock sk) {
        Proto tcp = tcp();
        if (tcp == null) return;
        if (m.nodelay) tcp.setsockopt(sk, SockConst.SOL_TCP, SockConst.TCP_NODELAY, 1);
        if (m.ccName != null) tcp.setsockopt(sk, SockConst.SOL_TCP, SockConst.TCP_CONGESTION, m.ccName);
    }

    @Override
    public int bind(Sock sk, int addr, int port) {
        MptcpSock m = msk(sk);
        Subflow s = first(m);
        if (s == null) return -SockConst.EPROTONOSUPPORT;
        int r = tcp().bind(s.sk(), addr, port);
        if (r == 0) {
            m.saddr = s.sk().saddr;
            m.sport = s.sk().sport;
        }
        return r;
    }

    @Override
    public int listen(Sock sk, int backlog) {
        MptcpSock m = msk(sk);
        Subflow s = first(m);
        if (s == null) return -SockConst.EPROTONOSUPPORT;
        s.tcp.setUlp(new MptcpListener(m));
        // the TCP listener's wake-ups (a child queued for accept) are the MPTCP listener's
        s.sk().callbacks = new org.nicemu.api.sock.SockCallbacks() {
            @Override public void stateChange(Sock x) { m.callbacks.stateChange(m); }
            @Override public void dataReady(Sock x) { m.callbacks.dataReady(m); }
            @Override public void writeSpace(Sock x) { m.callbacks.writeSpace(m); }
            @Override public void errorReport(Sock x) { m.callbacks.errorReport(m); }
        };
        int r = tcp().listen(s.sk(), backlog);
        if (r == 0) {
            m.skState = SockConst.TCP_LISTEN;
            m.saddr = s.sk().saddr;
            m.sport = s.sk().sport;
            track(m);
        }
        return r;
    }

    @Override
    public int connect(Sock sk, int daddr, int dport) {
        MptcpSock m = msk(sk);
        if (m.skState != SockConst.TCP_CLOSE) return m.skState == SockConst.TCP_SYN_SENT ? -SockConst.EALREADY : -SockConst.EISCONN;
        Subflow s = first(m);
        if (s == null) return -SockConst.EPROTONOSUPPORT;
        if (m.pernet().enabled) m.newLocalKey();
        else m.fallBack("net.mptcp.enabled is 0");
        m.skState = SockConst.TCP_SYN_SENT;
        track(m);
        int r = tcp().connect(s.sk(), daddr, dport);
        m.saddr = s.sk().saddr;
        m.sport = s.sk().sport;
        m.daddr = daddr;
        m.dport = dport;
        if (r != 0 && r != -SockConst.EINPROGRESS) {
            m.skState = SockConst.TCP_CLOSE;
            forget(m);
        }
        return r;
    }

    @Override
    public Sock accept(Sock listener) {
        MptcpSock l = msk(listener);
        if (l.subflows.isEmpty()) return null;
        Proto tcp = tcp();
        if (tcp == null) return null;
        Sock c = tcp.accept(l.subflows.get(0).sk());
        if (c == null) return null;
        TcpSubflow t = (TcpSubflow) c;
        MptcpSock m;
        if (t.ulp() instanceof Subflow s && s.msk != null) {
            m = s.msk;
            m.listener = null;
        } else {
            m = new MptcpSock(this, l.cpu);
            m.server = true;
            Subflow s = new Subflow(m, t, true);
            t.setUlp(s);
            m.addSubflow(s);
            m.fallBack("plain TCP SYN");
            m.saddr = c.saddr;
            m.sport = c.sport;
            m.daddr = c.daddr;
            m.dport = c.dport;
            m.skState = c.skState == SockConst.TCP_CLOSE_WAIT ? SockConst.TCP_CLOSE_WAIT : SockConst.TCP_ESTABLISHED;
            m.ensureScheduler();
            track(m);
            m.subflowDataReady(s);
        }
        if (m.ccName == null && l.ccName != null) m.ccName = l.ccName;
        m.pm.established();
        return m;
    }

    @Override
    public int sendmsgLocked(Sock sk, byte[] buf, int off, int len, int flags) {
        return msk(sk).sendmsg(buf, off, len);
    }

    @Override
    public int recvmsg(Sock sk, byte[] buf, int off, int len, int flags) {
        return msk(sk).recvmsg(buf, off, len, (flags & SockConst.MSG_PEEK) != 0);
    }

    @Override
    public boolean writable(Sock sk) {
        MptcpSock m = msk(sk);
        if (m.skState == SockConst.TCP_SYN_SENT) return false;
        return m.skSndbuf - m.skWmemQueued >= m.skWmemQueued / 2 && m.skWmemQueued < m.skSndbuf;
    }

    @Override
    public boolean readable(Sock sk) {
        MptcpSock m = msk(sk);
        return m.rcvq.queued() > 0 || (m.skShutdown & SockConst.RCV_SHUTDOWN) != 0 || m.skErr != 0;
    }

    @Override
    public boolean acceptable(Sock listener) {
        MptcpSock l = msk(listener);
        Proto tcp = tcp();
        return tcp != null && !l.subflows.isEmpty() && tcp.acceptable(l.subflows.get(0).sk());
    }

    @Override
    public int shutdown(Sock sk, int how) {
        MptcpSock m = msk(sk);
        if (m.skState == SockConst.TCP_LISTEN || m.skState == SockConst.TCP_CLOSE) return -SockConst.ENOTCONN;
        if (how == SockConst.SHUT_RD || how == SockConst.SHUT_RDWR) m.skShutdown |= SockConst.RCV_SHUTDOWN;
        if (how == SockConst.SHUT_WR || how == SockConst.SHUT_RDWR) m.shutdownWrite();
        return 0;
    }

    @Override
    public void close(Sock sk) {
        MptcpSock m = msk(sk);
        m.orphan = true;
        if (m.skState == SockConst.TCP_LISTEN) {
            Proto tcp = tcp();
            for (Subflow s : new ArrayList<>(m.subflows)) if (tcp != null) tcp.close(s.sk());
            m.subflows.clear();
            m.skState = SockConst.TCP_CLOSE;
            forget(m);
            return;
        }
        if (m.skState == SockConst.TCP_CLOSE || m.dead) {
            forget(m);
            return;
        }
        if (m.rcvq.queued() > 0) {
            m.abort(0, true);
            return;
        }
        m.shutdownWrite();
    }

    @Override
    public void abort(Sock sk, int err) {
        msk(sk).abort(err, true);
    }

    @Override
    public int setsockopt(Sock sk, int level, int name, long value) {
        MptcpSock m = msk(sk);
        Proto tcp = tcp();
        if (level == SockConst.SOL_SOCKET && (name == SockConst.SO_SNDBUF || name == SockConst.SO_RCVBUF)) {
            if (value < 0) return -SockConst.EINVAL;
            int v = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(value, 2304)) * 2;
            if (name == SockConst.SO_SNDBUF) m.skSndbuf = v;
            else m.skRcvbuf = v;
            return 0;
        }
        if (level == SockConst.SOL_TCP && name == SockConst.TCP_NODELAY) {
            m.nodelay = value != 0;
        }
        int r = 0;
        for (Subflow s : m.subflows) if (tcp != null) r = tcp.setsockopt(s.sk(), level, name, value);
        if (m.subflows.isEmpty() && !(level == SockConst.SOL_TCP && name == SockConst.TCP_NODELAY)) return -SockConst.ENOPROTOOPT;
        return r;
    }

    @Override
    public int setsockopt(Sock sk, int level, int name, String value) {
        MptcpSock m = msk(sk);
        if (level == SockConst.SOL_TCP && name == MptcpSock.MPTCP_SCHEDULER) {
            if (value == null || !schedulerKnown(value)) return -SockConst.ENOENT;
            m.schedWanted = value;
            if (m.sched != null && !m.sched.name().equals(value)) m.setScheduler(schedulerFor(value));
            return 0;
        }
        if (level == SockConst.SOL_TCP && name == SockConst.TCP_CONGESTION) {
            Proto tcp = tcp();
            if (tcp == null) return -SockConst.ENOPROTOOPT;
            Subflow f = first(m);
            int r = f == null ? -SockConst.ENOPROTOOPT : tcp.setsockopt(f.sk(), level, name, value);
            if (r != 0) return r;
            m.ccName = value;
            for (Subflow s : m.subflows) if (s != f) tcp.setsockopt(s.sk(), level, name, value);
            return 0;
        }
        return -SockConst.ENOPROTOOPT;
    }

    @Override
    public long getsockopt(Sock sk, int level, int name) {
        MptcpSock m = msk(sk);
        if (level == SockConst.SOL_SOCKET && name == SockConst.SO_SNDBUF) return m.skSndbuf;
        if (level == SockConst.SOL_SOCKET && name == SockConst.SO_RCVBUF) return m.skRcvbuf;
        if (level == SockConst.SOL_TCP && name == SockConst.TCP_NODELAY) return m.nodelay ? 1 : 0;
        Proto tcp = tcp();
        if (tcp == null || m.subflows.isEmpty()) return Long.MIN_VALUE;
        return tcp.getsockopt(m.subflows.get(0).sk(), level, name);
    }

    @Override
    public String getsockoptString(Sock sk, int level, int name) {
        MptcpSock m = msk(sk);
        if (level == SockConst.SOL_TCP && name == MptcpSock.MPTCP_SCHEDULER) {
            return m.sched != null ? m.sched.name() : m.schedWanted != null ? m.schedWanted : m.pernet().scheduler;
        }
        if (level == SockConst.SOL_TCP && name == SockConst.TCP_CONGESTION && m.ccName != null && m.subflows.isEmpty()) return m.ccName;
        Proto tcp = tcp();
        if (tcp == null || m.subflows.isEmpty()) return null;
        return tcp.getsockoptString(m.subflows.get(0).sk(), level, name);
    }

    @Override
    public void backlogRcv(Sock sk, SkBuff skb) {
        host.allocator().free(skb);
    }

    @Override
    public void releaseCb(Sock sk) {
        MptcpSock m = msk(sk);
        if (!m.dead && m.skState != SockConst.TCP_LISTEN) m.writeXmit();
    }

    @Override
    public TcpInfo info(Sock sk) {
        MptcpSock m = msk(sk);
        Proto tcp = tcp();
        if (tcp == null || m.subflows.isEmpty()) return null;
        return tcp.info(m.subflows.get(0).sk());
    }

    @Override
    public MptcpInfo mptcpInfo(Sock sk) {
        if (!(sk instanceof MptcpSock m) || m.proto != this || m.skState == SockConst.TCP_LISTEN) return null;
        List<MptcpInfo.Subflow> subs = new ArrayList<>();
        for (Subflow s : m.subflows) {
            Sock t = s.sk();
            subs.add(new MptcpInfo.Subflow(s.pathIndex, s.localId, s.remoteId, addr(t.saddr, t.sport), addr(t.daddr, t.dport),
                    SockConst.stateName(t.skState), s.isBackup(), s.fullyEstablished, s.sndCwnd(), s.srttUs(), s.schedBytes,
                    s.schedSegs, s.reinjectBytes, s.rcvBytes, s.tcp.bytesSent(), s.tcp.totalRetrans()));
        }
        MptcpCounters c = m.counters;
        return new MptcpInfo(SockConst.stateName(m.skState), addr(m.saddr, m.sport), addr(m.daddr, m.dport), m.schedName(),
                m.fallback, m.localToken, m.remoteToken, c.bytesSent, c.bytesAcked, c.bytesReceived, c.reinjectedBytes,
                c.dupBytes, m.sndUna, m.sndNxt, m.rcvq.rcvNxt, c.rtoCount, c.schedChanges, List.copyOf(subs));
    }

    private static String addr(int ip, int port) {
        return org.nicemu.api.wire.Ipv4Address.toString(ip) + ":" + port;
    }

    @Override
    public List<Sock> sockets() {
        return new ArrayList<>(socks);
    }

    /** The connections of this host (for {@code ss -M} and summaries). */
    List<MptcpSock> connections() {
        return new ArrayList<>(socks);
    }

    @Override
    public void destroy() {
        for (MptcpSock m : new ArrayList<>(socks)) {
            try {
                if (m.skState == SockConst.TCP_LISTEN) close(m);
                else m.abort(SockConst.ECONNABORTED, true);
            } catch (RuntimeException e) {
                fault("destroy", e);
            }
        }
        socks.clear();
        tokens.clear();
        host.inet().mptcp.removeListener(pmEvents);
        onDestroy.run();
    }

    @Override
    public void rcv(SkBuff skb) {
        host.allocator().free(skb);
    }
}
