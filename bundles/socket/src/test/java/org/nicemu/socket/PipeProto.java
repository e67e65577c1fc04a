package org.nicemu.socket;

import static org.nicemu.api.sock.SockConst.EAGAIN;
import static org.nicemu.api.sock.SockConst.ECONNREFUSED;
import static org.nicemu.api.sock.SockConst.EINPROGRESS;
import static org.nicemu.api.sock.SockConst.ENOPROTOOPT;
import static org.nicemu.api.sock.SockConst.ENOTCONN;
import static org.nicemu.api.sock.SockConst.EPIPE;
import static org.nicemu.api.sock.SockConst.MSG_PEEK;
import static org.nicemu.api.sock.SockConst.SEND_SHUTDOWN;
import static org.nicemu.api.sock.SockConst.SHUT_RD;
import static org.nicemu.api.sock.SockConst.SOL_SOCKET;
import static org.nicemu.api.sock.SockConst.SO_SNDBUF;
import static org.nicemu.api.sock.SockConst.TCP_CLOSE;
import static org.nicemu.api.sock.SockConst.TCP_ESTABLISHED;
import static org.nicemu.api.sock.SockConst.TCP_LISTEN;
import static org.nicemu.api.sock.SockConst.TCP_SYN_SENT;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.emu.Host;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.TcpInfo;
import org.nicemu.api.sock.TransportFactory;

/**
 * A test-only transport: an in-memory byte pipe between two sockets of the same host. Bytes a socket
 * sends count against its send buffer ({@link #SNDBUF}) until the peer has read them; every signal
 * (data, write space, SYN, SYN-ACK, FIN, RST) reaches the other side after {@link #DELAY} ns through
 * a loop timer. A connect to a port without listener is refused after one delay, with
 * {@code sk_err = ECONNREFUSED} (or without an error when {@link #silentRefuse}).
 */
final class PipeProto implements Proto {
    static final long DELAY = 10_000; // 10 µs
    static final int SNDBUF = 1000;

    final Host host;
    final List<Sock> all = new ArrayList<>();
    final Map<Integer, PipeSock> listeners = new HashMap<>();
    /** What backlogRcv / releaseCb saw, in order (skb lengths, "owned" flags, "releaseCb"). */
    final List<String> events = new ArrayList<>();
    boolean silentRefuse;
    RuntimeException throwOnRecv;

    PipeProto(Host host) {
        this.host = host;
    }

    static TransportFactory factory(List<PipeProto> made) {
        return new TransportFactory() {
            @Override public int protocol() { return 6; }

            @Override
            public Proto create(Host h) {
                PipeProto p = new PipeProto(h);
                made.add(p);
                return p;
            }
        };
    }

    final class PipeSock extends Sock {
        PipeSock peer;
        byte[] rq = new byte[0];
        int rqLen;
        boolean finRcvd;
        final ArrayDeque<PipeSock> acceptQ = new ArrayDeque<>();

        PipeSock() {
            super(PipeProto.this.host);
            skSndbuf = SNDBUF;
            skRcvbuf = SNDBUF;
        }

        @Override public Proto proto() { return PipeProto.this; }
    }

    private void later(Runnable r) {
        host.loop().newTimer("pipe", r).arm(host.loop().now() + DELAY);
    }

    @Override public String name() { return "pipe"; }

    @Override public int protocol() { return 6; }

    @Override public Host host() { return host; }

    @Override
    public Sock create(int cpu) {
        PipeSock s = new PipeSock();
        s.cpu = cpu;
        all.add(s);
        return s;
    }

    @Override
    public int bind(Sock sk, int addr, int port) {
        sk.saddr = addr;
        sk.sport = port;
        return 0;
    }

    @Override
    public int listen(Sock sk, int backlog) {
        sk.skState = TCP_LISTEN;
        listeners.put(sk.sport, (PipeSock) sk);
        return 0;
    }

    @Override
    public int connect(Sock sk, int daddr, int dport) {
        PipeSock c = (PipeSock) sk;
        c.skState = TCP_SYN_SENT;
        c.daddr = daddr;
        c.dport = dport;
        later(() -> { // the SYN arrives
            PipeSock l = listeners.get(dport);
            if (l == null || l.skState != TCP_LISTEN) {
                c.skState = TCP_CLOSE;
                if (silentRefuse) {
                    c.callbacks.stateChange(c);
                } else {
                    c.skErr = ECONNREFUSED;
                    c.callbacks.errorReport(c);
                }
                return;
            }
            PipeSock child = (PipeSock) create(l.cpu);
            child.skState = TCP_ESTABLISHED;
            child.peer = c;
            c.peer = child;
            l.acceptQ.add(child);
            l.callbacks.dataReady(l);
            later(() -> { // the SYN-ACK arrives
                c.skState = TCP_ESTABLISHED;
                c.callbacks.stateChange(c);
            });
        });
        return -EINPROGRESS;
    }

    @Override
    public Sock accept(Sock listener) {
        return ((PipeSock) listener).acceptQ.poll();
    }

    @Override
    public int sendmsgLocked(Sock sk, byte[] buf, int off, int len, int flags) {
        PipeSock s = (PipeSock) sk;
        if ((s.skShutdown & SEND_SHUTDOWN) != 0) return -EPIPE;
        if (s.peer == null) return -ENOTCONN;
        int n = Math.min(len, s.skSndbuf - s.skWmemQueued);
        if (n <= 0) return -EAGAIN;
        s.skWmemQueued += n;
        byte[] data = java.util.Arrays.copyOfRange(buf, off, off + n);
        PipeSock p = s.peer;
        later(() -> {
            if (p.rq.length < p.rqLen + data.length) p.rq = java.util.Arrays.copyOf(p.rq, p.rqLen + data.length);
            System.arraycopy(data, 0, p.rq, p.rqLen, data.length);
            p.rqLen += data.length;
            p.callbacks.dataReady(p);
        });
        return n;
    }

    @Override
    public int recvmsg(Sock sk, byte[] buf, int off, int len, int flags) {
        if (throwOnRecv != null) throw throwOnRecv;
        PipeSock s = (PipeSock) sk;
        if (s.rqLen > 0) {
            int n = Math.min(len, s.rqLen);
            System.arraycopy(s.rq, 0, buf, off, n);
            if ((flags & MSG_PEEK) == 0) {
                System.arraycopy(s.rq, n, s.rq, 0, s.rqLen - n);
                s.rqLen -= n;
                PipeSock p = s.peer;
                p.skWmemQueued -= n;
                later(() -> p.callbacks.writeSpace(p));
            }
            return n;
        }
        if (s.finRcvd) return 0;
        if (s.skErr != 0) return s.sockError();
        return -EAGAIN;
    }

    @Override public boolean writable(Sock sk) { return sk.skSndbuf - sk.skWmemQueued > 0; }

    @Override
    public boolean readable(Sock sk) {
        PipeSock s = (PipeSock) sk;
        return s.rqLen > 0 || s.finRcvd;
    }

    @Override public boolean acceptable(Sock listener) { return !((PipeSock) listener).acceptQ.isEmpty(); }

    @Override
    public int shutdown(Sock sk, int how) {
        PipeSock s = (PipeSock) sk;
        if (how != SHUT_RD && s.peer != null) fin(s.peer);
        return 0;
    }

    private void fin(PipeSock p) {
        later(() -> {
            p.finRcvd = true;
            p.callbacks.dataReady(p);
        });
    }

    @Override
    public void close(Sock sk) {
        PipeSock s = (PipeSock) sk;
        if (s.skState == TCP_LISTEN) listeners.remove(s.sport, s);
        if (s.peer != null && (s.skShutdown & SEND_SHUTDOWN) == 0) fin(s.peer);
        s.skState = TCP_CLOSE;
        all.remove(s);
    }

    @Override
    public void abort(Sock sk, int err) {
        sk.skState = TCP_CLOSE;
        sk.skErr = err;
    }

    @Override
    public int setsockopt(Sock sk, int level, int name, long value) {
        if (level == SOL_SOCKET && name == SO_SNDBUF) {
            sk.skSndbuf = (int) value;
            return 0;
        }
        return -ENOPROTOOPT;
    }

    @Override public int setsockopt(Sock sk, int level, int name, String value) { return -ENOPROTOOPT; }

    @Override
    public long getsockopt(Sock sk, int level, int name) {
        return level == SOL_SOCKET && name == SO_SNDBUF ? sk.skSndbuf : Long.MIN_VALUE;
    }

    @Override public String getsockoptString(Sock sk, int level, int name) { return null; }

    @Override
    public void backlogRcv(Sock sk, SkBuff skb) {
        events.add("skb" + skb.len() + (sk.ownedByUser ? " owned" : " not-owned"));
        skb.allocator().free(skb);
    }

    @Override
    public void releaseCb(Sock sk) {
        events.add("releaseCb");
    }

    @Override
    public TcpInfo info(Sock sk) {
        return new TcpInfo(SockConst.stateName(sk.skState), "0.0.0.0:" + sk.sport, "0.0.0.0:" + sk.dport, "none", -1, -1,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, sk.skWmemQueued,
                ((PipeSock) sk).rqLen);
    }

    @Override public List<Sock> sockets() { return List.copyOf(all); }

    @Override public void destroy() { }

    @Override
    public void rcv(SkBuff skb) {
        skb.allocator().free(skb);
    }
}
