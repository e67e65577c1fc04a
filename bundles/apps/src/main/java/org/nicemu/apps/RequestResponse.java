package org.nicemu.apps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.nicemu.api.emu.Host;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.SocketLayer;

/**
 * A request-response client (netperf TCP_RR-like): connect, then {@code transactions} times send a
 * request of R bytes (from a {@link SeededStream}) and receive a response of S bytes, timing each
 * transaction; then shutdown(SHUT_WR), wait for end of stream, close. The server side is a
 * {@link Sink} with {@link Sink#respond}. Records SHA-256 of the requests sent and of the responses
 * received (checked against the response stream's seed), and latency min/avg/max in µs.
 */
public final class RequestResponse extends SocketApp implements Pump.Step {
    private enum Phase { CONNECT, REQUEST, RESPONSE, SHUTDOWN, WAIT_EOF }

    private final int daddr, dport, requestBytes, responseBytes, transactions;
    private final long seed;
    private final long responseSeed;
    private TcpOptions options = TcpOptions.NONE;
    private StreamWriter out;
    private StreamChecker in;
    private byte[] rbuf;
    private Phase phase = Phase.CONNECT;
    private int reqLeft, respLeft, done;
    private long txStart, minNs = Long.MAX_VALUE, maxNs, sumNs;

    /**
     * @param requestBytes  R, at least 1
     * @param responseBytes S, at least 0
     * @param transactions  K, at least 1
     * @param seed          seed of the request stream; {@code responseSeed} the responder's
     */
    public RequestResponse(SocketLayer layer, Host host, String name, int cpu, int daddr, int dport, int requestBytes,
            int responseBytes, int transactions, long seed, long responseSeed) {
        super(layer, host, name, cpu);
        if (dport < 1 || dport > 65535) throw new IllegalArgumentException(name + ": port must be 1..65535, got " + dport);
        if (requestBytes < 1) throw new IllegalArgumentException(name + ": requestBytes must be >= 1, got " + requestBytes);
        if (responseBytes < 0) throw new IllegalArgumentException(name + ": responseBytes must be >= 0, got " + responseBytes);
        if (transactions < 1) throw new IllegalArgumentException(name + ": transactions must be >= 1, got " + transactions);
        this.daddr = daddr;
        this.dport = dport;
        this.requestBytes = requestBytes;
        this.responseBytes = responseBytes;
        this.transactions = transactions;
        this.seed = seed;
        this.responseSeed = responseSeed;
    }

    public RequestResponse options(TcpOptions o) {
        options = o == null ? TcpOptions.NONE : o;
        return this;
    }

    @Override
    protected void begin() {
        out = new StreamWriter(seed, Math.min(64 * 1024, requestBytes));
        rbuf = new byte[Math.max(2048, Math.min(64 * 1024, responseBytes))];
        in = new StreamChecker(responseSeed);
        sock = tcpSocket();
        String e = options.apply(sock);
        if (e != null) {
            fail(e);
            return;
        }
        new Pump(this).run();
    }

    @Override
    public int issue(IntConsumer cb) {
        switch (phase) {
            case CONNECT: return sock.connect(daddr, dport, cb);
            case REQUEST:
                if (reqLeft == requestBytes) txStart = now();
                return out.send(sock, reqLeft, cb);
            case RESPONSE: return sock.recv(rbuf, 0, Math.min(rbuf.length, respLeft), 0, cb);
            case SHUTDOWN: return sock.shutdown(SockConst.SHUT_WR);
            default: return sock.recv(rbuf, 0, rbuf.length, 0, cb);
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
                reqLeft = requestBytes;
                phase = Phase.REQUEST;
                return true;
            case REQUEST:
                if (r < 0) return fail("send", r);
                if (r == 0) return fail("send: returned 0 bytes");
                out.sent(r);
                reqLeft -= r;
                if (reqLeft == 0) {
                    respLeft = responseBytes;
                    phase = Phase.RESPONSE;
                    if (respLeft == 0) transactionDone();
                }
                return true;
            case RESPONSE:
                if (r < 0) return fail("recv", r);
                if (r == 0) return fail("recv: end of stream after " + (responseBytes - respLeft) + " of " + responseBytes + " response bytes");
                in.received(rbuf, 0, r);
                respLeft -= r;
                if (respLeft == 0) transactionDone();
                return true;
            case SHUTDOWN:
                if (r < 0) return fail("shutdown", r);
                phase = Phase.WAIT_EOF;
                return true;
            default:
                if (r < 0) return fail("recv", r);
                if (r > 0) return fail("recv: " + r + " unexpected bytes after the last response");
                endNs = now();
                closeSocket();
                complete();
                return false;
        }
    }

    private void transactionDone() {
        long lat = now() - txStart;
        minNs = Math.min(minNs, lat);
        maxNs = Math.max(maxNs, lat);
        sumNs += lat;
        done++;
        if (done == transactions) {
            phase = Phase.SHUTDOWN;
        } else {
            reqLeft = requestBytes;
            phase = Phase.REQUEST;
        }
    }

    /** Transactions completed. */
    public int transactions() {
        return done;
    }

    @Override
    public List<FlowResult> results() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("transactions", done);
        extra.put("transactionsRequested", transactions);
        extra.put("requestBytes", requestBytes);
        extra.put("responseBytes", responseBytes);
        extra.put("latencyMinUs", done == 0 ? 0.0 : minNs / 1000.0);
        extra.put("latencyAvgUs", done == 0 ? 0.0 : sumNs / 1000.0 / done);
        extra.put("latencyMaxUs", maxNs / 1000.0);
        extra.put("responseBytesReceived", in == null ? 0 : in.bytes);
        extra.put("sha256Responses", in == null ? Sha.hex(Sha.newDigest()) : in.sha256());
        extra.put("responseFirstMismatch", in == null ? -1 : in.mismatchAt());
        long sent = out == null ? 0 : out.bytes;
        return List.of(new FlowResult(name, "request-response", "client", host.name(), local, remote, sent,
                out == null ? Sha.hex(Sha.newDigest()) : out.sha256(), startNs, connectedNs, done() ? endNs : -1,
                done() && error == null, error, tcpInfo, extra));
    }
}
