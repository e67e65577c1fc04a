package org.nicemu.mptcp.sched.ecf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nicemu.core.testing.MptcpTestMeta;
import org.nicemu.core.testing.MptcpTestSubflow;

/**
 * ECF on crafted states. F: srtt 10 ms, cwnd 10 full (10 packets out, 10 000 bytes queued);
 * S: srtt 40 ms, cwnd 10, idle; rttvar_us 4000 on both -> delta = 4000 >> 1 = 2000 us; MSS 1000;
 * meta: 10 packets out, wmem = 10 000 + k, so k (sndbuf) = meta wmem - sub wmem = the unsent bytes.
 * <pre>
 * rhs = cwnd_f*mss*(srtt_s + delta) = 10 000 * 42 000 = 420 000 000
 * k = 5 000:  x_f = max(5 000, 10 000) = 10 000; lhs = 10 000 * 20 000 = 200 000 000
 *             4 * lhs = 800 M < 4 * rhs = 1 680 M -> second test:
 *             lhs_s = 40 000 * max(5 000, 10 000) = 400 M >= rhs_s = 10 000 * (20 000 + 2 000) = 220 M -> wait (none)
 * k = 100 000: x_f = 100 000; lhs = 10 000 * 110 000 = 1 100 M; 4 * lhs = 4 400 M >= 1 680 M -> use S
 * </pre>
 */
class EcfTest {
    private final MptcpTestMeta meta = new MptcpTestMeta();
    private final Ecf ecf = (Ecf) new EcfFactory().create();
    private final MptcpTestSubflow slow = meta.add(new MptcpTestSubflow(1, 40_000));
    private final MptcpTestSubflow fast = meta.add(new MptcpTestSubflow(2, 10_000));

    @BeforeEach
    void setUp() {
        slow.rttvar = 4_000;
        fast.rttvar = 4_000;
        fast.cwndFull();
        fast.wmemQueued = 10_000;
        meta.packetsOut = 10;
        meta.attach(ecf);
        meta.queue(1, 1000);
    }

    @Test
    void waitsForTheFastSubflowWhenLittleDataIsQueued() {
        meta.wmemQueued = 10_000 + 5_000;
        assertNull(ecf.getSubflow(meta, meta.sendHead(), false));
        assertEquals(1, ecf.switchingMargin);
    }

    @Test
    void usesTheSlowSubflowWhenMuchDataIsQueued() {
        meta.wmemQueued = 10_000 + 100_000;
        assertSame(slow, ecf.getSubflow(meta, meta.sendHead(), false));
        assertEquals(0, ecf.switchingMargin);
    }

    @Test
    void hysteresisKeepsWaitingNearTheBoundary() {
        // k = 40 000: x_f = 40 000, lhs = 10 000 * 50 000 = 500 M; 4 * lhs = 2 000 M.
        // waiting 0: 2 000 M < 1 680 M fails -> use S; waiting 1: < 1 680 M + 420 M = 2 100 M holds ->
        // lhs_s = 40 000 * 40 000 = 1 600 M >= 220 M -> wait.
        meta.wmemQueued = 10_000 + 40_000;
        assertSame(slow, ecf.getSubflow(meta, meta.sendHead(), false));
        ecf.switchingMargin = 1;
        assertNull(ecf.getSubflow(meta, meta.sendHead(), false));
    }

    @Test
    void theFastestSubflowIsUsedWhenItHasSpace() {
        fast.inFlight = 0;
        meta.wmemQueued = 15_000;
        assertSame(fast, ecf.getSubflow(meta, meta.sendHead(), false));
    }
}
