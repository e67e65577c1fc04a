package org.nicemu.api.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressTest {
    @Test
    void macParseAndFormat() {
        MacAddress m = MacAddress.parse("02:00:00:00:00:01");
        assertEquals(0x020000000001L, m.bits());
        assertEquals("02:00:00:00:00:01", m.toString());
        assertEquals(m, MacAddress.parse("2:0:0:0:0:1"));
        assertEquals("aa:bb:cc:dd:ee:ff", MacAddress.parse("AA:bb:Cc:dD:ee:FF").toString());
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 1}, m.toBytes());
        assertEquals(m, MacAddress.of(new byte[] {2, 0, 0, 0, 0, 1}));
        assertTrue(m.isValidUnicast());
        assertTrue(MacAddress.BROADCAST.isBroadcast());
        assertTrue(MacAddress.BROADCAST.isMulticast());
        assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
        assertTrue(MacAddress.ZERO.isZero());
        assertFalse(MacAddress.ZERO.isValidUnicast());
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.BROADCAST.toString());
    }

    @Test
    void macParseErrorsAreClear() {
        for (String bad : new String[] {"", "02:00:00:00:00", "02:00:00:00:00:01:", "02:00:00:00:00:001",
                "02-00-00-00-00-01", "02:00:00:00:00:0g", "0200.0000.0001", ":00:00:00:00:01", "02:00:00:00:00:01 "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), bad);
            assertTrue(e.getMessage().contains("\"" + bad + "\"") && e.getMessage().contains("02:00:00:00:00:01"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
    }

    @Test
    void ipv4ParseAndFormat() {
        assertEquals(0xc6120001, Ipv4Address.parse("198.18.0.1"));
        assertEquals("198.18.0.1", Ipv4Address.toString(0xc6120001));
        assertEquals(0, Ipv4Address.parse("0.0.0.0"));
        assertEquals(-1, Ipv4Address.parse("255.255.255.255"));
        assertEquals("255.255.255.255", Ipv4Address.toString(-1));
        assertEquals(0xffffff00, Ipv4Address.prefixMask(24));
        assertEquals(0, Ipv4Address.prefixMask(0));
        assertEquals(-1, Ipv4Address.prefixMask(32));
        assertTrue(Ipv4Address.isMulticast(Ipv4Address.parse("224.0.0.251")));
        assertFalse(Ipv4Address.isMulticast(Ipv4Address.parse("198.18.0.1")));
        byte[] b = new byte[4];
        Ipv4Address.put(b, 0, 0xc6120001);
        assertArrayEquals(new byte[] {(byte) 198, 18, 0, 1}, b);
        assertEquals(0xc6120001, Ipv4Address.get(b, 0));
    }

    @Test
    void ipv4ParseErrorsAreClear() {
        String[][] cases = {
            {"198.18.0", "expected '.' after octet 3"},
            {"198.18.0.1.2", "unexpected characters"},
            {"198.18.0.256", "octet 4 is greater than 255"},
            {"198.18.00.1", "octet 3 has a leading zero"},
            {"198..0.1", "octet 2 is missing"},
            {"198.18.0.-1", "octet 4 is missing"},
            {"1980.18.0.1", "octet 1 is greater than 255"},
            {" 198.18.0.1", "octet 1 is missing"},
            {"", "octet 1 is missing"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(c[0]), c[0]);
            assertTrue(e.getMessage().startsWith("Invalid IPv4 address \"" + c[0] + "\": " + c[1]), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.prefixMask(33));
    }
}
