package org.nicemu.api.inet;

import org.nicemu.api.emu.Device;
import org.nicemu.api.skb.SkBuff;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A netfilter-style hook on the IPv4 output path, registered as an OSGi service with
 * {@value #HOOK}={@value #POST_ROUTING} and an integer {@value #PRIORITY} (lower runs first), like
 * {@code nf_register_net_hook()}. It may change the packet (keeping lengths and checksums right).
 */
@ConsumerType
public interface NfHook {
    String HOOK = "nf.hook";
    String POST_ROUTING = "post_routing";
    String PRIORITY = "nf.priority";
    int NF_DROP = 0;
    int NF_ACCEPT = 1;
    int NF_STOLEN = 2;

    /** skb->data at the IP header; returns NF_ACCEPT, NF_DROP (the caller frees) or NF_STOLEN (the hook keeps it). */
    int hook(SkBuff skb, Device out);
}
