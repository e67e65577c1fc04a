package org.nicemu.core.testing;

import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCcSock;

/**
 * A plain {@link TcpCcSock} for driving congestion-control modules by hand in unit tests: public
 * fields stand for the tcp_sock fields, no TCP behind them.
 */
public final class CcTestSock implements TcpCcSock {
    public long cwnd = 10;
    public long ssthresh = TcpCc.TCP_INFINITE_SSTHRESH;
    public long cwndCnt;
    public long clamp = 0xffffffffL;
    public long prior;
    public long inFlight;
    public boolean cwndLimited = true;
    public long srtt;
    public long minRtt = 0xffffffffL;
    public int mss = 1448;
    public long delivered;
    public long prrOut;
    public int caState = TcpCc.TCP_CA_OPEN;
    public int una;
    public int nxt;
    public long now;
    public long lsndtime;
    public long pacingRate;
    public boolean pacing;
    public int gsoMaxSize = 65536;

    @Override public long sndCwnd() { return cwnd; }
    @Override public void setSndCwnd(long c) { cwnd = c; }
    @Override public long sndSsthresh() { return ssthresh; }
    @Override public void setSndSsthresh(long s) { ssthresh = s; }
    @Override public long sndCwndCnt() { return cwndCnt; }
    @Override public void setSndCwndCnt(long c) { cwndCnt = c; }
    @Override public long sndCwndClamp() { return clamp; }
    @Override public long priorCwnd() { return prior; }
    @Override public long packetsInFlight() { return inFlight; }
    @Override public boolean isCwndLimited() { return cwndLimited; }
    @Override public long srttUs() { return srtt; }
    @Override public long minRttUs() { return minRtt; }
    @Override public int mssCache() { return mss; }
    @Override public long deliveredPackets() { return delivered; }
    @Override public long prrOut() { return prrOut; }
    @Override public int caState() { return caState; }
    @Override public int sndUna() { return una; }
    @Override public int sndNxt() { return nxt; }
    @Override public long nowUs() { return now; }
    @Override public long lsndtimeUs() { return lsndtime; }
    @Override public long pacingRate() { return pacingRate; }
    @Override public boolean pacingEnabled() { return pacing; }
    @Override public int gsoMaxSize() { return gsoMaxSize; }
}
