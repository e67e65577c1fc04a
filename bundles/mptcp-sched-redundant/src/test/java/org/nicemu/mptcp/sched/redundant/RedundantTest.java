package org.nicemu.mptcp.sched.redundant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.core.testing.MptcpTestMeta;
import org.nicemu.core.testing.MptcpTestSubflow;

/** mptcp_redundant.c on crafted states: each segment once per subflow, "M" marks a copy (reinject -1). */
class RedundantTest {
    private final MptcpTestMeta meta = new MptcpTestMeta();
    private final MptcpSchedOps red = new RedundantFactory().create();

    @Test
    void eachSegmentOncePerSubflow() {
        meta.add(new MptcpTestSubflow(1, 10_000));
        meta.add(new MptcpTestSubflow(2, 80_000));
        meta.attach(red);
        meta.queue(3, 1000);
        assertEquals(6, meta.writeXmit(red, 20));
        assertEquals("p1:0 p2:0M p1:1000 p2:1000M p1:2000 p2:2000M", meta.trace());
    }

    @Test
    void threeSubflows() {
        meta.add(new MptcpTestSubflow(1, 10_000));
        meta.add(new MptcpTestSubflow(2, 20_000));
        meta.add(new MptcpTestSubflow(3, 30_000));
        meta.attach(red);
        meta.queue(2, 1000);
        assertEquals(6, meta.writeXmit(red, 20));
        assertEquals("p1:0 p2:0M p3:0M p1:1000 p2:1000M p3:1000M", meta.trace());
    }

    @Test
    void aSubflowWithoutCwndCatchesUpLaterAndSkipsDataAckedSegments() {
        MptcpTestSubflow a = meta.add(new MptcpTestSubflow(1, 10_000));
        MptcpTestSubflow b = meta.add(new MptcpTestSubflow(2, 80_000));
        meta.attach(red);
        b.cwndFull();
        meta.queue(3, 1000);
        assertEquals(3, meta.writeXmit(red, 20));
        assertEquals("p1:0 p1:1000 p1:2000", meta.trace());
        // 0..1000 DATA_ACKed; b gets cwnd space: it starts at the retransmission-queue head (1000)
        meta.dataAck(1000);
        b.inFlight = 0;
        meta.log.clear();
        a.cwndFull();
        assertEquals(2, meta.writeXmit(red, 20));
        assertEquals("p2:1000M p2:2000M", meta.trace());
    }

    @Test
    void backupSendsOnlyWhenNoActiveSubflowIsValid() {
        MptcpTestSubflow a = meta.add(new MptcpTestSubflow(1, 10_000));
        MptcpTestSubflow bk = meta.add(new MptcpTestSubflow(2, 5_000));
        bk.backup = true;
        meta.attach(red);
        meta.queue(2, 1000);
        assertEquals(2, meta.writeXmit(red, 20));
        assertEquals("p1:0 p1:1000", meta.trace(), "no copies on the backup");
        meta.log.clear();
        a.pf = true;
        // as in the kernel, the backup's pointer starts at the retransmission-queue head and a segment
        // already sent (path mask != 0) is never copied to a backup: let everything be DATA_ACKed first
        meta.dataAck(2000);
        meta.queue(1, 1000);
        assertEquals(1, meta.writeXmit(red, 20));
        assertEquals("p2:2000", meta.trace(), "the active subflow is potentially failed: new data on the backup");
    }
}
