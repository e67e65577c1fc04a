package org.nicemu.driver.legacy;

import java.util.Map;
import java.util.Set;

import org.nicemu.api.driver.DriverException;

/**
 * The parameters of the legacy driver model, parsed and checked: the ring it uses and its fault
 * knobs (emulator-specific; an old driver's {@code module_param()}s play this role). A field is
 * null when the parameter was not given.
 *
 * @param txRingDescriptors descriptors of TX ring 0 the driver uses, 1..65536 (at most the NIC's ring);
 *                          0 = the whole ring
 * @param forceBusyEvery    every Nth ndo_start_xmit call returns NETDEV_TX_BUSY without taking the skb; 0 = off,
 *                          2..10^9 (1 is refused: every retry would be refused again at the same emulated time)
 * @param stuckQueue        true stops the TX queue and never wakes it until set false again
 * @param dropEvery         every Nth skb is freed by the driver with reason driver-drop and NETDEV_TX_OK; 0 = off
 */
public record LegacyParams(Integer txRingDescriptors, Integer forceBusyEvery, Boolean stuckQueue, Integer dropEvery) {
    public static final String TX_RING_DESCRIPTORS = "txRingDescriptors";
    public static final String FORCE_BUSY_EVERY = "forceBusyEvery";
    public static final String STUCK_QUEUE = "stuckQueue";
    public static final String DROP_EVERY = "dropEvery";
    static final Set<String> KEYS = Set.of(TX_RING_DESCRIPTORS, FORCE_BUSY_EVERY, STUCK_QUEUE, DROP_EVERY);
    static final int MAX_EVERY = 1_000_000_000;
    /** One line naming every accepted parameter with its unit and range. */
    public static final String USAGE = "legacy [" + TX_RING_DESCRIPTORS + "=DESCRIPTORS 1..65536, at most the NIC's txRingSize"
            + " (default 0: the whole ring)] [" + FORCE_BUSY_EVERY + "=CALLS 0 or 2.." + MAX_EVERY + " (every Nth xmit returns"
            + " NETDEV_TX_BUSY; 0 off)] [" + STUCK_QUEUE + "=true|false (default false)] [" + DROP_EVERY + "=SKBS 0.."
            + MAX_EVERY + " (every Nth skb dropped with driver-drop; 0 off)]";

    /** Parses {@code params}; unknown keys and bad values give a DriverException naming what is accepted. */
    public static LegacyParams parse(Map<String, String> params) throws DriverException {
        for (String k : params.keySet()) {
            if (!KEYS.contains(k)) throw new DriverException("legacy: unknown parameter '" + k + "'; accepted: " + USAGE);
        }
        Integer ring = intParam(params, TX_RING_DESCRIPTORS, 0, 65536, "descriptors; 0 = the whole ring");
        Integer busy = intParam(params, FORCE_BUSY_EVERY, 0, MAX_EVERY, "ndo_start_xmit calls; 0 = off");
        if (busy != null && busy == 1) {
            throw new DriverException("legacy: " + FORCE_BUSY_EVERY + " must be 0 (off) or 2.." + MAX_EVERY
                    + " (1 would refuse every skb, retried forever at the same emulated time), got 1");
        }
        Integer drop = intParam(params, DROP_EVERY, 0, MAX_EVERY, "skbs; 0 = off");
        Boolean stuck = null;
        String v = params.get(STUCK_QUEUE);
        if (v != null) {
            String t = v.trim();
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("on") || t.equals("1")) stuck = true;
            else if (t.equalsIgnoreCase("false") || t.equalsIgnoreCase("off") || t.equals("0")) stuck = false;
            else throw new DriverException("legacy: " + STUCK_QUEUE + " must be true or false, got '" + v + "'");
        }
        return new LegacyParams(ring, busy, stuck, drop);
    }

    private static Integer intParam(Map<String, String> params, String key, int min, int max, String unit) throws DriverException {
        String v = params.get(key);
        if (v == null) return null;
        long x;
        try {
            x = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new DriverException("legacy: " + key + " must be an integer " + min + ".." + max + " (" + unit + "), got '" + v + "'");
        }
        if (x < min || x > max) throw new DriverException("legacy: " + key + " must be " + min + ".." + max + " (" + unit + "), got " + x);
        return (int) x;
    }
}
