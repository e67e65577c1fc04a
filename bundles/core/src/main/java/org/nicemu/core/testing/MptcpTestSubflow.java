package org.nicemu.core.testing;

import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.tcp.cc.TcpCc;

/**
 * A plain {@link MptcpSubflowView} for scheduler unit tests: public fields stand for the
 * tcp_sock / mptcp_tcp_sock fields, an established, fully established subflow with an open window by
 * default (cwnd 10, nothing in flight, MSS 1000 bytes, receive window 1 MB).
 */
public final class MptcpTestSubflow implements MptcpSubflowView {
    public final int pathIndex;
    public long srtt;
    public long rttvar = 200_000;
    public long cwnd = 10;
    public long ssthresh = TcpCc.TCP_INFINITE_SSTHRESH;
    public long inFlight;
    public long packetsOut;
    public int mss = 1000;
    public int gsoMaxSegs = 64;
    public long wmemQueued;
    public boolean backup;
    public boolean canSend = true;
    public boolean preEstablished;
    public boolean pf;
    public boolean fullyEstablished = true;
    public boolean secondPacket;
    public long lastEndDataSeq;
    public int caState = TcpCc.TCP_CA_OPEN;
    public boolean reno;
    public int una;
    public int nxt;
    public int writeSeq;
    public int highSeq;
    public long sndWnd = 1 << 20;
    public long bytesSent;
    public long segsOut;
    public Object priv;

    public MptcpTestSubflow(int pathIndex, long srttUs) {
        this.pathIndex = pathIndex;
        this.srtt = srttUs;
    }

    /** Makes the congestion window full: {@code inFlight = packetsOut = cwnd}. */
    public MptcpTestSubflow cwndFull() {
        inFlight = cwnd;
        packetsOut = cwnd;
        return this;
    }

    /** What {@code mptcp_skb_entail()} and the subflow's {@code tcp_write_xmit()} do to these fields for {@code len} bytes in {@code pcount} packets. */
    public void sent(int len, int pcount) {
        writeSeq += len;
        nxt += len;
        inFlight += pcount;
        packetsOut += pcount;
        bytesSent += len;
        segsOut += pcount;
    }

    @Override public int pathIndex() { return pathIndex; }
    @Override public long srttUs() { return srtt; }
    @Override public long rttvarUs() { return rttvar; }
    @Override public long sndCwnd() { return cwnd; }
    @Override public void setSndCwnd(long c) { cwnd = Math.max(1, c); }
    @Override public long sndSsthresh() { return ssthresh; }
    @Override public void setSndSsthresh(long s) { ssthresh = s; }
    @Override public long packetsInFlight() { return inFlight; }
    @Override public long packetsOut() { return packetsOut; }
    @Override public int mssCache() { return mss; }
    @Override public int currentMss() { return mss; }
    @Override public int gsoMaxSegs() { return gsoMaxSegs; }
    @Override public long wmemQueued() { return wmemQueued; }
    @Override public boolean isBackup() { return backup; }
    @Override public boolean canSendState() { return canSend; }
    @Override public boolean preEstablished() { return preEstablished; }
    @Override public boolean pf() { return pf; }
    @Override public boolean fullyEstablished() { return fullyEstablished; }
    @Override public boolean secondPacket() { return secondPacket; }
    @Override public long lastEndDataSeq() { return lastEndDataSeq; }
    @Override public int caState() { return caState; }
    @Override public boolean tcpIsReno() { return reno; }
    @Override public int sndUna() { return una; }
    @Override public int sndNxt() { return nxt; }
    @Override public int writeSeq() { return writeSeq; }
    @Override public int highSeq() { return highSeq; }
    @Override public int wndEnd() { return una + (int) sndWnd; }
    @Override public long bytesSent() { return bytesSent; }
    @Override public long segsOut() { return segsOut; }
    @Override public Object schedPriv() { return priv; }
    @Override public void setSchedPriv(Object p) { priv = p; }

    @Override
    public String toString() {
        return "sub" + pathIndex;
    }
}
