package org.nicemu.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The application contract on the stand-in pipe stack (100 µs one way, 16 KiB window). */
class PipeStackTest extends AppsContract {
    @Override
    Stack stack() {
        return new PipeStack(100_000, 16 * 1024);
    }

    /**
     * A window larger than everything sent: every send and receive completes at once, 200,000
     * sends of one byte in a row — an application that recursed on immediate completions would
     * overflow the stack here.
     */
    @Test
    void longRunsOfImmediateCompletionsDoNotRecurse() throws Exception {
        PipeStack st = new PipeStack(1_000, 1 << 30);
        Sink sink = new Sink(st, st.h2, "sink", 0, 0, 6000).maxConnections(1);
        BulkSender tx = new BulkSender(st, st.h1, "tx", 0, PipeStack.H2, 6000, 200_000, 4).chunk(1);
        st.h2.loop().post(sink::start);
        st.h1.loop().post(tx::start);
        st.runUntil(10 * MS);
        assertTrue(tx.done() && sink.done());
        assertNull(tx.error());
        assertEquals(sha(4, 200_000), sink.results().get(0).sha256());
    }

    /** Same seeds, same run: the recorded times are identical. */
    @Test
    void deterministic() {
        long[] a = run(), b = run();
        assertEquals(a[0], b[0]);
        assertEquals(a[1], b[1]);
    }

    private long[] run() {
        PipeStack st = new PipeStack(50_000, 8192);
        Sink sink = new Sink(st, st.h2, "sink", 0, 0, 6001).maxConnections(1);
        BulkSender tx = new BulkSender(st, st.h1, "tx", 1, PipeStack.H2, 6001, 300_000, 1);
        st.h2.loop().post(sink::start);
        st.h1.loop().post(tx::start);
        st.runUntil(10_000 * MS);
        return new long[] {tx.results().get(0).endNs(), (long) sink.results().get(0).extra().get("lastByteNs")};
    }
}
