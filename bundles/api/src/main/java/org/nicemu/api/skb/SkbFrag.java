package org.nicemu.api.skb;

/** One page fragment of a non-linear skb ({@code skb_frag_t}: page, offset, size). */
public final class SkbFrag {
    Page page;
    int offset;
    int size;

    public Page page() { return page; }

    public int offset() { return offset; }

    public int size() { return size; }

    void set(Page p, int off, int len) {
        page = p;
        offset = off;
        size = len;
    }
}
