package org.nicemu.mptcp.wire;

import java.util.Arrays;

/**
 * One MPTCP option (TCP option kind 30, RFC 8684 §3), parsed or to be written: a mutable holder
 * meant to be reused (per socket or per CPU), so that neither parsing nor writing allocates.
 *
 * <p>Fill it with one of the setters ({@link #mpCapableSyn}, {@link #dss}, {@link #addAddr}, ...)
 * and {@link #write} it; or let {@link MptcpOptions#parse} fill it from untrusted bytes, read
 * {@link #status()} and the fields of its {@link #subtype()}. Fields of other subtypes are left
 * at their cleared values. Sequence numbers, keys and HMACs are kept as unsigned bit patterns in
 * {@code int}/{@code long}.
 */
public final class MptcpOption {

    /** Outcome of {@link MptcpOptions#parse}. Only {@link #OK} options carry meaning. */
    public enum Status {
        /** Well formed. */
        OK,
        /** The bytes are not an MPTCP option (kind is not 30). */
        NOT_MPTCP,
        /** The option runs past the bytes available (or fewer than 2 bytes are available). */
        TRUNCATED,
        /** The length byte is not one of the lengths allowed for the subtype and its flags. */
        BAD_LENGTH,
        /** A subtype RFC 8684 does not define (9..14) or MP_EXPERIMENTAL (15). */
        UNKNOWN_SUBTYPE,
        /**
         * MP_CAPABLE that Linux ignores: version other than 1 (a SYN may offer a higher version),
         * HMAC-SHA256 (flag H) not offered, or the extensibility flag B set.
         */
        UNSUPPORTED
    }

    /** The variant of a subtype that has several. */
    public enum Variant {
        /** No variant (single-form subtypes, or not parsed). */
        NONE,
        /** MP_CAPABLE on a SYN (4 bytes, no key) or MP_JOIN on a SYN (token and nonce). */
        SYN,
        /** MP_CAPABLE on a SYN-ACK (sender's key) or MP_JOIN on a SYN-ACK (truncated HMAC and nonce). */
        SYN_ACK,
        /** MP_CAPABLE on the third ACK (both keys) or MP_JOIN on the third ACK (160-bit HMAC). */
        ACK,
        /** MP_CAPABLE on the first data: both keys, data-level length and, if negotiated, checksum. */
        ACK_DATA
    }

    Status status = Status.OK;
    int subtype = -1;
    Variant variant = Variant.NONE;
    int length;

    // MP_CAPABLE
    int version;
    int flags;
    long sndrKey;
    long rcvrKey;

    // MP_JOIN, MP_PRIO (backup), ADD_ADDR, REMOVE_ADDR (address ids)
    boolean backup;
    int addressId;
    int token;
    int nonce;
    long truncatedHmac;
    final byte[] hmac = new byte[MptcpOptions.MPTCPOPT_HMAC_LEN];

    // DSS (data-level length and checksum also MP_CAPABLE with data)
    boolean hasDataAck;
    boolean dataAck64;
    long dataAck;
    boolean hasMapping;
    boolean dsn64;
    long dsn;
    int subflowSeq;
    int dataLen;
    boolean hasChecksum;
    int checksum;
    boolean dataFin;

    // ADD_ADDR
    boolean echo;
    final byte[] addr = new byte[16];
    int addrLen;
    boolean hasPort;
    int port;
    boolean hasAddrHmac;
    long addrHmac;

    // REMOVE_ADDR
    final byte[] removeIds = new byte[MptcpOptions.MPTCP_RM_IDS_MAX];
    int numRemoveIds;

    // MP_FAIL
    long failSeq;

    // MP_TCPRST
    int rstFlags;
    int rstReason;

    /** Resets every field (status {@link Status#OK}, no subtype). */
    public MptcpOption clear() {
        status = Status.OK;
        subtype = -1;
        variant = Variant.NONE;
        length = 0;
        version = 0;
        flags = 0;
        sndrKey = 0;
        rcvrKey = 0;
        backup = false;
        addressId = 0;
        token = 0;
        nonce = 0;
        truncatedHmac = 0;
        Arrays.fill(hmac, (byte) 0);
        hasDataAck = false;
        dataAck64 = false;
        dataAck = 0;
        hasMapping = false;
        dsn64 = false;
        dsn = 0;
        subflowSeq = 0;
        dataLen = 0;
        hasChecksum = false;
        checksum = 0;
        dataFin = false;
        echo = false;
        Arrays.fill(addr, (byte) 0);
        addrLen = 0;
        hasPort = false;
        port = 0;
        hasAddrHmac = false;
        addrHmac = 0;
        numRemoveIds = 0;
        failSeq = 0;
        rstFlags = 0;
        rstReason = 0;
        return this;
    }

    // ------------------------------------------------------------------ setters (what to write)

    private MptcpOption start(int subtype, Variant variant) {
        clear();
        this.subtype = subtype;
        this.variant = variant;
        return this;
    }

    /**
     * MP_CAPABLE on a SYN (RFC 8684 §3.1, 4 bytes, version 1, no key).
     *
     * @param flags A..H: {@link MptcpOptions#MPTCP_CAP_CHECKSUM_REQD}, {@link MptcpOptions#MPTCP_CAP_DENY_JOIN_ID0},
     *              {@link MptcpOptions#MPTCP_CAP_HMAC_SHA256}, ...
     */
    public MptcpOption mpCapableSyn(int flags) {
        start(MptcpOptions.MPTCPOPT_MP_CAPABLE, Variant.SYN);
        this.version = MptcpOptions.MPTCP_SUPPORTED_VERSION;
        this.flags = flags & 0xff;
        length = MptcpOptions.TCPOLEN_MPTCP_MPC_SYN;
        return this;
    }

    /** MP_CAPABLE on a SYN-ACK: the responder's key (12 bytes). */
    public MptcpOption mpCapableSynAck(int flags, long sndrKey) {
        mpCapableSyn(flags);
        variant = Variant.SYN_ACK;
        this.sndrKey = sndrKey;
        length = MptcpOptions.TCPOLEN_MPTCP_MPC_SYNACK;
        return this;
    }

    /** MP_CAPABLE on the third ACK without data: the initiator's key, then the responder's (20 bytes). */
    public MptcpOption mpCapableAck(int flags, long sndrKey, long rcvrKey) {
        mpCapableSynAck(flags, sndrKey);
        variant = Variant.ACK;
        this.rcvrKey = rcvrKey;
        length = MptcpOptions.TCPOLEN_MPTCP_MPC_ACK;
        return this;
    }

    /**
     * MP_CAPABLE on the first data segment: both keys and the data-level length (22 bytes, Linux
     * pads with NOP, NOP), plus the DSS checksum when {@code withChecksum} (24 bytes). The mapping is
     * implicit: DSN = IDSN + 1 of the sender, subflow sequence number 1 (RFC 8684 §3.1).
     */
    public MptcpOption mpCapableAckData(int flags, long sndrKey, long rcvrKey, int dataLen, boolean withChecksum,
            int checksum) {
        mpCapableAck(flags, sndrKey, rcvrKey);
        variant = Variant.ACK_DATA;
        this.hasMapping = true;
        this.dataLen = dataLen & 0xffff;
        this.hasChecksum = withChecksum;
        this.checksum = withChecksum ? checksum & 0xffff : 0;
        length = MptcpOptions.TCPOLEN_MPTCP_MPC_ACK_DATA + (withChecksum ? MptcpOptions.TCPOLEN_MPTCP_DSS_CHECKSUM : 0);
        return this;
    }

    /** MP_JOIN on a SYN (RFC 8684 §3.2, 12 bytes): backup flag, address id, receiver's token, sender's nonce. */
    public MptcpOption mpJoinSyn(boolean backup, int addressId, int token, int nonce) {
        start(MptcpOptions.MPTCPOPT_MP_JOIN, Variant.SYN);
        this.backup = backup;
        this.addressId = addressId & 0xff;
        this.token = token;
        this.nonce = nonce;
        length = MptcpOptions.TCPOLEN_MPTCP_MPJ_SYN;
        return this;
    }

    /** MP_JOIN on a SYN-ACK (16 bytes): backup flag, address id, the leftmost 64 bits of the HMAC, nonce. */
    public MptcpOption mpJoinSynAck(boolean backup, int addressId, long truncatedHmac, int nonce) {
        start(MptcpOptions.MPTCPOPT_MP_JOIN, Variant.SYN_ACK);
        this.backup = backup;
        this.addressId = addressId & 0xff;
        this.truncatedHmac = truncatedHmac;
        this.nonce = nonce;
        length = MptcpOptions.TCPOLEN_MPTCP_MPJ_SYNACK;
        return this;
    }

    /** MP_JOIN on the third ACK (24 bytes): the leftmost 160 bits of the HMAC, copied from {@code src[off]}. */
    public MptcpOption mpJoinAck(byte[] src, int off) {
        start(MptcpOptions.MPTCPOPT_MP_JOIN, Variant.ACK);
        System.arraycopy(src, off, hmac, 0, MptcpOptions.MPTCPOPT_HMAC_LEN);
        length = MptcpOptions.TCPOLEN_MPTCP_MPJ_ACK;
        return this;
    }

    /** An empty DSS (RFC 8684 §3.3); add {@link #withDataAck}, {@link #withMapping}, {@link #withChecksum}. */
    public MptcpOption dss() {
        start(MptcpOptions.MPTCPOPT_DSS, Variant.NONE);
        length = MptcpOptions.TCPOLEN_MPTCP_DSS_BASE;
        return this;
    }

    /** DSS: the DATA_ACK (flag A), 8 bytes when {@code ack64} (flag a), else its low 32 bits. */
    public MptcpOption withDataAck(long dataAck, boolean ack64) {
        hasDataAck = true;
        dataAck64 = ack64;
        this.dataAck = ack64 ? dataAck : dataAck & 0xffffffffL;
        return dssLength();
    }

    /**
     * DSS: the mapping (flag M): DSN, 8 bytes when {@code dsn64} (flag m, what Linux always writes),
     * else its low 32 bits; the relative subflow sequence number; the data-level length (0 for the
     * infinite mapping); DATA_FIN (flag F).
     */
    public MptcpOption withMapping(long dsn, boolean dsn64, int subflowSeq, int dataLen, boolean dataFin) {
        hasMapping = true;
        this.dsn64 = dsn64;
        this.dsn = dsn64 ? dsn : dsn & 0xffffffffL;
        this.subflowSeq = subflowSeq;
        this.dataLen = dataLen & 0xffff;
        this.dataFin = dataFin;
        return dssLength();
    }

    /** DSS with a mapping: the checksum (when negotiated with flag A of MP_CAPABLE). */
    public MptcpOption withChecksum(int checksum) {
        hasChecksum = true;
        this.checksum = checksum & 0xffff;
        return dssLength();
    }

    private MptcpOption dssLength() {
        int len = MptcpOptions.TCPOLEN_MPTCP_DSS_BASE;
        if (hasDataAck) len += dataAck64 ? MptcpOptions.TCPOLEN_MPTCP_DSS_ACK64 : MptcpOptions.TCPOLEN_MPTCP_DSS_ACK32;
        if (hasMapping) {
            len += dsn64 ? MptcpOptions.TCPOLEN_MPTCP_DSS_MAP64 : MptcpOptions.TCPOLEN_MPTCP_DSS_MAP32;
            if (hasChecksum) len += MptcpOptions.TCPOLEN_MPTCP_DSS_CHECKSUM;
        }
        length = len;
        return this;
    }

    /**
     * ADD_ADDR (RFC 8684 §3.4.1) of an IPv4 ({@code addrLen} 4) or IPv6 (16) address at
     * {@code src[off]}; {@code port} 0 for none. An advertisement carries the truncated HMAC
     * ({@code echo} false); the echo carries none, as Linux requires.
     */
    public MptcpOption addAddr(int addressId, byte[] src, int off, int addrLen, int port, boolean echo, long hmac) {
        if (addrLen != 4 && addrLen != 16) throw new IllegalArgumentException("address length " + addrLen);
        startAddAddr(addressId, addrLen, port, echo, hmac);
        System.arraycopy(src, off, addr, 0, addrLen);
        return this;
    }

    /** ADD_ADDR of an IPv4 address given as an int (network order bit pattern). */
    public MptcpOption addAddr4(int addressId, int ipv4, int port, boolean echo, long hmac) {
        startAddAddr(addressId, 4, port, echo, hmac);
        addr[0] = (byte) (ipv4 >>> 24);
        addr[1] = (byte) (ipv4 >>> 16);
        addr[2] = (byte) (ipv4 >>> 8);
        addr[3] = (byte) ipv4;
        return this;
    }

    private void startAddAddr(int addressId, int addrLen, int port, boolean echo, long hmac) {
        start(MptcpOptions.MPTCPOPT_ADD_ADDR, Variant.NONE);
        this.addressId = addressId & 0xff;
        this.addrLen = addrLen;
        this.hasPort = port != 0;
        this.port = port & 0xffff;
        this.echo = echo;
        this.hasAddrHmac = !echo;
        this.addrHmac = echo ? 0 : hmac;
        length = (addrLen == 4 ? MptcpOptions.TCPOLEN_MPTCP_ADD_ADDR_BASE : MptcpOptions.TCPOLEN_MPTCP_ADD_ADDR6_BASE)
                + (hasPort ? MptcpOptions.TCPOLEN_MPTCP_PORT_LEN : 0)
                + (hasAddrHmac ? MptcpOptions.TCPOLEN_MPTCP_ADD_ADDR_HMAC_LEN : 0);
    }

    /** REMOVE_ADDR (RFC 8684 §3.4.2) of {@code n} address ids (1..8, the Linux limit). */
    public MptcpOption removeAddr(byte[] ids, int off, int n) {
        if (n < 1 || n > MptcpOptions.MPTCP_RM_IDS_MAX) throw new IllegalArgumentException(n + " ids");
        start(MptcpOptions.MPTCPOPT_RM_ADDR, Variant.NONE);
        System.arraycopy(ids, off, removeIds, 0, n);
        numRemoveIds = n;
        length = MptcpOptions.TCPOLEN_MPTCP_RM_ADDR_BASE + n;
        return this;
    }

    /** MP_PRIO (RFC 8684 §3.3.8, 3 bytes, no address id in v1). */
    public MptcpOption mpPrio(boolean backup) {
        start(MptcpOptions.MPTCPOPT_MP_PRIO, Variant.NONE);
        this.backup = backup;
        length = MptcpOptions.TCPOLEN_MPTCP_PRIO;
        return this;
    }

    /** MP_FAIL (RFC 8684 §3.7, 12 bytes): the 64-bit DSN of the failed checksum. */
    public MptcpOption mpFail(long failSeq) {
        start(MptcpOptions.MPTCPOPT_MP_FAIL, Variant.NONE);
        this.failSeq = failSeq;
        length = MptcpOptions.TCPOLEN_MPTCP_FAIL;
        return this;
    }

    /** MP_FASTCLOSE (RFC 8684 §3.5, 12 bytes): the receiver's key. */
    public MptcpOption mpFastclose(long rcvrKey) {
        start(MptcpOptions.MPTCPOPT_MP_FASTCLOSE, Variant.NONE);
        this.rcvrKey = rcvrKey;
        length = MptcpOptions.TCPOLEN_MPTCP_FASTCLOSE;
        return this;
    }

    /**
     * MP_TCPRST (RFC 8684 §3.6, 4 bytes), on a RST only.
     *
     * @param flags U, V, W, T in the low nibble ({@link MptcpOptions#MPTCP_RST_TRANSIENT} is T)
     * @param reason one of {@code MPTCP_RST_E*}
     */
    public MptcpOption mpTcpRst(int flags, int reason) {
        start(MptcpOptions.MPTCPOPT_RST, Variant.NONE);
        this.rstFlags = flags & 0x0f;
        this.rstReason = reason & 0xff;
        length = MptcpOptions.TCPOLEN_MPTCP_RST;
        return this;
    }

    // ------------------------------------------------------------------ writing

    /** The option's length byte. */
    public int length() { return length; }

    /** The bytes {@link #write} puts down: the length rounded up to 4 with NOPs, as Linux. */
    public int size() { return (length + 3) & ~3; }

    /** Writes the option at {@code buf[off]} as net/mptcp/options.c {@code mptcp_write_options()}; returns {@link #size()}. */
    public int write(byte[] buf, int off) {
        return MptcpOptions.write(this, buf, off);
    }

    // ------------------------------------------------------------------ accessors

    /** Parse outcome (OK for a holder filled by a setter). */
    public Status status() { return status; }

    /** {@code status() == OK}. */
    public boolean ok() { return status == Status.OK; }

    /** Subtype (RFC 8684 §3, {@code MPTCPOPT_*}), -1 when the bytes gave none. */
    public int subtype() { return subtype; }

    /** Variant of MP_CAPABLE and MP_JOIN. */
    public Variant variant() { return variant; }

    /** MP_CAPABLE version. */
    public int version() { return version; }

    /** MP_CAPABLE flags A..H. */
    public int flags() { return flags; }

    /** MP_CAPABLE flag A: checksums required. */
    public boolean checksumRequired() { return (flags & MptcpOptions.MPTCP_CAP_CHECKSUM_REQD) != 0; }

    /** MP_CAPABLE flag C: do not join to the source address (Linux: deny join to address id 0). */
    public boolean denyJoinId0() { return (flags & MptcpOptions.MPTCP_CAP_DENY_JOIN_ID0) != 0; }

    /** MP_CAPABLE sender's key (SYN-ACK, ACK); for MP_CAPABLE ACK the initiator's. */
    public long sndrKey() { return sndrKey; }

    /** MP_CAPABLE receiver's key (ACK), MP_FASTCLOSE key. */
    public long rcvrKey() { return rcvrKey; }

    /** MP_JOIN / MP_PRIO backup flag. */
    public boolean backup() { return backup; }

    /** MP_JOIN / ADD_ADDR address id. */
    public int addressId() { return addressId; }

    /** MP_JOIN SYN receiver's token. */
    public int token() { return token; }

    /** MP_JOIN SYN / SYN-ACK sender's random number. */
    public int nonce() { return nonce; }

    /** MP_JOIN SYN-ACK truncated HMAC (leftmost 64 bits). */
    public long truncatedHmac() { return truncatedHmac; }

    /** MP_JOIN ACK HMAC byte {@code i} (0..19). */
    public byte hmac(int i) { return hmac[i]; }

    /** Copies the 20-byte MP_JOIN ACK HMAC to {@code dst[off]}. */
    public void copyHmac(byte[] dst, int off) { System.arraycopy(hmac, 0, dst, off, hmac.length); }

    /** DSS flag A. */
    public boolean hasDataAck() { return hasDataAck; }

    /** DSS flag a. */
    public boolean dataAck64() { return dataAck64; }

    /** DSS DATA_ACK (low 32 bits only unless {@link #dataAck64()}). */
    public long dataAck() { return dataAck; }

    /** DSS flag M, or MP_CAPABLE with data. */
    public boolean hasMapping() { return hasMapping; }

    /** DSS flag m. */
    public boolean dsn64() { return dsn64; }

    /** DSS data sequence number (low 32 bits only unless {@link #dsn64()}). */
    public long dsn() { return dsn; }

    /** DSS relative subflow sequence number. */
    public int subflowSeq() { return subflowSeq; }

    /** DSS / MP_CAPABLE data-level length (0: infinite mapping). */
    public int dataLen() { return dataLen; }

    /** DSS mapping with data-level length 0 (RFC 8684 §3.7 fallback). */
    public boolean infiniteMapping() { return hasMapping && dataLen == 0 && subtype == MptcpOptions.MPTCPOPT_DSS; }

    /** A checksum is present (DSS with mapping, MP_CAPABLE with data). */
    public boolean hasChecksum() { return hasChecksum; }

    /** The checksum as on the wire. */
    public int checksum() { return checksum; }

    /** DSS flag F. */
    public boolean dataFin() { return dataFin; }

    /** ADD_ADDR flag E. */
    public boolean echo() { return echo; }

    /** ADD_ADDR address length: 4 or 16. */
    public int addrLen() { return addrLen; }

    /** ADD_ADDR address byte {@code i}. */
    public byte addr(int i) { return addr[i]; }

    /** Copies the ADD_ADDR address ({@link #addrLen()} bytes) to {@code dst[off]}. */
    public void copyAddr(byte[] dst, int off) { System.arraycopy(addr, 0, dst, off, addrLen); }

    /** ADD_ADDR IPv4 address as an int (network order bit pattern). */
    public int addrIpv4() {
        return (addr[0] & 0xff) << 24 | (addr[1] & 0xff) << 16 | (addr[2] & 0xff) << 8 | (addr[3] & 0xff);
    }

    /** ADD_ADDR carries a port. */
    public boolean hasPort() { return hasPort; }

    /** ADD_ADDR port (0 when absent). */
    public int port() { return port; }

    /** ADD_ADDR carries the truncated HMAC (every non-echo ADD_ADDR). */
    public boolean hasAddrHmac() { return hasAddrHmac; }

    /** ADD_ADDR truncated HMAC (rightmost 64 bits). */
    public long addrHmac() { return addrHmac; }

    /** REMOVE_ADDR number of ids. */
    public int numRemoveIds() { return numRemoveIds; }

    /** REMOVE_ADDR id {@code i}. */
    public int removeId(int i) { return removeIds[i] & 0xff; }

    /** MP_FAIL DSN. */
    public long failSeq() { return failSeq; }

    /** MP_TCPRST flags U V W T (low nibble). */
    public int rstFlags() { return rstFlags; }

    /** MP_TCPRST flag T: the error is transient. */
    public boolean rstTransient() { return (rstFlags & MptcpOptions.MPTCP_RST_TRANSIENT) != 0; }

    /** MP_TCPRST reason code. */
    public int rstReason() { return rstReason; }

    @Override
    public String toString() {
        return "MptcpOption[" + status + " " + MptcpOptions.subtypeName(subtype) + (variant == Variant.NONE ? "" : " " + variant)
                + " len " + length + "]";
    }
}
