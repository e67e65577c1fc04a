package org.nicemu.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.QdiscInfo;
import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.stats.DropReason;

/** tc qdisc replace/del with migrate and drop semantics (DESIGN §6), built-in kinds only. */
class HotSwapTest {

    private static TcRequest replace(String kind, String handle, boolean migrate) {
        return new TcRequest(TcRequest.Op.REPLACE, "root", handle, kind, QdiscParams.empty(), migrate);
    }

    /** 40 frames, 10 per queue (hash → queue), all queues stopped so everything stays queued. */
    private static TestBed queued40() {
        TestBed b = new TestBed(4, null);
        DevXmitTest.inLoop(b, () -> {
            for (int q = 0; q < 4; q++) b.dev.netifTxStopQueue(q);
            for (int i = 0; i < 40; i++) b.dev.devQueueXmit(b.frame(i, 0, (i % 4) * 0x40000000 + 1));
        });
        return b;
    }

    @Test
    void defaultTreeIsMqWithPfifoFastPerQueue() {
        TestBed b = new TestBed(4, null);
        List<QdiscInfo> t = b.dev.qdiscs();
        assertEquals(5, t.size());
        assertEquals("mq", t.get(0).kind());
        assertEquals("0:", t.get(0).handle());
        assertEquals("pfifo_fast", t.get(1).kind());
        assertEquals("0:1", t.get(1).parent());
        assertEquals("0:4", t.get(4).parent());
    }

    @Test
    void migrateMovesEveryPacketAndDropFreesThem() throws Exception {
        TestBed b = queued40();
        assertEquals(40, b.dev.tree.backlogPackets());
        assertEquals(10, b.dev.qdiscs().get(1).stats().qlen, "1 requeued + 9 queued on queue 0");
        b.dev.tc(replace("pfifo_fast", "1:", true));
        assertEquals("pfifo_fast", b.dev.rootQdisc().kind);
        assertEquals("1:", b.dev.rootQdisc().handleString());
        assertEquals(40, b.dev.rootQdisc().qlen());
        assertEquals(4000, b.dev.rootQdisc().ops.stats().backlog);
        assertEquals(0, b.dev.drops().totalPackets());
        b.dev.tc(replace("mq", "2:", true));
        List<QdiscInfo> t = b.dev.qdiscs();
        for (int q = 1; q <= 4; q++) assertEquals(10, t.get(q).stats().qlen, "queue_mapping is kept: 10 per queue");
        assertEquals(40, t.get(0).stats().qlen, "mq sums its children");
        b.dev.tc(replace("pfifo_fast", "3:", false));
        assertEquals(40, b.dev.drops().packets(DropReason.SWAP_FLUSH), "drop mode frees like Linux");
        assertEquals(0, b.dev.tree.backlogPackets());
        assertEquals(0, b.host.allocator().inUse());
    }

    @Test
    void migrateIntoASmallerQdiscCountsSwapOverlimit() throws Exception {
        TestBed b = queued40();
        b.dev.txQueueLen = 25; // per band: all 40 frames have priority 0, band 1
        b.dev.tc(replace("pfifo_fast", null, true));
        assertEquals(25, b.dev.rootQdisc().qlen());
        assertEquals(15, b.dev.drops().packets(DropReason.SWAP_OVERLIMIT));
        assertEquals(0, b.dev.drops().packets(DropReason.QDISC_DROP));
        assertEquals(15, b.dev.rootQdisc().ops.stats().drops);
    }

    @Test
    void everyPacketLeavesInPerQueueOrderAfterSwaps() throws Exception {
        TestBed b = queued40();
        b.dev.tc(replace("pfifo_fast", null, true));
        b.dev.tc(replace("mq", null, true));
        DevXmitTest.inLoop(b, () -> {
            for (int q = 0; q < 4; q++) b.dev.netifTxWakeQueue(q);
        });
        assertEquals(40, b.driver.sent.size());
        for (int q = 0; q < 4; q++) {
            List<Integer> mine = new ArrayList<>();
            for (int i = 0; i < 40; i++) if (b.driver.sentQueues.get(i) == q) mine.add(b.driver.sent.get(i));
            List<Integer> expect = new ArrayList<>();
            for (int i = q; i < 40; i += 4) expect.add(i);
            assertEquals(expect, mine, "queue " + q + " order");
        }
        assertEquals(0, b.host.allocator().inUse());
    }

    @Test
    void delRevertsToTheDefaultTree() throws Exception {
        TestBed b = queued40();
        b.dev.tc(replace("pfifo_fast", "5:", true));
        b.dev.tc(new TcRequest(TcRequest.Op.DEL, "root", null, null, null, true));
        assertEquals("mq", b.dev.rootQdisc().kind);
        assertEquals(40, b.dev.tree.backlogPackets());
    }

    @Test
    void badRequestsSayWhatIsWrongAndChangeNothing() throws Exception {
        TestBed b = queued40();
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> b.dev.tc(replace("foo", null, true)));
        assertTrue(e.getMessage().contains("unknown qdisc kind 'foo'") && e.getMessage().contains("pfifo_fast"), e.getMessage());
        b.dev.tc(replace("pfifo_fast", "1:", true));
        e = assertThrows(QdiscParamException.class, () -> b.dev.tc(new TcRequest(TcRequest.Op.ADD, "root", null, "pfifo_fast", null, true)));
        assertTrue(e.getMessage().contains("File exists"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> b.dev.tc(new TcRequest(TcRequest.Op.ADD, "9:1", null, "pfifo_fast", null, true)));
        assertTrue(e.getMessage().contains("no qdisc with handle 9:"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> b.dev.tc(new TcRequest(TcRequest.Op.ADD, "1:1", null, "pfifo_fast", null, true)));
        assertTrue(e.getMessage().contains("classless"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> b.dev.tc(new TcRequest(TcRequest.Op.REPLACE, "x:y:z", null, "pfifo_fast", null, true)));
        assertTrue(e.getMessage().contains("bad parent"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> b.dev.tc(new TcRequest(TcRequest.Op.CHANGE, "root", null, "mq", null, true)));
        assertTrue(e.getMessage().contains("use 'replace'"), e.getMessage());
        assertEquals(40, b.dev.tree.backlogPackets(), "nothing queued was lost");
        assertEquals(0, b.dev.drops().totalPackets());
    }

    @Test
    void aChosenMqRootComesBackWhenTheDeviceHasSeveralQueuesAgain() throws Exception {
        TestBed b = queued40();
        b.dev.tc(replace("mq", "1:", true));
        b.dev.realNumTxQueues = 1;
        b.dev.tree.realQueuesChanged();
        assertEquals("pfifo_fast", b.dev.rootQdisc().kind, "mq does not fit one queue: default tree");
        assertEquals(40, b.dev.tree.backlogPackets());
        b.dev.realNumTxQueues = 4;
        b.dev.tree.realQueuesChanged();
        assertEquals("mq", b.dev.rootQdisc().kind);
        assertEquals("1:", b.dev.rootQdisc().handleString(), "the user's mq with its handle is back");
        assertEquals(40, b.dev.tree.backlogPackets());
        assertEquals(0, b.dev.drops().totalPackets());
    }
}
