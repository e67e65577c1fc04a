package org.nicemu.apps;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nicemu.api.sock.TcpInfo;

/**
 * What one side of one flow did: {@code kind} ("bulk", "request-response"), {@code role}
 * ("sender", "receiver", "client", "server"), the host and the socket addresses as
 * {@code A.B.C.D:PORT}, payload {@code bytes} with their SHA-256 ({@code sha256}, lower-case hex;
 * null for the two ends of a bulk flow that is checked by comparison instead, see {@link Sink#verify(long, boolean)})
 * — bytes sent for a sender or client, received for a receiver or server — the emulated times
 * (ns; -1 when not reached): the task started, the connection was established, the flow ended.
 * {@code error} is null on success; {@code tcpInfo} is the socket's tcp_info just before close
 * (null when unavailable); {@code extra} holds kind-specific values (transactions, latency ...).
 */
public record FlowResult(String name, String kind, String role, String host, String local, String remote, long bytes,
        String sha256, long startNs, long connectedNs, long endNs, boolean finished, String error, TcpInfo tcpInfo,
        Map<String, Object> extra) {

    /** End minus start in ns, or -1 when the flow has not ended. */
    public long durationNs() {
        return startNs >= 0 && endNs >= startNs ? endNs - startNs : -1;
    }

    /** Payload bits per second over {@link #durationNs()}, 0 when the duration is unknown or 0. */
    public long goodputBps() {
        long d = durationNs();
        return d > 0 ? (long) (bytes * 8e9 / d) : 0;
    }

    /** A JSON-friendly map (insertion-ordered) of every field, plus durationNs and goodputBps. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind);
        m.put("role", role);
        m.put("host", host);
        m.put("local", local);
        m.put("remote", remote);
        m.put("bytes", bytes);
        m.put("sha256", sha256);
        m.put("startNs", startNs);
        m.put("connectedNs", connectedNs);
        m.put("endNs", endNs);
        m.put("durationNs", durationNs());
        m.put("goodputBps", goodputBps());
        m.put("finished", finished);
        m.put("error", error);
        m.putAll(extra);
        if (tcpInfo != null) m.put("tcpInfo", tcpInfoMap(tcpInfo));
        return m;
    }

    /** Every component of {@code info} by name, plus {@code ss} (its {@code ss -tin} text). */
    public static Map<String, Object> tcpInfoMap(TcpInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : TcpInfo.class.getRecordComponents()) {
            try {
                m.put(c.getName(), c.getAccessor().invoke(info));
            } catch (ReflectiveOperationException e) {
                m.put(c.getName(), String.valueOf(e));
            }
        }
        m.put("ss", info.ssLine());
        return m;
    }
}
