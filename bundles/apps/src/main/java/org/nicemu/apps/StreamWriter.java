package org.nicemu.apps;

import java.security.MessageDigest;
import java.util.function.IntConsumer;

import org.nicemu.api.sock.Socket;

/** Sends a {@link SeededStream} in chunks through one reused buffer and hashes what the socket took. */
final class StreamWriter {
    final SeededStream stream;
    final MessageDigest sha = Sha.newDigest();
    private final byte[] buf;
    private int off, len;
    /** Bytes the socket accepted. */
    long bytes;

    StreamWriter(long seed, int chunk) {
        stream = new SeededStream(seed);
        buf = new byte[chunk];
    }

    /** send() of the rest of the current chunk, refilled with at most {@code left} new bytes when used up. */
    int send(Socket s, long left, IntConsumer done) {
        if (off == len) {
            int n = (int) Math.min(buf.length, left);
            stream.fill(buf, 0, n);
            off = 0;
            len = n;
        }
        return s.send(buf, off, len - off, 0, done);
    }

    /** Accounts {@code r} > 0 bytes the last send() took. */
    void sent(int r) {
        sha.update(buf, off, r);
        off += r;
        bytes += r;
    }
}
