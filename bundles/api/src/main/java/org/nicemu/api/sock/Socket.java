package org.nicemu.api.sock;

import java.util.function.IntConsumer;

import org.nicemu.api.exec.EmuTask;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A socket as an emulated application task uses it: mirrors {@code struct socket} with
 * {@code inet_stream_ops} and the system calls on it (net/socket.c, net/ipv4/af_inet.c). Loop thread,
 * called from the owning task's context.
 *
 * <p>Blocking without threads: a call that completes at once returns its result (bytes or 0, or a
 * negative errno). A blocking call that must wait returns {@link #PENDING}; the task is put to sleep
 * (context switch counted) and {@code done} is called later, in the task's context after it is woken,
 * with the result. Non-blocking sockets (or MSG_DONTWAIT) return -EAGAIN / -EINPROGRESS instead of
 * waiting. Each call completes exactly once, either by its return value or through {@code done}.
 */
@ProviderType
public interface Socket {
    /** Returned by a blocking call that will complete through its callback. */
    int PENDING = Integer.MIN_VALUE;

    /** The accept callback: the new socket, or null with a negative errno. */
    interface AcceptDone {
        void accepted(Socket s, int err);
    }

    Sock sk();

    EmuTask task();

    /** O_NONBLOCK. */
    void setNonBlocking(boolean nonBlocking);

    boolean nonBlocking();

    int bind(int addr, int port);

    int listen(int backlog);

    /** connect(): 0 when established, -EINPROGRESS (non-blocking), -ECONNREFUSED, -ETIMEDOUT, ... */
    int connect(int daddr, int dport, IntConsumer done);

    /**
     * accept(): a new socket for the next connection, run by {@code task} (null: the listener's task).
     * Completes immediately through {@code done} and returns 0, or returns {@link #PENDING}, or a -errno.
     */
    int accept(EmuTask task, AcceptDone done);

    /**
     * sendmsg() (sock_sendmsg → security hook → lock_sock → tcp_sendmsg_locked → release_sock): a
     * blocking send completes when all {@code len} bytes are queued (or with the partial count and an
     * error / timeout); returns bytes queued or -errno.
     */
    int send(byte[] buf, int off, int len, int flags, IntConsumer done);

    /** recvmsg(): bytes received (at least 1, all with MSG_WAITALL), 0 at end of stream, or -errno. */
    int recv(byte[] buf, int off, int len, int flags, IntConsumer done);

    int shutdown(int how);

    /** close(): the descriptor goes away; the connection closes gracefully in the background. */
    void close();

    int setsockopt(int level, int name, long value);

    int setsockopt(int level, int name, String value);

    /** Numeric option, or Long.MIN_VALUE for an unknown one. */
    long getsockopt(int level, int name);

    String getsockoptString(int level, int name);

    /** tcp_info for {@code ss}. */
    TcpInfo info();
}
