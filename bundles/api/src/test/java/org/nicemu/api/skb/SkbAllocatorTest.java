package org.nicemu.api.skb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nicemu.api.stats.CostCounters;

/** skb_clone / fclone / __pskb_copy_fclone / skb_copy sharing and byte counts. */
class SkbAllocatorTest {
    private final CostCounters c = new CostCounters();
    private final SkbAllocator a = new SkbAllocator(c);

    /** An fclone skb with 100 linear bytes and 1000 bytes in two frags of one page. */
    private SkBuff skbWithFrags() {
        SkBuff s = a.allocSkbFclone(256);
        s.reserve(64);
        int off = s.put(100);
        for (int i = 0; i < 100; i++) s.head()[off + i] = (byte) i;
        Page p = a.allocPage();
        for (int i = 0; i < 1000; i++) p.bytes()[i] = (byte) (i * 7);
        s.addFrag(p, 0, 600);
        p.get();
        s.addFrag(p, 600, 400);
        return s;
    }

    @Test
    void headroomTailroomAndPutPushPull() {
        SkBuff s = a.allocSkb(256);
        assertEquals(256, s.endOffset());
        s.reserve(64);
        assertEquals(64, s.headroom());
        assertEquals(192, s.tailroom());
        assertEquals(64, s.put(100));
        assertEquals(100, s.len());
        assertEquals(50, s.push(14));
        assertEquals(114, s.len());
        s.pull(14);
        assertEquals(100, s.headlen());
        assertThrows(IllegalStateException.class, () -> s.put(1000));
        assertThrows(IllegalStateException.class, () -> s.push(100));
        a.free(s);
        assertEquals(0, a.inUse());
    }

    /** The bytes of s from its data pointer on, across frags. */
    private static byte[] bytes(SkBuff s) {
        byte[] b = new byte[s.len()];
        assertTrue(s.copyBits(0, b, 0, b.length));
        return b;
    }

    @Test
    void pullDataAndTrimWorkAcrossFragsAndReleasePages() {
        SkBuff s = skbWithFrags(); // 100 linear + 600 + 400 in one page (two references)
        byte[] all = bytes(s);
        assertFalse(s.pullData(1101), "more than the skb holds");
        assertTrue(s.pullData(150)); // the linear part and 50 bytes of the first frag
        assertEquals(950, s.len());
        assertEquals(0, s.headlen());
        assertEquals(2, s.shinfo().nrFrags());
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 150, 1100), bytes(s));
        Page p = s.shinfo().frag(0).page();
        s.trim(600); // into the second frag
        assertEquals(600, s.len());
        assertEquals(2, s.shinfo().nrFrags());
        assertEquals(50, s.shinfo().frag(1).size());
        s.trim(300); // the second frag goes: its page reference too
        assertEquals(1, s.shinfo().nrFrags());
        assertEquals(1, p.refcount());
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 150, 450), bytes(s));
        a.free(s);
        assertEquals(0, a.inUse());
        assertEquals(0, p.refcount());
    }

    @Test
    void groStealHeadMakesTheLinearDataOfOneSkbAFragOfAnother() {
        SkBuff first = a.allocSkb(2048), second = a.allocSkb(2048);
        first.put(60);
        int off = second.put(1500);
        for (int i = 0; i < 1500; i++) second.head()[off + i] = (byte) (i * 3);
        second.truesize = 2304;
        assertTrue(a.groStealHead(first, second, 52, 1448));
        assertEquals(60 + 1448, first.len());
        assertEquals(1, first.shinfo().nrFrags());
        assertEquals(2304, first.truesize);
        assertEquals(1, a.inUse(), "the second skb's head is freed, its buffer lives on as a page");
        byte[] got = new byte[1448];
        assertTrue(first.copyBits(60, got, 0, 1448));
        for (int i = 0; i < 1448; i++) assertEquals((byte) ((52 + i) * 3), got[i]);
        SkBuff cloned = a.allocSkb(256);
        cloned.put(10);
        SkBuff c2 = a.clone(cloned);
        assertFalse(a.groStealHead(first, cloned, 0, 10), "shared data is not stolen");
        a.free(c2);
        a.free(cloned);
        a.free(first);
        assertEquals(0, a.inUse());
        SkBuff again = a.allocSkb(2048);
        assertEquals(2048, again.head().length, "the stolen buffer went back to the pool");
        a.free(again);
    }

    @Test
    void firstCloneOfAnFcloneUsesTheCompanion() {
        SkBuff s = skbWithFrags();
        assertEquals(1100, s.len());
        assertEquals(1000, s.dataLen());
        SkBuff c1 = a.clone(s);
        assertEquals(SkBuff.SKB_FCLONE_CLONE, c1.fcloneState());
        assertEquals(1, c.skbFcloneHit);
        assertSame(s.head(), c1.head(), "clone shares the data buffer");
        assertSame(s.shinfo(), c1.shinfo(), "clone shares skb_shared_info");
        assertEquals(2, s.shinfo().dataref());
        assertTrue(s.isCloned() && c1.isCloned() && s.dataShared());
        SkBuff c2 = a.clone(s);
        assertEquals(1, c.skbFcloneHit, "the companion is busy: a second clone is a plain head");
        assertEquals(SkBuff.SKB_FCLONE_UNAVAILABLE, c2.fcloneState());
        assertEquals(3, s.shinfo().dataref());
        assertEquals(2, c.skbClone);
        assertEquals(0, c.bytesCopied, "cloning copies no data");
        a.free(c1);
        a.free(c2);
        assertEquals(1, s.shinfo().dataref());
        assertFalse(s.dataShared());
        SkBuff c3 = a.clone(s);
        assertEquals(2, c.skbFcloneHit, "the companion is free again after its clone was freed");
        a.free(s);
        a.free(c3);
        assertEquals(0, a.inUse());
    }

    @Test
    void pskbCopyCopiesTheHeadAndSharesFrags() {
        SkBuff s = skbWithFrags();
        Page p = s.shinfo().frag(0).page();
        assertEquals(2, p.refcount());
        SkBuff cp = a.pskbCopy(s, true);
        assertNotSame(s.head(), cp.head());
        assertEquals(s.headroom(), cp.headroom());
        assertEquals(1100, cp.len());
        assertEquals(1000, cp.dataLen());
        assertSame(p, cp.shinfo().frag(0).page());
        assertEquals(4, p.refcount(), "each of the two frags took a page reference");
        assertEquals(100, c.bytesCopied, "only the 100 linear bytes are copied");
        assertEquals(100, a.copySites().get("__pskb_copy_fclone")[1]);
        byte[] x = new byte[1100];
        byte[] y = new byte[1100];
        s.copyBits(0, x, 0, 1100);
        cp.copyBits(0, y, 0, 1100);
        assertArrayEquals(x, y);
        a.free(s);
        assertEquals(2, p.refcount());
        a.free(cp);
        assertEquals(0, p.refcount());
        assertEquals(0, a.inUse());
    }

    @Test
    void skbCopyCopiesEverythingIntoALinearSkb() {
        SkBuff s = skbWithFrags();
        SkBuff cp = a.copy(s);
        assertFalse(cp.isNonlinear());
        assertEquals(1100, cp.len());
        assertEquals(1100, cp.headlen());
        assertEquals(1100, c.bytesCopied);
        assertEquals(1, c.skbCopy);
        byte[] x = new byte[1100];
        byte[] y = new byte[1100];
        assertTrue(s.copyBits(0, x, 0, 1100));
        assertTrue(cp.copyBits(0, y, 0, 1100));
        assertArrayEquals(x, y);
        assertFalse(s.copyBits(1000, y, 0, 101), "out of range");
        a.free(s);
        a.free(cp);
        assertEquals(0, a.inUse());
    }

    @Test
    void destructorRunsOnceWhenTheLastUserFrees() {
        SkBuff s = a.allocSkb(128);
        int[] calls = {0};
        s.destructor = skb -> calls[0]++;
        s.get();
        a.free(s);
        assertEquals(0, calls[0]);
        a.free(s);
        assertEquals(1, calls[0]);
        assertThrows(IllegalStateException.class, () -> a.free(s));
    }

    @Test
    void steadyStateReusesPooledHeadsAndBuffers() {
        SkBuff s = a.allocSkb(1500);
        byte[] buf = s.head();
        a.free(s);
        SkBuff t = a.allocSkb(1400);
        assertSame(s, t, "skb heads are pooled");
        assertSame(buf, t.head(), "data buffers are pooled by size class");
        a.free(t);
    }

    @Test
    void skbQueueIsAFifoWithHeadInsert() {
        SkBuffHead q = new SkBuffHead();
        SkBuff x = a.allocSkb(64);
        SkBuff y = a.allocSkb(64);
        SkBuff z = a.allocSkb(64);
        q.addTail(x);
        q.addTail(y);
        q.addHead(z);
        assertEquals(3, q.len());
        assertSame(z, q.removeHead());
        assertSame(y, q.removeTail());
        assertSame(x, q.peek());
        q.unlink(x);
        assertTrue(q.isEmpty());
    }
}
