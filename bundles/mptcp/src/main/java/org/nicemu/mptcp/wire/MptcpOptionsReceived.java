package org.nicemu.mptcp.wire;

import org.nicemu.mptcp.wire.MptcpOption.Status;

/**
 * The MPTCP options of one segment, as {@link MptcpOptions#parseTcpOptions} finds them in the TCP
 * option block: up to {@link #MAX_OPTIONS} preallocated {@link MptcpOption} holders, reused from
 * segment to segment (no allocation on the receive path). Linux may put several MPTCP options in
 * one segment (DSS + ADD_ADDR, MP_JOIN + MP_PRIO, DSS + MP_FAIL, MP_FASTCLOSE + MP_TCPRST, ...).
 */
public final class MptcpOptionsReceived {
    /** 40 option bytes hold at most 13 MPTCP options of 3 bytes. */
    public static final int MAX_OPTIONS = 13;

    final MptcpOption[] options = new MptcpOption[MAX_OPTIONS];
    final int[] offsets = new int[MAX_OPTIONS];
    int count;
    Status walkStatus = Status.OK;

    public MptcpOptionsReceived() {
        for (int i = 0; i < MAX_OPTIONS; i++) options[i] = new MptcpOption();
    }

    /** Forgets the previous segment (the holders are cleared when reused). */
    public MptcpOptionsReceived clear() {
        count = 0;
        walkStatus = Status.OK;
        return this;
    }

    /** Number of MPTCP options found. */
    public int count() { return count; }

    /** The {@code i}-th MPTCP option (0..count-1), valid until the next parse. */
    public MptcpOption option(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
        return options[i];
    }

    /** Offset of the {@code i}-th option from the start of the option block. */
    public int offset(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
        return offsets[i];
    }

    /** The first well-formed option of {@code subtype}, or null. */
    public MptcpOption find(int subtype) {
        for (int i = 0; i < count; i++) {
            if (options[i].subtype == subtype && options[i].status == Status.OK) return options[i];
        }
        return null;
    }

    /** Outcome of the TCP option walk itself: OK, TRUNCATED or BAD_LENGTH (see {@link MptcpOptions#parseTcpOptions}). */
    public Status walkStatus() { return walkStatus; }

    /** The walk and every MPTCP option found were well formed. */
    public boolean ok() {
        if (walkStatus != Status.OK) return false;
        for (int i = 0; i < count; i++) if (options[i].status != Status.OK) return false;
        return true;
    }
}
