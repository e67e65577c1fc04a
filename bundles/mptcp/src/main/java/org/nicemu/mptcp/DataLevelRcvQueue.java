package org.nicemu.mptcp;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data-level receive buffer of an MPTCP connection: bytes in data-sequence order, whichever
 * subflow brought them, and the bytes that arrived ahead of {@link #rcvNxt} in an out-of-order map.
 * Mirrors {@code msk->receive_queue} and {@code msk->out_of_order_queue} of net/mptcp/protocol.c:
 * {@link #deliver} is {@code __mptcp_move_skb()} with {@code mptcp_data_queue_ofo()} and
 * {@code __mptcp_ofo_queue()}, {@link #read} is {@code __mptcp_recvmsg_mskq()}. Duplicate bytes (a
 * reinjection that raced the original, overlapping copies) are trimmed and counted in
 * {@link MptcpCounters#dupBytes}. Loop thread only.
 */
final class DataLevelRcvQueue {
    /** The next data sequence number expected ({@code msk->ack_seq}); the DATA_ACK sent. */
    long rcvNxt;

    private final MptcpCounters counters;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int headOff;
    private int queued;
    private final TreeMap<Long, byte[]> ofo = new TreeMap<>();
    private int ofoBytes;

    DataLevelRcvQueue(MptcpCounters counters) {
        this.counters = counters;
    }

    /** Bytes in order, ready for {@link #read}. */
    int queued() {
        return queued;
    }

    /** Bytes held ahead of {@link #rcvNxt}. */
    int ofoBytes() {
        return ofoBytes;
    }

    /**
     * Data-level bytes {@code b[off, off+n)} at {@code dsn}: the part at {@link #rcvNxt} goes into the
     * queue (and with it whatever of the out-of-order map it makes contiguous), a part ahead into the
     * out-of-order map (a longer copy replaces a shorter one at the same DSN), old bytes are dropped.
     */
    void deliver(long dsn, byte[] b, int off, int n) {
        counters.bytesReceivedSubflows += n;
        if (dsn + n <= rcvNxt) {
            counters.dupBytes += n;
            return;
        }
        if (dsn < rcvNxt) {
            int d = (int) (rcvNxt - dsn);
            counters.dupBytes += d;
            off += d;
            n -= d;
            dsn = rcvNxt;
        }
        if (dsn > rcvNxt) {
            byte[] old = ofo.get(dsn);
            if (old != null && old.length >= n) {
                counters.dupBytes += n;
                return;
            }
            if (old != null) ofoBytes -= old.length;
            ofo.put(dsn, Arrays.copyOfRange(b, off, off + n));
            ofoBytes += n;
            return;
        }
        queueInOrder(Arrays.copyOfRange(b, off, off + n));
        Map.Entry<Long, byte[]> e;
        while ((e = ofo.firstEntry()) != null && e.getKey() <= rcvNxt) {
            ofo.pollFirstEntry();
            byte[] v = e.getValue();
            ofoBytes -= v.length;
            long end = e.getKey() + v.length;
            if (end <= rcvNxt) {
                counters.dupBytes += v.length;
                continue;
            }
            int d = (int) (rcvNxt - e.getKey());
            counters.dupBytes += d;
            queueInOrder(d == 0 ? v : Arrays.copyOfRange(v, d, v.length));
        }
    }

    private void queueInOrder(byte[] c) {
        queue.add(c);
        queued += c.length;
        rcvNxt += c.length;
        counters.bytesReceived += c.length;
    }

    /**
     * Copies up to {@code len} queued bytes into {@code buf} at {@code off}; with {@code peek} they
     * stay queued. Returns the number copied (0 when nothing is queued).
     */
    int read(byte[] buf, int off, int len, boolean peek) {
        int copied = 0;
        if (peek) {
            int skip = headOff;
            for (byte[] c : queue) {
                if (copied == len) break;
                int n = Math.min(c.length - skip, len - copied);
                System.arraycopy(c, skip, buf, off + copied, n);
                copied += n;
                skip = 0;
            }
            return copied;
        }
        while (copied < len && !queue.isEmpty()) {
            byte[] c = queue.peekFirst();
            int n = Math.min(c.length - headOff, len - copied);
            System.arraycopy(c, headOff, buf, off + copied, n);
            copied += n;
            headOff += n;
            if (headOff == c.length) {
                queue.removeFirst();
                headOff = 0;
            }
        }
        queued -= copied;
        return copied;
    }
}
