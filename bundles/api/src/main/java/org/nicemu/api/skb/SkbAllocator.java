package org.nicemu.api.skb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.stats.CostCounters;

/**
 * Allocates, clones, copies and frees skbs for one emulated host, mirroring net/core/skbuff.c
 * ({@code __alloc_skb}, {@code alloc_skb_fclone}, {@code skb_clone}, {@code __pskb_copy_fclone},
 * {@code skb_copy}, {@code kfree_skb}, {@code consume_skb}). skb heads, data buffers and pages are
 * pooled, so steady-state traffic does not allocate (the slab caches' role). Counts the memory-copy
 * category into the host's {@link CostCounters}, and bytes copied per call site.
 * Not thread-safe: used only on the emulation's loop.
 */
public final class SkbAllocator {
    /** Smallest data buffer; buffers are powers of two (kmalloc size classes). */
    private static final int MIN_SHIFT = 7;
    private static final int MAX_SHIFT = 18;

    private final CostCounters counters;
    private final ArrayDeque<SkBuff> freeHeads = new ArrayDeque<>();
    private final ArrayDeque<SkBuff> freeFclonePairs = new ArrayDeque<>();
    private final ArrayDeque<SkbSharedInfo> freeShinfo = new ArrayDeque<>();
    @SuppressWarnings("unchecked")
    private final ArrayDeque<byte[]>[] freeData = new ArrayDeque[MAX_SHIFT + 1];
    private final ArrayDeque<Page> freePages = new ArrayDeque<>();
    /** Head-frag page wrappers not in use (their bytes null). */
    private final ArrayDeque<Page> freeHeadPages = new ArrayDeque<>();
    private final List<String> siteNames = new ArrayList<>();
    private long[] siteCalls = new long[8];
    private long[] siteBytes = new long[8];
    private long inUse;
    private final int siteSkbCopy;
    private final int sitePskbCopy;

    public SkbAllocator(CostCounters counters) {
        this.counters = counters;
        for (int i = 0; i < freeData.length; i++) freeData[i] = new ArrayDeque<>();
        siteSkbCopy = copySite("skb_copy");
        sitePskbCopy = copySite("__pskb_copy_fclone");
    }

    /** The counters this allocator increments. */
    public CostCounters counters() { return counters; }

    /** skb heads currently allocated and not yet freed (a leak check for tests). */
    public long inUse() { return inUse; }

    // ---------------------------------------------------------------- allocation

    /** Mirrors {@code alloc_skb()} / {@code __alloc_skb()}: a linear skb with {@code size} bytes of room. */
    public SkBuff allocSkb(int size) {
        SkBuff skb = freeHeads.pollFirst();
        if (skb == null) skb = new SkBuff();
        initHead(skb, size);
        skb.fclone = SkBuff.SKB_FCLONE_UNAVAILABLE;
        skb.fcloneCompanion = null;
        return skb;
    }

    /**
     * Mirrors {@code alloc_skb_fclone()}: the skb comes with a companion head, so that the first
     * {@link #clone(SkBuff)} needs no allocation (the fclone fast path TCP uses for transmit).
     */
    public SkBuff allocSkbFclone(int size) {
        SkBuff skb = freeFclonePairs.pollFirst();
        if (skb == null) {
            skb = new SkBuff();
            SkBuff companion = new SkBuff();
            skb.fcloneCompanion = companion;
            companion.fcloneCompanion = skb;
        }
        initHead(skb, size);
        skb.fclone = SkBuff.SKB_FCLONE_ORIG;
        skb.fcloneRef = 1;
        skb.fcloneCompanion.fclone = SkBuff.SKB_FCLONE_CLONE;
        return skb;
    }

    private void initHead(SkBuff skb, int size) {
        if (size < 0) throw new IllegalArgumentException("skb size " + size);
        SkbSharedInfo si = freeShinfo.pollFirst();
        if (si == null) si = new SkbSharedInfo();
        si.nrFrags = 0;
        si.gsoSize = 0;
        si.gsoSegs = 0;
        si.gsoType = 0;
        si.dataref = 1;
        si.head = allocData(size);
        resetMeta(skb);
        skb.allocator = this;
        skb.shinfo = si;
        skb.head = si.head;
        skb.data = 0;
        skb.tail = 0;
        skb.end = size;
        skb.len = 0;
        skb.dataLen = 0;
        skb.cloned = false;
        skb.users = 1;
        skb.inPool = false;
        inUse++;
        counters.skbAlloc++;
    }

    private static void resetMeta(SkBuff skb) {
        skb.next = null;
        skb.prev = null;
        skb.macHeader = -1;
        skb.networkHeader = -1;
        skb.transportHeader = -1;
        skb.protocol = 0;
        skb.pktType = SkBuff.PACKET_HOST;
        skb.queueMapping = 0;
        skb.priority = 0;
        skb.hash = 0;
        skb.l4Hash = false;
        skb.senderCpu = -1;
        skb.ipSummed = SkBuff.CHECKSUM_NONE;
        skb.csumStart = 0;
        skb.csumOffset = 0;
        skb.qdiscPktLen = 0;
        skb.tstamp = 0;
        skb.mark = 0;
        skb.sk = null;
        skb.destructor = null;
        skb.truesize = 0;
        skb.owner = null;
    }

    private byte[] allocData(int size) {
        int shift = MIN_SHIFT;
        while ((1 << shift) < size && shift < MAX_SHIFT) shift++;
        if ((1 << shift) < size) return new byte[size];
        byte[] b = freeData[shift].pollFirst();
        return b != null ? b : new byte[1 << shift];
    }

    private void freeData(byte[] b) {
        int n = b.length;
        if (Integer.bitCount(n) == 1) {
            int shift = Integer.numberOfTrailingZeros(n);
            if (shift >= MIN_SHIFT && shift <= MAX_SHIFT) freeData[shift].addFirst(b);
        }
    }

    /** Mirrors {@code alloc_page()}: a page with one reference. */
    public Page allocPage() {
        Page p = freePages.pollFirst();
        if (p == null) p = new Page(Page.PAGE_SIZE);
        p.refcount = 1;
        return p;
    }

    /**
     * Mirrors {@code put_page()}: drops a reference and recycles the page at zero (a head-frag
     * page's buffer goes back to the data buffers).
     */
    public void putPage(Page p) {
        if (p.refcount <= 0) throw new IllegalStateException("put_page on a free page");
        if (--p.refcount != 0) return;
        if (p.headFrag) {
            freeData(p.bytes);
            p.bytes = null;
            p.headFrag = false;
            freeHeadPages.addFirst(p);
        } else if (p.bytes.length == Page.PAGE_SIZE) {
            freePages.addFirst(p);
        }
    }

    /**
     * Mirrors the head-frag branch of {@code skb_gro_receive()} (net/core/gro.c): {@code len} bytes
     * of {@code from}'s linear data, starting {@code offset} bytes after its data pointer, become the
     * next page frag of {@code into} without a copy (the buffer is handed over as a page,
     * {@code NAPI_GRO_FREE_STOLEN_HEAD}), and {@code from}'s head is freed. {@code into}'s len and
     * truesize grow. Returns false, changing nothing, when {@code into} has MAX_SKB_FRAGS frags,
     * when {@code from} is shared, cloned or non-linear, or when the range is not in its linear data.
     */
    public boolean groStealHead(SkBuff into, SkBuff from, int offset, int len) {
        SkbSharedInfo si = from.shinfo;
        if (into.shinfo.nrFrags >= SkbSharedInfo.MAX_SKB_FRAGS || from.users != 1 || from.cloned || si.dataref != 1
                || si.nrFrags != 0 || from.isNonlinear() || offset < 0 || len < 0 || offset > from.len - len) {
            return false;
        }
        Page p = freeHeadPages.pollFirst();
        if (p == null) p = new Page();
        p.bytes = si.head;
        p.headFrag = true;
        p.refcount = 1;
        into.addFrag(p, from.data + offset, len);
        into.truesize += from.truesize;
        si.head = null; // stolen: free() keeps the buffer
        free(from);
        return true;
    }

    // ---------------------------------------------------------------- clone / copy

    private static void copyMeta(SkBuff n, SkBuff o) {
        n.macHeader = o.macHeader;
        n.networkHeader = o.networkHeader;
        n.transportHeader = o.transportHeader;
        n.protocol = o.protocol;
        n.pktType = o.pktType;
        n.queueMapping = o.queueMapping;
        n.priority = o.priority;
        n.hash = o.hash;
        n.l4Hash = o.l4Hash;
        n.senderCpu = o.senderCpu;
        n.ipSummed = o.ipSummed;
        n.csumStart = o.csumStart;
        n.csumOffset = o.csumOffset;
        n.qdiscPktLen = o.qdiscPktLen;
        n.tstamp = o.tstamp;
        n.mark = o.mark;
        System.arraycopy(o.cb, 0, n.cb, 0, SkBuff.CB_SIZE);
    }

    /**
     * Mirrors {@code skb_clone()}: a new head sharing the data (dataref + 1); both become
     * {@code cloned}. The clone of an fclone original whose companion is free reuses the companion
     * (counted as an fclone hit); otherwise a head is taken from the pool. The clone has no socket
     * owner and no destructor, as in the kernel.
     */
    public SkBuff clone(SkBuff skb) {
        SkBuff n;
        if (skb.fclone == SkBuff.SKB_FCLONE_ORIG && skb.fcloneRef == 1) {
            n = skb.fcloneCompanion;
            skb.fcloneRef = 2;
            counters.skbFcloneHit++;
        } else {
            n = freeHeads.pollFirst();
            if (n == null) n = new SkBuff();
            n.fclone = SkBuff.SKB_FCLONE_UNAVAILABLE;
            n.fcloneCompanion = null;
        }
        resetMeta(n);
        copyMeta(n, skb);
        n.allocator = this;
        n.shinfo = skb.shinfo;
        n.head = skb.head;
        n.data = skb.data;
        n.tail = skb.tail;
        n.end = skb.end;
        n.len = skb.len;
        n.dataLen = skb.dataLen;
        n.users = 1;
        n.inPool = false;
        n.cloned = true;
        skb.cloned = true;
        skb.shinfo.dataref++;
        inUse++;
        counters.skbClone++;
        return n;
    }

    /**
     * Mirrors {@code __pskb_copy_fclone()}: copies the headroom and linear data into a new buffer
     * and shares the page frags (a reference is taken on each page). Copied bytes are counted.
     */
    public SkBuff pskbCopy(SkBuff skb, boolean fclone) {
        int headroom = skb.headroom();
        int hl = skb.headlen();
        SkBuff n = fclone ? allocSkbFclone(skb.end) : allocSkb(skb.end);
        n.data = headroom;
        n.tail = headroom + hl;
        n.len = hl;
        System.arraycopy(skb.head, skb.data, n.head, n.data, hl);
        SkbSharedInfo si = skb.shinfo;
        for (int i = 0; i < si.nrFrags; i++) {
            SkbFrag f = si.frags[i];
            f.page.refcount++;
            n.addFrag(f.page, f.offset, f.size);
        }
        n.shinfo.gsoSize = si.gsoSize;
        n.shinfo.gsoSegs = si.gsoSegs;
        n.shinfo.gsoType = si.gsoType;
        copyMeta(n, skb);
        int delta = n.data - skb.data;
        shiftHeaders(n, skb, delta);
        counters.skbCopy++;
        copied(sitePskbCopy, hl);
        return n;
    }

    /**
     * Mirrors {@code skb_split()} for an skb whose payload is all in page frags: the bytes from
     * {@code len} on move to {@code tail} (a fresh skb with headroom only), a frag straddling the
     * cut is shared (one more page reference). Used by {@code tcp_fragment()} / {@code tso_fragment()}.
     */
    public void skbSplit(SkBuff skb, SkBuff tail, int len) {
        if (skb.headlen() != 0) throw new IllegalArgumentException("skbSplit needs an skb without linear payload");
        if (len <= 0 || len >= skb.len) throw new IllegalArgumentException("split at " + len + " of " + skb.len);
        SkbSharedInfo si = skb.shinfo;
        int pos = 0;
        int keep = 0;
        for (int i = 0; i < si.nrFrags; i++) {
            SkbFrag f = si.frags[i];
            int fEnd = pos + f.size;
            if (fEnd <= len) {
                keep = i + 1;
            } else if (pos >= len) {
                tail.addFrag(f.page, f.offset, f.size);
                f.page = null;
            } else {
                int head = len - pos;
                f.page.refcount++;
                tail.addFrag(f.page, f.offset + head, f.size - head);
                f.size = head;
                keep = i + 1;
            }
            pos = fEnd;
        }
        si.nrFrags = keep;
        int moved = skb.len - len;
        skb.len = len;
        skb.dataLen -= moved;
    }

    /**
     * Mirrors {@code skb_unclone()} ({@code pskb_expand_head()} with no growth): when a clone shares
     * this skb's data, the skb gets a private buffer and shared info (headroom and linear part
     * copied, page frags referenced once more), so that changing its frags (split, trim) leaves the
     * clone in flight untouched. The skb object stays the same. Returns false when nothing was shared.
     */
    public boolean skbUnclone(SkBuff skb) {
        if (!skb.cloned || skb.shinfo.dataref <= 1) {
            skb.cloned = false;
            return false;
        }
        SkbSharedInfo old = skb.shinfo;
        SkbSharedInfo si = freeShinfo.pollFirst();
        if (si == null) si = new SkbSharedInfo();
        si.nrFrags = 0;
        si.gsoSize = old.gsoSize;
        si.gsoSegs = old.gsoSegs;
        si.gsoType = old.gsoType;
        si.dataref = 1;
        si.head = allocData(skb.end);
        System.arraycopy(skb.head, 0, si.head, 0, skb.tail);
        for (int i = 0; i < old.nrFrags; i++) {
            SkbFrag f = old.frags[i];
            f.page.refcount++;
            si.frags[si.nrFrags++].set(f.page, f.offset, f.size);
        }
        old.dataref--;
        skb.shinfo = si;
        skb.head = si.head;
        skb.cloned = false;
        counters.skbCopy++;
        copied(sitePskbCopy, skb.tail - skb.data);
        return true;
    }

    /** Mirrors {@code skb_copy()}: a private linear copy of headroom, linear data and all frags. */
    public SkBuff copy(SkBuff skb) {
        int headroom = skb.headroom();
        SkBuff n = allocSkb(headroom + skb.len);
        n.data = headroom;
        n.tail = headroom;
        n.put(skb.len);
        skb.copyBits(0, n.head, n.data, skb.len);
        n.shinfo.gsoSize = skb.shinfo.gsoSize;
        n.shinfo.gsoSegs = skb.shinfo.gsoSegs;
        n.shinfo.gsoType = skb.shinfo.gsoType;
        copyMeta(n, skb);
        shiftHeaders(n, skb, n.data - skb.data);
        counters.skbCopy++;
        copied(siteSkbCopy, skb.len);
        return n;
    }

    private static void shiftHeaders(SkBuff n, SkBuff o, int delta) {
        n.macHeader = o.macHeader < 0 ? -1 : o.macHeader + delta;
        n.networkHeader = o.networkHeader < 0 ? -1 : o.networkHeader + delta;
        n.transportHeader = o.transportHeader < 0 ? -1 : o.transportHeader + delta;
        if (o.ipSummed == SkBuff.CHECKSUM_PARTIAL) n.csumStart = o.csumStart + delta;
    }

    // ---------------------------------------------------------------- free

    /**
     * Drops one reference; at zero runs the destructor, releases the data (when no clone shares it)
     * and returns the head to the pool. Mirrors {@code kfree_skb()}/{@code consume_skb()}; drop
     * accounting by reason is the caller's (the device layer's), as the kernel's tracepoints are.
     */
    public void free(SkBuff skb) {
        if (skb.inPool) throw new IllegalStateException("double free of " + skb);
        if (--skb.users > 0) return;
        if (skb.destructor != null) {
            SkbDestructor d = skb.destructor;
            skb.destructor = null;
            d.destruct(skb);
        }
        SkbSharedInfo si = skb.shinfo;
        if (--si.dataref == 0) {
            for (int i = 0; i < si.nrFrags; i++) {
                putPage(si.frags[i].page);
                si.frags[i].page = null;
            }
            si.nrFrags = 0;
            if (si.head != null) freeData(si.head);
            si.head = null;
            freeShinfo.addFirst(si);
        }
        skb.shinfo = null;
        skb.head = null;
        skb.sk = null;
        skb.owner = null;
        skb.next = null;
        skb.prev = null;
        skb.inPool = true;
        inUse--;
        counters.skbFree++;
        switch (skb.fclone) {
            case SkBuff.SKB_FCLONE_ORIG:
                if (--skb.fcloneRef == 0) freeFclonePairs.addFirst(skb);
                break;
            case SkBuff.SKB_FCLONE_CLONE: {
                SkBuff orig = skb.fcloneCompanion;
                if (--orig.fcloneRef == 0) freeFclonePairs.addFirst(orig);
                break;
            }
            default:
                freeHeads.addFirst(skb);
        }
    }

    /** Frees a chain linked through {@link SkBuff#next} (kfree_skb_list()). */
    public void freeList(SkBuff skb) {
        while (skb != null) {
            SkBuff nx = skb.next;
            skb.next = null;
            free(skb);
            skb = nx;
        }
    }

    // ---------------------------------------------------------------- copy accounting

    /** Registers (or finds) a call site for copy accounting, e.g. "skb_add_data_nocache". */
    public int copySite(String name) {
        int i = siteNames.indexOf(name);
        if (i >= 0) return i;
        siteNames.add(name);
        if (siteNames.size() > siteCalls.length) {
            siteCalls = java.util.Arrays.copyOf(siteCalls, siteCalls.length * 2);
            siteBytes = java.util.Arrays.copyOf(siteBytes, siteBytes.length * 2);
        }
        return siteNames.size() - 1;
    }

    /** Counts one copy of {@code bytes} bytes at a call site. */
    public void copied(int site, int bytes) {
        siteCalls[site]++;
        siteBytes[site] += bytes;
        counters.bytesCopied += bytes;
    }

    /** Calls and bytes copied per call site. */
    public Map<String, long[]> copySites() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int i = 0; i < siteNames.size(); i++) m.put(siteNames.get(i), new long[] {siteCalls[i], siteBytes[i]});
        return m;
    }
}
