package org.nicemu.tcp.cc.cubic;

import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCcSock;

/** A plain TcpCcSock for driving congestion control by hand: public fields, no TCP behind them. */
final class FakeSock implements TcpCcSock {
    long cwnd = 10;
    long ssthresh = TcpCc.TCP_INFINITE_SSTHRESH;
    long cwndCnt;
    long clamp = 0xffffffffL;
    long prior;
    long inFlight;
    boolean cwndLimited = true;
    long srtt;
    long minRtt = 0xffffffffL;
    int mss = 1448;
    long delivered;
    long prrOut;
    int caState = TcpCc.TCP_CA_OPEN;
    int una;
    int nxt;
    long now;
    long lsndtime;
    long pacingRate;
    boolean pacing;
    int gsoMaxSize = 65536;

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
