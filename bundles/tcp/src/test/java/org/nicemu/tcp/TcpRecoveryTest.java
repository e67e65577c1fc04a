package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.wire.TcpHeader;

/** RTO with exponential backoff while h2's link is down, then byte-exact completion. */
class TcpRecoveryTest {
    static final int TH = TcpHandshakeTest.TH;
    static final long MS = TcpBed.MS, S = TcpBed.S;

    @Test
    void rtoBacksOffByDoublingWhileTheLinkIsDownAndTheTransferCompletesAfter() {
        TcpBed b = TcpBed.recorded(Map.of("delay", "5ms"));
        TcpBed.Sink[] sink = new TcpBed.Sink[1];
        TcpBed.Bulk[] bulk = new TcpBed.Bulk[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, 4_000_000, "cubic", 5);
        });
        b.h.runUntil(40 * MS);
        TcpSock c = (TcpSock) bulk[0].sk;
        long rtoAtCut = c.rtt.rtoUs();
        long cut = b.h.now();
        long timeouts0 = b.h1.inet().tcp.timeouts;
        b.h.inLoop(() -> b.d2.setLink(false));
        long down = 8 * S;
        b.h.runUntil(cut + down);
        int una = c.sndUna;
        // retransmissions of the head (seq = snd_una) after the cut, by time
        List<Long> t = new ArrayList<>();
        List<byte[]> fs = b.rec.frames();
        for (int i = 0; i < fs.size(); i++) {
            if (b.rec.times().get(i) <= cut + rtoAtCut * 1000 / 2) continue; // the head's first transmission is right after the cut
            byte[] f = fs.get(i);
            if (TcpSendPathTest.payload(f) > 0 && TcpHeader.seq(f, TH) == una) t.add(b.rec.times().get(i));
        }
        long timeouts = b.h1.inet().tcp.timeouts - timeouts0;
        System.out.println("rto at cut " + rtoAtCut + " us, head retransmissions at " + t + ", timeouts " + timeouts);
        System.out.println("retransSegs " + b.h1.inet().tcp.retransSegs + " lossProbes " + b.h1.inet().tcp.lossProbes + " backoff " + c.rtt.backoff() + " retransmits " + c.retransmits + " state " + c.stateName() + " pending " + c.icskPending + " armed " + c.retransmitTimer.isArmed() + " exp " + c.retransmitTimer.expiresNanos());
        assertTrue(t.size() >= 4, "retransmissions " + t);
        assertEquals(t.size(), timeouts, "one RTO per head retransmission");
        for (int i = 2; i < t.size(); i++) {
            long prev = t.get(i - 1) - t.get(i - 2), gap = t.get(i) - t.get(i - 1);
            assertEquals(2 * prev, gap, 2 * MS, "interval " + i + " doubles: " + prev + " -> " + gap);
        }
        long first = t.get(1) - t.get(0);
        assertTrue(first >= 2 * 200 * MS, "second RTO is at least 2 x 200 ms: " + first);
        b.h.inLoop(() -> b.d2.setLink(true));
        long limit = b.h.now() + 60 * S;
        while (b.h.now() < limit && !(sink[0].eof && bulk[0].closed)) b.h.runUntil(b.h.now() + 100 * MS);
        assertEquals(0, bulk[0].err);
        assertEquals(4_000_000, sink[0].bytes);
        assertEquals(TcpBed.hex(bulk[0].sha.digest()), TcpBed.hex(sink[0].sha.digest()));
    }
}
