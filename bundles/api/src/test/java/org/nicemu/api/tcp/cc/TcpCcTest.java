package org.nicemu.api.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The time and sequence helpers of TcpCc (tcp_jiffies32, usecs_to_jiffies, before/after). */
class TcpCcTest {
    @Test
    void jiffiesStartAtInitialJiffiesAndCountMilliseconds() {
        assertEquals(-300_000, TcpCc.jiffies(0)); // u32 4294667296
        assertEquals(4_294_667_296L, Integer.toUnsignedLong(TcpCc.jiffies(0)));
        assertEquals(-300_000, TcpCc.jiffies(999));
        assertEquals(-299_999, TcpCc.jiffies(1_000));
        assertEquals(0, TcpCc.jiffies(300_000_000L), "wraps to 0 after 300 s, as a booted kernel after 5 minutes");
        assertEquals(1, TcpCc.jiffies(300_001_000L));
        // differences stay right across the wrap
        assertEquals(2, TcpCc.jiffies(300_001_000L) - TcpCc.jiffies(299_999_000L));
    }

    @Test
    void usecsToJiffiesRoundsUp() {
        assertEquals(0, TcpCc.usecsToJiffies(0));
        assertEquals(1, TcpCc.usecsToJiffies(1));
        assertEquals(1, TcpCc.usecsToJiffies(1_000));
        assertEquals(2, TcpCc.usecsToJiffies(1_001));
        assertEquals(100, TcpCc.usecsToJiffies(100_000));
    }

    @Test
    void sequenceComparisonWrapsLikeTheKernel() {
        assertTrue(TcpCc.after(1, 0));
        assertTrue(TcpCc.before(0, 1));
        assertFalse(TcpCc.after(5, 5));
        assertTrue(TcpCc.after(0x10, 0xfffffff0), "16 follows 2^32 - 16");
        assertTrue(TcpCc.before(0xfffffff0, 0x10));
        assertEquals("recovery", TcpCc.caStateName(TcpCc.TCP_CA_RECOVERY));
    }
}
