package org.nicemu.tcp.wire;

import org.nicemu.tcp.wire.TcpOptionsReceived.Status;

/**
 * The TCP option codec: RFC 9293 §3.2 (EOL, NOP, MSS), RFC 7323 (window scale, timestamps),
 * RFC 2018 (SACK-permitted, SACK). Parsing mirrors the option walk of net/ipv4/tcp_input.c
 * {@code tcp_parse_options()} and {@code tcp_parse_aligned_timestamp()}; writing mirrors
 * net/ipv4/tcp_output.c {@code tcp_options_write()} byte for byte (the SYN of Linux is
 * {@code MSS, SACK_PERM, TS, NOP, WS}; a data segment {@code NOP, NOP, TS}; SACK blocks follow
 * {@code NOP, NOP}).
 *
 * <p>Stateless static methods over {@code (buf, off, len)}, where {@code off} is the first option
 * byte (TCP header + 20) and {@code len} is {@code doff * 4 - 20}. Parsing untrusted bytes never
 * throws: the outcome is {@link TcpOptionsReceived#status()}.
 */
public final class TcpOptions {
    /** {@code TCPOPT_EOL}: end of option list. */
    public static final int TCPOPT_EOL = 0;
    /** {@code TCPOPT_NOP}: padding. */
    public static final int TCPOPT_NOP = 1;
    /** {@code TCPOPT_MSS}: maximum segment size. */
    public static final int TCPOPT_MSS = 2;
    /** {@code TCPOPT_WINDOW}: window scaling. */
    public static final int TCPOPT_WINDOW = 3;
    /** {@code TCPOPT_SACK_PERM}: SACK permitted. */
    public static final int TCPOPT_SACK_PERM = 4;
    /** {@code TCPOPT_SACK}: SACK blocks. */
    public static final int TCPOPT_SACK = 5;
    /** {@code TCPOPT_TIMESTAMP}: timestamps. */
    public static final int TCPOPT_TIMESTAMP = 8;
    /** {@code TCPOPT_MD5SIG}: MD5 signature (RFC 2385), kept raw. */
    public static final int TCPOPT_MD5SIG = 19;
    /** {@code TCPOPT_AO}: TCP-AO (RFC 5925), kept raw. */
    public static final int TCPOPT_AO = 29;
    /** {@code TCPOPT_MPTCP}: Multipath TCP (RFC 8684), kept raw. */
    public static final int TCPOPT_MPTCP = 30;
    /** {@code TCPOPT_FASTOPEN}: Fast Open cookie (RFC 7413), kept raw. */
    public static final int TCPOPT_FASTOPEN = 34;
    /** {@code TCPOPT_EXP}: experimental (RFC 6994), kept raw. */
    public static final int TCPOPT_EXP = 254;

    /** {@code TCPOLEN_MSS}. */
    public static final int TCPOLEN_MSS = 4;
    /** {@code TCPOLEN_WINDOW}. */
    public static final int TCPOLEN_WINDOW = 3;
    /** {@code TCPOLEN_SACK_PERM}. */
    public static final int TCPOLEN_SACK_PERM = 2;
    /** {@code TCPOLEN_TIMESTAMP}. */
    public static final int TCPOLEN_TIMESTAMP = 10;
    /** {@code TCPOLEN_SACK_BASE}: kind and length of a SACK option. */
    public static final int TCPOLEN_SACK_BASE = 2;
    /** {@code TCPOLEN_SACK_PERBLOCK}. */
    public static final int TCPOLEN_SACK_PERBLOCK = 8;

    /** {@code TCPOLEN_MSS_ALIGNED}. */
    public static final int TCPOLEN_MSS_ALIGNED = 4;
    /** {@code TCPOLEN_TSTAMP_ALIGNED}: NOP, NOP, timestamps (or SACK_PERM + timestamps on a SYN). */
    public static final int TCPOLEN_TSTAMP_ALIGNED = 12;
    /** {@code TCPOLEN_WSCALE_ALIGNED}: NOP + window scale. */
    public static final int TCPOLEN_WSCALE_ALIGNED = 4;
    /** {@code TCPOLEN_SACKPERM_ALIGNED}: NOP, NOP + SACK-permitted. */
    public static final int TCPOLEN_SACKPERM_ALIGNED = 4;
    /** {@code TCPOLEN_SACK_BASE_ALIGNED}: NOP, NOP + SACK kind and length. */
    public static final int TCPOLEN_SACK_BASE_ALIGNED = 4;

    /** {@code MAX_TCP_OPTION_SPACE}: 40 bytes (doff 15). */
    public static final int MAX_TCP_OPTION_SPACE = 40;
    /** {@code TCP_NUM_SACKS}: at most 4 SACK blocks (3 beside timestamps). */
    public static final int TCP_NUM_SACKS = 4;
    /** {@code TCP_MAX_WSCALE}: RFC 7323 §2.3 caps the shift at 14. */
    public static final int TCP_MAX_WSCALE = 14;

    /** The first word of the aligned timestamp block: NOP, NOP, kind 8, length 10. */
    public static final int TSTAMP_ALIGNED_WORD = (TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) | (TCPOPT_TIMESTAMP << 8)
            | TCPOLEN_TIMESTAMP;

    private TcpOptions() {
    }

    /**
     * Parses {@code len} untrusted option bytes at {@code buf[off]} into {@code out} (cleared first).
     * Mirrors the walk of net/ipv4/tcp_input.c {@code tcp_parse_options()}: EOL ends the list, NOP
     * is skipped, an option without a length byte, with a length below 2 or running past the end
     * stops the walk (the options before it are kept); a known option with a wrong length is
     * ignored ({@link Status#BAD_OPTION_LENGTH}) and the walk goes on. SACK needs {@code 2 + 8n}
     * bytes, n = 1..4. Unknown kinds (MPTCP 30, Fast Open 34, MD5 19, AO 29, experimental 253/254)
     * are recorded raw. Unlike the kernel, which keeps malformed segments, the outcome is reported
     * so that the input path can count a drop. Never throws.
     *
     * @return {@code out.status()}
     */
    public static Status parse(byte[] buf, int off, int len, TcpOptionsReceived out) {
        out.clear();
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return fail(out, Status.TRUNCATED, off);
        }
        if (len > MAX_TCP_OPTION_SPACE) return fail(out, Status.TOO_LONG, off + MAX_TCP_OPTION_SPACE);
        int p = off;
        int end = off + len;
        while (p < end) {
            int kind = buf[p] & 0xff;
            if (kind == TCPOPT_EOL) break;
            if (kind == TCPOPT_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) return fail(out, Status.TRUNCATED, p);
            int opsize = buf[p + 1] & 0xff;
            if (opsize < 2) return fail(out, Status.BAD_LENGTH, p);
            if (opsize > end - p) return fail(out, Status.TRUNCATED, p);
            switch (kind) {
                case TCPOPT_MSS:
                    if (opsize == TCPOLEN_MSS) {
                        out.hasMss = true;
                        out.mss = u16(buf, p + 2);
                    } else {
                        badOption(out, p);
                    }
                    break;
                case TCPOPT_WINDOW:
                    if (opsize == TCPOLEN_WINDOW) {
                        out.hasWscale = true;
                        out.wscale = buf[p + 2] & 0xff;
                    } else {
                        badOption(out, p);
                    }
                    break;
                case TCPOPT_SACK_PERM:
                    if (opsize == TCPOLEN_SACK_PERM) out.sackPermitted = true;
                    else badOption(out, p);
                    break;
                case TCPOPT_TIMESTAMP:
                    if (opsize == TCPOLEN_TIMESTAMP) {
                        out.sawTstamp = true;
                        out.tsval = i32(buf, p + 2);
                        out.tsecr = i32(buf, p + 6);
                    } else {
                        badOption(out, p);
                    }
                    break;
                case TCPOPT_SACK:
                    if (opsize >= TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK
                            && (opsize - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK == 0) {
                        int n = (opsize - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK; // <= 4 in 40 bytes
                        for (int i = 0; i < n; i++) {
                            out.sackStart[i] = i32(buf, p + 2 + 8 * i);
                            out.sackEnd[i] = i32(buf, p + 6 + 8 * i);
                        }
                        out.numSacks = n;
                    } else {
                        badOption(out, p);
                    }
                    break;
                default:
                    if (out.numRaw < TcpOptionsReceived.MAX_RAW) {
                        out.rawKind[out.numRaw] = kind;
                        out.rawOffset[out.numRaw] = p;
                        out.rawLength[out.numRaw] = opsize;
                        out.numRaw++;
                    }
                    break;
            }
            p += opsize;
        }
        return out.status;
    }

    /**
     * The header-prediction shortcut of net/ipv4/tcp_input.c {@code tcp_fast_parse_options()}: no
     * options at all, or exactly the 12-byte aligned timestamp block when timestamps were
     * negotiated ({@code tcp_parse_aligned_timestamp()}), is read without the walk; anything else
     * goes through {@link #parse}. Never throws.
     */
    public static Status parseFast(byte[] buf, int off, int len, boolean tstampOk, TcpOptionsReceived out) {
        if (len == 0) {
            out.clear();
            return Status.OK;
        }
        if (tstampOk && len == TCPOLEN_TSTAMP_ALIGNED && parseAlignedTimestamp(buf, off, out)) return Status.OK;
        return parse(buf, off, len, out);
    }

    /**
     * Mirrors net/ipv4/tcp_input.c {@code tcp_parse_aligned_timestamp()}: if the 12 bytes at
     * {@code buf[off]} are NOP, NOP, TS(10), fills {@code out} (cleared) with the timestamps and
     * returns true; otherwise returns false and leaves {@code out} alone. Never throws.
     */
    public static boolean parseAlignedTimestamp(byte[] buf, int off, TcpOptionsReceived out) {
        if (buf == null || off < 0 || off > buf.length - TCPOLEN_TSTAMP_ALIGNED) return false;
        if (i32(buf, off) != TSTAMP_ALIGNED_WORD) return false;
        out.clear();
        out.sawTstamp = true;
        out.tsval = i32(buf, off + 4);
        out.tsecr = i32(buf, off + 8);
        return true;
    }

    /**
     * Writes {@code opts} at {@code buf[off]} exactly as net/ipv4/tcp_output.c
     * {@code tcp_options_write()} lays them out, returning the bytes written ({@code opts.size()}):
     * <ol>
     * <li>MSS (kind 2, len 4) when {@code mss != 0};</li>
     * <li>with timestamps: {@code SACK_PERM, TS} when SACK is advertised, else {@code NOP, NOP, TS};</li>
     * <li>SACK-permitted without timestamps: {@code NOP, NOP, SACK_PERM};</li>
     * <li>window scale: {@code NOP, WS};</li>
     * <li>SACK blocks: {@code NOP, NOP, SACK(2 + 8n)} and the blocks;</li>
     * <li>raw extra options (MPTCP), NOP-padded to a multiple of 4.</li>
     * </ol>
     * The caller provides room for {@code opts.size()} bytes.
     */
    public static int write(byte[] buf, int off, TcpOutOptions opts) {
        int p = off;
        int options = opts.options;
        if (opts.mss != 0) {
            p = put32(buf, p, (TCPOPT_MSS << 24) | (TCPOLEN_MSS << 16) | (opts.mss & 0xffff));
        }
        if ((options & TcpOutOptions.OPTION_TS) != 0) {
            if ((options & TcpOutOptions.OPTION_SACK_ADVERTISE) != 0) {
                p = put32(buf, p, (TCPOPT_SACK_PERM << 24) | (TCPOLEN_SACK_PERM << 16) | (TCPOPT_TIMESTAMP << 8)
                        | TCPOLEN_TIMESTAMP);
                options &= ~TcpOutOptions.OPTION_SACK_ADVERTISE;
            } else {
                p = put32(buf, p, TSTAMP_ALIGNED_WORD);
            }
            p = put32(buf, p, opts.tsval);
            p = put32(buf, p, opts.tsecr);
        }
        if ((options & TcpOutOptions.OPTION_SACK_ADVERTISE) != 0) {
            p = put32(buf, p, (TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) | (TCPOPT_SACK_PERM << 8) | TCPOLEN_SACK_PERM);
        }
        if ((options & TcpOutOptions.OPTION_WSCALE) != 0) {
            p = put32(buf, p, (TCPOPT_NOP << 24) | (TCPOPT_WINDOW << 16) | (TCPOLEN_WINDOW << 8) | (opts.ws & 0xff));
        }
        if (opts.numSackBlocks > 0) {
            p = put32(buf, p, (TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) | (TCPOPT_SACK << 8)
                    | (TCPOLEN_SACK_BASE + opts.numSackBlocks * TCPOLEN_SACK_PERBLOCK));
            for (int i = 0; i < opts.numSackBlocks; i++) {
                p = put32(buf, p, opts.sackStart[i]);
                p = put32(buf, p, opts.sackEnd[i]);
            }
        }
        if (opts.extraLen > 0) {
            System.arraycopy(opts.extra, 0, buf, p, opts.extraLen);
            p += opts.extraLen;
            while (((p - off) & 3) != 0) buf[p++] = TCPOPT_NOP;
        }
        return p - off;
    }

    /**
     * The window-scale shift the kernel uses for a received option: values above
     * {@link #TCP_MAX_WSCALE} are clamped to 14 ({@code tcp_parse_options()}, with a rate-limited
     * log line).
     */
    public static int clampWscale(int wscale) {
        return Math.min(wscale, TCP_MAX_WSCALE);
    }

    private static Status fail(TcpOptionsReceived out, Status s, int at) {
        out.status = s;
        out.malformedOffset = at;
        return s;
    }

    private static void badOption(TcpOptionsReceived out, int at) {
        if (out.status == Status.OK) {
            out.status = Status.BAD_OPTION_LENGTH;
            out.malformedOffset = at;
        }
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    private static int i32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static int put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
        return off + 4;
    }
}
