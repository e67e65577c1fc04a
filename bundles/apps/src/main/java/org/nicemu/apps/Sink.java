package org.nicemu.apps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EmuTask;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.Socket;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.api.sock.TcpInfo;

/**
 * A server: listens on (addr, port), accepts connections, each served by a new task (on a given
 * CPU, or round-robin over the host's CPUs), which receives until end of stream, counting bytes and
 * hashing them (SHA-256), then closes. Optionally checks the bytes against a {@link SeededStream}
 * ({@link #verify}), and optionally answers as an echo-style responder ({@link #respond}): after
 * each request of R bytes it sends S bytes of a response stream. With {@link #maxConnections} it
 * closes the listener after that many connections and is done when they all are.
 */
public final class Sink extends SocketApp {
    private final int addr, port;
    private int connCpu = -1, rr;
    private int maxConnections;
    private int backlog = 128;
    private Long verifySeed;
    private boolean hash = true;
    private int requestBytes, responseBytes;
    private long responseSeed;
    private String kind = "bulk";
    private final List<Conn> conns = new ArrayList<>();
    private boolean listenerClosed;
    private EmuTask acceptTask;
    private boolean inAccept;
    private Socket accepted;
    private int acceptErr;
    private final Socket.AcceptDone acceptDone = this::onAccepted;

    /** @param addr local IPv4 address (int bits; 0 = any), {@code port} 1..65535 */
    public Sink(SocketLayer layer, Host host, String name, int cpu, int addr, int port) {
        super(layer, host, name, cpu);
        if (port < 1 || port > 65535) throw new IllegalArgumentException(name + ": port must be 1..65535, got " + port);
        this.addr = addr;
        this.port = port;
    }

    /** CPU of every connection's task; -1 (default): round-robin over the host's CPUs. */
    public Sink connectionCpu(int c) {
        if (c < -1 || c >= host.numCpus()) throw new IllegalArgumentException(name + ": connection cpu must be -1 or 0.." + (host.numCpus() - 1) + ", got " + c);
        connCpu = c;
        return this;
    }

    /** Closes the listener after {@code n} connections (0, the default: never). */
    public Sink maxConnections(int n) {
        if (n < 0) throw new IllegalArgumentException(name + ": maxConnections must be >= 0, got " + n);
        maxConnections = n;
        return this;
    }

    public Sink backlog(int n) {
        backlog = n;
        return this;
    }

    /** Compares the received bytes of each connection with {@code new SeededStream(seed)}, and hashes them. */
    public Sink verify(long seed) {
        return verify(seed, true);
    }

    /**
     * Compares the received bytes of each connection with {@code new SeededStream(seed)};
     * {@code hash} false leaves the SHA-256 out (results then carry a null {@code sha256}).
     */
    public Sink verify(long seed, boolean hash) {
        verifySeed = seed;
        this.hash = hash;
        return this;
    }

    /** Echo-style responder: after every {@code request} bytes received, send {@code response} bytes of stream {@code seed}. */
    public Sink respond(int request, int response, long seed) {
        if (request < 1 || response < 0) throw new IllegalArgumentException(name + ": request must be >= 1 and response >= 0 bytes");
        requestBytes = request;
        responseBytes = response;
        responseSeed = seed;
        return this;
    }

    /** The flow kind recorded in results ("bulk" by default). */
    public Sink kind(String k) {
        kind = k;
        return this;
    }

    @Override
    protected void begin() {
        sock = tcpSocket();
        int r = sock.bind(addr, port);
        if (r < 0) {
            fail("bind " + addr(addr, port), r);
            return;
        }
        r = sock.listen(backlog);
        if (r < 0) {
            fail("listen", r);
            return;
        }
        local = addr(addr, port);
        acceptLoop();
    }

    /** accept() until one is pending, the limit is reached or an error ends the listener. */
    private void acceptLoop() {
        while (!listenerClosed) {
            if (maxConnections > 0 && conns.size() >= maxConnections) {
                closeListener(null);
                return;
            }
            int c = connCpu >= 0 ? connCpu : rr++ % host.numCpus();
            acceptTask = host.tasks().newTask(name + "/" + (conns.size() + 1), c);
            accepted = null;
            acceptErr = 0;
            inAccept = true;
            int r = sock.accept(acceptTask, acceptDone);
            inAccept = false;
            if (r == Socket.PENDING) return;
            if (r < 0 || accepted == null) {
                closeListener("accept: " + SockConst.errnoName(r < 0 ? r : acceptErr));
                return;
            }
            serve(accepted);
        }
    }

    private void onAccepted(Socket s, int err) {
        accepted = s;
        acceptErr = err;
        if (inAccept) return; // completed at once: acceptLoop goes on
        if (s == null) {
            closeListener("accept: " + SockConst.errnoName(err));
            return;
        }
        serve(s);
        acceptLoop();
    }

    private void serve(Socket s) {
        Conn c = new Conn(s, acceptTask, conns.size() + 1);
        conns.add(c);
        host.tasks().wakeUp(c.task, c::begin);
    }

    private void closeListener(String err) {
        if (listenerClosed) return;
        listenerClosed = true;
        if (err != null && error == null) error = err;
        if (sock != null) {
            sock.close();
            sock = null;
        }
        checkDone();
        exit(host.tasks(), task); // the listener's task ends (no-op when complete() let it go already)
    }

    /** Done when the listener is closed and every connection is done. Any task's context. */
    private void checkDone() {
        if (!listenerClosed || done()) return;
        for (Conn c : conns) if (!c.done) return;
        complete(); // lets the listener's task go only when it is the one running
    }

    /** One accepted connection, served by its own task. */
    private final class Conn implements Pump.Step {
        final Socket s;
        final EmuTask task;
        final int index;
        final StreamChecker in = new StreamChecker(verifySeed, hash);
        StreamWriter out;
        long startNs = -1, firstNs = -1, lastNs = -1, endNs = -1;
        int reqGot;
        long respLeft, transactions;
        boolean sending, done;
        String error;
        TcpInfo info;
        String local, remote;

        Conn(Socket s, EmuTask task, int index) {
            this.s = s;
            this.task = task;
            this.index = index;
            local = local(s);
            remote = remote(s);
            if (requestBytes > 0) out = new StreamWriter(responseSeed, (int) Math.min(64 * 1024, Math.max(1, responseBytes)));
        }

        void begin() {
            startNs = now();
            new Pump(this).run();
        }

        @Override
        public int issue(IntConsumer cb) {
            if (sending) return out.send(s, respLeft, cb);
            int len = requestBytes > 0 ? Math.min(StreamChecker.MAX_RECEIVE, requestBytes - reqGot) : StreamChecker.MAX_RECEIVE;
            return s.recv(in.buffer(), in.offset(), len, 0, cb); // in place: the checker hashes the chunk as it is
        }

        @Override
        public boolean advance(int r) {
            if (done) return false;
            if (r < 0) return end((sending ? "send: " : "recv: ") + SockConst.errnoName(r));
            if (sending) {
                if (r == 0) return end("send: returned 0 bytes");
                out.sent(r);
                respLeft -= r;
                if (respLeft == 0) sending = false;
                return true;
            }
            if (r == 0) return end(reqGot > 0 ? "end of stream in the middle of a request (" + reqGot + " of " + requestBytes + " bytes)" : null);
            long t = now();
            if (firstNs < 0) firstNs = t;
            lastNs = t;
            in.received(r);
            if (requestBytes > 0) {
                reqGot += r;
                if (reqGot == requestBytes) {
                    reqGot = 0;
                    transactions++;
                    respLeft = responseBytes;
                    sending = respLeft > 0;
                }
            }
            return true;
        }

        private boolean end(String err) {
            error = err;
            endNs = now();
            info = info(s);
            s.close();
            done = true;
            checkDone();
            exit(host.tasks(), task);
            return false;
        }

        FlowResult result() {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("connection", index);
            extra.put("firstByteNs", firstNs);
            extra.put("lastByteNs", lastNs);
            if (verifySeed != null) extra.put("firstMismatch", in.mismatchAt());
            if (out != null) {
                extra.put("transactions", transactions);
                extra.put("responseBytes", out.bytes);
                extra.put("sha256Responses", out.sha256());
            }
            String role = requestBytes > 0 ? "server" : "receiver";
            return new FlowResult(name, kind, role, host.name(), local, remote, in.bytes, in.sha256(), startNs, startNs,
                    done ? endNs : -1, done && error == null, error, info, extra);
        }
    }

    /** Connections accepted so far. */
    public int connections() {
        return conns.size();
    }

    @Override
    public List<FlowResult> results() {
        List<FlowResult> l = new ArrayList<>();
        for (Conn c : conns) l.add(c.result());
        if (l.isEmpty() || error != null) {
            l.add(new FlowResult(name, kind, "listener", host.name(), local, "", 0, Sha.hex(Sha.newDigest()), startNs, -1,
                    done() ? endNs : -1, done() && error == null, error, null, Map.of()));
        }
        return l;
    }
}
