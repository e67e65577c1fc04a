package org.nicemu.api.skb;

/**
 * The part of an skb shared by its clones: page frags, GSO parameters and the data reference count
 * ({@code struct skb_shared_info} at the end of the data buffer).
 */
public final class SkbSharedInfo {
    /** MAX_SKB_FRAGS for 4 KiB pages. */
    public static final int MAX_SKB_FRAGS = 17;

    final SkbFrag[] frags = new SkbFrag[MAX_SKB_FRAGS];
    int nrFrags;
    int gsoSize;
    int gsoSegs;
    int gsoType;
    /** dataref: how many skb heads share this data. */
    int dataref;
    byte[] head;

    SkbSharedInfo() {
        for (int i = 0; i < frags.length; i++) frags[i] = new SkbFrag();
    }

    public int nrFrags() { return nrFrags; }

    public SkbFrag frag(int i) {
        if (i < 0 || i >= nrFrags) throw new IndexOutOfBoundsException("frag " + i + " of " + nrFrags);
        return frags[i];
    }

    public int dataref() { return dataref; }
}
