package org.nicemu.qdisc.bfifo;

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
import org.nicemu.core.testing.QdiscHarness;

/** bfifo (sch_fifo.c bfifo_qdisc_ops) in virtual time, exact counters. */
class BfifoTest {
    private final QdiscHarness h = new QdiscHarness();

    @Test
    void byteLimitTailDrops() throws Exception {
        Bfifo q = h.init(new Bfifo(), "limit 2500");
        SkBuff a = h.skb(1000, 0), b = h.skb(1000, 0), c = h.skb(1000, 0), d = h.skb(500, 0), e = h.skb(60, 0);
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(a));
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(b));
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(c)); // 3000 > 2500
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(d)); // 2500 <= 2500
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(e)); // 2560 > 2500
        assertEquals(2, q.stats().drops);
        assertEquals(3, q.stats().qlen);
        assertEquals(2500, q.stats().backlog);
        assertEquals(2, h.drops().packets(DropReason.QDISC_DROP));
        assertEquals(1060, h.drops().bytes(DropReason.QDISC_DROP));

        assertSame(a, q.dequeue());
        assertEquals(1500, q.stats().backlog);
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(1000, 0)));
        assertSame(b, q.dequeue());
        assertSame(d, q.dequeue());
        q.dequeue();
        assertNull(q.dequeue());
        assertEquals(3500, q.stats().bytes);
        assertEquals(4, q.stats().packets);
        assertEquals(0, q.stats().backlog);
    }

    @Test
    void defaultLimitIsTxQueueLenTimesPschedMtu() throws Exception {
        Bfifo q = h.init(new Bfifo(), "");
        assertEquals(1000L * (1500 + 14), q.limit());
        assertEquals("1514000b", q.dump().get("limit"));
        assertEquals(Qdisc.TCQ_F_CAN_BYPASS, q.flags());

        Bfifo small = new QdiscHarness().txQueueLen(10).mtu(9000).init(new Bfifo(), "");
        assertEquals(10L * 9014, small.limit());
    }

    @Test
    void tcSizeUnitsAndDump() throws Exception {
        Bfifo q = h.init(new Bfifo(), "limit 10kb");
        assertEquals(10240, q.limit());
        assertEquals("10Kb", q.dump().get("limit"));
        q.change(QdiscHarness.params("limit 2mb"));
        assertEquals(2 * 1024 * 1024, q.limit());
        assertEquals("2Mb", q.dump().get("limit"));
        q.change(QdiscHarness.params("limit 64kbit"));
        assertEquals(8192, q.limit());
    }

    @Test
    void bypassOnlyWhenLimitHoldsOneMtuFrame() throws Exception {
        assertEquals(0, h.init(new Bfifo(), "limit 1513").flags());
        assertEquals(Qdisc.TCQ_F_CAN_BYPASS, h.init(new Bfifo(), "limit 1514").flags());
    }

    @Test
    void drainInOrder() throws Exception {
        Bfifo q = h.init(new Bfifo(), "limit 10000");
        List<SkBuff> in = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SkBuff s = h.skb(1000, 0);
            in.add(s);
            q.enqueue(s);
        }
        List<SkBuff> out = new ArrayList<>();
        q.drain(out::add);
        assertEquals(in, out);
        assertEquals(0, q.stats().backlog);
        assertEquals(0, q.stats().qlen);
    }

    @Test
    void parameterErrorsNameTheParameter() throws Exception {
        QdiscParamException e = assertThrows(QdiscParamException.class, () -> h.init(new Bfifo(), "limit 10xb"));
        assertTrue(e.getMessage().contains("'limit'"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown unit"), e.getMessage());
        e = assertThrows(QdiscParamException.class, () -> h.init(new Bfifo(), "limit 10kb burst 5"));
        assertTrue(e.getMessage().contains("'burst'"), e.getMessage());
        Bfifo q = h.init(new Bfifo(), "limit 3000");
        e = assertThrows(QdiscParamException.class, () -> q.change(QdiscHarness.params("limit 5gb")));
        assertTrue(e.getMessage().contains("'limit'"), e.getMessage());
        assertEquals(3000, q.limit());
    }

    @Test
    void factoryUsesConfiguredDefault() throws Exception {
        BfifoFactory f = new BfifoFactory();
        f.activate(config(0));
        Bfifo a = (Bfifo) f.create();
        a.init(h, QdiscHarness.params(""));
        assertEquals(1514000, a.limit());
        f.activate(config(30000));
        Bfifo b = (Bfifo) f.create();
        b.init(h, QdiscHarness.params(""));
        assertEquals(30000, b.limit());
        assertEquals("bfifo", f.kind());
        assertFalse(f.usage().contains("\n"));
    }

    static BfifoFactory.Config config(long limit) {
        return new BfifoFactory.Config() {
            @Override
            public Class<? extends Annotation> annotationType() { return BfifoFactory.Config.class; }

            @Override
            public long limitBytes() { return limit; }
        };
    }
}
