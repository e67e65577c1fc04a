package org.nicemu.port.live;

import java.util.List;
import java.util.Locale;

import org.nicemu.port.live.LiveHandle.LiveException;
import org.nicemu.port.live.LiveHandle.LiveException.Kind;

/** The port's user-facing error messages: one clear sentence each, saying what to do. */
final class LiveErrors {
    /** Why a live port refuses a virtual-time emulation. */
    static final String NEEDS_REAL_TIME = "live ports need real time: set \"virtualTime\": false";

    /** What to do without root. */
    static final String PERMISSION_HINT = "run as root, or give the JVM CAP_NET_RAW and CAP_NET_ADMIN"
            + " (e.g. setcap cap_net_raw,cap_net_admin=eip \"$(readlink -f \"$(command -v java)\")\")";

    private LiveErrors() {
    }

    static LiveException noSuchInterface(String ifname, List<String> present) {
        return new LiveException(Kind.NO_SUCH_INTERFACE, "port live: no interface '" + ifname
                + "' in this network namespace; interfaces: " + (present == null || present.isEmpty() ? "(none)" : String.join(", ", present))
                + " (create it first, e.g. ip link add ... type veth, and run nicemu in its namespace with ip netns exec)");
    }

    static LiveException noLibpcap(Throwable e) {
        return new LiveException(Kind.NO_LIBPCAP, "port live: libpcap could not be loaded (" + e
                + "); install the package libpcap0.8 (apt-get install -y libpcap0.8)", e);
    }

    /** Turns a libpcap open/activate error into one of the kinds above. */
    static LiveException classify(String ifname, String pcapMessage, Throwable cause) {
        String m = pcapMessage == null ? "" : pcapMessage;
        String l = m.toLowerCase(Locale.ROOT);
        if (l.contains("permission") || l.contains("operation not permitted") || l.contains("eperm")) {
            return new LiveException(Kind.PERMISSION, "port live: no permission to capture on " + ifname + " (libpcap: " + m
                    + "): " + PERMISSION_HINT, cause);
        }
        if (l.contains("no such device") || l.contains("doesn't exist") || l.contains("no_such_device")) {
            return noSuchInterface(ifname, Interfaces.names());
        }
        return new LiveException(Kind.IO, "port live: cannot open " + ifname + ": " + m, cause);
    }
}
