package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class WordsTest {
    @Test
    void blanksSeparateQuotesGroup() {
        assertEquals(List.of("tc", "qdisc", "show"), Words.split("  tc\tqdisc   show "));
        assertEquals(List.of("capture", "eth0", "pcap", "file", "/tmp/my file.pcap"), Words.split("capture eth0 pcap file '/tmp/my file.pcap'"));
        assertEquals(List.of("a b", "c\"d"), Words.split("\"a b\" c\\\"d"));
        assertEquals(List.of("x", ""), Words.split("x ''"));
        assertEquals(List.of(), Words.split("   "));
    }

    @Test
    void unterminatedQuote() {
        assertThrows(IllegalArgumentException.class, () -> Words.split("tc 'qdisc"));
    }
}
