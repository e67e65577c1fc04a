package org.nicemu.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** lib/dynamic_queue_limits.c arithmetic with exact limits. */
class DqlTest {
    @Test
    void starvedQueueGrowsItsLimit() {
        Dql d = new Dql();
        assertEquals(0, d.limit());
        d.queued(1000);
        assertEquals(-1000, d.avail(), "limit 0: the first packet already goes over");
        d.completed(1000, 0);
        assertEquals(1000, d.limit(), "over the limit and emptied: grow by what completed");
        assertEquals(1000, d.avail());
        d.queued(1500);
        d.queued(1500);
        assertEquals(-2000, d.avail());
        d.completed(3000, 0);
        assertEquals(4000, d.limit(), "starved again: +3000");
        assertEquals(4000, d.avail());
        assertEquals(0, d.inflight());
    }

    @Test
    void busyQueueShrinksByTheLowestSlackAfterTheHoldTime() {
        Dql d = new Dql();
        d.limit = 10_000;
        d.adjLimit = 10_000;
        // keep 4000 bytes in flight and complete 1000 at a time: slack = 10000 - 2*1000 = 8000
        d.queued(4000);
        d.completed(1000, 0);
        d.queued(1000);
        d.completed(1000, 0);
        assertEquals(10_000, d.limit(), "not before slack_hold_time (1 s)");
        d.queued(1000);
        d.completed(1000, 1_001_000_000L);
        assertEquals(2000, d.limit(), "10000 - lowest slack 8000");
    }
}
