package org.nicemu.qdisc.pfifo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.testing.QdiscHarness;

/** pfifo (sch_fifo.c pfifo_qdisc_ops) in virtual time, exact counters. */
class PfifoTest {
    private final QdiscHarness h = new QdiscHarness();

    @Test
    void limitThreeTailDropsTheFourth() throws Exception {
        Pfifo q = h.init(new Pfifo(), "limit 3");
        SkBuff[] s = new SkBuff[4];
        for (int i = 0; i < 4; i++) s[i] = h.skb(1000, 0);
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(s[0]));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(s[1]));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(s[2]));
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(s[3]));
        assertEquals(1, q.stats().drops);
        assertEquals(3, q.stats().qlen);
        assertEquals(3000, q.stats().backlog);
        assertEquals(1, h.drops().packets(DropReason.QDISC_DROP));
        assertEquals(1000, h.drops().bytes(DropReason.QDISC_DROP));

        assertSame(s[0], q.peek());
        assertSame(s[0], q.dequeue());
        assertSame(s[1], q.dequeue());
        assertSame(s[2], q.dequeue());
        assertNull(q.dequeue());
        assertEquals(3000, q.stats().bytes);
        assertEquals(3, q.stats().packets);
        assertEquals(0, q.stats().qlen);
        assertEquals(0, q.stats().backlog);
    }

    @Test
    void defaultLimitIsTxQueueLenAndBypassable() throws Exception {
        h.txQueueLen(5);
        Pfifo q = h.init(new Pfifo(), "");
        assertEquals(5, q.limit());
        assertEquals("5p", q.dump().get("limit"));
        assertEquals(Qdisc.TCQ_F_CAN_BYPASS, q.flags());
        for (int i = 0; i < 5; i++) assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(100, 0)));
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h.skb(100, 0)));
        assertEquals(500, q.stats().backlog);
    }

    @Test
    void limitZeroDropsEverythingAndIsNotBypassable() throws Exception {
        Pfifo q = h.init(new Pfifo(), "limit 0");
        assertEquals(0, q.flags());
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h.skb(60, 0)));
        assertEquals(1, q.stats().drops);
        assertEquals(0, q.stats().qlen);
    }

    @Test
    void lowerLimitKeepsQueuedPacketsLikeFifoInit() throws Exception {
        Pfifo q = h.init(new Pfifo(), "limit 3");
        for (int i = 0; i < 3; i++) q.enqueue(h.skb(100, 0));
        q.change(QdiscHarness.params("limit 1"));
        assertEquals(3, q.stats().qlen);
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h.skb(100, 0)));
        q.dequeue();
        q.dequeue();
        q.dequeue();
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(100, 0)));
        // a change without limit keeps the current limit
        q.change(QdiscHarness.params(""));
        assertEquals(1, q.limit());
    }

    @Test
    void gsoSkbCountsItsSegmentsInBstats() throws Exception {
        Pfifo q = h.init(new Pfifo(), "limit 10");
        SkBuff s = h.skb(3000, 0);
        s.setGso(1000, 3, SkBuff.SKB_GSO_TCPV4);
        q.enqueue(s);
        assertEquals(1, q.stats().qlen);
        q.dequeue();
        assertEquals(3, q.stats().packets);
        assertEquals(3000, q.stats().bytes);
    }

    @Test
    void drainHandsOverInOrderAndResetFrees() throws Exception {
        Pfifo q = h.init(new Pfifo(), "limit 10");
        List<SkBuff> in = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SkBuff s = h.skb(100 + i, 0);
            in.add(s);
            q.enqueue(s);
        }
        List<SkBuff> out = new ArrayList<>();
        q.drain(out::add);
        assertEquals(in, out);
        assertEquals(0, q.stats().qlen);
        assertEquals(0, q.stats().backlog);

        q.enqueue(h.skb(100, 0));
        q.enqueue(h.skb(100, 0));
        q.reset();
        assertEquals(0, q.stats().qlen);
        assertEquals(0, q.stats().backlog);
        assertEquals(2, h.drops().packets(DropReason.SWAP_FLUSH));
        assertEquals(0, q.stats().drops);
    }

    @Test
    void unknownParameterIsRejectedNamingIt() {
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> h.init(new Pfifo(), "limt 5"));
        assertTrue(e.getMessage().contains("'limt'"), e.getMessage());
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void badLimitIsRejectedNamingItAndChangeIsAtomic() throws Exception {
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> h.init(new Pfifo(), "limit 10kb"));
        assertTrue(e.getMessage().contains("'limit'"), e.getMessage());
        assertTrue(e.getMessage().contains("packets"), e.getMessage());
        Pfifo q = h.init(new Pfifo(), "limit 7");
        e = assertThrows(QdiscParamException.class, () -> q.change(QdiscHarness.params("limit -1")));
        assertTrue(e.getMessage().contains("'limit'"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> q.change(QdiscHarness.params("limit 99999999999")));
        assertTrue(e.getMessage().contains("'limit'"), e.getMessage());
        assertEquals(7, q.limit());
    }

    @Test
    void factoryMakesNewInstancesWithConfiguredDefault() throws Exception {
        PfifoFactory f = new PfifoFactory();
        f.activate(config(0));
        assertEquals("pfifo", f.kind());
        Qdisc a = f.create();
        assertNotSame(a, f.create());
        h.txQueueLen(1000);
        a.init(h, QdiscHarness.params(""));
        assertEquals(1000, ((Pfifo) a).limit());
        assertFalse(f.usage().contains("\n"));
        assertTrue(f.usage().contains("limit"));

        f.activate(config(64)); // @Modified
        Pfifo b = (Pfifo) f.create();
        b.init(h, QdiscHarness.params(""));
        assertEquals(64, b.limit());
        Pfifo c = (Pfifo) f.create();
        c.init(h, QdiscHarness.params("limit 2"));
        assertEquals(2, c.limit());
    }

    static PfifoFactory.Config config(long limit) {
        return new PfifoFactory.Config() {
            @Override
            public Class<? extends Annotation> annotationType() { return PfifoFactory.Config.class; }

            @Override
            public long limitPackets() { return limit; }
        };
    }
}
