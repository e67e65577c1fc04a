package org.nicemu.apps;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EmuTask;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.Socket;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.api.sock.TcpInfo;
import org.nicemu.core.testing.DeviceHarness;

/**
 * A stand-in for TCP + the socket layer, for testing the applications' logic: two real core hosts
 * (tasks, scheduler, loop) whose sockets are byte pipes with a one-way delay and a bounded window.
 * It keeps the {@link Socket} contract strictly: a call that must wait returns PENDING and puts the
 * task to sleep; the callback runs in the task's context after a wake-up. Sends take what fits
 * (possibly fewer bytes than asked), so the applications' partial-send handling is exercised.
 */
final class PipeStack implements AppsContract.Stack, SocketLayer {
    static final int H1 = 0xc6120001, H2 = 0xc6120002;

    final DeviceHarness harness = new DeviceHarness(3);
    final Host h1 = harness.addHost("h1", 2), h2 = harness.addHost("h2", 2);
    /** One-way delay and window (bytes in flight + unread at the peer). */
    final long delayNs;
    final int window;
    private final Map<Integer, PipeSocket> listeners = new HashMap<>();
    private int nextPort = 40000;

    PipeStack(long delayNs, int window) {
        this.delayNs = delayNs;
        this.window = window;
    }

    @Override public SocketLayer layer() { return this; }
    @Override public Host h1() { return h1; }
    @Override public Host h2() { return h2; }
    @Override public int addr1() { return H1; }
    @Override public int addr2() { return H2; }
    @Override public void runUntil(long ns) { harness.runUntil(ns); }
    @Override public long now() { return harness.now(); }

    int addrOf(Host h) {
        return h == h1 ? H1 : H2;
    }

    @Override
    public Socket socket(Host host, EmuTask task, int family, int type, int protocol) {
        if (family != SockConst.AF_INET || type != SockConst.SOCK_STREAM) throw new IllegalArgumentException("only AF_INET SOCK_STREAM");
        return new PipeSocket(host, task);
    }

    @Override
    public List<Socket> sockets(Host host) {
        return List.of();
    }

    private void after(Host h, Runnable r) {
        h.loop().newTimer("pipe", r).arm(h.loop().now() + delayNs);
    }

    /** Puts the calling task to sleep; the socket call returns PENDING. */
    private static int pending(PipeSocket s) {
        s.host.tasks().sleep(s.task);
        return Socket.PENDING;
    }

    private static final class PSock extends Sock {
        PSock(Host h) { super(h); }

        @Override public Proto proto() { return null; }
    }

    final class PipeSocket implements Socket {
        final Host host;
        EmuTask task;
        final PSock sk;
        PipeSocket peer;
        final ArrayDeque<byte[]> rcv = new ArrayDeque<>();
        int rcvOff;
        long unread, inFlight; // unread: at this socket; inFlight: sent by this socket, not yet arrived
        boolean eof, closed, listening;
        long bytesSent, bytesReceived;
        // a waiting call
        byte[] wbuf;
        int woff, wlen;
        IntConsumer wdone;
        boolean wIsSend;
        final ArrayDeque<PipeSocket> acceptQueue = new ArrayDeque<>();
        EmuTask acceptTask;
        AcceptDone acceptDone;

        PipeSocket(Host host, EmuTask task) {
            this.host = host;
            this.task = task;
            sk = new PSock(host);
            sk.saddr = addrOf(host);
        }

        @Override public Sock sk() { return sk; }
        @Override public EmuTask task() { return task; }
        @Override public void setNonBlocking(boolean nb) { }
        @Override public boolean nonBlocking() { return false; }

        @Override
        public int bind(int addr, int port) {
            if (listeners.containsKey(port)) return -SockConst.EADDRINUSE;
            sk.sport = port;
            return 0;
        }

        @Override
        public int listen(int backlog) {
            listeners.put(sk.sport, this);
            listening = true;
            sk.skState = SockConst.TCP_LISTEN;
            return 0;
        }

        @Override
        public int connect(int daddr, int dport, IntConsumer done) {
            sk.sport = nextPort++;
            sk.daddr = daddr;
            sk.dport = dport;
            after(host, () -> { // SYN arrives
                PipeSocket l = listeners.get(dport);
                if (l == null || l.closed) {
                    after(l == null ? host : l.host, () -> wake(this, done, -SockConst.ECONNREFUSED));
                    return;
                }
                PipeSocket child = new PipeSocket(l.host, null);
                child.sk.sport = dport;
                child.sk.daddr = sk.saddr;
                child.sk.dport = sk.sport;
                child.peer = this;
                peer = child;
                child.sk.skState = SockConst.TCP_ESTABLISHED;
                if (l.acceptDone != null) {
                    AcceptDone d = l.acceptDone;
                    EmuTask t = l.acceptTask;
                    l.acceptDone = null;
                    l.host.tasks().wakeUp(l.task, () -> {
                        child.task = t == null ? l.task : t;
                        d.accepted(child, 0);
                    });
                } else {
                    l.acceptQueue.add(child);
                }
                after(l.host, () -> { // SYN-ACK arrives
                    sk.skState = SockConst.TCP_ESTABLISHED;
                    wake(this, done, 0);
                });
            });
            return pending(this);
        }

        private void wake(PipeSocket s, IntConsumer done, int r) {
            s.host.tasks().wakeUp(s.task, () -> done.accept(r));
        }

        @Override
        public int accept(EmuTask t, AcceptDone done) {
            PipeSocket c = acceptQueue.poll();
            if (c != null) {
                c.task = t == null ? task : t;
                done.accepted(c, 0);
                return 0;
            }
            acceptTask = t;
            acceptDone = done;
            return pending(this);
        }

        @Override
        public int send(byte[] buf, int off, int len, int flags, IntConsumer done) {
            if (peer == null) return -SockConst.ENOTCONN;
            if ((sk.skShutdown & SockConst.SEND_SHUTDOWN) != 0) return -SockConst.EPIPE;
            int n = copyOut(buf, off, len);
            if (n > 0) return n;
            wbuf = buf;
            woff = off;
            wlen = len;
            wdone = done;
            wIsSend = true;
            return pending(this);
        }

        private int copyOut(byte[] buf, int off, int len) {
            long room = window - inFlight - peer.unread;
            int n = (int) Math.min(len, room);
            if (n <= 0) return 0;
            byte[] chunk = java.util.Arrays.copyOfRange(buf, off, off + n);
            inFlight += n;
            bytesSent += n;
            PipeSocket p = peer;
            after(host, () -> {
                inFlight -= n;
                if (p.closed) {
                    writeSpace();
                    return;
                }
                p.rcv.add(chunk);
                p.unread += n;
                p.dataReady();
            });
            return n;
        }

        /** Room at the peer: a waiting send takes what fits now. */
        void writeSpace() {
            if (wdone == null || !wIsSend) return;
            int n = copyOut(wbuf, woff, wlen);
            if (n == 0) return;
            IntConsumer d = wdone;
            wdone = null;
            wake(this, d, n);
        }

        void dataReady() {
            if (wdone == null || wIsSend) return;
            int n = copyIn(wbuf, woff, wlen);
            if (n == 0 && !eof) return;
            IntConsumer d = wdone;
            wdone = null;
            wake(this, d, n);
        }

        private int copyIn(byte[] buf, int off, int len) {
            int n = 0;
            while (n < len && !rcv.isEmpty()) {
                byte[] c = rcv.peek();
                int k = Math.min(len - n, c.length - rcvOff);
                System.arraycopy(c, rcvOff, buf, off + n, k);
                n += k;
                rcvOff += k;
                if (rcvOff == c.length) {
                    rcv.poll();
                    rcvOff = 0;
                }
            }
            unread -= n;
            bytesReceived += n;
            if (n > 0 && peer != null) peer.writeSpace();
            return n;
        }

        @Override
        public int recv(byte[] buf, int off, int len, int flags, IntConsumer done) {
            int n = copyIn(buf, off, len);
            if (n > 0 || eof) return n;
            if (peer == null) return -SockConst.ENOTCONN;
            wbuf = buf;
            woff = off;
            wlen = len;
            wdone = done;
            wIsSend = false;
            return pending(this);
        }

        @Override
        public int shutdown(int how) {
            if (peer == null) return -SockConst.ENOTCONN;
            if ((sk.skShutdown & SockConst.SEND_SHUTDOWN) != 0) return 0;
            sk.skShutdown |= SockConst.SEND_SHUTDOWN;
            PipeSocket p = peer;
            after(host, () -> {
                p.eof = true;
                p.dataReady();
            });
            return 0;
        }

        @Override
        public void close() {
            if (closed) return;
            if (peer != null) shutdown(SockConst.SHUT_WR);
            closed = true;
            if (listening) listeners.remove(sk.sport, this);
        }

        @Override public int setsockopt(int level, int name, long value) { return 0; }

        @Override
        public int setsockopt(int level, int name, String value) {
            return name == SockConst.TCP_CONGESTION && !List.of("reno", "cubic").contains(value) ? -SockConst.ENOENT : 0;
        }

        @Override public long getsockopt(int level, int name) { return Long.MIN_VALUE; }
        @Override public String getsockoptString(int level, int name) { return null; }

        @Override
        public TcpInfo info() {
            return new TcpInfo(SockConst.stateName(sk.skState), SocketApp.addr(sk.saddr, sk.sport), SocketApp.addr(sk.daddr, sk.dport),
                    "pipe", -1, -1, 0, 0, 0, 0, 1448, 1448, 10, Integer.MAX_VALUE, bytesSent, 0, bytesSent, bytesReceived, 0, 0, 0, 0, 0,
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, inFlight, unread);
        }
    }

    /** Every listener and socket created is kept only by the apps; nothing else to close. */
    List<String> openListeners() {
        return new ArrayList<>(listeners.keySet().stream().map(String::valueOf).toList());
    }
}
