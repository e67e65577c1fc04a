package org.nicemu.mptcp.sched.blest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.core.testing.MptcpTestMeta;
import org.nicemu.core.testing.MptcpTestSubflow;

/**
 * BLEST on crafted states. Fast subflow F: srtt 10 ms, cwnd 10 (full), ssthresh 8, MSS 1000.
 * Slow subflow S: srtt 40 ms, cwnd 10, 2 packets (2000 bytes) in flight. lambda = 1.2 (initial).
 * <pre>
 * linger(S)  = srtt range of S is [40 ms, 40 ms] -> 40 000 us
 * n          = 40 000 / avg_rtt(F) 10 000 + 1 = 5 fast RTTs
 * packets(F) = (max(cwnd 10, ssthresh 8 + 1) + (5 - 1) / 2) * 5 = 12 * 5 = 60
 * fast_bytes = 60 * 1000 * 1200 / 1000 = 72 000
 * slow_bytes = 1000 (this segment) + 2000 (write_seq - snd_una of S) = 3000
 * snd_wnd 100 000: avail = 97 000 >= 72 000 -> use S
 * snd_wnd  60 000: avail = 57 000 <  72 000 -> skip S (none)
 * </pre>
 */
class BlestTest {
    private final MptcpTestMeta meta = new MptcpTestMeta();
    private final Blest blest = (Blest) new BlestFactory().create();
    private final MptcpTestSubflow slow = meta.add(new MptcpTestSubflow(1, 40_000));
    private final MptcpTestSubflow fast = meta.add(new MptcpTestSubflow(2, 10_000));
    private final NextSegment out = new NextSegment();

    @BeforeEach
    void setUp() {
        fast.ssthresh = 8;
        fast.cwndFull();
        slow.sent(2000, 2);
        meta.attach(blest);
        meta.queue(1, 1000);
    }

    @Test
    void usesTheSlowSubflowWhenTheFastOneWouldNotBeBlocked() {
        meta.sndWnd = 100_000;
        assertEquals(72_000, fastBytesAfterGetSubflow());
        assertSame(blest.nextSegment(meta, out), meta.sendHead());
        assertSame(slow, out.subflow);
    }

    private long fastBytesAfterGetSubflow() {
        blest.getSubflow(meta, meta.sendHead(), false); // records the srtt ranges
        assertEquals(40_000, blest.estimateLingerTime(meta, slow));
        return blest.estimateBytes(meta, fast, blest.estimateLingerTime(meta, slow));
    }

    @Test
    void skipsTheSlowSubflowWhenBlockingIsPredicted() {
        meta.sndWnd = 60_000;
        assertEquals(72_000, fastBytesAfterGetSubflow());
        assertNull(blest.nextSegment(meta, out));
    }

    @Test
    void initialSlowStartEstimateDoublesPerRtt() {
        fast.ssthresh = org.nicemu.api.tcp.cc.TcpCc.TCP_INFINITE_SSTHRESH;
        blest.getSubflow(meta, meta.sendHead(), false);
        // n = 5: cwnd * (2^5 - 1) = 10 * 31 = 310 packets * 1000 * 1.2 = 372 000 bytes
        assertEquals(372_000, blest.estimateBytes(meta, fast, 40_000));
    }

    @Test
    void lambdaAdaptsOncePerFastRttWithinItsBounds() {
        meta.sndWnd = 1_000_000;
        blest.getSubflow(meta, meta.sendHead(), false);
        assertEquals(1200, blest.lambda1000, "not a full min RTT (40 ms of S) since init");
        meta.now += 40_000;
        blest.getSubflow(meta, meta.sendHead(), false);
        assertEquals(1190, blest.lambda1000, "no retransmission: - dyn_lambda_good (10)");
        blest.retransFlag = true;
        meta.now += 40_000;
        blest.getSubflow(meta, meta.sendHead(), false);
        assertEquals(1230, blest.lambda1000, "retransmission: + dyn_lambda_bad (40)");
        for (int i = 0; i < 5; i++) {
            blest.retransFlag = true;
            meta.now += 40_000;
            blest.getSubflow(meta, meta.sendHead(), false);
        }
        assertEquals(1300, blest.lambda1000, "capped at max_lambda * 100");
    }

    @Test
    void theFastSubflowIsUsedWithoutEstimationWhenItHasSpace() {
        fast.inFlight = 0;
        meta.sndWnd = 2_000;
        assertSame(meta.sendHead(), blest.nextSegment(meta, out));
        assertSame(fast, out.subflow);
    }
}
