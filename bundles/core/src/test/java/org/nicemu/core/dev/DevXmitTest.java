package org.nicemu.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.CostCounters;

/** dev.c / sch_generic.c transmit behaviour with exact counts. */
class DevXmitTest {

    /** Runs {@code r} as one event on the loop, then the softirqs it raised (irq_exit). */
    static void inLoop(TestBed b, Runnable r) {
        b.harness.inLoop(r);
    }

    @Test
    void quotaExhaustionReschedulesThroughNetTx() {
        TestBed b = new TestBed(1, null);
        CostCounters c = b.host.counters();
        inLoop(b, () -> {
            b.dev.netifTxStopQueue(0);
            for (int i = 0; i < 100; i++) assertEquals(NetXmit.NET_XMIT_SUCCESS, b.dev.devQueueXmit(b.frame(i, 0, 0)));
            assertEquals(1, c.txBypass, "only the first skb finds the qdisc empty");
            assertEquals(99, c.txEnqueue);
            assertEquals(1, c.txRequeue, "the bypassed skb met a stopped queue and was requeued");
            assertEquals(100, b.dev.rootQdisc().qlen());
            b.dev.netifTxWakeQueue(0);
        });
        assertEquals(IntStream.range(0, 100).boxed().toList(), b.driver.sent);
        assertEquals(1, c.quotaExhausted, "64 of dev_tx_weight, then a reschedule");
        assertEquals(2, c.softirqNetTx, "one net_tx_action for 64 packets, one for the remaining 36");
        assertEquals(2, c.netifSchedule, "requeue + quota");
        assertEquals(0, b.dev.rootQdisc().qlen());
        assertEquals(0, b.host.allocator().inUse());
    }

    @Test
    void devTxWeightSysctlSetsTheQuota() {
        TestBed b = new TestBed(1, null);
        b.host.sysctl("net.core.dev_weight", "10");
        inLoop(b, () -> {
            b.dev.netifTxStopQueue(0);
            for (int i = 0; i < 35; i++) b.dev.devQueueXmit(b.frame(i, 0, 0));
            b.dev.netifTxWakeQueue(0);
        });
        assertEquals(35, b.driver.sent.size());
        assertEquals(3, b.host.counters().quotaExhausted, "10+10+10 exhaust the quota, the last 5 do not");
        assertEquals(4, b.host.counters().softirqNetTx);
    }

    @Test
    void bypassOnlyOnAnEmptyQdisc() {
        TestBed b = new TestBed(1, null);
        CostCounters c = b.host.counters();
        inLoop(b, () -> {
            for (int i = 0; i < 3; i++) b.dev.devQueueXmit(b.frame(i, 0, 0));
        });
        assertEquals(3, c.txBypass);
        assertEquals(0, c.txEnqueue);
        assertEquals(List.of(0, 1, 2), b.driver.sent);
        inLoop(b, () -> {
            b.dev.netifTxStopQueue(0);
            b.dev.devQueueXmit(b.frame(3, 0, 0));
            b.dev.devQueueXmit(b.frame(4, 0, 0));
        });
        assertEquals(4, c.txBypass, "the first skb after the stop still finds the qdisc empty");
        assertEquals(1, c.txEnqueue, "the second finds the requeued one");
        assertEquals(2, b.dev.rootQdisc().qlen());
        assertEquals(1, b.dev.rootQdisc().ops.stats().requeues);
    }

    @Test
    void txBusyRequeueKeepsOrder() {
        TestBed b = new TestBed(1, null);
        b.driver.busyOnCall = 3;
        inLoop(b, () -> {
            b.dev.netifTxStopQueue(0);
            for (int i = 0; i < 5; i++) b.dev.devQueueXmit(b.frame(i, 0, 0));
            b.dev.netifTxWakeQueue(0);
        });
        assertEquals(List.of(0, 1, 2, 3, 4), b.driver.sent);
        assertEquals(6, b.driver.calls, "five accepted, one NETDEV_TX_BUSY");
        assertEquals(2, b.dev.rootQdisc().ops.stats().requeues, "stopped queue once, TX_BUSY once");
        assertEquals(1, b.dev.txQueue(0).busy);
        assertEquals(0, b.host.allocator().inUse());
    }

    @Test
    void xpsThenHashThenDriverSelectQueue() {
        TestBed b = new TestBed(4, new int[] {2, 3});
        SkBuff s = b.frame(1, 0, 0x10000000);
        s.senderCpu = 1;
        assertEquals(3, b.dev.netdevPickTx(s).index, "XPS: cpu1 -> queue 3");
        s.senderCpu = -1;
        assertEquals(0, b.dev.netdevPickTx(s).index, "reciprocal_scale(0x10000000, 4) = 0");
        s.hash = 0x40000000;
        assertEquals(1, b.dev.netdevPickTx(s).index);
        s.hash = 0xC0000000;
        assertEquals(3, b.dev.netdevPickTx(s).index);
        assertEquals(3, s.queueMapping);
        b.driver.selectQueue = 2;
        assertEquals(2, b.dev.netdevPickTx(s).index, "ndo_select_queue wins");
        b.driver.selectQueue = 7;
        assertEquals(0, b.dev.netdevPickTx(s).index, "netdev_cap_txqueue: out of range -> 0");
        b.host.allocator().free(s);
    }

    @Test
    void flowHashIsStablePerFlowAndSpreadsFlows() {
        TestBed b = new TestBed(4, null);
        int[] perQueue = new int[4];
        for (int flow = 0; flow < 64; flow++) {
            SkBuff s = b.frame(flow, 0, 0);
            byte[] h = s.head();
            int ip = s.dataOffset() + 14;
            h[ip + 12] = (byte) 198; h[ip + 13] = 18; h[ip + 14] = 0; h[ip + 15] = 1;
            h[ip + 16] = (byte) 198; h[ip + 17] = 19; h[ip + 18] = 0; h[ip + 19] = 1;
            h[ip + 20] = 0x30; h[ip + 21] = (byte) flow; h[ip + 22] = 0x13; h[ip + 23] = (byte) 0x89;
            int q = b.dev.netdevPickTx(s).index;
            s.hash = 0;
            assertEquals(q, b.dev.netdevPickTx(s).index, "same 5-tuple, same queue");
            assertTrue(s.l4Hash);
            perQueue[q]++;
            b.host.allocator().free(s);
        }
        for (int n : perQueue) assertTrue(n > 0, "64 flows reach every one of 4 queues");
    }

    @Test
    void needReschedEndsTheRunAfterOnePacket() {
        TestBed b = new TestBed(1, null);
        CostCounters c = b.host.counters();
        inLoop(b, () -> {
            b.dev.netifTxStopQueue(0);
            for (int i = 0; i < 5; i++) b.dev.devQueueXmit(b.frame(i, 0, 0));
            b.host.setNeedResched(0);
            b.dev.netifTxWakeQueue(0);
        });
        assertEquals(List.of(0, 1, 2, 3, 4), b.driver.sent);
        assertEquals(5, c.needResched, "every restart sees need_resched() and reschedules");
        assertEquals(0, c.quotaExhausted);
    }

    @Test
    void bulkDequeueUsesBqlBudgetAndSetsXmitMore() {
        TestBed b = new TestBed(1, null);
        TxQueue t = b.dev.txQueue(0);
        t.bqlUsed = true;
        t.dql.adjLimit = 350; // room for 3.5 frames of 100 bytes
        inLoop(b, () -> {
            b.dev.netifTxStopQueue(0);
            for (int i = 0; i < 6; i++) b.dev.devQueueXmit(b.frame(i, 0, 0));
            b.dev.netifTxWakeQueue(0);
        });
        assertEquals(List.of(0, 1, 2, 3, 4, 5), b.driver.sent);
        // skb 0 is requeued (sent alone), then 1 with 3 more bulked (bytelimit 350-100 → 250,150,50,-50), then 5
        assertEquals(List.of(false, true, true, true, false, false), b.driver.xmitMore);
    }

    @Test
    void deviceDownDropsWithReasonAndKeepsQueued() {
        TestBed b = new TestBed(1, null);
        inLoop(b, () -> {
            b.dev.netifTxStopQueue(0);
            for (int i = 0; i < 3; i++) b.dev.devQueueXmit(b.frame(i, 0, 0));
            b.dev.setUp(false);
            assertEquals(NetXmit.NET_XMIT_DROP, b.dev.devQueueXmit(b.frame(9, 0, 0)));
        });
        assertEquals(1, b.dev.drops().packets(org.nicemu.api.stats.DropReason.DEV_READY));
        assertEquals(3, b.dev.rootQdisc().qlen(), "queued packets survive ip link set down");
        inLoop(b, () -> b.dev.setUp(true));
        assertEquals(List.of(0, 1, 2), b.driver.sent);
        assertFalse(b.dev.txQueueStopped(0));
    }
}
