package org.nicemu.tcp;

/**
 * Receive-window, window-scaling, MSS and size-goal arithmetic of Linux TCP, as pure functions
 * of the socket fields they read (the caller passes {@code tp->...} values; nothing is stored):
 * net/ipv4/tcp_output.c {@code tcp_select_initial_window()}, {@code __tcp_select_window()},
 * {@code tcp_select_window()}, {@code tcp_mtu_to_mss()}, {@code tcp_mss_to_mtu()},
 * {@code tcp_tso_autosize()}; include/net/tcp.h {@code tcp_win_from_space()},
 * {@code tcp_full_space()}, {@code tcp_space()}, {@code tcp_receive_window()},
 * {@code tcp_bound_to_half_wnd()}; net/ipv4/tcp.c {@code tcp_xmit_size_goal()}; net/ipv4/tcp_input.c
 * {@code tcp_init_buffer_space()} and {@code tcp_initialize_rcv_mss()}; net/ipv4/route.c
 * {@code ipv4_default_advmss()}.
 *
 * <p>Windows and buffer sizes are non-negative {@code int}s (the kernel's {@code u32} values stay
 * below 2^31 here: the largest scaled window is {@code 65535 << 14}). Defaults are those of the
 * HIL kernel (6.18): {@code tcp_rmem = 4096 131072 33554432}, {@code rmem_max = 4194304},
 * {@code scaling_ratio} starting at 50 %, {@code tcp_shrink_window = 0},
 * {@code tcp_workaround_signed_windows = 0}, {@code tcp_app_win = 31}, {@code tcp_min_snd_mss = 48}.
 */
public final class WindowMath {
    /** {@code TCP_MAX_WSCALE}. */
    public static final int TCP_MAX_WSCALE = 14;
    /** {@code MAX_TCP_WINDOW}: 32767, the unscaled cap of {@code tcp_workaround_signed_windows}. */
    public static final int MAX_TCP_WINDOW = 32767;
    /** {@code U16_MAX}: the largest window field. */
    public static final int U16_MAX = 65535;
    /** {@code TCP_RMEM_TO_WIN_SCALE}: {@code scaling_ratio} is a fraction of 256. */
    public static final int TCP_RMEM_TO_WIN_SCALE = 8;
    /**
     * {@code TCP_DEFAULT_SCALING_RATIO}: 128/256, a 50 % payload/truesize assumption, as in the HIL kernel
     * (earlier 6.x kernels started from {@code (1200 << 8) / SKB_TRUESIZE(4096)}, about 25 %).
     */
    public static final int TCP_DEFAULT_SCALING_RATIO = 1 << (TCP_RMEM_TO_WIN_SCALE - 1);
    /** {@code TCP_MSS_DEFAULT}: 536, the MSS assumed without an MSS option (RFC 9293 §3.7.1). */
    public static final int TCP_MSS_DEFAULT = 536;
    /** {@code TCP_MIN_MSS}: 88. */
    public static final int TCP_MIN_MSS = 88;
    /** {@code TCP_MIN_RCVMSS}: 536. */
    public static final int TCP_MIN_RCVMSS = 536;
    /** {@code TCP_MIN_SND_MSS} / default {@code tcp_min_snd_mss}: 48. */
    public static final int TCP_MIN_SND_MSS = 48;
    /** {@code sizeof(struct iphdr)}: IPv4 {@code net_header_len}. */
    public static final int IPV4_HEADER_LEN = 20;
    /** {@code sizeof(struct tcphdr)}. */
    public static final int TCP_HEADER_LEN = 20;
    /** {@code ip_rt_min_advmss}: 256. */
    public static final int IP_RT_MIN_ADVMSS = 256;
    /** {@code IPV4_MAX_PMTU}: 65535. */
    public static final int IPV4_MAX_PMTU = 65535;
    /**
     * {@code MAX_TCP_HEADER} = {@code L1_CACHE_ALIGN(128 + MAX_HEADER)}: 192 bytes on the HIL kernel
     * (no Hyper-V/WLAN/AX.25, so {@code LL_MAX_HEADER} 32; no IP tunnels, so {@code MAX_HEADER} 32;
     * 64-byte cache lines); 320 with a typical distribution config. Only {@link #skDstGsoMaxSize}
     * uses it.
     */
    public static final int MAX_TCP_HEADER = 192;
    /** {@code GSO_LEGACY_MAX_SIZE}: the default {@code gso_max_size} of a device, 65536. */
    public static final int GSO_MAX_SIZE = 65536;
    /** {@code GSO_MAX_SEGS}: 65535. */
    public static final int GSO_MAX_SEGS = 65535;
    /** Default {@code tcp_rmem[1]}: the initial {@code sk_rcvbuf}, 131072. */
    public static final int TCP_RMEM_DEFAULT = 131072;
    /** Default {@code tcp_rmem[2]} of kernel 6.18 (32 MB; 6 MB before 6.16). */
    public static final int TCP_RMEM_MAX = 33554432;
    /** {@code net.core.rmem_max} of the HIL kernel, 4 MB. */
    public static final int SYSCTL_RMEM_MAX = 4194304;
    /** Default {@code tcp_app_win}. */
    public static final int TCP_APP_WIN = 31;

    private WindowMath() {
    }

    /**
     * The window a receive buffer of {@code space} bytes can offer. Mirrors include/net/tcp.h
     * {@code __tcp_win_from_space()} (kernel 6.5+): {@code space * scaling_ratio >> 8}, where
     * {@code scaling_ratio} is the measured payload/truesize ratio out of 256
     * ({@link #TCP_DEFAULT_SCALING_RATIO} until {@code tcp_measure_rcv_mss()} measures it).
     */
    public static int tcpWinFromSpace(int space, int scalingRatio) {
        return (int) (((long) space * scalingRatio) >> TCP_RMEM_TO_WIN_SCALE);
    }

    /**
     * The same before kernel 6.5, with {@code sysctl_tcp_adv_win_scale} (default 1):
     * {@code space >> -scale} when {@code scale <= 0}, else {@code space - (space >> scale)}.
     * With the defaults both forms give half the buffer.
     */
    public static int tcpWinFromSpaceAdvWinScale(int space, int tcpAdvWinScale) {
        return tcpAdvWinScale <= 0 ? space >> -tcpAdvWinScale : space - (space >> tcpAdvWinScale);
    }

    /** Mirrors include/net/tcp.h {@code __tcp_space_from_win()}: the inverse, {@code (win << 8) / ratio}. */
    public static int tcpSpaceFromWin(int win, int scalingRatio) {
        return (int) (((long) win << TCP_RMEM_TO_WIN_SCALE) / scalingRatio);
    }

    /** Mirrors include/net/tcp.h {@code tcp_full_space()}: {@code tcp_win_from_space(sk_rcvbuf)}. */
    public static int tcpFullSpace(int skRcvbuf, int scalingRatio) {
        return tcpWinFromSpace(skRcvbuf, scalingRatio);
    }

    /**
     * Mirrors include/net/tcp.h {@code tcp_space()}: the window the free part of the receive
     * buffer allows, {@code tcp_win_from_space(sk_rcvbuf - sk_backlog.len - sk_rmem_alloc)}.
     */
    public static int tcpSpace(int skRcvbuf, int backlogLen, int rmemAlloc, int scalingRatio) {
        return tcpWinFromSpace(skRcvbuf - backlogLen - rmemAlloc, scalingRatio);
    }

    /**
     * Mirrors include/net/tcp.h {@code tcp_receive_window()}: what is left of the last advertised
     * window, {@code max(rcv_wup + rcv_wnd - rcv_nxt, 0)}.
     */
    public static int tcpReceiveWindow(int rcvWup, int rcvWnd, int rcvNxt) {
        int win = rcvWup + rcvWnd - rcvNxt;
        return Math.max(win, 0);
    }

    /**
     * The result of {@link #tcpSelectInitialWindow}: {@code rcv_wnd}, {@code window_clamp},
     * {@code rcv_wscale}.
     */
    public record InitialWindow(int rcvWnd, int windowClamp, int rcvWscale) {
    }

    /**
     * Mirrors net/ipv4/tcp_output.c {@code tcp_select_initial_window()}: {@code space} (the full
     * space of the buffer) is capped by the clamp ({@code 65535 << 14} when 0) and rounded down to
     * a multiple of {@code mss} when larger than it; that is {@code rcv_wnd} (also capped at
     * {@code init_rcv_wnd * mss} if a route sets {@code initrwnd}, and at 32767 with
     * {@code tcp_workaround_signed_windows}). The shift is chosen for the largest window the
     * socket may ever offer: {@code ilog2(min(max(space, tcp_rmem[2], rmem_max), clamp)) - 15},
     * within 0..14. The clamp becomes {@code min(65535 << rcv_wscale, clamp)}.
     *
     * <p>Linux client SYN (buffer 131072, ratio 50 %, advmss 1460): {@code (65536, 1460)} → window
     * 64240, shift 10 with {@code tcp_rmem[2]} = 32 MB. The server's SYN-ACK uses
     * {@code mss - 12} when timestamps were offered: {@code (65536, 1448)} → 65160.
     *
     * @param space {@code tcp_full_space()} (negative counts as 0)
     * @param mss the MSS to round to (advmss, minus the timestamp option when it will be used)
     * @param windowClamp {@code tp->window_clamp} (0 = none)
     * @param wscaleOk {@code sysctl_tcp_window_scaling} (and, on a SYN-ACK, the peer's offer)
     * @param initRcvWnd route {@code initrwnd} in segments, 0 = none
     */
    public static InitialWindow tcpSelectInitialWindow(int space, int mss, int windowClamp, boolean wscaleOk,
            int initRcvWnd, int tcpRmem2, int rmemMax, boolean workaroundSignedWindows) {
        long sp = Math.max(space, 0);
        long clamp = windowClamp == 0 ? (long) U16_MAX << TCP_MAX_WSCALE : windowClamp & 0xffff_ffffL;
        sp = Math.min(clamp, sp);
        if (sp > mss) sp = sp / mss * mss;
        long rcvWnd = workaroundSignedWindows ? Math.min(sp, MAX_TCP_WINDOW) : sp;
        if (initRcvWnd != 0) rcvWnd = Math.min(rcvWnd, (long) initRcvWnd * mss);
        int wscale = 0;
        if (wscaleOk) {
            long s = Math.max(sp, tcpRmem2);
            s = Math.max(s, rmemMax);
            s = Math.min(s, clamp);
            wscale = Math.max(0, Math.min(ilog2(s) - 15, TCP_MAX_WSCALE));
        }
        long newClamp = Math.min((long) U16_MAX << wscale, clamp);
        return new InitialWindow((int) rcvWnd, (int) newClamp, wscale);
    }

    /** {@link #tcpSelectInitialWindow} with the HIL kernel's sysctls. */
    public static InitialWindow tcpSelectInitialWindow(int space, int mss, int windowClamp, boolean wscaleOk) {
        return tcpSelectInitialWindow(space, mss, windowClamp, wscaleOk, 0, TCP_RMEM_MAX, SYSCTL_RMEM_MAX, false);
    }

    /**
     * The window field of a SYN or SYN-ACK, which is never scaled (RFC 7323 §2.2): net/ipv4/tcp_output.c
     * {@code __tcp_transmit_skb()} writes {@code min(rcv_wnd, 65535)}.
     */
    public static int synWindowField(int rcvWnd) {
        return Math.min(rcvWnd, U16_MAX);
    }

    /**
     * Mirrors net/ipv4/tcp_output.c {@code __tcp_select_window()}: the window the receive buffer
     * allows now. With {@code tcp_shrink_window} off (default) or no scaling: when free space is
     * below half the full space, it is rounded down to the scale and becomes 0 if below 1/16 of the
     * allowed space or below one MSS (the caller then also clears {@code icsk_ack.quick}); it is
     * capped by {@code rcv_ssthresh}; with scaling the result is rounded <em>up</em> to a multiple of
     * {@code 1 << rcv_wscale}, without it the current window is kept when within one MSS of the free
     * space, else rounded down to MSS multiples. With {@code tcp_shrink_window} on and a scale, the
     * free space is rounded down to the scale, zero below 1/16, one MSS or one scale unit, and
     * {@code rcv_ssthresh} rounded up to the scale. Memory pressure is not modelled.
     *
     * @param rcvMss {@code icsk_ack.rcv_mss}
     * @param freeSpace {@link #tcpSpace}
     * @param allowedSpace {@link #tcpFullSpace}
     */
    public static int tcpSelectWindowRaw(int rcvMss, int freeSpace, int allowedSpace, int windowClamp,
            int rcvSsthresh, int rcvWnd, int rcvWscale, boolean tcpShrinkWindow) {
        int mss = rcvMss;
        int fullSpace = Math.min(windowClamp, allowedSpace);
        if (mss > fullSpace) {
            mss = fullSpace;
            if (mss <= 0) return 0;
        }
        int unit = 1 << rcvWscale;
        if (tcpShrinkWindow && rcvWscale != 0) {
            freeSpace = roundDown(freeSpace, unit);
            if (freeSpace < (fullSpace >> 1)) {
                if (freeSpace < (allowedSpace >> 4) || freeSpace < mss || freeSpace < unit) return 0;
            }
            if (freeSpace > rcvSsthresh) freeSpace = align(rcvSsthresh, unit);
            return freeSpace;
        }
        if (freeSpace < (fullSpace >> 1)) {
            freeSpace = roundDown(freeSpace, unit);
            if (freeSpace < (allowedSpace >> 4) || freeSpace < mss) return 0;
        }
        if (freeSpace > rcvSsthresh) freeSpace = rcvSsthresh;
        int window;
        if (rcvWscale != 0) {
            window = align(freeSpace, unit);
        } else {
            window = rcvWnd;
            if (window <= freeSpace - mss || window > freeSpace) {
                window = freeSpace / mss * mss;
            } else if (mss == fullSpace && freeSpace > window + (fullSpace >> 1)) {
                window = freeSpace;
            }
        }
        return window;
    }

    /**
     * The "never shrink the offered window" step of net/ipv4/tcp_output.c {@code tcp_select_window()}
     * (with {@code tcp_shrink_window} off, or no scaling): if the new window is below what is left
     * of the current one, the current one rounded up to the scale is kept. Returns the
     * {@code rcv_wnd} to record (with {@code rcv_wup = rcv_nxt}).
     */
    public static int tcpSelectWindowNoShrink(int curWin, int newWin, int rcvWscale) {
        if (newWin < curWin) return align(curWin, 1 << rcvWscale);
        return newWin;
    }

    /**
     * The 16-bit window field for {@code rcvWnd}: the end of net/ipv4/tcp_output.c
     * {@code tcp_select_window()}: capped at {@code 65535 << rcv_wscale} (or 32767 unscaled with
     * {@code tcp_workaround_signed_windows}) and shifted right by {@code rcv_wscale} (RFC 7323 §2.3).
     */
    public static int tcpWindowField(int rcvWnd, int rcvWscale, boolean workaroundSignedWindows) {
        long w = rcvWnd & 0xffff_ffffL;
        if (rcvWscale == 0 && workaroundSignedWindows) w = Math.min(w, MAX_TCP_WINDOW);
        else w = Math.min(w, (long) U16_MAX << rcvWscale);
        return (int) (w >>> rcvWscale);
    }

    /**
     * The window the peer offers, from a segment's field: RFC 7323 §2.3 and net/ipv4/tcp_input.c
     * {@code tcp_ack_update_window()}: {@code window << snd_wscale}, except on a SYN (never scaled).
     */
    public static long peerWindow(int windowField, int sndWscale, boolean syn) {
        long w = windowField & 0xffff;
        return syn ? w : w << sndWscale;
    }

    /**
     * Mirrors the window-clamp part of net/ipv4/tcp_input.c {@code tcp_init_buffer_space()}, run when
     * the connection is established: a clamp at or above the full space {@code maxwin} becomes
     * {@code maxwin} minus the application's share ({@code maxwin >> tcp_app_win}, at least
     * {@code 4 * advmss} left); then one segment is reserved ({@code max(2 * advmss, maxwin -
     * advmss)}) when the clamp is within one advmss of {@code maxwin}. The new {@code rcv_ssthresh} is
     * {@code min(rcv_ssthresh, returned clamp)}.
     */
    public static int tcpInitBufferSpaceClamp(int maxwin, int windowClamp, int advmss, int tcpAppWin) {
        long clamp = windowClamp & 0xffff_ffffL;
        if (clamp >= maxwin) {
            clamp = maxwin;
            if (tcpAppWin != 0 && maxwin > 4L * advmss) {
                clamp = Math.max(maxwin - (maxwin >> Math.min(tcpAppWin, 31)), 4L * advmss);
            }
        }
        if (tcpAppWin != 0 && clamp > 2L * advmss && clamp + advmss > maxwin) {
            clamp = Math.max(2L * advmss, (long) maxwin - advmss);
        }
        return (int) clamp;
    }

    /**
     * Mirrors net/ipv4/tcp_input.c {@code tcp_initialize_rcv_mss()}: the first guess of the peer's
     * MSS, {@code max(min(advmss, mss_cache, rcv_wnd / 2, TCP_MIN_RCVMSS), TCP_MIN_MSS)}, i.e. 536 in
     * practice.
     */
    public static int tcpInitializeRcvMss(int advmss, int mssCache, int rcvWnd) {
        int hint = Math.min(advmss, mssCache);
        hint = Math.min(hint, rcvWnd / 2);
        hint = Math.min(hint, TCP_MIN_RCVMSS);
        return Math.max(hint, TCP_MIN_MSS);
    }

    /**
     * Mirrors net/ipv4/route.c {@code ipv4_default_advmss()}: the MSS to advertise on a route of
     * this MTU, {@code min(max(mtu - 40, 256), 65535 - 40)}: 1460 on Ethernet.
     */
    public static int ipv4DefaultAdvmss(int mtu) {
        int headerSize = IPV4_HEADER_LEN + TCP_HEADER_LEN;
        int advmss = Math.max(mtu - headerSize, IP_RT_MIN_ADVMSS);
        return Math.min(advmss, IPV4_MAX_PMTU - headerSize);
    }

    /**
     * The {@code mss_clamp} after the handshake: the peer's MSS option ({@code 0} = absent or zero,
     * which the kernel ignores, leaving {@link #TCP_MSS_DEFAULT}), lowered to the user's
     * {@code TCP_MAXSEG} when set and smaller, as net/ipv4/tcp_input.c {@code tcp_parse_options()}
     * does.
     */
    public static int tcpMssClamp(int peerMssOption, int userMss) {
        int clamp = TCP_MSS_DEFAULT;
        if (peerMssOption != 0) {
            clamp = peerMssOption;
            if (userMss != 0 && userMss < clamp) clamp = userMss;
        } else if (userMss != 0 && userMss < clamp) {
            clamp = userMss;
        }
        return clamp;
    }

    /**
     * Mirrors net/ipv4/tcp_output.c {@code tcp_mtu_to_mss()} for IPv4: {@code pmtu - 20 - 20}, capped at
     * {@code mss_clamp}, minus IP options ({@code icsk_ext_hdr_len}), at least
     * {@code tcp_min_snd_mss}, minus the options every segment carries ({@code tcp_header_len - 20},
     * i.e. 12 with timestamps). MTU 1500 with timestamps and a peer MSS of 1460: 1448.
     */
    public static int tcpMtuToMss(int pmtu, int mssClamp, int tcpHeaderLen, int extHdrLen, int tcpMinSndMss) {
        int mssNow = pmtu - IPV4_HEADER_LEN - TCP_HEADER_LEN;
        if (mssNow > mssClamp) mssNow = mssClamp;
        mssNow -= extHdrLen;
        mssNow = Math.max(mssNow, tcpMinSndMss);
        return mssNow - (tcpHeaderLen - TCP_HEADER_LEN);
    }

    /**
     * Mirrors net/ipv4/tcp_output.c {@code tcp_mss_to_mtu()} for IPv4: {@code mss + tcp_header_len +
     * icsk_ext_hdr_len + 20}.
     */
    public static int tcpMssToMtu(int mss, int tcpHeaderLen, int extHdrLen) {
        return mss + tcpHeaderLen + extHdrLen + IPV4_HEADER_LEN;
    }

    /**
     * The {@code mss_now} of net/ipv4/tcp_output.c {@code tcp_current_mss()} once the cached MSS is
     * known: adjusted by how much this segment's header differs from the usual
     * {@code tcp_header_len} (SACK blocks make it longer, so the payload shrinks).
     */
    public static int tcpCurrentMss(int mssCache, int headerLenNow, int tcpHeaderLen) {
        return mssCache - (headerLenNow - tcpHeaderLen);
    }

    /**
     * Mirrors include/net/tcp.h {@code tcp_bound_to_half_wnd()}: packets are kept to half the
     * largest window the peer ever offered ({@code max_window}; the whole of it when that is at most
     * 536), but not below {@code 68 - tcp_header_len}.
     */
    public static int tcpBoundToHalfWnd(int maxWindow, int pktsize, int tcpHeaderLen) {
        int cutoff = maxWindow > TCP_MSS_DEFAULT ? maxWindow >>> 1 : maxWindow;
        if (cutoff != 0 && pktsize > cutoff) return Math.max(cutoff, 68 - tcpHeaderLen);
        return pktsize;
    }

    /**
     * Mirrors include/net/sock.h {@code sk_dst_gso_max_size()} for IPv4: the socket's
     * {@code sk_gso_max_size} is the device's {@code gso_max_size} minus {@code MAX_TCP_HEADER + 1}:
     * 65536 → 65343 with {@link #MAX_TCP_HEADER} 192.
     */
    public static int skDstGsoMaxSize(int devGsoMaxSize) {
        return devGsoMaxSize - (MAX_TCP_HEADER + 1);
    }

    /**
     * Mirrors net/ipv4/tcp.c {@code tcp_xmit_size_goal()}: how much {@code tcp_sendmsg_locked()} puts
     * into one skb. Without GSO (or with MSG_OOB) one MSS; otherwise the socket's GSO size bounded to
     * half the peer's largest window, as a whole number of MSS ({@code gso_segs}, at most
     * {@code sk_gso_max_segs}), never less than one MSS. (The kernel caches {@code gso_segs} to save
     * a division; the result is the same.)
     *
     * @param skGsoMaxSize {@link #skDstGsoMaxSize} of the route's device
     */
    public static int tcpXmitSizeGoal(int mssNow, boolean largeAllowed, int skGsoMaxSize, int skGsoMaxSegs,
            int maxWindow, int tcpHeaderLen) {
        if (!largeAllowed) return mssNow;
        int newSizeGoal = tcpBoundToHalfWnd(maxWindow, skGsoMaxSize, tcpHeaderLen);
        int gsoSegs = Math.min(newSizeGoal / mssNow, Math.min(skGsoMaxSegs, 0xffff));
        return Math.max(gsoSegs * mssNow, mssNow);
    }

    /**
     * Mirrors net/ipv4/tcp_output.c {@code tcp_tso_autosize()}: segments per TSO packet for the pacing
     * rate: about 1 ms of data ({@code pacing_rate >> sk_pacing_shift}, shift 10), plus
     * {@code gso_max_size >> (min_rtt_us >> tcp_tso_rtt_log)} for low-RTT flows, at most
     * {@code sk_gso_max_size}, in MSS, at least {@code min_tso_segs} (2).
     *
     * @param pacingRate {@code sk_pacing_rate} in bytes per second
     * @param tcpTsoRttLog {@code sysctl_tcp_tso_rtt_log} (9)
     */
    public static int tcpTsoAutosize(long pacingRate, int pacingShift, long minRttUs, int tcpTsoRttLog,
            int skGsoMaxSize, int mssNow, int minTsoSegs) {
        long bytes = pacingRate >>> pacingShift;
        long r = minRttUs >>> tcpTsoRttLog;
        if (r < 32) bytes += skGsoMaxSize >>> r;
        bytes = Math.min(bytes, skGsoMaxSize);
        return (int) Math.max(bytes / mssNow, minTsoSegs);
    }

    /** {@code ilog2()} of a positive value (-1 for 0). */
    static int ilog2(long v) {
        return 63 - Long.numberOfLeadingZeros(v);
    }

    /** {@code round_down(x, unit)} for a power-of-two unit. */
    static int roundDown(int x, int unit) {
        return x & -unit;
    }

    /** {@code ALIGN(x, unit)}: rounds up to a power-of-two unit. */
    static int align(int x, int unit) {
        return (x + unit - 1) & -unit;
    }
}
