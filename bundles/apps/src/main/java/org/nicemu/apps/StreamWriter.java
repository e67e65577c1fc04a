package org.nicemu.apps;

import java.security.MessageDigest;
import java.util.function.IntConsumer;

import org.nicemu.api.sock.Socket;

/**
 * Sends a {@link SeededStream} in chunks and, unless told not to, hashes what the socket took. A
 * chunk is filled on the loop thread and, once the socket has taken all of it, hashed on a pool
 * thread ({@link ChunkPipe}) while the next one is sent. Without hashing, one chunk is reused.
 */
final class StreamWriter {
    final SeededStream stream;
    /** SHA-256 of the fully sent chunks (null: not hashing); the pool thread's until {@link ChunkPipe#await}. */
    private final MessageDigest sha;
    /** Null when not hashing: {@link #own} is then refilled for every chunk. */
    private final ChunkPipe pipe;
    private final byte[] own;
    private byte[] buf;
    private int off, len;
    /** Bytes the socket accepted. */
    long bytes;

    StreamWriter(long seed, int chunk) {
        this(seed, chunk, true);
    }

    /** @param hash false: no SHA-256 (the receiver compares with the stream itself; {@link #sha256} is null) */
    StreamWriter(long seed, int chunk, boolean hash) {
        stream = new SeededStream(seed);
        sha = hash ? Sha.newDigest() : null;
        pipe = hash ? new ChunkPipe(chunk, (b, o, n) -> sha.update(b, o, n)) : null;
        own = hash ? null : new byte[chunk];
    }

    /** send() of the rest of the current chunk, a new one filled with at most {@code left} new bytes when used up. */
    int send(Socket s, long left, IntConsumer done) {
        if (buf == null) {
            buf = pipe != null ? pipe.chunk() : own;
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
            if (pipe != null) pipe.submit(len);
            buf = null;
        }
    }

    /** SHA-256 (hex) of the bytes the socket took so far; null when not hashing. */
    String sha256() {
        if (pipe == null) return null;
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
