package org.nicemu.apps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.nicemu.api.emu.Host;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.SocketLayer;

/**
 * A bulk sender (iperf-like): socket → options → connect → send {@code bytes} bytes of a
 * {@link SeededStream} in chunks (default 64 KiB, see {@link StreamWriter}) → shutdown(SHUT_WR) → wait
 * for the peer's end of stream (recv returns 0) → close. Records SHA-256 of what the socket took,
 * and the start, connect and finish times.
 */
public final class BulkSender extends SocketApp implements Pump.Step {
    /** Default send() size. */
    public static final int DEFAULT_CHUNK = 64 * 1024;

    private enum Phase { CONNECT, SEND, SHUTDOWN, WAIT_EOF }

    private final int daddr, dport;
    private final long total;
    private final long seed;
    private int chunk = DEFAULT_CHUNK;
    private TcpOptions options = TcpOptions.NONE;
    private boolean hash = true;
    private StreamWriter writer;
    private final byte[] rbuf = new byte[2048];
    private Phase phase = Phase.CONNECT;
    private long unexpectedBytes;
    private long lastSendNs = -1;

    /**
     * @param daddr destination IPv4 address (int bits), {@code dport} its port
     * @param bytes payload bytes to send, at least 0
     * @param seed  seed of the payload stream
     */
    public BulkSender(SocketLayer layer, Host host, String name, int cpu, int daddr, int dport, long bytes, long seed) {
        super(layer, host, name, cpu);
        if (bytes < 0) throw new IllegalArgumentException(name + ": bytes must be >= 0, got " + bytes);
        if (dport < 1 || dport > 65535) throw new IllegalArgumentException(name + ": port must be 1..65535, got " + dport);
        this.daddr = daddr;
        this.dport = dport;
        this.total = bytes;
        this.seed = seed;
    }

    /** send() size in bytes, 1..16 MiB (default 64 KiB); before start. */
    public BulkSender chunk(int bytes) {
        if (bytes < 1 || bytes > 1 << 24) throw new IllegalArgumentException(name + ": chunk must be 1..16777216 bytes, got " + bytes);
        chunk = bytes;
        return this;
    }

    /**
     * false: do not hash what is sent (results carry a null {@code sha256}); for a receiver that
     * compares every byte with the seeded stream instead ({@link Sink#verify(long, boolean)}). Before start.
     */
    public BulkSender hash(boolean h) {
        hash = h;
        return this;
    }

    /** Socket options set before connect; before start. */
    public BulkSender options(TcpOptions o) {
        options = o == null ? TcpOptions.NONE : o;
        return this;
    }

    @Override
    protected void begin() {
        writer = new StreamWriter(seed, (int) Math.min(chunk, Math.max(1, total)), hash);
        sock = tcpSocket();
        String e = options.apply(sock);
        if (e != null) {
            fail(e);
            return;
        }
        new Pump(this).run();
    }

    @Override
    public int issue(IntConsumer done) {
        switch (phase) {
            case CONNECT: return sock.connect(daddr, dport, done);
            case SEND: return writer.send(sock, total - writer.bytes, done);
            case SHUTDOWN: return sock.shutdown(SockConst.SHUT_WR);
            default: return sock.recv(rbuf, 0, rbuf.length, 0, done);
        }
    }

    @Override
    public boolean advance(int r) {
        if (done()) return false;
        switch (phase) {
            case CONNECT:
                if (r < 0) return fail("connect", r);
                connectedNs = now();
                noteAddresses(sock);
                phase = total == 0 ? Phase.SHUTDOWN : Phase.SEND;
                return true;
            case SEND:
                if (r < 0) return fail("send", r);
                if (r == 0) return fail("send: returned 0 bytes");
                writer.sent(r);
                if (writer.bytes == total) {
                    lastSendNs = now();
                    phase = Phase.SHUTDOWN;
                }
                return true;
            case SHUTDOWN:
                if (r < 0) return fail("shutdown", r);
                phase = Phase.WAIT_EOF;
                return true;
            default:
                if (r < 0) return fail("recv", r);
                if (r > 0) {
                    unexpectedBytes += r;
                    return true;
                }
                endNs = now();
                closeSocket();
                complete();
                return false;
        }
    }

    /** Payload bytes the socket took so far. */
    public long bytesSent() {
        return writer == null ? 0 : writer.bytes;
    }

    /** SHA-256 (hex) of the bytes sent so far; null when not hashing ({@link #hash}). */
    public String sha256() {
        if (!hash) return null;
        return writer == null ? Sha.hex(Sha.newDigest()) : writer.sha256();
    }

    @Override
    public List<FlowResult> results() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("bytesRequested", total);
        extra.put("lastSendNs", lastSendNs);
        if (unexpectedBytes > 0) extra.put("bytesReceived", unexpectedBytes);
        return List.of(new FlowResult(name, "bulk", "sender", host.name(), local, remote, bytesSent(), sha256(), startNs, connectedNs,
                done() ? endNs : -1, done() && error == null, error, tcpInfo, extra));
    }
}
