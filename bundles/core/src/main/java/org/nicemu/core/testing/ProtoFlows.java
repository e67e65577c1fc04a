package org.nicemu.core.testing;

import java.security.MessageDigest;
import java.util.SplittableRandom;

import org.nicemu.api.emu.Host;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockCallbacks;
import org.nicemu.api.sock.SockConst;

/**
 * A bulk sender and a sink that talk to a transport ({@link Proto}, TCP or MPTCP) directly, for
 * tests of a transport bundle without the socket layer: the sender writes {@code N} bytes of a seeded
 * stream and closes, the sink accepts one connection and reads to end of stream; both keep a SHA-256
 * of the bytes so that a test can check the stream byte for byte. Loop thread; callbacks post to the
 * loop as the socket layer's waiters would.
 */
public final class ProtoFlows {
    private ProtoFlows() {
    }

    /** A sink on {@code host}: listens on 0.0.0.0:{@code port}, accepts one connection, hashes until EOF, closes. */
    public static class Sink implements SockCallbacks {
        public final Host host;
        public final Proto p;
        public final Sock listener;
        public Sock conn;
        public long bytes;
        public boolean eof;
        public int err;
        public final MessageDigest sha = sha();
        private final byte[] buf = new byte[65536];

        public Sink(Host host, int protocol, int port) {
            this.host = host;
            this.p = host.proto(protocol);
            listener = p.create(0);
            listener.callbacks = this;
            if (p.bind(listener, 0, port) != 0 || p.listen(listener, 16) != 0) throw new IllegalStateException("listen on " + port);
        }

        @Override public void dataReady(Sock sk) { host.loop().post(this::drain); }
        @Override public void stateChange(Sock sk) { host.loop().post(this::drain); }
        @Override public void errorReport(Sock sk) { host.loop().post(this::drain); }

        /** Accepts (once) and reads what is there; at EOF or an error closes the connection. */
        public void drain() {
            if (conn == null) {
                conn = p.accept(listener);
                if (conn == null) return;
                conn.callbacks = this;
            }
            while (!eof) {
                int r = p.recvmsg(conn, buf, 0, buf.length, 0);
                if (r == -SockConst.EAGAIN) return;
                if (r <= 0) {
                    if (r < 0) err = -r;
                    eof = true;
                    p.close(conn);
                    return;
                }
                bytes += r;
                sha.update(buf, 0, r);
            }
        }
    }

    /**
     * A bulk sender on {@code host}: {@code total} bytes of the stream of {@code SplittableRandom(seed)}
     * (little-endian 64-bit words), then close. {@link #configure} runs on the new socket before connect.
     */
    public static class Bulk implements SockCallbacks {
        public final Host host;
        public final Proto p;
        public final Sock sk;
        public final long total;
        public long sent;
        public boolean closed;
        public int err;
        public final MessageDigest sha = sha();
        private final SplittableRandom rnd;
        private final byte[] buf = new byte[65536];
        private int bufOff, bufLen;

        public Bulk(Host host, int protocol, int daddr, int dport, long total, long seed, java.util.function.Consumer<Sock> configure) {
            this.host = host;
            this.p = host.proto(protocol);
            this.total = total;
            this.rnd = new SplittableRandom(seed);
            sk = p.create(0);
            sk.callbacks = this;
            if (configure != null) configure.accept(sk);
            int r = p.connect(sk, daddr, dport);
            if (r != -SockConst.EINPROGRESS) throw new IllegalStateException("connect: " + SockConst.errnoName(r));
        }

        @Override public void stateChange(Sock s) { host.loop().post(this::pump); }
        @Override public void writeSpace(Sock s) { host.loop().post(this::pump); }
        @Override public void errorReport(Sock s) { host.loop().post(this::pump); }

        /** Writes as much as the transport takes (as the socket layer does: owned while in sendmsg, release_sock after). */
        public void pump() {
            if (closed || sk.skState == SockConst.TCP_SYN_SENT) return;
            if (sk.skErr != 0) {
                err = sk.skErr;
                return;
            }
            while (sent < total) {
                if (bufOff == bufLen) {
                    int n = (int) Math.min(buf.length, total - sent);
                    for (int i = 0; i < n; i += 8) {
                        long v = rnd.nextLong();
                        for (int j = 0; j < 8 && i + j < n; j++) buf[i + j] = (byte) (v >>> (8 * j));
                    }
                    sha.update(buf, 0, n);
                    bufOff = 0;
                    bufLen = n;
                }
                sk.ownedByUser = true;
                int r = p.sendmsgLocked(sk, buf, bufOff, bufLen - bufOff, 0);
                sk.ownedByUser = false;
                p.releaseCb(sk);
                if (r < 0) {
                    if (r != -SockConst.EAGAIN) err = -r;
                    return;
                }
                bufOff += r;
                sent += r;
            }
            closed = true;
            p.close(sk);
        }
    }

    /** A SHA-256 digest. */
    public static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower-case hex of {@code d}. */
    public static String hex(byte[] d) {
        StringBuilder b = new StringBuilder();
        for (byte x : d) b.append(String.format("%02x", x));
        return b.toString();
    }
}
