package org.nicemu.api.qdisc;

/** Return codes of enqueue and dev_queue_xmit (include/linux/netdevice.h). */
public final class NetXmit {
    public static final int NET_XMIT_SUCCESS = 0x00;
    public static final int NET_XMIT_DROP = 0x01;
    public static final int NET_XMIT_CN = 0x02;
    public static final int NET_XMIT_MASK = 0x0f;

    private NetXmit() {
    }
}
