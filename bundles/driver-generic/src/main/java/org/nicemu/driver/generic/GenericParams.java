package org.nicemu.driver.generic;

import java.util.Map;
import java.util.Set;

import org.nicemu.api.driver.DriverException;

/**
 * The parameters of the generic driver model, parsed and checked (the role of a driver's
 * {@code module_param()}s and {@code ethtool -C} / private flags). A field is null when the
 * parameter was not given, so that {@link GenericDriver#change} only touches what was asked for.
 *
 * @param txCoalesceUsecs  ethtool -C tx-usecs, microseconds 0..1000000; null keeps the NIC's value
 * @param txCoalesceFrames ethtool -C tx-frames, completions 0..65535; null keeps the NIC's value
 * @param bql              byte queue limits on (true) or off (false); null keeps the current setting
 * @param rxCoalesceUsecs  ethtool -C rx-usecs, microseconds 0..1000000; null keeps the NIC's value (0)
 * @param rxCoalesceFrames ethtool -C rx-frames, frames 0..65535; null keeps the NIC's value (0)
 */
public record GenericParams(Long txCoalesceUsecs, Integer txCoalesceFrames, Boolean bql, Long rxCoalesceUsecs,
        Integer rxCoalesceFrames) {
    public static final String TX_COALESCE_USECS = "txCoalesceUsecs";
    public static final String TX_COALESCE_FRAMES = "txCoalesceFrames";
    public static final String BQL = "bql";
    public static final String RX_COALESCE_USECS = "rxCoalesceUsecs";
    public static final String RX_COALESCE_FRAMES = "rxCoalesceFrames";
    static final Set<String> KEYS = Set.of(TX_COALESCE_USECS, TX_COALESCE_FRAMES, BQL, RX_COALESCE_USECS, RX_COALESCE_FRAMES);
    static final long MAX_USECS = 1_000_000;
    static final int MAX_FRAMES = 65535;
    /** One line naming every accepted parameter with its unit and range. */
    public static final String USAGE = "generic [" + TX_COALESCE_USECS + "=MICROSECONDS 0.." + MAX_USECS
            + " (default: the NIC's tx-usecs)] [" + TX_COALESCE_FRAMES + "=COMPLETIONS 0.." + MAX_FRAMES
            + " (default: the NIC's tx-frames)] [" + BQL + "=true|false (default true)] [" + RX_COALESCE_USECS
            + "=MICROSECONDS 0.." + MAX_USECS + " (default 0)] [" + RX_COALESCE_FRAMES + "=FRAMES 0.." + MAX_FRAMES + " (default 0)]";

    /** Parses {@code params}; unknown keys and bad values give a DriverException naming what is accepted. */
    public static GenericParams parse(Map<String, String> params) throws DriverException {
        for (String k : params.keySet()) {
            if (!KEYS.contains(k)) throw new DriverException("generic: unknown parameter '" + k + "'; accepted: " + USAGE);
        }
        Long usecs = null;
        Integer frames = null;
        Boolean bql = null;
        String v = params.get(TX_COALESCE_USECS);
        if (v != null) usecs = parseLong(TX_COALESCE_USECS, v, 0, MAX_USECS, "microseconds");
        v = params.get(TX_COALESCE_FRAMES);
        if (v != null) frames = (int) parseLong(TX_COALESCE_FRAMES, v, 0, MAX_FRAMES, "completions");
        v = params.get(BQL);
        if (v != null) {
            String t = v.trim();
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("on") || t.equals("1")) bql = true;
            else if (t.equalsIgnoreCase("false") || t.equalsIgnoreCase("off") || t.equals("0")) bql = false;
            else throw new DriverException("generic: " + BQL + " must be true or false, got '" + v + "'");
        }
        Long rxUsecs = null;
        Integer rxFrames = null;
        v = params.get(RX_COALESCE_USECS);
        if (v != null) rxUsecs = parseLong(RX_COALESCE_USECS, v, 0, MAX_USECS, "microseconds");
        v = params.get(RX_COALESCE_FRAMES);
        if (v != null) rxFrames = (int) parseLong(RX_COALESCE_FRAMES, v, 0, MAX_FRAMES, "frames");
        return new GenericParams(usecs, frames, bql, rxUsecs, rxFrames);
    }

    private static long parseLong(String key, String v, long min, long max, String unit) throws DriverException {
        long x;
        try {
            x = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new DriverException("generic: " + key + " must be an integer " + min + ".." + max + " (" + unit + "), got '" + v + "'");
        }
        if (x < min || x > max) throw new DriverException("generic: " + key + " must be " + min + ".." + max + " (" + unit + "), got " + x);
        return x;
    }
}
