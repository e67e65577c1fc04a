package org.nicemu.api.inet;

/**
 * TCP counters of one host: the Tcp group of /proc/net/snmp and the TcpExt fields of
 * /proc/net/netstat that {@code nstat} shows, plus drops by reason. Loop thread only.
 */
public final class TcpMib {
    public long activeOpens, passiveOpens, attemptFails, estabResets, inSegs, outSegs, retransSegs, inErrs,
            outRsts, inCsumErrors;
    /** Drops by reason in tcp_v4_rcv(): too short / bad data offset, no socket, bad state, backlog full. */
    public long dropTruncated, dropBadOffset, dropNoSocket, dropBadChecksum, dropBacklog, dropListenOverflow,
            dropOldAck, dropOutOfWindow, dropBadRst, dropBadSyn, dropNotAcceptable,
            /** PAWSEstabRejected: RFC 7323 PAWS found the segment's timestamp older than ts_recent. */
            dropPaws;
    /** Segments without ACK in a synchronized state (tcp_rcv_established()/tcp_rcv_state_process() discard them). */
    public long dropNoAck;
    public long delayedAcks, quickAcks, hpHits, pureAcks, ofoQueue, ofoDrop, sackRecovery, renoRecovery,
            fastRetrans, timeouts, lossProbes, spuriousRtos, dsackRecv, dsackSent, sackReneging,
            windowProbes, tsqThrottled, sackReorder, dsackUndo, lossUndo, fullUndo, synRetrans, abortOnData, abortOnClose, twRecycled, zeroWindowAdv,
            pruneCalled, rcvCollapsed, autocorking, paceDelays;
    /** OutOfWindowIcmps: ICMP errors about a sequence number outside snd_una..snd_nxt (tcp_v4_err() ignores them). */
    public long outOfWindowIcmps;

    /** Sum of the drop counters. */
    public long drops() {
        return dropTruncated + dropBadOffset + dropNoSocket + dropBadChecksum + dropBacklog + dropListenOverflow
                + dropOldAck + dropOutOfWindow + dropPaws + dropBadRst + dropBadSyn + dropNotAcceptable + dropNoAck + ofoDrop;
    }
}
