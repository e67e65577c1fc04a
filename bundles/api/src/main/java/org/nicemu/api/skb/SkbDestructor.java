package org.nicemu.api.skb;

/** Called when an skb head is freed ({@code skb->destructor}, e.g. tcp_wfree for TCP small queues). */
@FunctionalInterface
public interface SkbDestructor {
    void destruct(SkBuff skb);
}
