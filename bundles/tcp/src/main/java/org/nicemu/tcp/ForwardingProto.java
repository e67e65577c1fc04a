package org.nicemu.tcp;

import java.util.List;

import org.nicemu.api.emu.Host;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.TcpInfo;

/** A {@link Proto} that forwards to a {@link TcpProto}; the component overrides what it must observe. */
class ForwardingProto implements Proto {
    final TcpProto p;

    ForwardingProto(TcpProto p) { this.p = p; }

    @Override
    public String name() {
        return p.name();
    }

    @Override
    public int protocol() {
        return p.protocol();
    }

    @Override
    public Host host() {
        return p.host();
    }

    @Override
    public Sock create(int cpu) {
        return p.create(cpu);
    }

    @Override
    public int bind(Sock sk, int addr, int port) {
        return p.bind(sk, addr, port);
    }

    @Override
    public int listen(Sock sk, int backlog) {
        return p.listen(sk, backlog);
    }

    @Override
    public int connect(Sock sk, int daddr, int dport) {
        return p.connect(sk, daddr, dport);
    }

    @Override
    public Sock accept(Sock listener) {
        return p.accept(listener);
    }

    @Override
    public int sendmsgLocked(Sock sk, byte[] buf, int off, int len, int flags) {
        return p.sendmsgLocked(sk, buf, off, len, flags);
    }

    @Override
    public int recvmsg(Sock sk, byte[] buf, int off, int len, int flags) {
        return p.recvmsg(sk, buf, off, len, flags);
    }

    @Override
    public boolean writable(Sock sk) {
        return p.writable(sk);
    }

    @Override
    public boolean readable(Sock sk) {
        return p.readable(sk);
    }

    @Override
    public boolean acceptable(Sock listener) {
        return p.acceptable(listener);
    }

    @Override
    public int shutdown(Sock sk, int how) {
        return p.shutdown(sk, how);
    }

    @Override
    public void close(Sock sk) {
        p.close(sk);
    }

    @Override
    public void abort(Sock sk, int err) {
        p.abort(sk, err);
    }

    @Override
    public int setsockopt(Sock sk, int level, int name, long value) {
        return p.setsockopt(sk, level, name, value);
    }

    @Override
    public int setsockopt(Sock sk, int level, int name, String value) {
        return p.setsockopt(sk, level, name, value);
    }

    @Override
    public long getsockopt(Sock sk, int level, int name) {
        return p.getsockopt(sk, level, name);
    }

    @Override
    public String getsockoptString(Sock sk, int level, int name) {
        return p.getsockoptString(sk, level, name);
    }

    @Override
    public void backlogRcv(Sock sk, SkBuff skb) {
        p.backlogRcv(sk, skb);
    }

    @Override
    public void releaseCb(Sock sk) {
        p.releaseCb(sk);
    }

    @Override
    public TcpInfo info(Sock sk) {
        return p.info(sk);
    }

    @Override
    public List<Sock> sockets() {
        return p.sockets();
    }

    @Override
    public void destroy() {
        p.destroy();
    }

    @Override
    public void rcv(SkBuff skb) {
        p.rcv(skb);
    }

}
