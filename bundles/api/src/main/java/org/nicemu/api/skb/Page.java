package org.nicemu.api.skb;

/**
 * A reference-counted page that page fragments of skbs point to ({@code struct page} with its
 * {@code _refcount}). Pages come from and return to a {@link SkbAllocator}.
 */
public final class Page {
    /** The default page size, PAGE_SIZE on x86_64. */
    public static final int PAGE_SIZE = 4096;

    final byte[] bytes;
    int refcount;

    Page(int size) {
        this.bytes = new byte[size];
    }

    /** The page's memory. */
    public byte[] bytes() { return bytes; }

    /** Current reference count (page_ref_count()). */
    public int refcount() { return refcount; }

    /** Takes a reference (get_page()). */
    public void get() { refcount++; }
}
