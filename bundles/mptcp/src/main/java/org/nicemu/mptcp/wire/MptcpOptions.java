package org.nicemu.mptcp.wire;

import org.nicemu.mptcp.wire.MptcpOption.Status;
import org.nicemu.mptcp.wire.MptcpOption.Variant;

/**
 * The MPTCP v1 option codec (RFC 8684 §3, TCP option kind 30). Parsing mirrors net/mptcp/options.c
 * {@code mptcp_parse_option()} (strict lengths per subtype; what Linux silently ignores gets a
 * {@link Status}); writing mirrors {@code mptcp_write_options()} byte for byte, including the NOPs
 * Linux puts after an option whose length is not a multiple of 4 (a 22-byte DSS or MP_CAPABLE
 * ends with {@code NOP, NOP} in the same word as the data-level length; MP_PRIO with one NOP;
 * REMOVE_ADDR pads its last word).
 *
 * <p>Stateless static methods over {@code (buf, off, len)}; parsing fills reusable holders and
 * never allocates nor throws.
 */
public final class MptcpOptions {
    /** {@code TCPOPT_MPTCP}. */
    public static final int TCPOPT_MPTCP = 30;
    /** {@code TCPOPT_NOP}. */
    public static final int TCPOPT_NOP = 1;
    /** {@code TCPOPT_EOL}. */
    public static final int TCPOPT_EOL = 0;

    /** Subtype 0x0: MP_CAPABLE (§3.1). */
    public static final int MPTCPOPT_MP_CAPABLE = 0;
    /** Subtype 0x1: MP_JOIN (§3.2). */
    public static final int MPTCPOPT_MP_JOIN = 1;
    /** Subtype 0x2: DSS (§3.3). */
    public static final int MPTCPOPT_DSS = 2;
    /** Subtype 0x3: ADD_ADDR (§3.4.1). */
    public static final int MPTCPOPT_ADD_ADDR = 3;
    /** Subtype 0x4: REMOVE_ADDR (§3.4.2). */
    public static final int MPTCPOPT_RM_ADDR = 4;
    /** Subtype 0x5: MP_PRIO (§3.3.8). */
    public static final int MPTCPOPT_MP_PRIO = 5;
    /** Subtype 0x6: MP_FAIL (§3.7). */
    public static final int MPTCPOPT_MP_FAIL = 6;
    /** Subtype 0x7: MP_FASTCLOSE (§3.5). */
    public static final int MPTCPOPT_MP_FASTCLOSE = 7;
    /** Subtype 0x8: MP_TCPRST (§3.6). */
    public static final int MPTCPOPT_RST = 8;
    /** Subtype 0xf: MP_EXPERIMENTAL (reported as {@link Status#UNKNOWN_SUBTYPE}). */
    public static final int MPTCPOPT_EXPERIMENTAL = 15;

    /** The version this codec speaks. */
    public static final int MPTCP_SUPPORTED_VERSION = 1;

    /** MP_CAPABLE flag A: checksum required. */
    public static final int MPTCP_CAP_CHECKSUM_REQD = 0x80;
    /** MP_CAPABLE flag B: extensibility (Linux ignores an MP_CAPABLE with B set). */
    public static final int MPTCP_CAP_EXTENSIBILITY = 0x40;
    /** MP_CAPABLE flag C: no new subflows to the source address (Linux: deny join id 0). */
    public static final int MPTCP_CAP_DENY_JOIN_ID0 = 0x20;
    /** MP_CAPABLE flag H: HMAC-SHA256. */
    public static final int MPTCP_CAP_HMAC_SHA256 = 0x01;

    /** DSS flag F: DATA_FIN. */
    public static final int MPTCP_DSS_DATA_FIN = 0x10;
    /** DSS flag m: DSN is 8 octets. */
    public static final int MPTCP_DSS_DSN64 = 0x08;
    /** DSS flag M: mapping present. */
    public static final int MPTCP_DSS_HAS_MAP = 0x04;
    /** DSS flag a: DATA_ACK is 8 octets. */
    public static final int MPTCP_DSS_ACK64 = 0x02;
    /** DSS flag A: DATA_ACK present. */
    public static final int MPTCP_DSS_HAS_ACK = 0x01;
    /** The defined DSS flags. */
    public static final int MPTCP_DSS_FLAG_MASK = 0x1f;

    /** MP_JOIN / MP_PRIO flag B: backup. */
    public static final int MPTCPOPT_BACKUP = 0x01;
    /** ADD_ADDR flag E: echo. */
    public static final int MPTCP_ADDR_ECHO = 0x01;
    /** MP_TCPRST flag T: transient. */
    public static final int MPTCP_RST_TRANSIENT = 0x01;

    /** MP_TCPRST reason 0: unspecified error. */
    public static final int MPTCP_RST_EUNSPEC = 0;
    /** MP_TCPRST reason 1: MPTCP-specific error. */
    public static final int MPTCP_RST_EMPTCP = 1;
    /** MP_TCPRST reason 2: lack of resources. */
    public static final int MPTCP_RST_ERESOURCE = 2;
    /** MP_TCPRST reason 3: administratively prohibited. */
    public static final int MPTCP_RST_EPROHIBIT = 3;
    /** MP_TCPRST reason 4: too much outstanding data. */
    public static final int MPTCP_RST_EWQ2BIG = 4;
    /** MP_TCPRST reason 5: unacceptable performance. */
    public static final int MPTCP_RST_EBADPERF = 5;
    /** MP_TCPRST reason 6: middlebox interference. */
    public static final int MPTCP_RST_EMIDDLEBOX = 6;

    /** MP_CAPABLE on a SYN (v1, no key). */
    public static final int TCPOLEN_MPTCP_MPC_SYN = 4;
    /** MP_CAPABLE on a SYN-ACK. */
    public static final int TCPOLEN_MPTCP_MPC_SYNACK = 12;
    /** MP_CAPABLE on the third ACK. */
    public static final int TCPOLEN_MPTCP_MPC_ACK = 20;
    /** MP_CAPABLE with data (no checksum). */
    public static final int TCPOLEN_MPTCP_MPC_ACK_DATA = 22;
    /** MP_JOIN on a SYN. */
    public static final int TCPOLEN_MPTCP_MPJ_SYN = 12;
    /** MP_JOIN on a SYN-ACK. */
    public static final int TCPOLEN_MPTCP_MPJ_SYNACK = 16;
    /** MP_JOIN on the third ACK. */
    public static final int TCPOLEN_MPTCP_MPJ_ACK = 24;
    /** DSS kind, length, subtype, flags. */
    public static final int TCPOLEN_MPTCP_DSS_BASE = 4;
    /** DSS 32-bit DATA_ACK. */
    public static final int TCPOLEN_MPTCP_DSS_ACK32 = 4;
    /** DSS 64-bit DATA_ACK. */
    public static final int TCPOLEN_MPTCP_DSS_ACK64 = 8;
    /** DSS mapping with a 32-bit DSN, without checksum. */
    public static final int TCPOLEN_MPTCP_DSS_MAP32 = 10;
    /** DSS mapping with a 64-bit DSN, without checksum. */
    public static final int TCPOLEN_MPTCP_DSS_MAP64 = 14;
    /** DSS (and MP_CAPABLE) checksum. */
    public static final int TCPOLEN_MPTCP_DSS_CHECKSUM = 2;
    /** ADD_ADDR IPv4 without port nor HMAC (the echo). */
    public static final int TCPOLEN_MPTCP_ADD_ADDR_BASE = 8;
    /** ADD_ADDR IPv6 without port nor HMAC (the echo). */
    public static final int TCPOLEN_MPTCP_ADD_ADDR6_BASE = 20;
    /** ADD_ADDR port. */
    public static final int TCPOLEN_MPTCP_PORT_LEN = 2;
    /** ADD_ADDR truncated HMAC. */
    public static final int TCPOLEN_MPTCP_ADD_ADDR_HMAC_LEN = 8;
    /** REMOVE_ADDR without ids. */
    public static final int TCPOLEN_MPTCP_RM_ADDR_BASE = 3;
    /** MP_PRIO. */
    public static final int TCPOLEN_MPTCP_PRIO = 3;
    /** MP_FAIL. */
    public static final int TCPOLEN_MPTCP_FAIL = 12;
    /** MP_FASTCLOSE. */
    public static final int TCPOLEN_MPTCP_FASTCLOSE = 12;
    /** MP_TCPRST. */
    public static final int TCPOLEN_MPTCP_RST = 4;
    /** MP_JOIN ACK HMAC: 160 bits. */
    public static final int MPTCPOPT_HMAC_LEN = 20;
    /** {@code MPTCP_RM_IDS_MAX}: Linux accepts at most 8 ids in one REMOVE_ADDR. */
    public static final int MPTCP_RM_IDS_MAX = 8;

    private MptcpOptions() {
    }

    /** Name of a subtype as RFC 8684 spells it. */
    public static String subtypeName(int subtype) {
        switch (subtype) {
            case MPTCPOPT_MP_CAPABLE: return "MP_CAPABLE";
            case MPTCPOPT_MP_JOIN: return "MP_JOIN";
            case MPTCPOPT_DSS: return "DSS";
            case MPTCPOPT_ADD_ADDR: return "ADD_ADDR";
            case MPTCPOPT_RM_ADDR: return "REMOVE_ADDR";
            case MPTCPOPT_MP_PRIO: return "MP_PRIO";
            case MPTCPOPT_MP_FAIL: return "MP_FAIL";
            case MPTCPOPT_MP_FASTCLOSE: return "MP_FASTCLOSE";
            case MPTCPOPT_RST: return "MP_TCPRST";
            case MPTCPOPT_EXPERIMENTAL: return "MP_EXPERIMENTAL";
            default: return subtype < 0 ? "-" : "subtype " + subtype;
        }
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Parses the untrusted MPTCP option starting at {@code buf[off]} (its kind byte), of which
     * {@code avail} bytes are available, into {@code out} (cleared first). Mirrors
     * {@code mptcp_parse_option()}:
     * <ul>
     * <li>MP_CAPABLE: length 4 (SYN), 12 (SYN-ACK), 20 (ACK), 22 or 24 (ACK with data, without or
     * with checksum); version 1 (a SYN may offer more), flag H set and flag B clear, else
     * {@link Status#UNSUPPORTED}. Which variant a segment may carry (SYN, SYN-ACK, ACK) depends
     * on its TCP flags: the caller checks {@link MptcpOption#variant()} against them.</li>
     * <li>MP_JOIN: 12 (SYN), 16 (SYN-ACK), 24 (ACK).</li>
     * <li>DSS: exactly 4 + DATA_ACK (0, 4 or 8 as flags A, a) + mapping (0, 10 or 14 as flags M,
     * m) + 2 when a mapping carries a checksum. (Linux also takes, and ignores, a checksum-sized
     * tail without a mapping; here that is {@link Status#BAD_LENGTH}.)</li>
     * <li>ADD_ADDR: 16/18 (IPv4 with HMAC, without/with port), 28/30 (IPv6); an echo (flag E)
     * carries no HMAC: 8/10, 20/22.</li>
     * <li>REMOVE_ADDR: 4..11 (1..8 ids, the Linux limit). MP_PRIO 3, MP_FAIL 12, MP_FASTCLOSE 12,
     * MP_TCPRST 4 (on a RST only: the caller checks).</li>
     * </ul>
     * A length byte below 3 is {@link Status#BAD_LENGTH}; an option longer than {@code avail} is
     * {@link Status#TRUNCATED}; subtypes 9..15 are {@link Status#UNKNOWN_SUBTYPE}. Never throws.
     *
     * @return {@code out.status()}; {@code out.length()} is the length byte when at least 2 bytes were there
     */
    public static Status parse(byte[] buf, int off, int avail, MptcpOption out) {
        out.clear();
        if (buf == null || off < 0 || avail < 2 || off > buf.length - avail) return out.status = Status.TRUNCATED;
        if ((buf[off] & 0xff) != TCPOPT_MPTCP) return out.status = Status.NOT_MPTCP;
        int opsize = buf[off + 1] & 0xff;
        out.length = opsize;
        if (opsize < 3) return out.status = Status.BAD_LENGTH;
        if (opsize > avail) return out.status = Status.TRUNCATED;
        int b2 = buf[off + 2] & 0xff;
        int subtype = b2 >>> 4;
        out.subtype = subtype;
        int p = off + 3;
        switch (subtype) {
            case MPTCPOPT_MP_CAPABLE: {
                Variant v;
                switch (opsize) {
                    case TCPOLEN_MPTCP_MPC_SYN: v = Variant.SYN; break;
                    case TCPOLEN_MPTCP_MPC_SYNACK: v = Variant.SYN_ACK; break;
                    case TCPOLEN_MPTCP_MPC_ACK: v = Variant.ACK; break;
                    case TCPOLEN_MPTCP_MPC_ACK_DATA:
                    case TCPOLEN_MPTCP_MPC_ACK_DATA + TCPOLEN_MPTCP_DSS_CHECKSUM: v = Variant.ACK_DATA; break;
                    default: return out.status = Status.BAD_LENGTH;
                }
                out.variant = v;
                int version = b2 & 0x0f;
                out.version = version;
                int flags = buf[p++] & 0xff;
                out.flags = flags;
                if (v == Variant.SYN ? version < MPTCP_SUPPORTED_VERSION : version != MPTCP_SUPPORTED_VERSION) {
                    return out.status = Status.UNSUPPORTED;
                }
                if ((flags & MPTCP_CAP_HMAC_SHA256) == 0 || (flags & MPTCP_CAP_EXTENSIBILITY) != 0) {
                    return out.status = Status.UNSUPPORTED;
                }
                if (opsize >= TCPOLEN_MPTCP_MPC_SYNACK) {
                    out.sndrKey = i64(buf, p);
                    p += 8;
                }
                if (opsize >= TCPOLEN_MPTCP_MPC_ACK) {
                    out.rcvrKey = i64(buf, p);
                    p += 8;
                }
                if (opsize >= TCPOLEN_MPTCP_MPC_ACK_DATA) {
                    out.hasMapping = true;
                    out.dataLen = u16(buf, p);
                    p += 2;
                }
                if (opsize == TCPOLEN_MPTCP_MPC_ACK_DATA + TCPOLEN_MPTCP_DSS_CHECKSUM) {
                    out.hasChecksum = true;
                    out.checksum = u16(buf, p);
                }
                return out.status;
            }
            case MPTCPOPT_MP_JOIN:
                if (opsize == TCPOLEN_MPTCP_MPJ_SYN) {
                    out.variant = Variant.SYN;
                    out.backup = (b2 & MPTCPOPT_BACKUP) != 0;
                    out.addressId = buf[p] & 0xff;
                    out.token = i32(buf, p + 1);
                    out.nonce = i32(buf, p + 5);
                } else if (opsize == TCPOLEN_MPTCP_MPJ_SYNACK) {
                    out.variant = Variant.SYN_ACK;
                    out.backup = (b2 & MPTCPOPT_BACKUP) != 0;
                    out.addressId = buf[p] & 0xff;
                    out.truncatedHmac = i64(buf, p + 1);
                    out.nonce = i32(buf, p + 9);
                } else if (opsize == TCPOLEN_MPTCP_MPJ_ACK) {
                    out.variant = Variant.ACK;
                    System.arraycopy(buf, p + 1, out.hmac, 0, MPTCPOPT_HMAC_LEN);
                } else {
                    return out.status = Status.BAD_LENGTH;
                }
                return out.status;
            case MPTCPOPT_DSS: {
                if (opsize < TCPOLEN_MPTCP_DSS_BASE) return out.status = Status.BAD_LENGTH;
                int flags = buf[p++] & MPTCP_DSS_FLAG_MASK;
                boolean useAck = (flags & MPTCP_DSS_HAS_ACK) != 0;
                boolean ack64 = (flags & MPTCP_DSS_ACK64) != 0;
                boolean useMap = (flags & MPTCP_DSS_HAS_MAP) != 0;
                boolean dsn64 = (flags & MPTCP_DSS_DSN64) != 0;
                int expected = TCPOLEN_MPTCP_DSS_BASE;
                if (useAck) expected += ack64 ? TCPOLEN_MPTCP_DSS_ACK64 : TCPOLEN_MPTCP_DSS_ACK32;
                if (useMap) expected += dsn64 ? TCPOLEN_MPTCP_DSS_MAP64 : TCPOLEN_MPTCP_DSS_MAP32;
                boolean csum = useMap && opsize == expected + TCPOLEN_MPTCP_DSS_CHECKSUM;
                if (opsize != expected && !csum) return out.status = Status.BAD_LENGTH;
                // the a, m and F flags are kept as sent even when A or M is clear (they mean nothing then)
                out.dataFin = (flags & MPTCP_DSS_DATA_FIN) != 0;
                out.hasDataAck = useAck;
                out.dataAck64 = ack64;
                out.hasMapping = useMap;
                out.dsn64 = dsn64;
                if (useAck) {
                    if (ack64) {
                        out.dataAck = i64(buf, p);
                        p += 8;
                    } else {
                        out.dataAck = i32(buf, p) & 0xffffffffL;
                        p += 4;
                    }
                }
                if (useMap) {
                    if (dsn64) {
                        out.dsn = i64(buf, p);
                        p += 8;
                    } else {
                        out.dsn = i32(buf, p) & 0xffffffffL;
                        p += 4;
                    }
                    out.subflowSeq = i32(buf, p);
                    out.dataLen = u16(buf, p + 4);
                    if (csum) {
                        out.hasChecksum = true;
                        out.checksum = u16(buf, p + 6);
                    }
                }
                return out.status;
            }
            case MPTCPOPT_ADD_ADDR: {
                boolean echo = (b2 & MPTCP_ADDR_ECHO) != 0;
                int rest = opsize - (echo ? 0 : TCPOLEN_MPTCP_ADD_ADDR_HMAC_LEN);
                int addrLen;
                boolean port;
                switch (rest) {
                    case TCPOLEN_MPTCP_ADD_ADDR_BASE: addrLen = 4; port = false; break;
                    case TCPOLEN_MPTCP_ADD_ADDR_BASE + TCPOLEN_MPTCP_PORT_LEN: addrLen = 4; port = true; break;
                    case TCPOLEN_MPTCP_ADD_ADDR6_BASE: addrLen = 16; port = false; break;
                    case TCPOLEN_MPTCP_ADD_ADDR6_BASE + TCPOLEN_MPTCP_PORT_LEN: addrLen = 16; port = true; break;
                    default: return out.status = Status.BAD_LENGTH;
                }
                out.echo = echo;
                out.addressId = buf[p++] & 0xff;
                System.arraycopy(buf, p, out.addr, 0, addrLen);
                out.addrLen = addrLen;
                p += addrLen;
                if (port) {
                    out.hasPort = true;
                    out.port = u16(buf, p);
                    p += 2;
                }
                if (!echo) {
                    out.hasAddrHmac = true;
                    out.addrHmac = i64(buf, p);
                }
                return out.status;
            }
            case MPTCPOPT_RM_ADDR: {
                int n = opsize - TCPOLEN_MPTCP_RM_ADDR_BASE;
                if (n < 1 || n > MPTCP_RM_IDS_MAX) return out.status = Status.BAD_LENGTH;
                System.arraycopy(buf, p, out.removeIds, 0, n);
                out.numRemoveIds = n;
                return out.status;
            }
            case MPTCPOPT_MP_PRIO:
                if (opsize != TCPOLEN_MPTCP_PRIO) return out.status = Status.BAD_LENGTH;
                out.backup = (b2 & MPTCPOPT_BACKUP) != 0;
                return out.status;
            case MPTCPOPT_MP_FAIL:
                if (opsize != TCPOLEN_MPTCP_FAIL) return out.status = Status.BAD_LENGTH;
                out.failSeq = i64(buf, p + 1);
                return out.status;
            case MPTCPOPT_MP_FASTCLOSE:
                if (opsize != TCPOLEN_MPTCP_FASTCLOSE) return out.status = Status.BAD_LENGTH;
                out.rcvrKey = i64(buf, p + 1);
                return out.status;
            case MPTCPOPT_RST:
                if (opsize != TCPOLEN_MPTCP_RST) return out.status = Status.BAD_LENGTH;
                out.rstFlags = b2 & 0x0f;
                out.rstReason = buf[p] & 0xff;
                return out.status;
            default:
                return out.status = Status.UNKNOWN_SUBTYPE;
        }
    }

    /**
     * Walks the TCP option block {@code buf[off..off+len)} (TCP header + 20, {@code doff * 4 - 20}
     * bytes) as {@code tcp_parse_options()} does and parses every MPTCP option into {@code out}
     * (cleared first). EOL ends the walk; an option without a length byte, with a length below 2
     * or running past the end stops it ({@link MptcpOptionsReceived#walkStatus()} {@code TRUNCATED}
     * or {@code BAD_LENGTH}, the options before it kept). Other kinds are skipped. Never throws.
     *
     * @return the number of MPTCP options found (each with its own status)
     */
    public static int parseTcpOptions(byte[] buf, int off, int len, MptcpOptionsReceived out) {
        out.clear();
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            out.walkStatus = Status.TRUNCATED;
            return 0;
        }
        int p = off;
        int end = off + len;
        while (p < end) {
            int kind = buf[p] & 0xff;
            if (kind == TCPOPT_EOL) break;
            if (kind == TCPOPT_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) {
                out.walkStatus = Status.TRUNCATED;
                break;
            }
            int opsize = buf[p + 1] & 0xff;
            if (opsize < 2) {
                out.walkStatus = Status.BAD_LENGTH;
                break;
            }
            if (opsize > end - p) {
                out.walkStatus = Status.TRUNCATED;
                break;
            }
            if (kind == TCPOPT_MPTCP && out.count < MptcpOptionsReceived.MAX_OPTIONS) {
                out.offsets[out.count] = p - off;
                parse(buf, p, opsize, out.options[out.count]);
                out.count++;
            }
            p += opsize;
        }
        return out.count;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes {@code o} at {@code buf[off]} as {@code mptcp_write_options()} does and returns the
     * bytes written ({@link MptcpOption#size()}: the length byte rounded up to 4, NOP-filled). The
     * caller provides room. For the DSS Linux always sets flag m; a 32-bit DSN is written when
     * asked for all the same.
     */
    public static int write(MptcpOption o, byte[] buf, int off) {
        int len = o.length;
        int p = off;
        switch (o.subtype) {
            case MPTCPOPT_MP_CAPABLE:
                p = put32(buf, p, word(MPTCPOPT_MP_CAPABLE, len, o.version, o.flags));
                if (o.variant == Variant.SYN) break;
                p = put64(buf, p, o.sndrKey);
                if (o.variant == Variant.SYN_ACK) break;
                p = put64(buf, p, o.rcvrKey);
                if (o.variant == Variant.ACK) break;
                p = put32(buf, p, o.hasChecksum ? o.dataLen << 16 | o.checksum
                        : o.dataLen << 16 | TCPOPT_NOP << 8 | TCPOPT_NOP);
                break;
            case MPTCPOPT_MP_JOIN:
                if (o.variant == Variant.SYN) {
                    p = put32(buf, p, word(MPTCPOPT_MP_JOIN, len, o.backup ? 1 : 0, o.addressId));
                    p = put32(buf, p, o.token);
                    p = put32(buf, p, o.nonce);
                } else if (o.variant == Variant.SYN_ACK) {
                    p = put32(buf, p, word(MPTCPOPT_MP_JOIN, len, o.backup ? 1 : 0, o.addressId));
                    p = put64(buf, p, o.truncatedHmac);
                    p = put32(buf, p, o.nonce);
                } else {
                    p = put32(buf, p, word(MPTCPOPT_MP_JOIN, len, 0, 0));
                    System.arraycopy(o.hmac, 0, buf, p, MPTCPOPT_HMAC_LEN);
                    p += MPTCPOPT_HMAC_LEN;
                }
                break;
            case MPTCPOPT_DSS: {
                int flags = 0;
                if (o.hasDataAck) flags |= MPTCP_DSS_HAS_ACK | (o.dataAck64 ? MPTCP_DSS_ACK64 : 0);
                if (o.hasMapping) {
                    flags |= MPTCP_DSS_HAS_MAP | (o.dsn64 ? MPTCP_DSS_DSN64 : 0);
                    if (o.dataFin) flags |= MPTCP_DSS_DATA_FIN;
                }
                p = put32(buf, p, word(MPTCPOPT_DSS, len, 0, flags));
                if (o.hasDataAck) {
                    p = o.dataAck64 ? put64(buf, p, o.dataAck) : put32(buf, p, (int) o.dataAck);
                }
                if (o.hasMapping) {
                    p = o.dsn64 ? put64(buf, p, o.dsn) : put32(buf, p, (int) o.dsn);
                    p = put32(buf, p, o.subflowSeq);
                    if (o.hasChecksum) {
                        p = put32(buf, p, o.dataLen << 16 | o.checksum);
                    } else {
                        buf[p++] = (byte) (o.dataLen >>> 8);
                        buf[p++] = (byte) o.dataLen;
                    }
                }
                break;
            }
            case MPTCPOPT_ADD_ADDR:
                p = put32(buf, p, word(MPTCPOPT_ADD_ADDR, len, o.echo ? MPTCP_ADDR_ECHO : 0, o.addressId));
                System.arraycopy(o.addr, 0, buf, p, o.addrLen);
                p += o.addrLen;
                if (o.hasPort) {
                    buf[p++] = (byte) (o.port >>> 8);
                    buf[p++] = (byte) o.port;
                }
                if (o.hasAddrHmac) p = put64(buf, p, o.addrHmac);
                break;
            case MPTCPOPT_RM_ADDR:
                buf[p++] = (byte) TCPOPT_MPTCP;
                buf[p++] = (byte) len;
                buf[p++] = (byte) (MPTCPOPT_RM_ADDR << 4);
                System.arraycopy(o.removeIds, 0, buf, p, o.numRemoveIds);
                p += o.numRemoveIds;
                break;
            case MPTCPOPT_MP_PRIO:
                buf[p++] = (byte) TCPOPT_MPTCP;
                buf[p++] = (byte) len;
                buf[p++] = (byte) (MPTCPOPT_MP_PRIO << 4 | (o.backup ? MPTCPOPT_BACKUP : 0));
                break;
            case MPTCPOPT_MP_FAIL:
                p = put32(buf, p, word(MPTCPOPT_MP_FAIL, len, 0, 0));
                p = put64(buf, p, o.failSeq);
                break;
            case MPTCPOPT_MP_FASTCLOSE:
                p = put32(buf, p, word(MPTCPOPT_MP_FASTCLOSE, len, 0, 0));
                p = put64(buf, p, o.rcvrKey);
                break;
            case MPTCPOPT_RST:
                p = put32(buf, p, word(MPTCPOPT_RST, len, o.rstFlags, o.rstReason));
                break;
            default:
                throw new IllegalStateException("nothing to write: " + o);
        }
        while (((p - off) & 3) != 0) buf[p++] = TCPOPT_NOP;
        return p - off;
    }

    /** {@code mptcp_option()}: kind, length, subtype and nibble, then one byte. */
    static int word(int subtype, int len, int nib, int field) {
        return TCPOPT_MPTCP << 24 | (len & 0xff) << 16 | subtype << 12 | (nib & 0x0f) << 8 | (field & 0xff);
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    static int i32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    static long i64(byte[] b, int off) {
        return (long) i32(b, off) << 32 | (i32(b, off + 4) & 0xffffffffL);
    }

    static int put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
        return off + 4;
    }

    static int put64(byte[] b, int off, long v) {
        put32(b, off, (int) (v >>> 32));
        return put32(b, off + 4, (int) v);
    }
}
