package org.nicemu.apps;

import java.util.List;

import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EmuTask;
import org.nicemu.api.exec.TaskScheduler;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.Socket;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.api.sock.TcpInfo;
import org.nicemu.api.wire.Ipv4Address;

/**
 * An application running as one emulated task on one CPU of a host: {@link #start()} makes the
 * task and wakes it, the application's code then runs in that task's context as callbacks on the
 * emulation's loop (every method here: loop thread only). When the application is done it records
 * its end time, calls the {@link #onDone} listener and gives up its CPU (the task sleeps for good).
 */
public abstract class SocketApp {
    protected final SocketLayer layer;
    protected final Host host;
    protected final String name;
    protected final int cpu;
    protected EmuTask task;
    /** The application's socket while open. */
    protected Socket sock;
    /** Emulated times (ns), -1 until reached. */
    protected long startNs = -1, connectedNs = -1, endNs = -1;
    /** The first error, null while none. */
    protected String error;
    /** The socket's tcp_info taken just before it was closed. */
    protected TcpInfo tcpInfo;
    protected String local = "", remote = "";
    private boolean started, done;
    private Runnable onDone;

    protected SocketApp(SocketLayer layer, Host host, String name, int cpu) {
        if (layer == null) throw new IllegalArgumentException(name + ": no socket layer");
        if (cpu < 0 || cpu >= host.numCpus()) {
            throw new IllegalArgumentException(name + ": cpu must be 0.." + (host.numCpus() - 1) + " on host " + host.name() + ", got " + cpu);
        }
        this.layer = layer;
        this.host = host;
        this.name = name;
        this.cpu = cpu;
    }

    /** Makes the task and wakes it; the application begins in its context after the current event. */
    public final void start() {
        if (started) throw new IllegalStateException(name + " was started already");
        started = true;
        task = host.tasks().newTask(name, cpu);
        host.tasks().wakeUp(task, () -> {
            startNs = now();
            try {
                begin();
            } catch (RuntimeException e) {
                fail(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        });
    }

    /** Called once when the application is done (success or failure), in its task's context. */
    public final SocketApp onDone(Runnable r) {
        onDone = r;
        return this;
    }

    public final String name() {
        return name;
    }

    public final boolean started() {
        return started;
    }

    public final boolean done() {
        return done;
    }

    /** The first error, or null. */
    public final String error() {
        return error;
    }

    /** The flow results recorded so far (also for an application that has not finished). */
    public abstract List<FlowResult> results();

    /** The application's code, run in its task's context once it was switched in. */
    protected abstract void begin();

    protected final long now() {
        return host.loop().now();
    }

    /** The transport of the sockets this application opens: IPPROTO_TCP (default) or IPPROTO_MPTCP. */
    private int protocol = SockConst.IPPROTO_TCP;

    /** Uses {@code protocol} (IPPROTO_TCP or IPPROTO_MPTCP) for the sockets this application opens; call before it starts. */
    public final void protocol(int protocol) {
        if (protocol != SockConst.IPPROTO_TCP && protocol != SockConst.IPPROTO_MPTCP) {
            throw new IllegalArgumentException("protocol " + protocol + ": IPPROTO_TCP (6) or IPPROTO_MPTCP (262)");
        }
        this.protocol = protocol;
    }

    /** socket(AF_INET, SOCK_STREAM, IPPROTO_TCP or IPPROTO_MPTCP) for this task. */
    protected final Socket tcpSocket() {
        return layer.socket(host, task, SockConst.AF_INET, SockConst.SOCK_STREAM, protocol);
    }

    /** Records {@code what} as the error (the first one counts), closes the socket and completes; returns false. */
    protected final boolean fail(String what) {
        if (error == null) error = what;
        closeSocket();
        complete();
        return false;
    }

    /** {@link #fail(String)} with "CALL: ERRNO". */
    protected final boolean fail(String call, int err) {
        return fail(call + ": " + SockConst.errnoName(err));
    }

    /** Notes the addresses of the socket (after connect/accept). */
    protected final void noteAddresses(Socket s) {
        local = local(s);
        remote = remote(s);
    }

    /** Takes tcp_info (when available) and closes the socket. */
    protected final void closeSocket() {
        if (sock == null) return;
        tcpInfo = info(sock);
        if (local.isEmpty()) noteAddresses(sock);
        sock.close();
        sock = null;
    }

    /** Marks the application done, calls the listener and lets the task go (last thing it does). */
    protected final void complete() {
        if (done) return;
        done = true;
        if (endNs < 0) endNs = now();
        if (onDone != null) onDone.run();
        exit(host.tasks(), task);
    }

    /** The task ends: it gives up its CPU when it is the one running there. */
    static void exit(TaskScheduler ts, EmuTask t) {
        if (t != null && ts.current(t.cpu()) == t) ts.sleep(t);
    }

    static TcpInfo info(Socket s) {
        try {
            return s.info();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String local(Socket s) {
        Sock sk = s.sk();
        return sk == null ? "" : addr(sk.saddr, sk.sport);
    }

    static String remote(Socket s) {
        Sock sk = s.sk();
        return sk == null ? "" : addr(sk.daddr, sk.dport);
    }

    /** {@code A.B.C.D:PORT}. */
    public static String addr(int a, int port) {
        return Ipv4Address.toString(a) + ":" + port;
    }
}
