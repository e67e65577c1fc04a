package org.nicemu.api.inet;

/**
 * One IPv4 route of the main table ({@code struct fib_alias}/{@code fib_info} simplified), as
 * {@code ip route} shows it.
 *
 * @param dst       destination prefix (host-order int, e.g. 198.18.0.0 = 0xc6120000)
 * @param prefixLen 0..32
 * @param gateway   next hop, 0 when the destination is on-link
 * @param dev       output device name
 * @param prefsrc   preferred source address, 0 for none
 * @param metric    lower wins among equal prefixes
 * @param type      route type
 */
public record Route(int dst, int prefixLen, int gateway, String dev, int prefsrc, int metric, Type type) {
    /** RTN_* route types. */
    public enum Type { UNICAST, LOCAL, BROADCAST, UNREACHABLE, BLACKHOLE, PROHIBIT }

    public Route {
        if (prefixLen < 0 || prefixLen > 32) throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLen);
        if (dev == null && type == Type.UNICAST) throw new IllegalArgumentException("a unicast route needs a device");
        if (metric < 0) throw new IllegalArgumentException("metric must be >= 0, got " + metric);
        dst &= mask(prefixLen);
    }

    /** The netmask of a prefix length (inet_make_mask()). */
    public static int mask(int prefixLen) {
        return prefixLen == 0 ? 0 : -1 << (32 - prefixLen);
    }

    /** True when {@code addr} falls in this route's prefix. */
    public boolean matches(int addr) {
        return (addr & mask(prefixLen)) == dst;
    }
}
