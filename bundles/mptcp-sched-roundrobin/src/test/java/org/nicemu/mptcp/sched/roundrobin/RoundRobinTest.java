package org.nicemu.mptcp.sched.roundrobin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.core.testing.MptcpTestMeta;
import org.nicemu.core.testing.MptcpTestSegment;
import org.nicemu.core.testing.MptcpTestSubflow;

/**
 * mptcp_rr.c on crafted states. Note the kernel's loop keeps the LAST unused subflow of the list
 * when no subflow is mid-burst, so a round starts with the last subflow (path 2 here).
 */
class RoundRobinTest {
    private final MptcpTestMeta meta = new MptcpTestMeta();
    private final MptcpTestSubflow a = meta.add(new MptcpTestSubflow(1, 10_000));
    private final MptcpTestSubflow b = meta.add(new MptcpTestSubflow(2, 50_000));

    @Test
    void alternatesWithOneSegmentPerBurst() {
        MptcpSchedOps rr = RoundRobinFactory.of(1, true).create();
        meta.attach(rr);
        meta.queue(6, 1000);
        assertEquals(6, meta.writeXmit(rr, 10));
        assertEquals("p2:0 p1:1000 p2:2000 p1:3000 p2:4000 p1:5000", meta.trace(), "RTTs play no role");
        assertEquals(1000, meta.log.get(0).limit(), "sub-limit = split * mss = 1 * 1000");
    }

    @Test
    void groupsThreeSegmentsPerBurst() {
        MptcpSchedOps rr = RoundRobinFactory.of(3, true).create();
        meta.attach(rr);
        meta.queue(9, 1000);
        assertEquals(9, meta.writeXmit(rr, 20));
        assertEquals("p2:0 p2:1000 p2:2000 p1:3000 p1:4000 p1:5000 p2:6000 p2:7000 p2:8000", meta.trace());
        // limits: a fresh burst allows 3 * mss, the second segment of a burst 2 * mss, the third 1 * mss
        assertEquals(3000, meta.log.get(0).limit());
        assertEquals(2000, meta.log.get(1).limit());
        assertEquals(1000, meta.log.get(2).limit());
    }

    @Test
    void cwndLimitedSkipsAFullSubflow() {
        MptcpSchedOps rr = RoundRobinFactory.of(1, true).create();
        meta.attach(rr);
        b.cwndFull();
        meta.queue(3, 1000);
        assertEquals(3, meta.writeXmit(rr, 10));
        assertEquals("p1:0 p1:1000 p1:2000", meta.trace());
    }

    @Test
    void withoutCwndLimitedAFullSubflowKeepsItsTurnAndBlocks() {
        MptcpSchedOps rr = RoundRobinFactory.of(1, false).create();
        meta.attach(rr);
        b.cwndFull();
        meta.queue(3, 1000);
        NextSegment out = new NextSegment();
        assertNull(rr.nextSegment(meta, out), "path 2 is chosen (quota 0, last in the list) but has no cwnd space");
    }

    @Test
    void reinjectionGoesToASubflowNotYetUsedForIt() {
        MptcpSchedOps rr = RoundRobinFactory.of(1, true).create();
        meta.attach(rr);
        MptcpTestSegment seg = new MptcpTestSegment(0, 1000);
        seg.pathMask = 0b10;
        meta.reinject.add(seg);
        NextSegment out = new NextSegment();
        assertSame(seg, rr.nextSegment(meta, out));
        assertSame(a, out.subflow);
        assertEquals(NextSegment.REINJECT, out.reinject);
    }

    /**
     * Meta segments of several MSS (Linux builds them at the subflows' TSO size goal): the quota
     * passes num_segments at once, which counts as full ({@code rsp->quota >= num_segments}), so the
     * round restarts instead of stalling.
     */
    @Test
    void multiMssSegmentsOverfillTheQuotaAndTheRoundRestarts() {
        MptcpSchedOps rr = RoundRobinFactory.of(1, true).create();
        meta.attach(rr);
        meta.queue(4, 3000);
        assertEquals(4, meta.writeXmit(rr, 10));
        assertEquals("p2:0 p1:3000 p2:6000 p1:9000", meta.trace());
    }
}
