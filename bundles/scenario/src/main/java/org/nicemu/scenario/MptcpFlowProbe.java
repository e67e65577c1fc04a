package org.nicemu.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.mptcp.info.MptcpInfo;
import org.nicemu.api.mptcp.info.MptcpInfoSource;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;

/**
 * The MPTCP side of one scenario flow ({@code "protocol": "mptcp"}): finds the flow's sockets in
 * the hosts' MPTCP transports ({@code host.proto(IPPROTO_MPTCP).sockets()}) — the server's
 * listener, then the client's connection and the server's — by polling on the loop every
 * {@link #POLL_NANOS} until all three are known, gives the listener the flow's scheduler
 * ({@code MPTCP_SCHEDULER}, which the accepted connection inherits), and takes each side's
 * {@link MptcpInfo} when its application is done (the sockets are closed by then, but the
 * connection object still answers; its subflows are those not yet closed). Loop thread only.
 *
 * <p>A one-ended flow (its peer outside the emulation, docs/port-live.md) has only one host:
 * {@code from} is null for a {@code sink} flow (the server's connection is the first one accepted on
 * the flow's port), {@code to} is null for a bulk flow to an external address.
 *
 * <p>Polling only reads the transports' state, so it does not change what the emulation does: the
 * same scenario and seed give the same pcaps and the same summary.
 */
final class MptcpFlowProbe {
    /** How often the sockets are looked for until they are all found. */
    static final long POLL_NANOS = 100_000L;

    private final Scenario.FlowDef def;
    private final Host from, to;
    private final BooleanSupplier serverDone;
    private Timer timer;
    private Sock listener, client, server;
    /** Each side's info taken when its application was done (null until then). */
    private MptcpInfo clientInfo, serverInfo;
    /** Why the listener could not get the flow's scheduler, or null. */
    private String listenerError;

    private boolean clientDone;

    /** @param from the client's host (null: outside), {@code to} the server's (null: outside); {@code serverDone} true once the server's connection is done */
    MptcpFlowProbe(Scenario.FlowDef def, Host from, Host to, BooleanSupplier serverDone) {
        this.def = def;
        this.from = from;
        this.to = to;
        this.serverDone = serverDone;
    }

    /** Starts polling now (the server's listener appears once its task has run). */
    void start() {
        timer = any().loop().newTimer("scenario mptcp probe " + def.name(), this::poll);
        timer.arm(any().loop().now());
    }

    private Host any() {
        return from != null ? from : to;
    }

    private static Proto mptcp(Host h) {
        return h == null ? null : h.proto(SockConst.IPPROTO_MPTCP);
    }

    private void poll() {
        long now = any().loop().now();
        if (clientDone) { // waiting for the server's connection to end
            if (serverInfo == null && serverDone.getAsBoolean()) serverInfo = info(to, server);
            if (serverInfo == null && server != null && !serverDone.getAsBoolean()) timer.arm(now + POLL_NANOS);
            return;
        }
        if (listener == null) {
            Proto p = mptcp(to);
            if (p != null) {
                for (Sock sk : p.sockets()) {
                    if (sk.skState == SockConst.TCP_LISTEN && sk.sport == def.port()) {
                        listener = sk;
                        if (def.scheduler() != null) {
                            int r = p.setsockopt(sk, SockConst.SOL_TCP, SockConst.MPTCP_SCHEDULER, def.scheduler());
                            if (r < 0) listenerError = "setsockopt MPTCP_SCHEDULER '" + def.scheduler() + "' on the listener: " + SockConst.errnoName(r);
                        }
                        break;
                    }
                }
            }
        }
        if (from != null && client == null && now >= def.startNanos()) client = findClient();
        if (to != null && server == null && (client != null || from == null)) server = findServer();
        if ((to == null || listener != null && server != null) && (from == null || client != null)) return;
        long next = now + POLL_NANOS;
        if (listener != null && client == null && next < def.startNanos()) next = def.startNanos();
        timer.arm(next);
    }

    /** The client's connection: on {@code from}, to {@code dst:port}. */
    private Sock findClient() {
        Proto p = mptcp(from);
        if (p == null) return null;
        for (Sock sk : p.sockets()) {
            if (sk.skState != SockConst.TCP_LISTEN && sk.daddr == def.dst() && sk.dport == def.port()) return sk;
        }
        return null;
    }

    /** The server's connection: on {@code to}, from port {@code port} to the client's port (any port for a peer outside). */
    private Sock findServer() {
        Proto p = mptcp(to);
        if (p == null) return null;
        for (Sock sk : p.sockets()) {
            if (sk.skState != SockConst.TCP_LISTEN && sk.sport == def.port() && (client == null || sk.dport == client.sport)) return sk;
        }
        return null;
    }

    private static MptcpInfo info(Host h, Sock sk) {
        Proto p = mptcp(h);
        if (sk == null || !(p instanceof MptcpInfoSource src)) return null;
        try {
            return src.mptcpInfo(sk);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The client application is done: its side's info now, and the server's when its connection is
     * done too (it usually is: the client waits for the server's end of stream), else as soon as it is.
     */
    void clientDone() {
        clientDone = true;
        if (client == null) client = findClient();
        if (client != null && server == null && to != null) server = findServer();
        clientInfo = info(from, client);
        if (to == null) return;
        if (serverDone.getAsBoolean()) {
            serverInfo = info(to, server);
        } else if (server != null) {
            timer.arm(from.loop().now() + POLL_NANOS);
        }
    }

    /** Why the server's listener could not get the flow's scheduler, or null. */
    String listenerError() {
        return listenerError;
    }

    /**
     * The {@code mptcp} object of the flow in summary.json: {@code client} and {@code server}, each
     * side's info at its end (or now, when that side has not finished), null when unknown.
     */
    Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        MptcpInfo c = clientInfo != null ? clientInfo : info(from, client);
        MptcpInfo s = serverInfo != null ? serverInfo : info(to, server);
        m.put("client", c == null ? null : side(from.name(), c));
        m.put("server", s == null ? null : side(to.name(), s));
        if (from == null || to == null) m.put("peer", "external");
        if (listenerError != null) m.put("error", listenerError);
        return m;
    }

    /** One side: the data-level counters and one entry per subflow. */
    static Map<String, Object> side(String host, MptcpInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        m.put("state", i.state());
        m.put("local", i.local());
        m.put("remote", i.remote());
        m.put("scheduler", i.scheduler());
        m.put("fallback", i.fallback());
        m.put("bytes_sent", i.bytesSent());
        m.put("bytes_acked", i.bytesAcked());
        m.put("bytes_received", i.bytesReceived());
        m.put("bytes_reinjected", i.bytesReinjected());
        m.put("dup_bytes_received", i.dupBytesReceived());
        m.put("data_rtos", i.dataRtos());
        m.put("scheduler_changes", i.schedulerChanges());
        List<Object> subs = new ArrayList<>();
        for (MptcpInfo.Subflow sf : i.subflows()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("path_index", sf.pathIndex());
            x.put("local", sf.local());
            x.put("remote", sf.remote());
            x.put("state", sf.state());
            x.put("backup", sf.backup());
            x.put("sched_bytes", sf.schedBytes());
            x.put("reinject_bytes", sf.reinjectBytes());
            x.put("rcv_bytes", sf.rcvBytes());
            x.put("tcp_bytes_sent", sf.tcpBytesSent());
            x.put("retrans", sf.tcpRetrans());
            subs.add(x);
        }
        m.put("subflows", subs);
        return m;
    }
}
