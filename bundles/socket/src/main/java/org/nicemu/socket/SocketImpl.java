package org.nicemu.socket;

import static org.nicemu.api.sock.SockConst.EAGAIN;
import static org.nicemu.api.sock.SockConst.EALREADY;
import static org.nicemu.api.sock.SockConst.EBADF;
import static org.nicemu.api.sock.SockConst.ECONNREFUSED;
import static org.nicemu.api.sock.SockConst.ECONNRESET;
import static org.nicemu.api.sock.SockConst.EFAULT;
import static org.nicemu.api.sock.SockConst.EINPROGRESS;
import static org.nicemu.api.sock.SockConst.EINVAL;
import static org.nicemu.api.sock.SockConst.EISCONN;
import static org.nicemu.api.sock.SockConst.ENOTCONN;
import static org.nicemu.api.sock.SockConst.EPIPE;
import static org.nicemu.api.sock.SockConst.MSG_DONTWAIT;
import static org.nicemu.api.sock.SockConst.MSG_PEEK;
import static org.nicemu.api.sock.SockConst.MSG_WAITALL;
import static org.nicemu.api.sock.SockConst.RCV_SHUTDOWN;
import static org.nicemu.api.sock.SockConst.SEND_SHUTDOWN;
import static org.nicemu.api.sock.SockConst.SHUT_RD;
import static org.nicemu.api.sock.SockConst.SHUT_RDWR;
import static org.nicemu.api.sock.SockConst.SOL_SOCKET;
import static org.nicemu.api.sock.SockConst.SO_RCVTIMEO;
import static org.nicemu.api.sock.SockConst.SO_SNDTIMEO;
import static org.nicemu.api.sock.SockConst.TCP_CLOSE;
import static org.nicemu.api.sock.SockConst.TCP_LISTEN;
import static org.nicemu.api.sock.SockConst.TCP_SYN_RECV;
import static org.nicemu.api.sock.SockConst.TCP_SYN_SENT;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EmuTask;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.SecurityHook;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockCallbacks;
import org.nicemu.api.sock.Socket;
import org.nicemu.api.sock.TcpInfo;

/**
 * A socket of an emulated task: mirrors {@code struct socket} with {@code inet_stream_ops}
 * (net/ipv4/af_inet.c), the system-call paths of net/socket.c, {@code lock_sock()} /
 * {@code release_sock()} of net/core/sock.c and the waits of net/core/stream.c.
 *
 * <p>How the emulator differs: there are no threads to block. A call that must wait registers a
 * {@link Call} (the wait-queue entry), makes this object the socket's {@link Sock#callbacks} (the
 * {@code sk_sleep(sk)} wait queue) and puts its task to sleep; a callback whose wait condition now
 * holds wakes the task, which retries the call in its context (the loop of {@code sk_wait_event()}:
 * the lock is taken again and the operation re-tried). The result goes to the call's callback. A
 * timeout is a loop timer. Loop thread only.
 */
public final class SocketImpl implements Socket {
    /** {@code socket_state} (include/uapi/linux/net.h). */
    static final int SS_UNCONNECTED = 1, SS_CONNECTING = 2, SS_CONNECTED = 3, SS_DISCONNECTING = 4;

    private final SocketLayerComponent layer;
    private final Host host;
    private final EmuTask task;
    private final Sock sk;
    private final TaskWaker waker;
    /** Calls waiting on this socket, in the order they started waiting. */
    private final List<Call> pending = new ArrayList<>();
    /** {@code sock->state}. */
    private int state;
    private boolean nonBlocking;
    private boolean closed;

    /** sk_state_change / sk_data_ready / sk_write_space / sk_error_report: wake whoever can go on. */
    private final SockCallbacks wakeups = new SockCallbacks() {
        @Override public void stateChange(Sock s) { wakeReady(); }
        @Override public void dataReady(Sock s) { wakeReady(); }
        @Override public void writeSpace(Sock s) { wakeReady(); }
        @Override public void errorReport(Sock s) { wakeReady(); }
    };

    SocketImpl(SocketLayerComponent layer, Host host, EmuTask task, Sock sk, int state) {
        this.layer = layer;
        this.host = host;
        this.task = task;
        this.sk = sk;
        this.state = state;
        this.waker = layer.waker(host, task);
        sk.callbacks = wakeups;
    }

    Host host() { return host; }

    @Override public Sock sk() { return sk; }

    @Override public EmuTask task() { return task; }

    @Override public void setNonBlocking(boolean nb) { nonBlocking = nb; }

    @Override public boolean nonBlocking() { return nonBlocking; }

    private Proto proto() { return sk.proto(); }

    // ---------------------------------------------------------------- lock_sock / release_sock

    /**
     * Mirrors net/core/sock.c lock_sock(): the task owns the socket; input arriving meanwhile goes to
     * {@link Sock#skBacklog} (the transport's job, counted by it as lockSockOwned). Counts one
     * lock acquisition ({@code sk_lock.slock}). The emulation has one thread, so finding the socket
     * owned already is a bug (Linux would sleep in __lock_sock()): IllegalStateException.
     */
    public void lockSock() {
        if (sk.ownedByUser) throw new IllegalStateException("lock_sock: socket " + this + " is owned already");
        host.counters().lockAcquired++;
        sk.ownedByUser = true;
    }

    /**
     * Mirrors net/core/sock.c release_sock(): processes the backlog ({@link #releaseSockBacklog}),
     * then {@code sk_prot->release_cb()}, then gives up ownership (also when the transport throws,
     * so that a failing transport cannot leave the socket locked for ever).
     */
    public void releaseSock() {
        try {
            if (!sk.skBacklog.isEmpty()) releaseSockBacklog();
            proto().releaseCb(sk);
        } finally {
            sk.ownedByUser = false;
        }
    }

    /**
     * Mirrors net/core/sock.c __release_sock(): every skb of the backlog, in arrival order, goes to
     * sk_backlog_rcv() while the socket is still owned; skbs added meanwhile are processed too. As in
     * Linux, {@code sk_backlog.len} is zeroed at the end (not decremented per skb), so a producer
     * flooding the backlog cannot keep us here for ever.
     */
    private void releaseSockBacklog() {
        SkBuff skb;
        while ((skb = sk.skBacklog.removeHead()) != null) proto().backlogRcv(sk, skb);
        sk.skBacklogLen = 0;
    }

    // ---------------------------------------------------------------- waiting

    /**
     * One system call that waits: the wait-queue entry of {@code sk_wait_event()}. {@link #attempt}
     * (re)tries the operation with the socket locked and returns the result or {@link #PENDING};
     * {@link #ready} is the wake condition, evaluated on each socket callback; {@link #expired} is
     * the result when the timeout ran out. Exactly one {@link #deliver} per call, in task context.
     */
    abstract class Call {
        boolean done, woken, timedOut, badf, fault;
        Timer timer;

        abstract int attempt();

        abstract boolean ready();

        /** The result for a non-blocking call or a zero timeout that would wait. */
        abstract int wouldBlock();

        /** After the timeout: by default one more try, then {@link #wouldBlock()}. */
        int expired() {
            int r = attempt();
            return r == PENDING ? wouldBlock() : r;
        }

        abstract void deliver(int result);

        /** A call that completes at once may also have to tell its callback (accept). */
        void deliverNow(int result) {
        }

        /** The task is back after a wake-up: try again, finish, or wait again. */
        void resume() {
            if (done) return;
            woken = false;
            int r;
            try {
                if (badf) r = -EBADF;
                else if (fault) r = -EFAULT;
                else if (timedOut) r = expired();
                else r = attempt();
            } catch (RuntimeException e) {
                layer.fault(proto().name() + " on " + task.name(), e);
                r = -EFAULT;
            }
            if (r == PENDING) {
                waker.sleep();
                return;
            }
            complete(this, r);
        }
    }

    /**
     * Runs {@code c}: completes now (returns the result), returns the would-block result when the
     * socket may not wait, or registers the wait, arms the timeout and puts the task to sleep.
     */
    private int run(Call c, int flags, long timeoNanos) {
        int r;
        try {
            r = c.attempt();
        } catch (RuntimeException e) {
            layer.fault(proto().name() + " on " + task.name(), e);
            return -EFAULT;
        }
        if (r != PENDING) {
            c.deliverNow(r);
            return r;
        }
        if (nonBlocking || (flags & MSG_DONTWAIT) != 0 || timeoNanos <= 0) return c.wouldBlock();
        pending.add(c);
        if (timeoNanos != Long.MAX_VALUE) {
            c.timer = host.loop().newTimer("sock-timeo " + task.name(), () -> {
                c.timedOut = true;
                wake(c);
            });
            long now = host.loop().now();
            c.timer.arm(now > Long.MAX_VALUE - timeoNanos ? Long.MAX_VALUE : now + timeoNanos);
        }
        // a callback may have fired while the lock was released (backlog processing)
        if (readySafely(c)) wake(c);
        waker.sleep();
        return PENDING;
    }

    private boolean readySafely(Call c) {
        try {
            return c.ready();
        } catch (RuntimeException e) {
            layer.fault(proto().name() + " readiness check on " + task.name(), e);
            c.fault = true;
            return true;
        }
    }

    private void wake(Call c) {
        if (c.done || c.woken) return;
        c.woken = true;
        waker.wake(c);
    }

    /** The socket's callbacks: wakes (try_to_wake_up) the task of every call whose condition holds. */
    private void wakeReady() {
        for (int i = 0; i < pending.size(); i++) {
            Call c = pending.get(i);
            if (!c.woken && readySafely(c)) wake(c);
        }
    }

    private void complete(Call c, int r) {
        if (c.done) return;
        c.done = true;
        pending.remove(c);
        if (c.timer != null) c.timer.cancel();
        try {
            c.deliver(r);
        } catch (RuntimeException e) {
            layer.fault("completion callback of " + task.name(), e);
        }
    }

    private static IntConsumer orNothing(IntConsumer done) {
        return done != null ? done : r -> { };
    }

    // ---------------------------------------------------------------- bind, listen, connect, accept

    /** Mirrors af_inet.c inet_bind() (lock, sk_prot bind). */
    @Override
    public int bind(int addr, int port) {
        if (closed) return -EBADF;
        lockSock();
        try {
            return proto().bind(sk, addr, port);
        } finally {
            releaseSock();
        }
    }

    /** Mirrors af_inet.c inet_listen(): only an unconnected socket may listen. */
    @Override
    public int listen(int backlog) {
        if (closed) return -EBADF;
        if (state != SS_UNCONNECTED) return -EINVAL;
        lockSock();
        try {
            return proto().listen(sk, backlog);
        } finally {
            releaseSock();
        }
    }

    @Override
    public int connect(int daddr, int dport, IntConsumer done) {
        return inetStreamConnect(daddr, dport, done);
    }

    /**
     * Mirrors af_inet.c __inet_stream_connect(): -EISCONN when connected, -EALREADY while connecting,
     * else sk_prot->connect() (which returns -EINPROGRESS once the SYN is out); then waits
     * ({@link #inetWaitForConnect}) with {@code sk_sndtimeo}. A timeout returns -EINPROGRESS, as
     * Linux. Differences: the wait ends as soon as {@code sk_err} is set (→ sock_error()); a socket
     * that went to TCP_CLOSE without an error reports -ECONNREFUSED (Linux: -ECONNABORTED).
     */
    public int inetStreamConnect(int daddr, int dport, IntConsumer done) {
        if (closed) return -EBADF;
        int err;
        lockSock();
        try {
            switch (state) {
                case SS_CONNECTED:
                    return -EISCONN;
                case SS_CONNECTING:
                    err = -EALREADY;
                    break;
                case SS_UNCONNECTED:
                    if (sk.skState != TCP_CLOSE) return -EISCONN;
                    err = proto().connect(sk, daddr, dport);
                    if (err < 0 && err != -EINPROGRESS) return err;
                    state = SS_CONNECTING;
                    err = -EINPROGRESS;
                    break;
                default:
                    return -EINVAL;
            }
        } catch (RuntimeException e) {
            layer.fault(proto().name() + " connect on " + task.name(), e);
            return -EFAULT;
        } finally {
            releaseSock();
        }
        return run(new ConnectCall(err, orNothing(done)), 0, sk.skSndtimeoNanos);
    }

    /** inet_wait_for_connect(): waits while the socket is in SYN-SENT / SYN-RECV. */
    private final class ConnectCall extends Call {
        private final int err;
        private final IntConsumer done;

        ConnectCall(int err, IntConsumer done) {
            this.err = err;
            this.done = done;
        }

        @Override
        int attempt() {
            lockSock();
            try {
                return inetWaitForConnect();
            } finally {
                releaseSock();
            }
        }

        @Override boolean ready() { return !synState() || sk.skErr != 0; }

        @Override int wouldBlock() { return err; }

        /** Linux returns the error set before waiting (-EINPROGRESS / -EALREADY) without re-checking. */
        @Override int expired() { return err; }

        @Override void deliver(int r) { done.accept(r); }
    }

    private boolean synState() {
        return sk.skState == TCP_SYN_SENT || sk.skState == TCP_SYN_RECV;
    }

    /** The condition part of af_inet.c inet_wait_for_connect() and the end of __inet_stream_connect(). */
    private int inetWaitForConnect() {
        if (synState() && sk.skErr == 0) return PENDING;
        if (sk.skState == TCP_CLOSE || sk.skErr != 0) {
            int e = sk.sockError();
            state = SS_UNCONNECTED;
            return e != 0 ? e : -ECONNREFUSED;
        }
        state = SS_CONNECTED;
        return 0;
    }

    @Override
    public int accept(EmuTask childTask, AcceptDone done) {
        return inetAccept(childTask, done);
    }

    /**
     * Mirrors af_inet.c inet_accept() → inet_csk_accept(): -EINVAL unless listening; waits for the
     * listener's sk_data_ready (a child was queued) with {@code sk_rcvtimeo}, as
     * inet_csk_wait_for_connect(); the child gets a new socket (sock_graft(), SS_CONNECTED) run by
     * {@code childTask} (null: this socket's task) and enters the host's table.
     */
    public int inetAccept(EmuTask childTask, AcceptDone done) {
        if (closed) return -EBADF;
        return run(new AcceptCall(childTask != null ? childTask : task, done), 0, sk.skRcvtimeoNanos);
    }

    private final class AcceptCall extends Call {
        private final EmuTask childTask;
        private final AcceptDone done;
        private SocketImpl child;

        AcceptCall(EmuTask childTask, AcceptDone done) {
            this.childTask = childTask;
            this.done = done;
        }

        @Override
        int attempt() {
            lockSock();
            try {
                if (sk.skState != TCP_LISTEN) return -EINVAL;
                Sock c = proto().accept(sk);
                if (c == null) return PENDING;
                c.cpu = childTask.cpu();
                child = layer.register(new SocketImpl(layer, host, childTask, c, SS_CONNECTED));
                return 0;
            } finally {
                releaseSock();
            }
        }

        @Override boolean ready() { return sk.skState != TCP_LISTEN || proto().acceptable(sk); }

        @Override int wouldBlock() { return -EAGAIN; }

        @Override void deliverNow(int r) { if (r == 0 && done != null) done.accepted(child, 0); }

        @Override void deliver(int r) { if (done != null) done.accepted(r == 0 ? child : null, r); }
    }

    // ---------------------------------------------------------------- send

    @Override
    public int send(byte[] buf, int off, int len, int flags, IntConsumer done) {
        return sockSendmsg(buf, off, len, flags, done);
    }

    /**
     * Mirrors net/socket.c sock_sendmsg(): counts the call, asks every {@link SecurityHook}
     * (security_socket_sendmsg(); the first non-zero result refuses the send and nothing is sent),
     * then {@link #sockSendmsgNosec}.
     */
    public int sockSendmsg(byte[] buf, int off, int len, int flags, IntConsumer done) {
        if (closed) return -EBADF;
        if (off < 0 || len < 0 || off > buf.length - len) return -EFAULT;
        host.counters().sockSendmsgCalls++;
        List<SecurityHook> hooks = layer.hooks();
        if (!hooks.isEmpty()) {
            for (SecurityHook h : hooks) {
                int r;
                try {
                    r = h.socketSendmsg(this, len, flags);
                } catch (RuntimeException e) {
                    layer.fault("security hook " + h, e);
                    return -EFAULT;
                }
                if (r != 0) return r;
            }
        }
        return sockSendmsgNosec(buf, off, len, flags, done);
    }

    /** Mirrors net/socket.c sock_sendmsg_nosec() → inet_sendmsg() → tcp_sendmsg() (lock, copy loop, release). */
    public int sockSendmsgNosec(byte[] buf, int off, int len, int flags, IntConsumer done) {
        return run(new SendCall(buf, off, len, flags, orNothing(done)), flags, sk.skSndtimeoNanos);
    }

    /**
     * tcp_sendmsg(): {@code sk_prot->sendmsg_locked} until every byte is copied; without memory
     * {@link #skStreamWaitMemory}. An error after some bytes were copied returns the count.
     */
    private final class SendCall extends Call {
        private final byte[] buf;
        private final int off, len, flags;
        private final IntConsumer done;
        private int copied;

        SendCall(byte[] buf, int off, int len, int flags, IntConsumer done) {
            this.buf = buf;
            this.off = off;
            this.len = len;
            this.flags = flags;
            this.done = done;
        }

        @Override
        int attempt() {
            lockSock();
            try {
                while (copied < len) {
                    int r = proto().sendmsgLocked(sk, buf, off + copied, len - copied, flags);
                    if (r > 0) {
                        copied += r;
                        host.counters().sockSendmsgBytes += r;
                    } else if (r == 0 || r == -EAGAIN) {
                        return skStreamWaitMemory(copied);
                    } else if (r == -EPIPE) {
                        return copied > 0 ? copied : streamError(); // sk_stream_error(): sock_error() ?: -EPIPE
                    } else {
                        return copied > 0 ? copied : r;
                    }
                }
                return copied;
            } finally {
                releaseSock();
            }
        }

        @Override boolean ready() { return proto().writable(sk) || sk.skErr != 0 || (sk.skShutdown & SEND_SHUTDOWN) != 0; }

        @Override int wouldBlock() { return copied > 0 ? copied : -EAGAIN; }

        /** sk_stream_wait_memory() after the timeout: an error or shutdown first, then -EAGAIN; no more copying. */
        @Override
        int expired() {
            int e = streamError();
            if (e != 0) return copied > 0 ? copied : e;
            return wouldBlock();
        }

        @Override void deliver(int r) { done.accept(r); }
    }

    /**
     * The checks of net/core/stream.c sk_stream_wait_memory() before it sleeps: a pending error or
     * SEND_SHUTDOWN ends the send (sk_stream_error(): sock_error() or -EPIPE; the count when bytes
     * were copied), otherwise the caller waits for sk_write_space ({@link #PENDING}).
     */
    private int skStreamWaitMemory(int copied) {
        if (sk.skErr == 0 && (sk.skShutdown & SEND_SHUTDOWN) == 0) return PENDING;
        if (copied > 0) return copied; // tcp_sendmsg_locked(): do_error with bytes copied returns them; the error stays for the next call
        return streamError();
    }

    /** sk_stream_error(-EPIPE) when {@code sk_err} or SEND_SHUTDOWN is set, else 0. */
    private int streamError() {
        if (sk.skErr == 0 && (sk.skShutdown & SEND_SHUTDOWN) == 0) return 0;
        int e = sk.sockError();
        return e != 0 ? e : -EPIPE;
    }

    // ---------------------------------------------------------------- recv

    @Override
    public int recv(byte[] buf, int off, int len, int flags, IntConsumer done) {
        return inetRecvmsg(buf, off, len, flags, done);
    }

    /**
     * Mirrors af_inet.c inet_recvmsg() → tcp_recvmsg(): lock, {@code sk_prot->recvmsg}, and without
     * data {@link #skWaitData} with {@code sk_rcvtimeo}. MSG_WAITALL keeps going until {@code len}
     * bytes, end of stream, an error or the timeout (returning what was copied). MSG_PEEK passes to
     * the transport; with it MSG_WAITALL is ignored (one peek, no accumulation).
     */
    public int inetRecvmsg(byte[] buf, int off, int len, int flags, IntConsumer done) {
        if (closed) return -EBADF;
        if (off < 0 || len < 0 || off > buf.length - len) return -EFAULT;
        return run(new RecvCall(buf, off, len, flags, orNothing(done)), flags, sk.skRcvtimeoNanos);
    }

    private final class RecvCall extends Call {
        private final byte[] buf;
        private final int off, len, flags, target;
        private final IntConsumer done;
        private int copied;

        RecvCall(byte[] buf, int off, int len, int flags, IntConsumer done) {
            this.buf = buf;
            this.off = off;
            this.len = len;
            this.flags = flags;
            this.done = done;
            this.target = (flags & MSG_WAITALL) != 0 && (flags & MSG_PEEK) == 0 ? len : Math.min(1, len);
        }

        @Override
        int attempt() {
            if (len == 0) return 0;
            lockSock();
            try {
                while (true) {
                    int r = proto().recvmsg(sk, buf, off + copied, len - copied, flags);
                    if (r > 0) {
                        copied += r;
                        if (copied >= target) return copied;
                    } else if (r == 0) {
                        return copied;
                    } else if (r == -EAGAIN) {
                        return skWaitData(copied);
                    } else {
                        return copied > 0 ? copied : r;
                    }
                }
            } finally {
                releaseSock();
            }
        }

        @Override boolean ready() { return proto().readable(sk) || sk.skErr != 0 || (sk.skShutdown & RCV_SHUTDOWN) != 0; }

        @Override int wouldBlock() { return copied > 0 ? copied : -EAGAIN; }

        @Override void deliver(int r) { done.accept(r); }
    }

    /**
     * The checks of tcp_recvmsg_locked() before net/core/sock.c sk_wait_data(): a pending error
     * (sock_error()) or RCV_SHUTDOWN end the call (with the count when bytes were copied), otherwise
     * the caller waits for sk_data_ready (or a state change / error) with the lock released.
     */
    private int skWaitData(int copied) {
        if (sk.skErr != 0) return copied > 0 ? copied : sk.sockError();
        if ((sk.skShutdown & RCV_SHUTDOWN) != 0) return copied;
        return PENDING;
    }

    // ---------------------------------------------------------------- shutdown, close, options

    /**
     * Mirrors af_inet.c inet_shutdown(): sets {@code sk_shutdown} (how + 1), calls
     * {@code sk_prot->shutdown(sk, how)} (with the SHUT_* value, as Proto documents), -ENOTCONN on a
     * closed socket; a listener shut down for reading and a socket in SYN-SENT are disconnected
     * ({@link Proto#abort}); then sk_state_change() wakes the waiters.
     */
    @Override
    public int shutdown(int how) {
        if (closed) return -EBADF;
        if (how < SHUT_RD || how > SHUT_RDWR) return -EINVAL;
        int mask = how + 1;
        int err = 0;
        lockSock();
        try {
            if (state == SS_CONNECTING) state = synState() || sk.skState == TCP_CLOSE ? SS_DISCONNECTING : SS_CONNECTED;
            switch (sk.skState) {
                case TCP_LISTEN:
                    if ((mask & RCV_SHUTDOWN) != 0) {
                        proto().abort(sk, 0);
                        state = SS_UNCONNECTED;
                    }
                    break;
                case TCP_SYN_SENT:
                    proto().abort(sk, ECONNRESET);
                    state = SS_UNCONNECTED;
                    break;
                case TCP_CLOSE:
                    err = -ENOTCONN;
                    // fall through: the bits are set anyway, as Linux does
                default:
                    sk.skShutdown |= mask;
                    int r = proto().shutdown(sk, how);
                    if (err == 0 && r < 0) err = r;
            }
        } catch (RuntimeException e) {
            layer.fault(proto().name() + " shutdown on " + task.name(), e);
            err = -EFAULT;
        } finally {
            releaseSock();
        }
        sk.callbacks.stateChange(sk);
        return err;
    }

    /**
     * Mirrors net/socket.c sock_close() → af_inet.c inet_release() → {@code sk_prot->close}: the
     * socket is orphaned (callbacks cleared), closed by the transport in the background, and leaves
     * the host's table. Calls of this socket still waiting complete with -EBADF.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        sk.callbacks = SockCallbacks.NONE;
        try {
            lockSock();
            try {
                proto().close(sk);
            } finally {
                releaseSock();
            }
        } catch (RuntimeException e) {
            layer.fault(proto().name() + " close on " + task.name(), e);
        }
        for (Call c : new ArrayList<>(pending)) {
            c.badf = true;
            wake(c);
        }
        layer.unregister(this);
    }

    /**
     * Mirrors net/core/sock.c sock_setsockopt() for SO_SNDTIMEO / SO_RCVTIMEO (value in emulated
     * nanoseconds; 0 = wait for ever, negative = do not wait, as sock_set_timeout()); everything else
     * goes to the transport with the socket locked.
     */
    @Override
    public int setsockopt(int level, int name, long value) {
        if (closed) return -EBADF;
        if (level == SOL_SOCKET && (name == SO_SNDTIMEO || name == SO_RCVTIMEO)) {
            long t = value == 0 ? Long.MAX_VALUE : Math.max(0, value);
            if (name == SO_SNDTIMEO) sk.skSndtimeoNanos = t;
            else sk.skRcvtimeoNanos = t;
            return 0;
        }
        lockSock();
        try {
            return proto().setsockopt(sk, level, name, value);
        } finally {
            releaseSock();
        }
    }

    @Override
    public int setsockopt(int level, int name, String value) {
        if (closed) return -EBADF;
        lockSock();
        try {
            return proto().setsockopt(sk, level, name, value);
        } finally {
            releaseSock();
        }
    }

    /** SO_SNDTIMEO / SO_RCVTIMEO in nanoseconds (0 = for ever, as Linux reports it); else the transport's. */
    @Override
    public long getsockopt(int level, int name) {
        if (level == SOL_SOCKET && (name == SO_SNDTIMEO || name == SO_RCVTIMEO)) {
            long t = name == SO_SNDTIMEO ? sk.skSndtimeoNanos : sk.skRcvtimeoNanos;
            return t == Long.MAX_VALUE ? 0 : t;
        }
        if (closed) return Long.MIN_VALUE;
        lockSock();
        try {
            return proto().getsockopt(sk, level, name);
        } finally {
            releaseSock();
        }
    }

    @Override
    public String getsockoptString(int level, int name) {
        if (closed) return null;
        lockSock();
        try {
            return proto().getsockoptString(sk, level, name);
        } finally {
            releaseSock();
        }
    }

    /** tcp_get_info() (read without lock_sock, as the lockless part of tcp_get_info()). */
    @Override
    public TcpInfo info() {
        return proto().info(sk);
    }

    /** Calls of this socket waiting now (tests and diagnostics). */
    int pendingCalls() { return pending.size(); }

    boolean isClosed() { return closed; }

    @Override
    public String toString() {
        return "socket " + proto().name() + " " + task.name() + "@" + host.name() + " state " + state + (closed ? " closed" : "");
    }
}
