package org.nicemu.mptcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Data-level arithmetic with exact values: 32-bit DSN and DATA_ACK expansion across the 2^32
 * boundary, subflow mappings across the wrap of the relative subflow sequence number, and the
 * data-level reassembly with overlapping and duplicate mappings (the redundant scheduler and
 * reinjections produce both).
 */
class MptcpDataLevelTest {
    private final MptcpCounters counters = new MptcpCounters();

    /** {@code n} bytes of the data stream starting at {@code dsn}: byte value = low 8 bits of its DSN. */
    private static byte[] stream(long dsn, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (dsn + i);
        return b;
    }

    @Test
    void thirtyTwoBitValuesExpandNextToTheReference() {
        assertEquals(0x2_0000_0010L, MptcpOptionHandler.expand32(0x1_FFFF_FFF0L, 0x10));
        assertEquals(0x1_FFFF_FFF0L, MptcpOptionHandler.expand32(0x2_0000_0005L, 0xFFFF_FFF0L));
        assertEquals(0x5_1234_5678L, MptcpOptionHandler.expand32(0x5_1234_0000L, 0x1234_5678L));
        assertEquals(0x7FFF_FFFFL, MptcpOptionHandler.expand32(0, 0x7FFF_FFFFL));
        assertEquals(0x1_7FFF_FFFFL, MptcpOptionHandler.expand32(0x1_0000_0000L, 0x7FFF_FFFFL), "the nearer of 0x7FFFFFFF and 0x17FFFFFFF");
    }

    @Test
    void mappingsAcrossTheSubflowSequenceWrap() {
        Subflow sf = new Subflow(null, null, false);
        // A: 8192 bytes from relative 0xFFFFF000 (wraps to 0x1000), B follows at 0x1000
        assertTrue(sf.addMapping(1_000_000L, 0xFFFF_F000, 0x2000, 0xFFFF_F000));
        assertTrue(sf.addMapping(1_008_192L, 0x0000_1000, 0x1000, 0xFFFF_F000));
        assertFalse(sf.addMapping(1_000_000L, 0xFFFF_F000, 0x2000, 0xFFFF_F000), "a repeat (the next TSO segment) is ignored");
        Subflow.Mapping a = sf.mappingFor(0x0000_0800);
        assertEquals(0xFFFF_F000, a.ssn());
        assertEquals(1_000_000L + 0x1800, a.dsn() + (0x0000_0800 - a.ssn()), "DSN of relative byte 0x800: 0x1800 into A");
        Subflow.Mapping b = sf.mappingFor(0x0000_1000);
        assertEquals(0x0000_1000, b.ssn());
        assertEquals(1, sf.mappings.size(), "A was dropped once read past");
        assertNull(sf.mappingFor(0x0000_2000), "no mapping beyond B");
        assertFalse(sf.addMapping(5L, 0x0000_0100, 0x100, 0x0000_2000), "a mapping that ends before the next byte is stale");
    }

    @Test
    void mappingsArrivingOutOfOrderAreKeptInSequenceOrder() {
        Subflow sf = new Subflow(null, null, false);
        assertTrue(sf.addMapping(3000, 2001, 1000, 1));
        assertTrue(sf.addMapping(1000, 1, 1000, 1));
        assertTrue(sf.addMapping(2000, 1001, 1000, 1));
        assertEquals(java.util.List.of(1, 1001, 2001), sf.mappings.stream().map(Subflow.Mapping::ssn).toList());
        assertSame(sf.mappings.peekFirst(), sf.mappingFor(999));
        assertEquals(2000, sf.mappingFor(1500).dsn());
    }

    @Test
    void overlappingAndDuplicateDataIsReassembledExactly() {
        DataLevelRcvQueue m = new DataLevelRcvQueue(counters);
        m.rcvNxt = 1000;
        m.deliver(1010, stream(1010, 10), 0, 10); // ahead: out of order
        assertEquals(10, m.ofoBytes());
        m.deliver(1005, stream(1005, 10), 0, 10); // ahead, overlapping the first
        assertEquals(20, m.ofoBytes());
        assertEquals(1000, m.rcvNxt);
        m.deliver(1000, stream(1000, 8), 0, 8); // in order: pulls both, trimming the overlaps
        assertEquals(1020, m.rcvNxt);
        assertEquals(0, m.ofoBytes());
        assertEquals(20, m.queued());
        assertEquals(3 + 5, counters.dupBytes, "1005..1008 and 1010..1015 were already there");
        m.deliver(990, stream(990, 40), 0, 40); // 30 old bytes, 10 new
        assertEquals(1030, m.rcvNxt);
        assertEquals(8 + 30, counters.dupBytes);
        m.deliver(1000, stream(1000, 30), 0, 30); // wholly old
        assertEquals(8 + 30 + 30, counters.dupBytes);
        byte[] got = new byte[64];
        int n = m.read(got, 0, 64, false);
        assertEquals(30, n);
        assertArrayEquals(stream(1000, 30), java.util.Arrays.copyOf(got, 30));
        assertEquals(10 + 10 + 8 + 40 + 30, counters.bytesReceivedSubflows, "every byte handed in is counted once");
        assertEquals(counters.bytesReceivedSubflows, counters.bytesReceived + counters.dupBytes);
    }

    @Test
    void aLongerCopyReplacesAShorterOneAtTheSameDsn() {
        DataLevelRcvQueue m = new DataLevelRcvQueue(counters);
        m.rcvNxt = 0;
        m.deliver(100, stream(100, 10), 0, 10);
        m.deliver(100, stream(100, 50), 0, 50);
        m.deliver(100, stream(100, 20), 0, 20);
        assertEquals(50, m.ofoBytes());
        m.deliver(0, stream(0, 100), 0, 100);
        assertEquals(150, m.rcvNxt);
        byte[] got = new byte[150];
        assertEquals(150, m.read(got, 0, 150, false));
        assertArrayEquals(stream(0, 150), got);
    }
}
