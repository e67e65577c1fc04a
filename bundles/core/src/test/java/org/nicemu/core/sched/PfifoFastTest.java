package org.nicemu.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.testing.QdiscHarness;

/** pfifo_fast: priomap → band, band 0 first, txqueuelen limit. */
class PfifoFastTest {
    @Test
    void bandsDequeueInOrderThroughThePriomap() throws Exception {
        QdiscHarness h = new QdiscHarness();
        PfifoFast q = h.init(new PfifoFast(), "");
        int[] prios = {0, 1, 6, 2, 7, 4}; // bands 1, 2, 0, 2, 0, 1
        for (int i = 0; i < prios.length; i++) {
            SkBuff s = h.skb(100 + i, prios[i]);
            s.mark = i;
            assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(s));
        }
        assertEquals(2, q.bandLen(0));
        assertEquals(2, q.bandLen(1));
        assertEquals(2, q.bandLen(2));
        assertEquals(6, q.stats().qlen);
        assertEquals(615, q.stats().backlog);
        List<Integer> out = new ArrayList<>();
        SkBuff s;
        while ((s = q.dequeue()) != null) {
            out.add(s.mark);
            h.consume(s);
        }
        assertEquals(List.of(2, 4, 0, 5, 1, 3), out);
        assertEquals(6, q.stats().packets);
        assertEquals(615, q.stats().bytes);
        assertEquals(0, q.stats().backlog);
    }

    @Test
    void tailDropAtTxQueueLenPerBand() throws Exception {
        QdiscHarness h = new QdiscHarness().txQueueLen(3);
        PfifoFast q = h.init(new PfifoFast(), "");
        for (int i = 0; i < 3; i++) assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(100, 0)));
        assertEquals(NetXmit.NET_XMIT_DROP, q.enqueue(h.skb(100, 0)), "band 1 is full");
        assertEquals(NetXmit.NET_XMIT_SUCCESS, q.enqueue(h.skb(100, 6)), "band 0 has its own limit");
        assertEquals(1, q.stats().drops);
        assertEquals(1, h.drops().packets(DropReason.QDISC_DROP));
        assertEquals(4, q.stats().qlen);
    }
}
