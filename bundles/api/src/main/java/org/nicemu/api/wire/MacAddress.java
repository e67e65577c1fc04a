package org.nicemu.api.wire;

/**
 * A 48-bit Ethernet MAC address, mirroring the kernel's {@code u8 addr[ETH_ALEN]} with the helpers of
 * include/linux/etherdevice.h ({@code is_broadcast_ether_addr()}, {@code is_multicast_ether_addr()},
 * {@code is_zero_ether_addr()}) and the text form of {@code %pM} / {@code ether_aton()}.
 * Held as the six bytes in network order packed into the low 48 bits of a {@code long}, so that the
 * record compares by value.
 *
 * @param bits the address, first octet in bits 47..40 (02:00:00:00:00:01 is 0x020000000001L)
 */
public record MacAddress(long bits) {
    /** ETH_ALEN. */
    public static final int LENGTH = 6;
    /** ff:ff:ff:ff:ff:ff. */
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);
    /** 00:00:00:00:00:00. */
    public static final MacAddress ZERO = new MacAddress(0);

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** @throws IllegalArgumentException if {@code bits} has bits set above bit 47 */
    public MacAddress {
        if ((bits & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("MAC address value 0x" + Long.toHexString(bits) + " does not fit in 48 bits");
        }
    }

    /**
     * Parses the colon-separated form, six octets of one or two hex digits each, e.g.
     * "02:00:00:00:00:01" (as {@code ether_aton()}; upper or lower case).
     *
     * @throws IllegalArgumentException with a message naming the input and the expected form
     */
    public static MacAddress parse(String s) {
        if (s == null) throw new IllegalArgumentException("MAC address is null; expected six hex octets such as 02:00:00:00:00:01");
        long v = 0;
        int octets = 0;
        int i = 0;
        int n = s.length();
        while (true) {
            int digits = 0;
            int octet = 0;
            while (i < n && digits < 3) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0) break;
                octet = octet * 16 + d;
                digits++;
                i++;
            }
            if (digits == 0 || digits > 2) throw bad(s);
            v = (v << 8) | octet;
            octets++;
            if (octets == LENGTH) break;
            if (i >= n || s.charAt(i) != ':') throw bad(s);
            i++;
        }
        if (i != n) throw bad(s);
        return new MacAddress(v);
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException("Invalid MAC address \"" + s
                + "\": expected six hex octets separated by ':', such as 02:00:00:00:00:01");
    }

    /** Reads six bytes at {@code b[off]}. */
    public static MacAddress of(byte[] b, int off) {
        return new MacAddress(Bytes.u48(b, off));
    }

    /** The address of six bytes; {@code b.length} must be 6. */
    public static MacAddress of(byte[] b) {
        if (b == null || b.length != LENGTH) throw new IllegalArgumentException("MAC address needs 6 bytes");
        return of(b, 0);
    }

    /** Writes the six bytes at {@code b[off]}. */
    public void writeTo(byte[] b, int off) {
        Bytes.put48(b, off, bits);
    }

    /** A new array with the six bytes. */
    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        writeTo(b, 0);
        return b;
    }

    /** is_broadcast_ether_addr(). */
    public boolean isBroadcast() {
        return bits == 0xffff_ffff_ffffL;
    }

    /** is_multicast_ether_addr(): the I/G bit of the first octet (broadcast included). */
    public boolean isMulticast() {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    /** is_zero_ether_addr(). */
    public boolean isZero() {
        return bits == 0;
    }

    /** is_valid_ether_addr(): neither multicast nor zero. */
    public boolean isValidUnicast() {
        return !isMulticast() && !isZero();
    }

    /** "02:00:00:00:00:01": six lower-case two-digit hex octets separated by ':'. */
    @Override
    public String toString() {
        char[] c = new char[17];
        for (int i = 0; i < LENGTH; i++) {
            int o = (int) (bits >>> (40 - 8 * i)) & 0xff;
            c[i * 3] = HEX[o >>> 4];
            c[i * 3 + 1] = HEX[o & 0xf];
            if (i < LENGTH - 1) c[i * 3 + 2] = ':';
        }
        return new String(c);
    }
}
