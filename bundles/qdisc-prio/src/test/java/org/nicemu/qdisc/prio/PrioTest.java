package org.nicemu.qdisc.prio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.nicemu.core.sched.PfifoFast;
import org.nicemu.core.testing.QdiscHarness;
import org.nicemu.qdisc.pfifo.Pfifo;

/** prio (sch_prio.c) over real pfifo children, in virtual time, exact counters. */
class PrioTest {
    private final QdiscHarness h = new QdiscHarness().registerKind("pfifo", Pfifo::new);

    @Test
    void defaultsAreThreeBandsAndLinuxPriomap() throws Exception {
        Prio q = h.init(new Prio(), "");
        assertEquals(3, q.bands());
        assertEquals(3, q.classCount());
        assertArrayEquals(new int[] {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, q.priomap());
        assertEquals(3, q.dump().get("bands"));
        assertArrayEquals(new int[] {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, (int[]) q.dump().get("priomap"));
        for (int m = 1; m <= 3; m++) {
            assertEquals("pfifo", q.leaf(m).kind());
            assertEquals(1000, ((Pfifo) q.leaf(m)).limit());
        }
        assertEquals(0, q.flags());
    }

    @Test
    void priomapMapsEachPriorityAndDequeueIsStrictBandOrder() throws Exception {
        Prio q = h.init(new Prio(), "");
        for (int prio = 0; prio < 16; prio++) assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(100 + prio, prio)));
        assertEquals(16, q.stats().qlen);
        assertEquals(16 * 100 + 120, q.stats().backlog);
        assertEquals(2, q.leaf(1).stats().qlen); // band 0: priorities 6, 7
        assertEquals(10, q.leaf(2).stats().qlen); // band 1: 0, 4, 8..15
        assertEquals(4, q.leaf(3).stats().qlen); // band 2: 1, 2, 3, 5
        assertEquals(6, q.peek().priority);

        int[] expected = {6, 7, 0, 4, 8, 9, 10, 11, 12, 13, 14, 15, 1, 2, 3, 5};
        for (int p : expected) {
            SkBuff s = q.dequeue();
            assertEquals(p, s.priority);
            assertEquals(100 + p, s.qdiscPktLen);
        }
        assertNull(q.dequeue());
        assertNull(q.peek());
        assertEquals(16, q.stats().packets);
        assertEquals(16 * 100 + 120, q.stats().bytes);
        assertEquals(0, q.stats().qlen);
        assertEquals(0, q.stats().backlog);
    }

    @Test
    void higherBandArrivingLaterIsSentFirst() throws Exception {
        Prio q = h.init(new Prio(), "");
        SkBuff bulk1 = h.skb(1000, 1), bulk2 = h.skb(1000, 1), interactive = h.skb(100, 6);
        q.enqueue(bulk1);
        q.enqueue(bulk2);
        assertSame(bulk1, q.dequeue());
        q.enqueue(interactive);
        assertSame(interactive, q.dequeue());
        assertSame(bulk2, q.dequeue());
    }

    @Test
    void classifyByClassIdAndMasking() throws Exception {
        Prio q = h.init(new Prio(), ""); // harness handle is 1:
        assertEquals(2, q.prioClassify(h.skb(60, 0x10003))); // 1:3 -> band 2
        assertEquals(0, q.prioClassify(h.skb(60, 0x10001))); // 1:1 -> band 0
        assertEquals(1, q.prioClassify(h.skb(60, 0x10005))); // 1:5 does not exist -> prio2band[0] = 1
        assertEquals(1, q.prioClassify(h.skb(60, 0x10000))); // 1:0 -> prio2band[0]
        assertEquals(1, q.prioClassify(h.skb(60, 0x20002))); // other major -> prio2band[0]
        assertEquals(0, q.prioClassify(h.skb(60, 22))); // 22 & 15 = 6 -> band 0
    }

    @Test
    void childDropIsCountedAtTheParent() throws Exception {
        h.txQueueLen(2); // pfifo children get limit 2
        Prio q = h.init(new Prio(), "");
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(500, 6)));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(500, 6)));
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h.skb(500, 6)));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(700, 0))); // another band still has room
        assertEquals(1, q.stats().drops);
        assertEquals(1, q.leaf(1).stats().drops);
        assertEquals(3, q.stats().qlen);
        assertEquals(1700, q.stats().backlog);
        assertEquals(1, h.drops().packets(DropReason.QDISC_DROP));
    }

    @Test
    void moreBandsAndACustomPriomap() throws Exception {
        Prio q = h.init(new Prio(), "bands 4 priomap 3 2 1 0 3 2 1 0 3 2 1 0 3 2 1 0");
        assertEquals(4, q.classCount());
        assertEquals(3, q.prioClassify(h.skb(60, 0)));
        assertEquals(0, q.prioClassify(h.skb(60, 3)));
        // fewer than 16 values replace the first entries (tc fills its default map)
        Prio r = h.init(new Prio(), "priomap 0 0");
        assertArrayEquals(new int[] {0, 0, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, r.priomap());
    }

    @Test
    void shrinkingBandsDropsTheirPacketsAndGrowingAddsEmptyBands() throws Exception {
        Prio q = h.init(new Prio(), "bands 5 priomap 0 1 2 3 4 0 0 0 0 0 0 0 0 0 0 0");
        q.enqueue(h.skb(300, 3)); // band 3
        q.enqueue(h.skb(400, 4)); // band 4
        q.enqueue(h.skb(500, 0)); // band 0
        q.enqueue(h.skb(600, 1)); // band 1
        Qdisc band3 = q.leaf(4);
        q.change(QdiscHarness.params("bands 3 priomap 0 1 2 0 0 0 0 0 0 0 0 0 0 0 0 0"));
        assertEquals(3, q.classCount());
        assertEquals(2, q.stats().qlen);
        assertEquals(1100, q.stats().backlog);
        assertEquals(2, q.stats().drops);
        assertEquals(2, h.drops().packets(DropReason.QDISC_DROP));
        assertEquals(700, h.drops().bytes(DropReason.QDISC_DROP));
        assertEquals(0, band3.stats().qlen);

        q.change(QdiscHarness.params("bands 4"));
        assertEquals(4, q.classCount());
        assertEquals(0, q.leaf(4).stats().qlen);
        assertEquals(500, q.dequeue().qdiscPktLen);
        assertEquals(600, q.dequeue().qdiscPktLen);
        assertNull(q.dequeue());
    }

    @Test
    void parameterErrorsNameTheParameterAndChangeNothing() throws Exception {
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> h.init(new Prio(), "bands 2"));
        assertTrue(e.getMessage().contains("'priomap'"), e.getMessage()); // Linux rejects it too: the default map uses band 2
        e = assertThrows(QdiscParamException.class, () -> h.init(new Prio(), "bands 17"));
        assertTrue(e.getMessage().contains("'bands'") && e.getMessage().contains("2..16"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> h.init(new Prio(), "bands three"));
        assertTrue(e.getMessage().contains("'bands'"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> h.init(new Prio(), "priomap 0 1 5"));
        assertTrue(e.getMessage().contains("'priomap'") && e.getMessage().contains("band 5"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> h.init(new Prio(), "priomap 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2 0 1"));
        assertTrue(e.getMessage().contains("'priomap'"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> h.init(new Prio(), "bands 3 limit 10"));
        assertTrue(e.getMessage().contains("'limit'"), e.getMessage());

        Prio q = h.init(new Prio(), "bands 4 priomap 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3");
        q.enqueue(h.skb(100, 0));
        assertThrows(QdiscParamException.class, () -> q.change(QdiscHarness.params("bands 3")));
        assertEquals(4, q.classCount());
        assertEquals(3, q.priomap()[0]);
        assertEquals(1, q.leaf(4).stats().qlen);
    }

    @Test
    void graftReplacesAChildAndReturnsTheOld() throws Exception {
        Prio q = h.init(new Prio(), "");
        Qdisc old = q.leaf(2);
        Pfifo n = h.init(new Pfifo(), "limit 1");
        assertSame(old, q.graft(2, n));
        assertSame(n, q.leaf(2));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(100, 0)));
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h.skb(100, 0)));
        assertThrows(IllegalArgumentException.class, () -> q.graft(4, n));
        assertThrows(IllegalArgumentException.class, () -> q.leaf(0));
    }

    @Test
    void drainInBandOrderAndReset() throws Exception {
        Prio q = h.init(new Prio(), "");
        SkBuff a = h.skb(100, 2), b = h.skb(100, 0), c = h.skb(100, 7), d = h.skb(100, 6);
        for (SkBuff s : new SkBuff[] {a, b, c, d}) q.enqueue(s);
        List<SkBuff> out = new ArrayList<>();
        q.drain(out::add);
        assertEquals(List.of(c, d, b, a), out);
        assertEquals(0, q.stats().qlen);
        assertEquals(0, q.stats().backlog);
        for (int m = 1; m <= 3; m++) assertEquals(0, q.leaf(m).stats().qlen);

        q.enqueue(h.skb(100, 0));
        q.enqueue(h.skb(100, 6));
        q.reset();
        assertEquals(0, q.stats().qlen);
        assertEquals(0, q.stats().backlog);
        assertEquals(2, h.drops().packets(DropReason.SWAP_FLUSH));
    }

    @Test
    void bandsFallBackToPfifoFastWhenPfifoIsMissing() throws Exception {
        QdiscHarness h2 = new QdiscHarness().registerKind("pfifo_fast", PfifoFast::new);
        Prio q = h2.init(new Prio(), "");
        assertEquals("pfifo_fast", q.leaf(1).kind());
        q.enqueue(h2.skb(100, 6));
        assertEquals(6, q.dequeue().priority);

        QdiscHarness none = new QdiscHarness();
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> none.init(new Prio(), ""));
        assertTrue(e.getMessage().contains("band 0"), e.getMessage());
    }

    @Test
    void factoryUsesConfiguredDefaults() throws Exception {
        PrioFactory f = new PrioFactory();
        f.activate(config(3, "1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1"));
        Prio a = (Prio) f.create();
        a.init(h, QdiscHarness.params(""));
        assertEquals(3, a.bands());
        f.activate(config(2, "1 1 1 1 1 1 0 0 1 1 1 1 1 1 1 1"));
        Prio b = (Prio) f.create();
        b.init(h, QdiscHarness.params(""));
        assertEquals(2, b.bands());
        assertEquals(0, b.prioClassify(h.skb(60, 6)));
        Prio c = (Prio) f.create();
        c.init(h, QdiscHarness.params("bands 5"));
        assertEquals(5, c.bands());
        assertFalse(f.usage().contains("\n"));

        f.activate(config(2, "1 2"));
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> f.create().init(h, QdiscHarness.params("")));
        assertTrue(e.getMessage().contains(PrioFactory.PID), e.getMessage());
    }

    static PrioFactory.Config config(int bands, String priomap) {
        return new PrioFactory.Config() {
            @Override
            public Class<? extends Annotation> annotationType() { return PrioFactory.Config.class; }

            @Override
            public int bands() { return bands; }

            @Override
            public String priomap() { return priomap; }
        };
    }
}
