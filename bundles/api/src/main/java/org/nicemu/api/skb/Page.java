package org.nicemu.api.skb;

/**
 * A reference-counted page that page fragments of skbs point to ({@code struct page} with its
 * {@code _refcount}). Pages come from and return to a {@link SkbAllocator}. A head-frag page
 * wraps the data buffer of an skb whose head GRO turned into a frag ({@code skb->head_frag}, see
 * {@link SkbAllocator#groStealHead}); at refcount zero the buffer goes back to the allocator.
 */
public final class Page {
    /** The default page size, PAGE_SIZE on x86_64. */
    public static final int PAGE_SIZE = 4096;

    byte[] bytes;
    int refcount;
    /** True while this page wraps an skb data buffer (not a page of its own). */
    boolean headFrag;

    Page(int size) {
        this.bytes = new byte[size];
    }

    Page() {
    }

    /** The page's memory. */
    public byte[] bytes() { return bytes; }

    /** Current reference count (page_ref_count()). */
    public int refcount() { return refcount; }

    /** Takes a reference (get_page()). */
    public void get() { refcount++; }
}
