package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.sock.SockConst;

class TcpTransferTest {
    TcpBed.Sink[] sink = new TcpBed.Sink[1];
    TcpBed.Bulk[] bulk = new TcpBed.Bulk[1];

    void transfer(TcpBed b, long bytes, String cc, long limitNs) {
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, bytes, cc, 42);
        });
        long t = 0;
        while (t < limitNs && !(sink[0].eof && bulk[0].closed)) {
            t += 100 * TcpBed.MS;
            b.h.runUntil(t);
        }
        b.h.runUntil(t + 2 * TcpBed.S);
    }

    @Test
    void smallTransferIsByteExact() {
        TcpBed b = new TcpBed(Map.of("delay", "5ms"));
        transfer(b, 1_000_000, "cubic", 10 * TcpBed.S);
        assertEquals(0, bulk[0].err);
        assertEquals(1_000_000, sink[0].bytes);
        assertEquals(TcpBed.hex(bulk[0].sha.digest()), TcpBed.hex(sink[0].sha.digest()));
        System.out.println(b.h1.proto(6).info(bulk[0].sk).ssLine());
        System.out.println("h1 " + fields(b.h1.inet().tcp) + "\nh2 " + fields(b.h2.inet().tcp));
        assertTrue(bulk[0].sk.skState == SockConst.TCP_TIME_WAIT || bulk[0].sk.skState == SockConst.TCP_CLOSE, bulk[0].sk.toString());
    }

    void exact(Map<String, String> wire, long bytes, String cc) {
        TcpBed b = new TcpBed(wire);
        long t0 = System.nanoTime();
        transfer(b, bytes, cc, 120 * TcpBed.S);
        System.out.println(wire + " " + cc + " wall " + (System.nanoTime() - t0) / 1_000_000 + " ms, emulated " + b.h.emulation().loop().now() / 1_000_000 + " ms");
        System.out.println(b.h1.proto(6).info(bulk[0].sk).ssLine());
        System.out.println("h1 " + fields(b.h1.inet().tcp) + "\nh2 " + fields(b.h2.inet().tcp));
        assertEquals(0, bulk[0].err);
        assertEquals(bytes, sink[0].bytes);
        assertEquals(TcpBed.hex(bulk[0].sha.digest()), TcpBed.hex(sink[0].sha.digest()));
    }

    @Test
    void lossyTransfersAreByteExact() {
        exact(Map.of("delay", "5ms", "loss", "1%"), 20_000_000, "cubic");
        exact(Map.of("delay", "5ms", "gemodel", "1% 30% 70% 0%"), 20_000_000, "reno");
        exact(Map.of("delay", "5ms", "reorder", "5%", "gap", "3"), 20_000_000, "cubic");
        exact(Map.of("delay", "5ms", "duplicate", "2%"), 20_000_000, "cubic");
    }

    static String fields(Object o) {
        StringBuilder s = new StringBuilder();
        for (var f : o.getClass().getFields()) {
            try {
                Object v = f.get(o);
                if (v instanceof Long l && l != 0) s.append(f.getName()).append('=').append(l).append(' ');
            } catch (IllegalAccessException e) {
                // skip
            }
        }
        return s.toString();
    }
}
