package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void timesWithUnits() {
        assertEquals(20_000_000L, Units.timeNanos("20ms"));
        assertEquals(1_500_000_000L, Units.timeNanos("1.5s"));
        assertEquals(2_000_000_000L, Units.timeNanos("2sec"));
        assertEquals(400_000L, Units.timeNanos("400us"));
        assertEquals(3_000L, Units.timeNanos("3usec"));
        assertEquals(250L, Units.timeNanos("250ns"));
        assertEquals(7_000_000L, Units.timeNanos(" 7MS "));
        assertEquals(0L, Units.timeNanos("0ms"));
    }

    @Test
    void timeErrorsNameTheValueAndTheForms() {
        for (String bad : List.of("20", "ms", "", "-1ms", "1h", "1.2.3ms", "abc")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.timeNanos(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("s, ms, us or ns"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Units.timeNanos(null));
    }

    @Test
    void ratesAsTc() {
        assertEquals(10_000_000_000L, Units.rateBitsPerSec("10gbit"));
        assertEquals(100_000_000L, Units.rateBitsPerSec("100mbit"));
        assertEquals(1_000_000L, Units.rateBitsPerSec("1000000"));
        assertEquals(1_000_000L, Units.rateBitsPerSec("125kbps"));
        assertEquals(8_000_000_000L, Units.rateBitsPerSec("1gbps"));
        assertEquals(1024L, Units.rateBitsPerSec("1kibit"));
        assertEquals(2_500_000_000L, Units.rateBitsPerSec("2.5gbit"));
    }

    @Test
    void rateErrors() {
        for (String bad : List.of("fast", "10gbits", "0", "-1mbit", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.rateBitsPerSec(bad), bad);
            assertTrue(e.getMessage().contains("10gbit"), e.getMessage());
        }
    }

    @Test
    void formatting() {
        assertEquals("20ms", Units.formatTime(20_000_000L));
        assertEquals("1.5s", Units.formatTime(1_500_000_000L));
        assertEquals("12.345us", Units.formatTime(12_345L));
        assertEquals("7ns", Units.formatTime(7L));
        assertEquals("10Gbit", Units.formatRate(10_000_000_000L));
        assertEquals("1500Kbit", Units.formatRate(1_500_000L));
        assertEquals("800bit", Units.formatRate(800L));
    }
}
