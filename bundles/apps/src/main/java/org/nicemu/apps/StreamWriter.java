package org.nicemu.apps;

import java.security.MessageDigest;
import java.util.function.IntConsumer;

import org.nicemu.api.sock.Socket;

/**
 * Sends a {@link SeededStream} in chunks and hashes what the socket took. A chunk is filled on
 * the loop thread and, once the socket has taken all of it, hashed on a pool thread
 * ({@link ChunkPipe}) while the next one is sent.
 */
final class StreamWriter {
    final SeededStream stream;
    /** SHA-256 of the fully sent chunks; the pool thread's until {@link ChunkPipe#await}. */
    private final MessageDigest sha = Sha.newDigest();
    private final ChunkPipe pipe;
    private byte[] buf;
    private int off, len;
    /** Bytes the socket accepted. */
    long bytes;

    StreamWriter(long seed, int chunk) {
        stream = new SeededStream(seed);
        pipe = new ChunkPipe(chunk, (b, n) -> sha.update(b, 0, n));
    }

    /** send() of the rest of the current chunk, a new one filled with at most {@code left} new bytes when used up. */
    int send(Socket s, long left, IntConsumer done) {
        if (buf == null) {
            buf = pipe.chunk();
            int n = (int) Math.min(buf.length, left);
            stream.fill(buf, 0, n);
            off = 0;
            len = n;
        }
        return s.send(buf, off, len - off, 0, done);
    }

    /** Accounts {@code r} > 0 bytes the last send() took; a chunk sent completely goes to the hasher. */
    void sent(int r) {
        off += r;
        bytes += r;
        if (off == len) {
            pipe.submit(len);
            buf = null;
        }
    }

    /** SHA-256 (hex) of the bytes the socket took so far. */
    String sha256() {
        pipe.await();
        try {
            MessageDigest d = (MessageDigest) sha.clone();
            if (buf != null) d.update(buf, 0, off); // the sent part of the chunk being sent
            return Sha.hex(d);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
