package org.nicemu.api.skb;

/**
 * A FIFO of skbs linked through {@link SkBuff#next}, mirroring {@code struct sk_buff_head}
 * (qlen plus head/tail) without allocation. An skb is on at most one list at a time.
 */
public final class SkBuffHead {
    private SkBuff first, last;
    private int qlen;

    /** skb_queue_len(). */
    public int len() { return qlen; }

    /** skb_queue_empty(). */
    public boolean isEmpty() { return qlen == 0; }

    /** skb_peek(). */
    public SkBuff peek() { return first; }

    /** skb_peek_tail(). */
    public SkBuff peekTail() { return last; }

    /** __skb_queue_tail(). */
    public void addTail(SkBuff skb) {
        skb.next = null;
        skb.prev = last;
        if (last == null) first = skb; else last.next = skb;
        last = skb;
        qlen++;
    }

    /** __skb_queue_head(). */
    public void addHead(SkBuff skb) {
        skb.prev = null;
        skb.next = first;
        if (first == null) last = skb; else first.prev = skb;
        first = skb;
        qlen++;
    }

    /** __skb_dequeue(). */
    public SkBuff removeHead() {
        SkBuff s = first;
        if (s == null) return null;
        first = s.next;
        if (first == null) last = null; else first.prev = null;
        s.next = null;
        s.prev = null;
        qlen--;
        return s;
    }

    /** __skb_dequeue_tail(). */
    public SkBuff removeTail() {
        SkBuff s = last;
        if (s == null) return null;
        last = s.prev;
        if (last == null) first = null; else last.next = null;
        s.next = null;
        s.prev = null;
        qlen--;
        return s;
    }

    /** __skb_unlink(). */
    public void unlink(SkBuff s) {
        if (s.prev == null) first = s.next; else s.prev.next = s.next;
        if (s.next == null) last = s.prev; else s.next.prev = s.prev;
        s.next = null;
        s.prev = null;
        qlen--;
    }

    /** __skb_queue_after(): inserts {@code skb} right after {@code prev}, which is on this list. */
    public void insertAfter(SkBuff prev, SkBuff skb) {
        skb.prev = prev;
        skb.next = prev.next;
        if (prev.next == null) last = skb; else prev.next.prev = skb;
        prev.next = skb;
        qlen++;
    }

    /** __skb_queue_before(): inserts {@code skb} right before {@code next}, which is on this list. */
    public void insertBefore(SkBuff next, SkBuff skb) {
        skb.next = next;
        skb.prev = next.prev;
        if (next.prev == null) first = skb; else next.prev.next = skb;
        next.prev = skb;
        qlen++;
    }
}
