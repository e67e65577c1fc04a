package org.nicemu.socket;

import static org.nicemu.api.sock.SockConst.AF_INET;
import static org.nicemu.api.sock.SockConst.IPPROTO_TCP;
import static org.nicemu.api.sock.SockConst.IPPROTO_MPTCP;
import static org.nicemu.api.sock.SockConst.SOCK_STREAM;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EmuTask;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.SecurityHook;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.Socket;
import org.nicemu.api.sock.SocketLayer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The socket layer service: mirrors net/socket.c {@code __sys_socket()} (with af_inet.c
 * {@code inet_create()}) and keeps each host's open sockets (its file descriptor table). The
 * {@link SecurityHook} services (the LSM hooks of {@code security_socket_sendmsg()}) are captured
 * when DS binds them, so the loop never looks services up.
 *
 * <p>Thread use: every method runs on the loop thread of the host's emulation; the maps are
 * concurrent only because several emulations (several loop threads) share this component.
 */
@Component(service = SocketLayer.class)
public final class SocketLayerComponent implements SocketLayer {
    private final List<SecurityHook> hooks = new CopyOnWriteArrayList<>();
    private final Map<Host, List<SocketImpl>> sockets = new ConcurrentHashMap<>();
    private final Map<EmuTask, TaskWaker> wakers = new ConcurrentHashMap<>();
    private final AtomicBoolean faultLogged = new AtomicBoolean();

    /** Binds an LSM hook (security_add_hooks()); called by DS on any thread. */
    @Reference(service = SecurityHook.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeSecurityHook")
    public void addSecurityHook(SecurityHook hook) {
        hooks.add(hook);
    }

    public void removeSecurityHook(SecurityHook hook) {
        hooks.remove(hook);
    }

    /** The bound hooks, in bind order. */
    List<SecurityHook> hooks() { return hooks; }

    /**
     * Mirrors net/socket.c __sys_socket() → sock_create() → inet_create(): AF_INET stream sockets
     * over TCP (protocol 0 or 6) or MPTCP (IPPROTO_MPTCP, 262); the transport is the host's
     * {@code struct proto} bound for that number.
     */
    @Override
    public Socket socket(Host host, EmuTask task, int family, int type, int protocol) {
        if (host == null || task == null) throw new IllegalArgumentException("socket() needs a host and a task");
        String supported = "supported: family AF_INET (2), type SOCK_STREAM (1), protocol 0 or IPPROTO_TCP (6) or IPPROTO_MPTCP (262)";
        if (family != AF_INET) throw new IllegalArgumentException("address family " + family + " is not supported; " + supported);
        if (type != SOCK_STREAM) throw new IllegalArgumentException("socket type " + type + " is not supported; " + supported);
        if (protocol != 0 && protocol != IPPROTO_TCP && protocol != IPPROTO_MPTCP) {
            throw new IllegalArgumentException("protocol " + protocol + " is not supported; " + supported);
        }
        int p = protocol == IPPROTO_MPTCP ? IPPROTO_MPTCP : IPPROTO_TCP;
        Proto proto = host.proto(p);
        if (proto == null) {
            throw new IllegalStateException("host " + host.name() + " has no " + (p == IPPROTO_MPTCP ? "MPTCP (no net.proto=mptcp" : "TCP (no net.proto=tcp") + " service is active)");
        }
        Sock sk = proto.create(task.cpu());
        sk.cpu = task.cpu();
        return register(new SocketImpl(this, host, task, sk, SocketImpl.SS_UNCONNECTED));
    }

    @Override
    public List<Socket> sockets(Host host) {
        List<SocketImpl> l = sockets.get(host);
        return l == null ? List.of() : List.copyOf(l);
    }

    /** Adds a new socket (from socket() or accept()) to its host's table. */
    SocketImpl register(SocketImpl s) {
        sockets.computeIfAbsent(s.host(), h -> new ArrayList<>()).add(s);
        return s;
    }

    /** Removes a closed socket from its host's table; forgets its task's waker when idle and unused. */
    void unregister(SocketImpl s) {
        List<SocketImpl> l = sockets.get(s.host());
        if (l == null) return;
        l.remove(s);
        boolean taskUsed = false;
        for (SocketImpl o : l) if (o.task() == s.task()) taskUsed = true;
        if (!taskUsed) {
            TaskWaker w = wakers.get(s.task());
            if (w != null && w.idle()) wakers.remove(s.task(), w);
        }
        if (l.isEmpty()) sockets.remove(s.host(), l);
    }

    /**
     * The socket layer bundle is stopping (DESIGN §6: layer bundles with connection state abort
     * their connections cleanly): every open socket is aborted on its host's loop (RST to the peer,
     * pending calls complete with ECONNABORTED) before this returns.
     */
    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        for (Map.Entry<Host, List<SocketImpl>> e : sockets.entrySet()) {
            Host h = e.getKey();
            if (h.proto(org.nicemu.api.sock.SockConst.IPPROTO_TCP) == null) continue; // emulation closed: transports gone already
            List<SocketImpl> open = List.copyOf(e.getValue());
            Runnable abort = () -> {
                for (SocketImpl s : open) {
                    try {
                        s.sk().proto().abort(s.sk(), org.nicemu.api.sock.SockConst.ECONNABORTED);
                    } catch (RuntimeException ex) {
                        fault("abort on deactivate", ex);
                    }
                }
            };
            try {
                if (!h.loop().runAndWait(abort, 5000)) {
                    System.err.println("nicemu: socket layer: the loop of host " + h.name() + " did not answer in 5 s; its sockets were not aborted");
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        sockets.clear();
        wakers.clear();
    }

    /** The wait-queue entry of {@code task}, shared by all its sockets. */
    TaskWaker waker(Host host, EmuTask task) {
        return wakers.computeIfAbsent(task, t -> new TaskWaker(host.tasks(), host.loop(), t));
    }

    /** Logs the first failure of a transport, hook or application callback to System.err. */
    void fault(String what, RuntimeException e) {
        if (faultLogged.compareAndSet(false, true)) {
            System.err.println("nicemu: socket layer: " + what + " failed (completing with -EFAULT; further faults are not logged): " + e);
            StackTraceElement[] st = e.getStackTrace();
            if (st.length > 0) System.err.println("\tat " + st[0]);
        }
    }
}
