package org.nicemu.api.sock;

import org.nicemu.api.emu.Host;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An OSGi service that makes a transport protocol for each host, registered with
 * {@value #KIND}={@code tcp}. The core binds it to every host ({@code inet_add_protocol}) on the
 * host's loop and unbinds it (calling {@link Proto#destroy()}) when the service goes away.
 */
@ConsumerType
public interface TransportFactory {
    String KIND = "net.proto";

    /** IP protocol number served (6 for TCP). */
    int protocol();

    Proto create(Host host);
}
