package org.nicemu.api.inet;

import org.nicemu.api.skb.SkBuffHead;

/**
 * One neighbour entry ({@code struct neighbour}): the link-layer address of an IPv4 next hop on a
 * device, its NUD state and timestamps, and the packets waiting for resolution ({@code arp_queue}).
 * Plain data; the IP layer's ARP code runs the state machine.
 */
public final class Neighbour {
    public final String dev;
    public final int ip;
    /** The MAC as a 48-bit value, -1 while unknown. */
    public long mac = -1;
    public NudState state = NudState.INCOMPLETE;
    /** Emulated time of the last state change (neigh->updated) and of the last confirmation (confirmed). */
    public long updatedNanos, confirmedNanos;
    /** Solicitations sent in the current resolution (neigh->probes). */
    public int probes;
    /** Packets queued while resolving (neigh->arp_queue), at most unres_qlen. */
    public final SkBuffHead arpQueue = new SkBuffHead();

    public Neighbour(String dev, int ip) {
        this.dev = dev;
        this.ip = ip;
    }

    @Override
    public String toString() {
        return org.nicemu.api.wire.Ipv4Address.toString(ip) + " dev " + dev
                + (mac >= 0 ? " lladdr " + new org.nicemu.api.wire.MacAddress(mac) : "") + " " + state;
    }
}
