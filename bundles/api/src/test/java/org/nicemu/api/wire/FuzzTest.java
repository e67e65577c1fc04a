package org.nicemu.api.wire;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Validation of untrusted bytes never throws, whatever the bytes, offsets and lengths. */
class FuzzTest {
    @Test
    void validatorsNeverThrow() {
        Random r = new Random(20240601);
        for (int i = 0; i < 20000; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) b[0] = (byte) (0x40 | (b[0] & 0x0f)); // often version 4
            int off = r.nextInt(b.length + 4) - 2;
            int len = r.nextInt(b.length + 4) - 2;
            assertNotNull(Ipv4Header.validate(b, off, len));
            assertNotNull(UdpHeader.validate(b, off, len));
            assertNotNull(UdpHeader.validate(b, off, len, r.nextInt(), r.nextInt()));
            assertNotNull(TcpHeader.validate(b, off, len));
            assertNotNull(TcpHeader.validate(b, off, len, r.nextInt(), r.nextInt()));
            assertNotNull(ArpPacket.validate(b, off, len));
            EthernetHeader.checkLen(b, off, len);
        }
    }
}
