package org.nicemu.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nicemu.api.sock.SockConst.AF_INET;
import static org.nicemu.api.sock.SockConst.EAGAIN;
import static org.nicemu.api.sock.SockConst.EALREADY;
import static org.nicemu.api.sock.SockConst.EBADF;
import static org.nicemu.api.sock.SockConst.ECONNREFUSED;
import static org.nicemu.api.sock.SockConst.EFAULT;
import static org.nicemu.api.sock.SockConst.EINPROGRESS;
import static org.nicemu.api.sock.SockConst.EISCONN;
import static org.nicemu.api.sock.SockConst.ENOPROTOOPT;
import static org.nicemu.api.sock.SockConst.EPERM;
import static org.nicemu.api.sock.SockConst.EPIPE;
import static org.nicemu.api.sock.SockConst.IPPROTO_TCP;
import static org.nicemu.api.sock.SockConst.IPPROTO_UDP;
import static org.nicemu.api.sock.SockConst.MSG_DONTWAIT;
import static org.nicemu.api.sock.SockConst.MSG_PEEK;
import static org.nicemu.api.sock.SockConst.MSG_WAITALL;
import static org.nicemu.api.sock.SockConst.SHUT_WR;
import static org.nicemu.api.sock.SockConst.SOCK_DGRAM;
import static org.nicemu.api.sock.SockConst.SOCK_STREAM;
import static org.nicemu.api.sock.SockConst.SOL_SOCKET;
import static org.nicemu.api.sock.SockConst.SO_RCVTIMEO;
import static org.nicemu.api.sock.SockConst.SO_SNDBUF;
import static org.nicemu.api.sock.SockConst.SO_SNDTIMEO;
import static org.nicemu.api.sock.SockConst.TCP_ESTABLISHED;
import static org.nicemu.api.sock.SockConst.TCP_NODELAY;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EmuTask;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.SecurityHook;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.Socket;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.core.testing.DeviceHarness;

/**
 * The socket layer over {@link PipeProto} on one host with two CPUs: the client task runs on CPU 0,
 * the server task on CPU 1. Every signal of the pipe takes 10 µs; the send buffer holds 1000 bytes.
 * Application code runs in its task (started with a wake-up) and ends by sleeping, as a thread that
 * has nothing more to do.
 */
class SocketLayerTest {
    static final long US = 1_000;

    final List<PipeProto> protos = new ArrayList<>();
    final DeviceHarness h = new DeviceHarness(1).transport(PipeProto.factory(protos));
    final SocketLayerComponent layer = new SocketLayerComponent();
    Host host;
    CostCounters cc;
    PipeProto proto;
    EmuTask client, server;
    Socket listener, c, a;
    /** Completions: "what=result@µs". */
    final List<String> log = new ArrayList<>();

    @BeforeEach
    void setUp() {
        host = h.addHost("h1", 2);
        cc = host.counters();
        proto = protos.get(0);
        client = host.tasks().newTask("client", 0);
        server = host.tasks().newTask("server", 1);
    }

    /** Runs {@code code} in {@code task}'s context at {@code t} (a wake-up: one context switch). */
    void runAs(EmuTask task, long t, Runnable code) {
        h.at(t, () -> host.tasks().wakeUp(task, code));
    }

    /** The end of a piece of application code: the task has nothing more to do and sleeps. */
    void idle(EmuTask task) {
        if (host.tasks().current(task.cpu()) == task) host.tasks().sleep(task);
    }

    void record(String what, int r) {
        log.add(what + "=" + r + "@" + host.loop().now() / US);
    }

    Socket tcp(EmuTask task) {
        return layer.socket(host, task, AF_INET, SOCK_STREAM, 0);
    }

    /**
     * At 0: the server listens on port 80 and blocks in accept(), the client blocks in connect().
     * The SYN arrives at 10 µs (child queued, the server woken), the SYN-ACK at 20 µs (client woken).
     */
    void establish() {
        h.inLoop(() -> {
            listener = tcp(server);
            assertEquals(0, listener.bind(0, 80));
            assertEquals(0, listener.listen(8));
            c = tcp(client);
        });
        runAs(server, 0, () -> {
            int r = listener.accept(null, (s, err) -> {
                a = s;
                record("accept", err);
                idle(server);
            });
            assertEquals(Socket.PENDING, r);
        });
        runAs(client, 0, () -> {
            int r = c.connect(0, 80, x -> {
                record("connect", x);
                idle(client);
            });
            assertEquals(Socket.PENDING, r);
        });
        h.runUntil(20 * US);
    }

    @Test
    void connectAndAcceptSleepUntilTheHandshake() {
        establish();
        assertEquals(List.of("accept=0@10", "connect=0@20"), log);
        // each task: switched in to start, switched in again by its wake-up
        assertEquals(4, cc.contextSwitches);
        assertEquals(2, client.switches());
        assertEquals(2, server.switches());
        assertEquals("SLEEPING", client.stateName());
        assertSame(server, a.task());
        assertEquals(1, a.sk().cpu);
        assertEquals(0, c.sk().cpu);
        assertEquals(TCP_ESTABLISHED, a.sk().skState);
        assertEquals(TCP_ESTABLISHED, c.sk().skState);
        assertEquals(List.of(listener, c, a), layer.sockets(host));
        // a connected socket: connect again is EISCONN
        h.inLoop(() -> assertEquals(-EISCONN, c.connect(0, 80, null)));
    }

    @Test
    void acceptWithAChildTaskAndAnImmediateChild() {
        establish();
        EmuTask worker = host.tasks().newTask("worker", 1);
        Socket[] got = new Socket[1];
        h.inLoop(() -> {
            Socket c2 = tcp(client);
            c2.setNonBlocking(true);
            assertEquals(-EINPROGRESS, c2.connect(0, 80, null));
        });
        h.runUntil(40 * US);
        // the child is queued already: accept completes at once, through the callback and the return value
        h.inLoop(() -> assertEquals(0, listener.accept(worker, (s, err) -> got[0] = s)));
        assertSame(worker, got[0].task());
        assertEquals(5, layer.sockets(host).size()); // listener, c, a, c2, child
        assertEquals(4, cc.contextSwitches); // nobody had to wait
    }

    @Test
    void blockingSendSleepsUntilThePeerReads() {
        establish();
        long switches0 = cc.contextSwitches, calls0 = cc.sockSendmsgCalls, bytes0 = cc.sockSendmsgBytes;
        byte[] data = new byte[2500];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
        runAs(client, 100 * US, () -> {
            int r = c.send(data, 0, data.length, 0, x -> {
                record("send", x);
                idle(client);
            });
            record("send-returned", r);
        });
        byte[] got = new byte[4000];
        int[] at = {0};
        for (long t : new long[] {150, 200, 250}) {
            h.at(t * US, () -> {
                int n = a.recv(got, at[0], got.length - at[0], MSG_DONTWAIT, null);
                record("read", n);
                at[0] += n;
            });
        }
        h.runUntil(300 * US);
        // 1000 copied at 100 (sleep); read at 150, write space at 160: +1000 (sleep);
        // read at 200, write space at 210: the last 500, done
        assertEquals(List.of("accept=0@10", "connect=0@20", "send-returned=" + Socket.PENDING + "@100",
                "read=1000@150", "read=1000@200", "send=2500@210", "read=500@250"), log);
        assertEquals(3, cc.contextSwitches - switches0); // started, woken at 160, woken at 210
        assertEquals(5, client.switches());
        assertEquals(1, cc.sockSendmsgCalls - calls0);
        assertEquals(2500, cc.sockSendmsgBytes - bytes0);
        assertArrayEquals(data, Arrays.copyOf(got, 2500));
        assertEquals(0, ((SocketImpl) c).pendingCalls());
    }

    @Test
    void nonBlockingSendReturnsWhatFitsThenEagain() {
        establish();
        long switches0 = cc.contextSwitches, calls0 = cc.sockSendmsgCalls, bytes0 = cc.sockSendmsgBytes;
        byte[] data = new byte[2500];
        h.inLoop(() -> {
            c.setNonBlocking(true);
            assertTrue(c.nonBlocking());
            assertEquals(1000, c.send(data, 0, 2500, 0, x -> record("never", x)));
            assertEquals(-EAGAIN, c.send(data, 0, 10, 0, x -> record("never", x)));
            c.setNonBlocking(false);
            assertEquals(-EAGAIN, c.send(data, 0, 10, MSG_DONTWAIT, x -> record("never", x)));
            // recv on an empty queue
            assertEquals(-EAGAIN, c.recv(new byte[10], 0, 10, MSG_DONTWAIT, x -> record("never", x)));
        });
        h.runUntil(200 * US);
        assertEquals(List.of("accept=0@10", "connect=0@20"), log);
        assertEquals(0, cc.contextSwitches - switches0);
        assertEquals(3, cc.sockSendmsgCalls - calls0);
        assertEquals(1000, cc.sockSendmsgBytes - bytes0);
    }

    @Test
    void nonBlockingConnectInProgressAlreadyThenConnected() {
        h.inLoop(() -> {
            listener = tcp(server);
            listener.bind(0, 80);
            listener.listen(8);
            c = tcp(client);
            c.setNonBlocking(true);
            assertEquals(-EINPROGRESS, c.connect(0, 80, x -> record("never", x)));
            assertEquals(-EALREADY, c.connect(0, 80, x -> record("never", x)));
        });
        h.runUntil(20 * US);
        h.inLoop(() -> {
            assertEquals(0, c.connect(0, 80, null)); // Linux: the first connect() after completion returns 0
            assertEquals(-EISCONN, c.connect(0, 80, null));
        });
        assertEquals(List.of(), log);
        assertEquals(0, cc.contextSwitches);
    }

    @Test
    void sendTimeoutReturnsThePartialCountOrEagain() {
        establish();
        long switches0 = cc.contextSwitches, bytes0 = cc.sockSendmsgBytes;
        h.inLoop(() -> {
            assertEquals(0, c.setsockopt(SOL_SOCKET, SO_SNDTIMEO, 30 * US));
            assertEquals(30 * US, c.getsockopt(SOL_SOCKET, SO_SNDTIMEO));
            assertEquals(30 * US, c.sk().skSndtimeoNanos);
        });
        byte[] data = new byte[2500];
        runAs(client, 100 * US, () -> c.send(data, 0, 2500, 0, x -> {
            record("send", x);
            idle(client);
        }));
        runAs(client, 200 * US, () -> c.send(data, 0, 10, 0, x -> {
            record("send2", x);
            idle(client);
        }));
        h.runUntil(300 * US);
        assertEquals(List.of("accept=0@10", "connect=0@20", "send=1000@130", "send2=" + -EAGAIN + "@230"), log);
        assertEquals(4, cc.contextSwitches - switches0); // two starts, two timeouts
        assertEquals(1000, cc.sockSendmsgBytes - bytes0);
    }

    @Test
    void receiveTimeoutIsEagainAndZeroMeansForever() {
        establish();
        h.inLoop(() -> {
            assertEquals(0, a.setsockopt(SOL_SOCKET, SO_RCVTIMEO, 5 * US));
            assertEquals(0, c.setsockopt(SOL_SOCKET, SO_RCVTIMEO, 0));
            assertEquals(Long.MAX_VALUE, c.sk().skRcvtimeoNanos);
            assertEquals(0, c.getsockopt(SOL_SOCKET, SO_RCVTIMEO));
        });
        runAs(server, 100 * US, () -> a.recv(new byte[10], 0, 10, 0, x -> {
            record("recv", x);
            idle(server);
        }));
        h.runUntil(200 * US);
        assertEquals(List.of("accept=0@10", "connect=0@20", "recv=" + -EAGAIN + "@105"), log);
    }

    @Test
    void recvSeesEndOfStreamAndSendAfterShutdownIsEpipe() {
        establish();
        long switches0 = cc.contextSwitches;
        runAs(server, 100 * US, () -> {
            int r = a.recv(new byte[100], 0, 100, 0, x -> {
                record("recv", x);
                idle(server);
            });
            assertEquals(Socket.PENDING, r);
        });
        h.at(150 * US, () -> {
            assertEquals(0, c.shutdown(SHUT_WR));
            assertEquals(-EPIPE, c.send(new byte[10], 0, 10, 0, x -> record("never", x)));
        });
        h.runUntil(300 * US);
        assertEquals(List.of("accept=0@10", "connect=0@20", "recv=0@160"), log);
        assertEquals(2, cc.contextSwitches - switches0);
    }

    @Test
    void msgWaitallWaitsForAllBytes() {
        establish();
        long switches0 = cc.contextSwitches;
        byte[] got = new byte[1500];
        runAs(server, 100 * US, () -> a.recv(got, 0, 1500, MSG_WAITALL, x -> {
            record("recv", x);
            idle(server);
        }));
        byte[] data = new byte[1500];
        Arrays.fill(data, (byte) 5);
        h.at(100 * US, () -> assertEquals(1000, c.send(data, 0, 1000, 0, null)));
        h.at(200 * US, () -> assertEquals(500, c.send(data, 1000, 500, 0, null)));
        h.runUntil(300 * US);
        assertEquals(List.of("accept=0@10", "connect=0@20", "recv=1500@210"), log);
        assertEquals(3, cc.contextSwitches - switches0); // started at 100, woken at 110 (1000 bytes) and 210
        assertArrayEquals(data, got);
    }

    @Test
    void msgPeekLeavesTheData() {
        establish();
        h.at(100 * US, () -> c.send(new byte[] {1, 2, 3}, 0, 3, 0, null));
        h.runUntil(120 * US);
        byte[] b = new byte[10];
        h.inLoop(() -> {
            assertEquals(3, a.recv(b, 0, 10, MSG_PEEK | MSG_WAITALL, null));
            assertEquals(3, a.recv(b, 0, 10, 0, null));
            assertEquals(-EAGAIN, a.recv(b, 0, 10, MSG_DONTWAIT, null));
        });
    }

    @Test
    void connectRefusedWithAndWithoutAnError() {
        runAs(client, 0, () -> {
            c = tcp(client);
            c.connect(0, 81, x -> {
                record("connect", x);
                idle(client);
            });
        });
        h.runUntil(50 * US);
        assertEquals(List.of("connect=" + -ECONNREFUSED + "@10"), log);
        assertEquals(0, c.sk().skErr); // reported once
        assertEquals(2, cc.contextSwitches);

        proto.silentRefuse = true;
        runAs(client, 100 * US, () -> {
            Socket c2 = tcp(client);
            c2.connect(0, 81, x -> {
                record("connect2", x);
                idle(client);
            });
        });
        h.runUntil(200 * US);
        assertEquals("connect2=" + -ECONNREFUSED + "@110", log.get(1));
    }

    @Test
    void securityHookRefusesWithEpermAndNothingIsSent() {
        establish();
        long calls0 = cc.sockSendmsgCalls, bytes0 = cc.sockSendmsgBytes;
        List<String> seen = new ArrayList<>();
        SecurityHook allow = (s, len, flags) -> {
            seen.add("allow " + len);
            return 0;
        };
        SecurityHook deny = (s, len, flags) -> {
            seen.add("deny " + (s == c));
            return -EPERM;
        };
        SecurityHook after = (s, len, flags) -> {
            seen.add("after");
            return 0;
        };
        layer.addSecurityHook(allow);
        layer.addSecurityHook(deny);
        layer.addSecurityHook(after);
        h.inLoop(() -> assertEquals(-EPERM, c.send(new byte[100], 0, 100, 0, x -> record("never", x))));
        h.runUntil(100 * US);
        assertEquals(List.of("allow 100", "deny true"), seen);
        assertEquals(1, cc.sockSendmsgCalls - calls0);
        assertEquals(0, cc.sockSendmsgBytes - bytes0);
        assertEquals(0, c.sk().skWmemQueued);
        h.inLoop(() -> assertEquals(-EAGAIN, a.recv(new byte[10], 0, 10, MSG_DONTWAIT, null)));

        layer.removeSecurityHook(deny);
        h.inLoop(() -> assertEquals(100, c.send(new byte[100], 0, 100, 0, null)));
        assertEquals(List.of("allow 100", "deny true", "allow 100", "after"), seen);
        assertEquals(100, cc.sockSendmsgBytes - bytes0);
    }

    @Test
    void releaseSockProcessesTheBacklogInOrderThenReleaseCb() {
        h.inLoop(() -> {
            SocketImpl s = (SocketImpl) tcp(client);
            Sock sk = s.sk();
            long locks0 = cc.lockAcquired;
            long inUse0 = host.allocator().inUse();
            proto.events.clear();
            s.lockSock();
            assertTrue(sk.ownedByUser);
            assertEquals(1, cc.lockAcquired - locks0);
            for (int n : new int[] {100, 200, 300}) { // as a softirq finding the socket owned would
                SkBuff skb = host.allocator().allocSkb(400);
                skb.put(n);
                sk.skBacklog.addTail(skb);
                sk.skBacklogLen += n;
            }
            assertEquals(600, sk.skBacklogLen);
            assertThrows(IllegalStateException.class, s::lockSock);
            s.releaseSock();
            assertEquals(List.of("skb100 owned", "skb200 owned", "skb300 owned", "releaseCb"), proto.events);
            assertEquals(0, sk.skBacklogLen);
            assertTrue(sk.skBacklog.isEmpty());
            assertFalse(sk.ownedByUser);
            assertEquals(inUse0, host.allocator().inUse());
            assertEquals(1, cc.lockAcquired - locks0);
        });
    }

    @Test
    void closeCompletesPendingCallsWithEbadf() {
        establish();
        runAs(server, 100 * US, () -> a.recv(new byte[10], 0, 10, 0, x -> {
            record("recv", x);
            idle(server);
        }));
        h.at(150 * US, () -> a.close());
        h.runUntil(200 * US);
        assertEquals(List.of("accept=0@10", "connect=0@20", "recv=" + -EBADF + "@150"), log);
        assertEquals(List.of(listener, c), layer.sockets(host));
        h.inLoop(() -> {
            assertEquals(-EBADF, a.recv(new byte[10], 0, 10, 0, null));
            assertEquals(-EBADF, a.send(new byte[10], 0, 10, 0, null));
            assertEquals(0, c.recv(new byte[10], 0, 10, 0, null)); // the peer got the FIN at 160
        });
    }

    @Test
    void aTransportExceptionCompletesTheCallOnceWithEfault() {
        establish();
        runAs(server, 100 * US, () -> a.recv(new byte[10], 0, 10, 0, x -> {
            record("recv", x);
            idle(server);
        }));
        h.at(105 * US, () -> {
            proto.throwOnRecv = new IllegalStateException("boom (expected by the test)");
            c.send(new byte[5], 0, 5, 0, null);
        });
        h.runUntil(300 * US);
        assertEquals(List.of("accept=0@10", "connect=0@20", "recv=" + -EFAULT + "@115"), log);
        assertFalse(a.sk().ownedByUser);
        assertEquals(0, ((SocketImpl) a).pendingCalls());
    }

    @Test
    void optionsOtherThanTimeoutsGoToTheTransport() {
        h.inLoop(() -> {
            Socket s = tcp(client);
            assertEquals(0, s.setsockopt(SOL_SOCKET, SO_SNDBUF, 4000));
            assertEquals(4000, s.getsockopt(SOL_SOCKET, SO_SNDBUF));
            assertEquals(-ENOPROTOOPT, s.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1));
            assertEquals(Long.MIN_VALUE, s.getsockopt(IPPROTO_TCP, TCP_NODELAY));
            assertEquals(-ENOPROTOOPT, s.setsockopt(IPPROTO_TCP, 13, "cubic"));
            assertNull(s.getsockoptString(IPPROTO_TCP, 13));
            assertEquals(0, s.setsockopt(SOL_SOCKET, SO_SNDTIMEO, -1)); // negative: do not wait
            assertEquals(0, s.sk().skSndtimeoNanos);
            assertEquals("UNCONN", s.info().state());
            assertEquals(0, s.sk().cpu);
        });
    }

    @Test
    void unsupportedFamilyTypeOrProtocolAndMissingTransportAreClearErrors() {
        String supported = "supported: family AF_INET (2), type SOCK_STREAM (1), protocol 0 or IPPROTO_TCP (6) or IPPROTO_MPTCP (262)";
        h.inLoop(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.socket(host, client, 10, SOCK_STREAM, 0));
            assertEquals("address family 10 is not supported; " + supported, e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> layer.socket(host, client, AF_INET, SOCK_DGRAM, 0));
            assertEquals("socket type 2 is not supported; " + supported, e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> layer.socket(host, client, AF_INET, SOCK_STREAM, IPPROTO_UDP));
            assertEquals("protocol 17 is not supported; " + supported, e.getMessage());
            layer.socket(host, client, AF_INET, SOCK_STREAM, IPPROTO_TCP);
            assertEquals(1, layer.sockets(host).size());
        });
        DeviceHarness bare = new DeviceHarness(2);
        Host h2 = bare.addHost("h2", 1);
        EmuTask t = h2.tasks().newTask("t", 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> layer.socket(h2, t, AF_INET, SOCK_STREAM, 0));
        assertEquals("host h2 has no TCP (no net.proto=tcp service is active)", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> layer.socket(h2, t, AF_INET, SOCK_STREAM, 262));
        assertEquals("host h2 has no MPTCP (no net.proto=mptcp service is active)", e.getMessage());
        assertEquals(List.of(), layer.sockets(h2));
    }
}
