package org.nicemu.mptcp.sched.default_;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.core.testing.MptcpTestMeta;
import org.nicemu.core.testing.MptcpTestSegment;
import org.nicemu.core.testing.MptcpTestSubflow;

/** The default scheduler (get_available_subflow / mptcp_next_segment of mptcp_sched.c) on crafted subflow states. */
class DefaultSchedTest {
    private final MptcpTestMeta meta = new MptcpTestMeta();
    private final MptcpSchedOps sched = new DefaultSchedFactory().create();
    private final NextSegment out = new NextSegment();
    /** Path index 1, srtt 40 ms. */
    private final MptcpTestSubflow slow = meta.add(new MptcpTestSubflow(1, 40_000));
    /** Path index 2, srtt 10 ms. */
    private final MptcpTestSubflow fast = meta.add(new MptcpTestSubflow(2, 10_000));

    @Test
    void factoryNamesTheScheduler() {
        MptcpSchedulerFactory f = new DefaultSchedFactory();
        assertEquals("default", f.name());
        assertEquals("default", f.create().name());
        assertEquals("mptcp.scheduler", MptcpSchedulerFactory.NAME);
    }

    @Test
    void picksTheLowerSrttSubflowWhenBothHaveCwndSpace() {
        meta.attach(sched);
        meta.queue(1, 1000);
        assertSame(meta.sendHead(), sched.nextSegment(meta, out));
        assertSame(fast, out.subflow);
        assertEquals(NextSegment.NEW_DATA, out.reinject);
        assertEquals(0, out.limit, "one MSS: no sub-limit");
    }

    @Test
    void takesTheSlowerSubflowWhenTheFastOnesCwndIsFull() {
        meta.attach(sched);
        fast.cwndFull();
        meta.queue(3, 1000);
        assertEquals(3, meta.writeXmit(sched, 10));
        assertEquals("p1:0 p1:1000 p1:2000", meta.trace());
    }

    @Test
    void fillsTheFastSubflowThenTheSlowOne() {
        meta.attach(sched);
        fast.cwnd = 2;
        slow.cwnd = 1;
        meta.queue(4, 1000);
        // fast takes 2 (its cwnd), slow takes 1, then both are full: the 4th waits
        assertEquals(3, meta.writeXmit(sched, 10));
        assertEquals("p2:0 p2:1000 p1:2000", meta.trace());
    }

    @Test
    void backupOnlyWhenNoActiveSubflowCanSend() {
        slow.backup = true;
        slow.srtt = 5_000; // the backup is even faster, still not used
        meta.attach(sched);
        meta.queue(1, 1000);
        assertSame(fast, sched.getSubflow(meta, meta.sendHead(), false));
        fast.cwndFull();
        assertNull(sched.getSubflow(meta, meta.sendHead(), false),
                "an active subflow that is only cwnd-limited makes the data wait, the backup is not used");
        fast.inFlight = 0;
        fast.pf = true;
        assertSame(slow, sched.getSubflow(meta, meta.sendHead(), false), "no active subflow can send: the backup");
    }

    @Test
    void reinjectionAvoidsTheSubflowItWasSentOn() {
        meta.attach(sched);
        MptcpTestSegment seg = new MptcpTestSegment(0, 1000);
        seg.pathMask = 0b10; // sent on path 2 (the fast one)
        meta.reinject.add(seg);
        meta.sndNxt = 1000;
        meta.queue(1, 1000);
        assertSame(seg, sched.nextSegment(meta, out));
        assertSame(slow, out.subflow, "the fast subflow already had it");
        assertEquals(NextSegment.REINJECT, out.reinject);
    }

    @Test
    void reinjectionSentEverywhereIsClearedAndMayGoAnywhere() {
        meta.attach(sched);
        MptcpTestSegment seg = new MptcpTestSegment(0, 1000);
        seg.pathMask = 0b11;
        meta.reinject.add(seg);
        assertSame(seg, sched.nextSegment(meta, out));
        assertSame(fast, out.subflow);
        assertEquals(0, seg.pathMask, "get_available_subflow cleared the path mask");
    }

    @Test
    void fullMetaWindowRetransmitsTheMetaHeadOnTheFasterSubflow() {
        MptcpTestSubflow verySlow = slow;
        verySlow.srtt = 100_000;
        verySlow.cwnd = 20;
        verySlow.ssthresh = 10;
        meta.attach(sched);
        meta.queue(2, 1000);
        meta.sndWnd = 1000;
        // the head went on the slow subflow
        MptcpTestSegment head = meta.write.poll();
        head.pathMask = 0b01;
        meta.rtx.add(head);
        meta.sndNxt = 1000;
        // the next segment (1000..2000) is beyond snd_una + snd_wnd = 1000: window full.
        // fast is chosen for it; 4 * 10 ms < 100 ms and the slow cwnd 20 > 4: resend the head there.
        assertSame(head, sched.nextSegment(meta, out));
        assertSame(fast, out.subflow);
        assertEquals(NextSegment.META_RETRANSMIT, out.reinject);
        assertEquals(20, verySlow.cwnd, "no penalisation within one fast srtt (10 ms) of defsched_init");
        meta.now += 20_000;
        sched.nextSegment(meta, out);
        assertEquals(10, verySlow.cwnd, "penalised: cwnd halved");
        assertEquals(5, verySlow.ssthresh, "prior cwnd 20 >= ssthresh 10: ssthresh halved too");
        sched.nextSegment(meta, out);
        assertEquals(10, verySlow.cwnd, "not again within one srtt of the fast subflow");
    }

    @Test
    void fullMetaWindowWithComparableRttsSendsNothing() {
        meta.attach(sched);
        meta.queue(2, 1000);
        meta.sndWnd = 1000;
        MptcpTestSegment head = meta.write.poll();
        head.pathMask = 0b01; // on slow (40 ms); 4 * 10 ms >= 40 ms: no retransmission
        meta.rtx.add(head);
        meta.sndNxt = 1000;
        assertNull(sched.nextSegment(meta, out));
    }

    @Test
    void largeSegmentGetsTheCwndSubLimit() {
        meta.attach(sched);
        meta.queue(1, 8000);
        sched.nextSegment(meta, out);
        assertSame(fast, out.subflow);
        // tcp_cwnd_test: cwnd 10, nothing in flight: min(10 - 0, max(10/2, 1)) = 5 segments = 5000 bytes <= 8000
        assertEquals(5000, out.limit);
    }

    @Test
    void dataFinAnswersOnThePeersDataFinSubflow() {
        meta.attach(sched);
        meta.queue(1, 0);
        meta.write.peek().dataFin = true;
        meta.rcvShutdown = true;
        meta.dfinPathIndex = 1;
        assertSame(slow, sched.getSubflow(meta, meta.sendHead(), false));
    }
}
