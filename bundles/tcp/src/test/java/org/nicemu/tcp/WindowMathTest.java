package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nicemu.tcp.WindowMath.InitialWindow;
import org.nicemu.tcp.wire.PcapFrames;
import org.nicemu.tcp.wire.PcapFrames.TcpFrame;

class WindowMathTest {

    private static int windowField(TcpFrame f) {
        return (f.frame()[f.tcpOff() + 14] & 0xff) << 8 | (f.frame()[f.tcpOff() + 15] & 0xff);
    }

    @Test
    void winFromSpaceBothGenerations() {
        assertEquals(65536, WindowMath.tcpWinFromSpace(131072, WindowMath.TCP_DEFAULT_SCALING_RATIO));
        assertEquals(131072, WindowMath.tcpSpaceFromWin(65536, WindowMath.TCP_DEFAULT_SCALING_RATIO));
        // a measured ratio: 1448 payload bytes in a 2304-byte truesize -> 1448 * 256 / 2304 = 160
        assertEquals(81920, WindowMath.tcpWinFromSpace(131072, 160));
        assertEquals(65536, WindowMath.tcpWinFromSpaceAdvWinScale(131072, 1));
        assertEquals(98304, WindowMath.tcpWinFromSpaceAdvWinScale(131072, 2));
        assertEquals(32768, WindowMath.tcpWinFromSpaceAdvWinScale(131072, -2));
        assertEquals(65536, WindowMath.tcpFullSpace(WindowMath.TCP_RMEM_DEFAULT, 128));
        assertEquals(60536, WindowMath.tcpSpace(131072, 2000, 8000, 128));
        assertEquals(64240, WindowMath.tcpReceiveWindow(1000, 64240, 1000));
        assertEquals(62792, WindowMath.tcpReceiveWindow(1000, 64240, 2448));
        assertEquals(0, WindowMath.tcpReceiveWindow(1000, 100, 2000));
        assertEquals(64240, WindowMath.tcpReceiveWindow(0xffffff00, 64240, 0xffffff00), "wraps");
    }

    @Test
    void initialWindowsOfTheLinuxCapture() throws IOException {
        List<TcpFrame> frames = PcapFrames.readTcp("linux-tcp.pcap");
        int space = WindowMath.tcpFullSpace(WindowMath.TCP_RMEM_DEFAULT, WindowMath.TCP_DEFAULT_SCALING_RATIO);

        // client SYN: advmss 1460 (no timestamp seen yet)
        InitialWindow c = WindowMath.tcpSelectInitialWindow(space, 1460, 0, true);
        assertEquals(64240, c.rcvWnd());
        assertEquals(10, c.rcvWscale());
        assertEquals(65535 << 10, c.windowClamp());
        assertEquals(windowField(frames.get(0)), WindowMath.synWindowField(c.rcvWnd()));

        // server SYN-ACK: mss 1460 - 12 because the SYN offered timestamps
        InitialWindow s = WindowMath.tcpSelectInitialWindow(space, 1460 - 12, 0, true);
        assertEquals(65160, s.rcvWnd());
        assertEquals(10, s.rcvWscale());
        assertEquals(windowField(frames.get(1)), WindowMath.synWindowField(s.rcvWnd()));

        // client's first ACK: tcp_init_buffer_space() then tcp_select_window(): 63 << 10 = 64512
        int clamp = WindowMath.tcpInitBufferSpaceClamp(space, c.windowClamp(), 1460, WindowMath.TCP_APP_WIN);
        assertEquals(64076, clamp); // one advmss reserved below the full space
        int rcvSsthresh = Math.min(c.rcvWnd(), clamp);
        int rcvMss = WindowMath.tcpInitializeRcvMss(1460, 1448, c.rcvWnd());
        assertEquals(536, rcvMss);
        int free = WindowMath.tcpSpace(WindowMath.TCP_RMEM_DEFAULT, 0, 0, WindowMath.TCP_DEFAULT_SCALING_RATIO);
        int newWin = WindowMath.tcpSelectWindowRaw(rcvMss, free, space, clamp, rcvSsthresh, c.rcvWnd(), 10, false);
        assertEquals(64512, newWin); // 64076 rounded up to 1024
        int rcvWnd = WindowMath.tcpSelectWindowNoShrink(WindowMath.tcpReceiveWindow(7, c.rcvWnd(), 7), newWin, 10);
        assertEquals(64512, rcvWnd);
        assertEquals(63, WindowMath.tcpWindowField(rcvWnd, 10, false));
        assertEquals(windowField(frames.get(2)), WindowMath.tcpWindowField(rcvWnd, 10, false));
        assertEquals(64512, WindowMath.peerWindow(windowField(frames.get(2)), 10, false));
        assertEquals(64240, WindowMath.peerWindow(windowField(frames.get(0)), 10, true), "a SYN's window is not scaled");
    }

    @Test
    void initialWindowVariants() {
        // kernels before 6.16: tcp_rmem[2] 6 MB and rmem_max 208 KB give shift 7
        InitialWindow old = WindowMath.tcpSelectInitialWindow(65536, 1460, 0, true, 0, 6291456, 212992, false);
        assertEquals(7, old.rcvWscale());
        assertEquals(65535 << 7, old.windowClamp());
        // no window scaling
        InitialWindow noWs = WindowMath.tcpSelectInitialWindow(65536, 1460, 0, false);
        assertEquals(64240, noWs.rcvWnd());
        assertEquals(0, noWs.rcvWscale());
        assertEquals(65535, noWs.windowClamp());
        // tcp_workaround_signed_windows and a route initrwnd of 10 segments
        assertEquals(32767, WindowMath.tcpSelectInitialWindow(65536, 1460, 0, true, 0, WindowMath.TCP_RMEM_MAX,
                WindowMath.SYSCTL_RMEM_MAX, true).rcvWnd());
        assertEquals(14600, WindowMath.tcpSelectInitialWindow(65536, 1460, 0, true, 10, WindowMath.TCP_RMEM_MAX,
                WindowMath.SYSCTL_RMEM_MAX, false).rcvWnd());
        // a window clamp (TCP_WINDOW_CLAMP 20000): 13 * 1460, and no scaling needed for 20000
        InitialWindow clamped = WindowMath.tcpSelectInitialWindow(65536, 1460, 20000, true);
        assertEquals(18980, clamped.rcvWnd());
        assertEquals(0, clamped.rcvWscale());
        assertEquals(20000, clamped.windowClamp());
        // a space smaller than one MSS is not rounded
        assertEquals(1000, WindowMath.tcpSelectInitialWindow(1000, 1460, 0, false).rcvWnd());
        // SO_RCVBUF 4 MB -> full space 2 MB: 1436 * 1460, shift 10 still (max with tcp_rmem[2])
        InitialWindow big = WindowMath.tcpSelectInitialWindow(2097152, 1460, 0, true);
        assertEquals(2096560, big.rcvWnd());
        assertEquals(65535, WindowMath.synWindowField(big.rcvWnd()));
        assertEquals(10, big.rcvWscale());
    }

    @Test
    void selectWindowRoundingAndZeroWindows() {
        // little free space with scaling: rounded down to 1024, zero below 1/16 of the buffer
        assertEquals(0, WindowMath.tcpSelectWindowRaw(1448, 3000, 65536, 64076, 64076, 64512, 10, false));
        assertEquals(19456, WindowMath.tcpSelectWindowRaw(1448, 20000, 65536, 64076, 64076, 64512, 10, false));
        // below one MSS (but above 1/16): zero
        assertEquals(0, WindowMath.tcpSelectWindowRaw(8000, 7000, 65536, 64076, 64076, 64512, 10, false));
        // capped by rcv_ssthresh and rounded up to the scale
        assertEquals(30720, WindowMath.tcpSelectWindowRaw(1448, 65536, 65536, 64076, 30000, 64512, 10, false));
        // without scaling: MSS multiples, or the current window when within one MSS of the free space
        assertEquals(49640, WindowMath.tcpSelectWindowRaw(1460, 50000, 65536, 65535, 60000, 40000, 0, false));
        assertEquals(49000, WindowMath.tcpSelectWindowRaw(1460, 50000, 65536, 65535, 60000, 49000, 0, false));
        assertEquals(49640, WindowMath.tcpSelectWindowRaw(1460, 50000, 65536, 65535, 60000, 50001, 0, false));
        // an MSS larger than the whole space is cut to it
        assertEquals(1000, WindowMath.tcpSelectWindowRaw(1460, 1000, 1000, 1000, 1000, 0, 0, false));
        assertEquals(0, WindowMath.tcpSelectWindowRaw(1460, 0, 0, 0, 0, 0, 0, false));
        // tcp_shrink_window=1 with a scale
        assertEquals(19456, WindowMath.tcpSelectWindowRaw(1448, 20000, 65536, 64076, 64076, 64512, 10, true));
        assertEquals(30720, WindowMath.tcpSelectWindowRaw(1448, 65536, 65536, 64076, 30000, 64512, 10, true));
        assertEquals(0, WindowMath.tcpSelectWindowRaw(1448, 3000, 65536, 64076, 64076, 64512, 10, true));
        // never shrink: the rest of the offered window, rounded up to the scale, is kept
        assertEquals(30720, WindowMath.tcpSelectWindowNoShrink(30000, 19456, 10));
        assertEquals(40960, WindowMath.tcpSelectWindowNoShrink(30000, 40960, 10));
        assertEquals(30000, WindowMath.tcpSelectWindowNoShrink(30000, 0, 0));
    }

    @Test
    void windowFieldScalingAndCaps() {
        assertEquals(65535, WindowMath.tcpWindowField(70_000_000, 10, false));
        assertEquals(65535, WindowMath.tcpWindowField(65535 << 10, 10, false));
        assertEquals(62, WindowMath.tcpWindowField(64511, 10, false), "a field rounds down");
        assertEquals(40000, WindowMath.tcpWindowField(40000, 0, false));
        assertEquals(32767, WindowMath.tcpWindowField(40000, 0, true));
        assertEquals(65535, WindowMath.tcpWindowField(100_000, 0, false));
        assertEquals(65535L << 14, WindowMath.peerWindow(65535, 14, false));
    }

    @Test
    void mssArithmetic() {
        assertEquals(1460, WindowMath.ipv4DefaultAdvmss(1500));
        assertEquals(8960, WindowMath.ipv4DefaultAdvmss(9000));
        assertEquals(536, WindowMath.ipv4DefaultAdvmss(576));
        assertEquals(256, WindowMath.ipv4DefaultAdvmss(200), "ip_rt_min_advmss floor");
        assertEquals(65495, WindowMath.ipv4DefaultAdvmss(65536));

        assertEquals(1460, WindowMath.tcpMssClamp(1460, 0));
        assertEquals(1000, WindowMath.tcpMssClamp(1460, 1000));
        assertEquals(1460, WindowMath.tcpMssClamp(1460, 2000));
        assertEquals(536, WindowMath.tcpMssClamp(0, 0), "no MSS option: RFC 9293 default");
        assertEquals(400, WindowMath.tcpMssClamp(0, 400));

        // 1500 MTU with timestamps: 1448 payload bytes per segment, as in the capture (Len=1448)
        assertEquals(1448, WindowMath.tcpMtuToMss(1500, 1460, 32, 0, WindowMath.TCP_MIN_SND_MSS));
        assertEquals(1460, WindowMath.tcpMtuToMss(1500, 1460, 20, 0, WindowMath.TCP_MIN_SND_MSS));
        assertEquals(1388, WindowMath.tcpMtuToMss(1500, 1400, 32, 0, WindowMath.TCP_MIN_SND_MSS));
        assertEquals(1436, WindowMath.tcpMtuToMss(1500, 1460, 32, 12, WindowMath.TCP_MIN_SND_MSS), "IP options");
        assertEquals(36, WindowMath.tcpMtuToMss(68, 1460, 32, 0, WindowMath.TCP_MIN_SND_MSS), "tcp_min_snd_mss floor");
        assertEquals(1500, WindowMath.tcpMssToMtu(1448, 32, 0));
        // one SACK block (12 more option bytes) costs 12 payload bytes
        assertEquals(1436, WindowMath.tcpCurrentMss(1448, 44, 32));

        assertEquals(536, WindowMath.tcpInitializeRcvMss(1460, 1448, 64240));
        assertEquals(300, WindowMath.tcpInitializeRcvMss(1460, 1448, 600));
        assertEquals(88, WindowMath.tcpInitializeRcvMss(1460, 1448, 100));
    }

    @Test
    void sizeGoalWithTso() {
        int gso = WindowMath.skDstGsoMaxSize(WindowMath.GSO_MAX_SIZE);
        assertEquals(65343, gso);
        // a large peer window: 45 segments of 1448 = 65160 per skb
        assertEquals(65160, WindowMath.tcpXmitSizeGoal(1448, true, gso, WindowMath.GSO_MAX_SEGS, 3_000_000, 32));
        assertEquals(65160, WindowMath.tcpXmitSizeGoal(1448, true, gso, WindowMath.GSO_MAX_SEGS, 0, 32));
        // bounded to half the peer's largest window (64512 / 2 = 32256): 22 segments
        assertEquals(31856, WindowMath.tcpXmitSizeGoal(1448, true, gso, WindowMath.GSO_MAX_SEGS, 64512, 32));
        // without GSO, or MSG_OOB: one MSS
        assertEquals(1448, WindowMath.tcpXmitSizeGoal(1448, false, gso, WindowMath.GSO_MAX_SEGS, 3_000_000, 32));
        // a tiny window (<= 536 is not halved) never goes below one MSS
        assertEquals(1448, WindowMath.tcpXmitSizeGoal(1448, true, gso, WindowMath.GSO_MAX_SEGS, 500, 32));
        assertEquals(500, WindowMath.tcpBoundToHalfWnd(500, 65343, 32));
        assertEquals(36, WindowMath.tcpBoundToHalfWnd(20, 65343, 32));
        assertEquals(1448, WindowMath.tcpBoundToHalfWnd(64512, 1448, 32));
        // a device limiting gso_max_segs to 16
        assertEquals(23168, WindowMath.tcpXmitSizeGoal(1448, true, gso, 16, 3_000_000, 32));
        // jumbo MSS 8948: 7 segments
        assertEquals(62636, WindowMath.tcpXmitSizeGoal(8948, true, gso, WindowMath.GSO_MAX_SEGS, 3_000_000, 32));
    }

    @Test
    void tsoAutosize() {
        int gso = WindowMath.skDstGsoMaxSize(WindowMath.GSO_MAX_SIZE);
        // 1 Gbit/s: ~1 ms is 122070 bytes, capped at the GSO size: 45 segments
        assertEquals(45, WindowMath.tcpTsoAutosize(125_000_000L, 10, 5_000, 9, gso, 1448, 2));
        // 10 Mbit/s on a 100 ms path: 1220 bytes -> min_tso_segs
        assertEquals(2, WindowMath.tcpTsoAutosize(1_250_000L, 10, 100_000, 9, gso, 1448, 2));
        // 10 Mbit/s on a 50 us path: the low-RTT bonus adds a whole GSO size
        assertEquals(45, WindowMath.tcpTsoAutosize(1_250_000L, 10, 50, 9, gso, 1448, 2));
        // 10 Mbit/s, 2 ms: 1220 + (65343 >> 3) = 9387 bytes -> 6 segments
        assertEquals(6, WindowMath.tcpTsoAutosize(1_250_000L, 10, 2_000, 9, gso, 1448, 2));
    }
}
