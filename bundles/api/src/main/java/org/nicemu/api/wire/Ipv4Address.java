package org.nicemu.api.wire;

/**
 * IPv4 addresses as host-order {@code int}s (198.18.0.1 = 0xc6120001), mirroring the kernel's
 * {@code __be32} addresses with {@code in4_pton()} / {@code %pI4} for the dotted-quad text form.
 */
public final class Ipv4Address {
    /** INADDR_ANY (0.0.0.0). */
    public static final int ANY = 0;
    /** INADDR_BROADCAST (255.255.255.255). */
    public static final int BROADCAST = 0xffffffff;

    private Ipv4Address() {
    }

    /**
     * Parses a dotted quad such as "198.18.0.1": exactly four decimal octets 0..255 without signs,
     * spaces or leading zeros (which some parsers read as octal).
     *
     * @throws IllegalArgumentException with a message naming the input and what is wrong
     */
    public static int parse(String s) {
        if (s == null) throw new IllegalArgumentException("IPv4 address is null; expected a dotted quad such as 198.18.0.1");
        int n = s.length();
        int i = 0;
        int addr = 0;
        for (int part = 0; part < 4; part++) {
            int start = i;
            int v = 0;
            while (i < n && i - start < 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0) throw bad(s, "octet " + (part + 1) + " is missing or not a decimal number");
            if (digits > 1 && s.charAt(start) == '0') throw bad(s, "octet " + (part + 1) + " has a leading zero");
            if (digits > 3 || v > 255) throw bad(s, "octet " + (part + 1) + " is greater than 255");
            addr = addr << 8 | v;
            if (part < 3) {
                if (i >= n || s.charAt(i) != '.') throw bad(s, "expected '.' after octet " + (part + 1));
                i++;
            }
        }
        if (i != n) throw bad(s, "unexpected characters after the fourth octet");
        return addr;
    }

    private static IllegalArgumentException bad(String s, String why) {
        return new IllegalArgumentException("Invalid IPv4 address \"" + s + "\": " + why
                + "; expected a dotted quad such as 198.18.0.1");
    }

    /** The dotted-quad form of a host-order address, e.g. "198.18.0.1". */
    public static String toString(int addr) {
        return (addr >>> 24) + "." + (addr >>> 16 & 0xff) + "." + (addr >>> 8 & 0xff) + "." + (addr & 0xff);
    }

    /** Reads a 4-byte address at {@code b[off]} (network order) as a host-order int. */
    public static int get(byte[] b, int off) {
        return Bytes.i32(b, off);
    }

    /** Writes a host-order address at {@code b[off]} in network order. */
    public static void put(byte[] b, int off, int addr) {
        Bytes.put32(b, off, addr);
    }

    /** ipv4_is_multicast(): 224.0.0.0/4. */
    public static boolean isMulticast(int addr) {
        return (addr & 0xf0000000) == 0xe0000000;
    }

    /** inet_make_mask(): the netmask of a prefix length 0..32. */
    public static int prefixMask(int prefixLen) {
        if (prefixLen < 0 || prefixLen > 32) throw new IllegalArgumentException("IPv4 prefix length " + prefixLen + " not in 0..32");
        return prefixLen == 0 ? 0 : -1 << (32 - prefixLen);
    }
}
