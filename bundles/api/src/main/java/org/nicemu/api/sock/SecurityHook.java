package org.nicemu.api.sock;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An LSM hook point on the send path: mirrors {@code security_socket_sendmsg()}. Registered as an
 * OSGi service; the socket layer calls every hook before {@code sock_sendmsg_nosec()}; a non-zero
 * (negative errno) result refuses the send with that error. Loop thread; must not block.
 */
@ConsumerType
public interface SecurityHook {
    /** 0 to allow, or a negative errno (e.g. -EPERM) to refuse. */
    int socketSendmsg(Socket sock, int len, int flags);
}
