package org.nicemu.api.inet;

/**
 * One IPv4 address of a device ({@code struct in_ifaddr}), as {@code ip addr} shows it.
 *
 * @param dev       device name
 * @param addr      the address (host-order int)
 * @param prefixLen 0..32
 */
public record InetAddr(String dev, int addr, int prefixLen) {
    public InetAddr {
        if (dev == null) throw new IllegalArgumentException("an address needs a device");
        if (prefixLen < 0 || prefixLen > 32) throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLen);
    }

    /** The directed broadcast address of the subnet. */
    public int broadcast() {
        return addr | ~Route.mask(prefixLen);
    }
}
