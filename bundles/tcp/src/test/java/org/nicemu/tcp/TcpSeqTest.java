package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TcpSeqTest {

    @Test
    void beforeAndAfterAreModulo2To32() {
        assertTrue(TcpSeq.before(1, 2));
        assertFalse(TcpSeq.before(2, 1));
        assertFalse(TcpSeq.before(5, 5));
        assertFalse(TcpSeq.after(5, 5));
        // wrap-around: 0xfffffff0 is before 0x10
        assertTrue(TcpSeq.before(0xfffffff0, 0x10));
        assertTrue(TcpSeq.after(0x10, 0xfffffff0));
        assertFalse(TcpSeq.after(0xfffffff0, 0x10));
        // unsigned-looking values across the sign bit of int
        assertTrue(TcpSeq.before(0x7ffffff0, 0x80000010));
        assertTrue(TcpSeq.after(0x80000010, 0x7ffffff0));
        // exactly 2^31 apart: the kernel's (s32) difference is negative both ways
        assertTrue(TcpSeq.before(0, 0x80000000));
        assertTrue(TcpSeq.before(0x80000000, 0));
        assertTrue(TcpSeq.notBefore(5, 5));
        assertTrue(TcpSeq.notAfter(5, 5));
        assertTrue(TcpSeq.notBefore(0x10, 0xfffffff0));
    }

    @Test
    void betweenIsInclusiveAndWraps() {
        assertTrue(TcpSeq.between(5, 5, 10));
        assertTrue(TcpSeq.between(10, 5, 10));
        assertTrue(TcpSeq.between(7, 5, 10));
        assertFalse(TcpSeq.between(4, 5, 10));
        assertFalse(TcpSeq.between(11, 5, 10));
        // window [0xfffffff0, 0x10] spans the wrap
        assertTrue(TcpSeq.between(0xffffffff, 0xfffffff0, 0x10));
        assertTrue(TcpSeq.between(0, 0xfffffff0, 0x10));
        assertTrue(TcpSeq.between(0x10, 0xfffffff0, 0x10));
        assertFalse(TcpSeq.between(0x11, 0xfffffff0, 0x10));
        assertFalse(TcpSeq.between(0xffffffef, 0xfffffff0, 0x10));
    }

    @Test
    void minMaxAndDistance() {
        assertEquals(0x10, TcpSeq.max(0xfffffff0, 0x10));
        assertEquals(0xfffffff0, TcpSeq.min(0xfffffff0, 0x10));
        assertEquals(0x20L, TcpSeq.distance(0xfffffff0, 0x10));
        assertEquals(0xffffffe0L, TcpSeq.distance(0x10, 0xfffffff0));
        assertEquals(4294967295L, TcpSeq.unsigned(-1));
        // adding wraps like u32
        assertEquals(0x0000000f, 0xfffffff0 + 0x1f);
    }
}
