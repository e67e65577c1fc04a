package org.nicemu.port.live;

import java.util.Locale;

/**
 * Frames per second the live port injects (its TX ring and injection thread, {@code pcap_sendpacket}
 * through JNA) for 64- and 1514-byte frames: a plain {@code main()} that only prints; run it by hand as
 * root inside a network namespace with a veth (docs/port-live.md, "Speed"):
 * {@code ip netns exec NS java -cp TEST_CLASSPATH org.nicemu.port.live.LiveInjectThroughput IF [FRAMES]}.
 */
public final class LiveInjectThroughput {
    private LiveInjectThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String ifname = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        try (PcapLiveHandle h = PcapLiveHandle.open(ifname, 200, 4 << 20)) {
            LivePort port = new LivePort("eth0", 1, ifname, x -> h, x -> Interfaces.Link.UP, 1024, LivePortFactory.DEFAULT_TX_RING, 200, null);
            byte[] frame = new byte[65_536 + 14];
            for (int size : new int[] {64, 1514, 64, 1514}) {
                for (int i = 0; i < 6; i++) frame[i] = (byte) 0x02; // to a unicast MAC nobody has
                frame[12] = 0x08;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) port.transmit(i, 0, frame, 0, size);
                port.flush(); // the injection thread has sent them all
                long dt = System.nanoTime() - t0;
                System.out.printf(Locale.ROOT, "%4d B: %,d frames in %.2f s = %.2f M frames/s (%.2f Gbit/s); tx_errors %d%n", size, n, dt / 1e9,
                        n / (dt / 1e9) / 1e6, n * (double) size * 8 / dt, port.stats().get("tx_errors"));
            }
        }
    }
}
