package org.nicemu.api.sock;

import java.util.List;

import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EmuTask;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The socket layer service (net/socket.c {@code __sys_socket()}, {@code sock_sendmsg()}; net/core/sock.c
 * {@code lock_sock()}/{@code release_sock()}; net/core/stream.c waits). Loop thread of the host's
 * emulation for every call.
 */
@ProviderType
public interface SocketLayer {
    /**
     * socket(AF_INET, type, protocol) for {@code task} on {@code host}. Throws
     * IllegalArgumentException naming what is supported when the family/type/protocol is not, or
     * IllegalStateException when the host has no such transport bound now.
     */
    Socket socket(Host host, EmuTask task, int family, int type, int protocol);

    /** The open sockets (descriptors) of {@code host}. */
    List<Socket> sockets(Host host);
}
