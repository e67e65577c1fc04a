package org.nicemu.scenario;

import java.util.List;

import org.nicemu.api.mptcp.pm.MptcpEndpoint;
import org.nicemu.api.mptcp.pm.MptcpPernet;
import org.nicemu.api.wire.Ipv4Address;

/**
 * {@code ip mptcp endpoint|limits} (iproute2 ip/ipmptcp.c) on a host's {@link MptcpPernet}: the
 * in-kernel path manager's endpoints and limits (net/mptcp/pm_netlink.c). A line is parsed into an
 * {@link Op} first (syntax, addresses, numbers), then applied; the device an endpoint names is
 * checked by the caller (it knows the host), and {@link MptcpPernet} refuses duplicates and values
 * over its limits before it changes anything, so a refused command changes nothing.
 */
final class MptcpCommands {
    static final String USAGE = "ip mptcp endpoint add ADDR [port PORT] [dev IFNAME] [id ID] [signal] [subflow] [backup] | "
            + "ip mptcp endpoint del id ID | ip mptcp endpoint change id ID backup|nobackup | ip mptcp endpoint show [id ID] | ip mptcp endpoint flush | "
            + "ip mptcp limits set [subflows N] [add_addr_accepted N] | ip mptcp limits show";
    private static final String ADD_ACCEPTED = "port PORT, dev IFNAME, id ID, signal, subflow, backup";

    private MptcpCommands() {
    }

    /** A parsed {@code ip mptcp} command. */
    sealed interface Op permits Add, Del, Change, Show, Flush, SetLimits, ShowLimits {
        /** The device the command names, or null. */
        default String dev() {
            return null;
        }
    }

    /** {@code endpoint add}; {@code id} 0 picks the lowest free ID. */
    record Add(int addr, int port, String dev, int id, int flags) implements Op { }

    /** {@code endpoint del id ID}. */
    record Del(int id) implements Op { }

    /** {@code endpoint change id ID backup|nobackup} (MP_PRIO on the subflows from that address). */
    record Change(int id, boolean backup) implements Op { }

    /** {@code endpoint show [id ID]}; {@code id} 0 shows all. */
    record Show(int id) implements Op { }

    /** {@code endpoint flush}. */
    record Flush() implements Op { }

    /** {@code limits set}; -1 leaves a value unchanged. */
    record SetLimits(int subflows, int addAddrAccepted) implements Op { }

    /** {@code limits show}. */
    record ShowLimits() implements Op { }

    /** iproute2's matches(): {@code w} is a non-empty prefix of {@code full}. */
    private static boolean matches(String w, String full) {
        return !w.isEmpty() && full.startsWith(w);
    }

    /** Parses the words after {@code ip mptcp}. */
    static Op parse(List<String> a) {
        if (a.isEmpty()) throw new IllegalArgumentException("ip mptcp: missing object; accepted: endpoint, limits; usage: " + USAGE);
        String obj = a.get(0);
        List<String> rest = a.subList(1, a.size());
        if (matches(obj, "endpoint")) return endpoint(rest);
        if (matches(obj, "limits")) return limits(rest);
        throw new IllegalArgumentException("ip mptcp: unknown object '" + obj + "'; accepted: endpoint, limits; usage: " + USAGE);
    }

    private static Op endpoint(List<String> a) {
        if (a.isEmpty()) return new Show(0);
        String v = a.get(0);
        List<String> r = a.subList(1, a.size());
        if (v.equals("add")) return add(r);
        if (matches(v, "delete")) {
            if (r.size() != 2 || !r.get(0).equals("id")) {
                throw new IllegalArgumentException("ip mptcp endpoint del: expected 'id ID', got '" + String.join(" ", r) + "'; usage: " + USAGE);
            }
            return new Del(number("ip mptcp endpoint del", "id", r.get(1), 1, 255));
        }
        if (matches(v, "change")) {
            if (r.size() != 3 || !r.get(0).equals("id") || !(r.get(2).equals("backup") || r.get(2).equals("nobackup"))) {
                throw new IllegalArgumentException("ip mptcp endpoint change: expected 'id ID backup' or 'id ID nobackup', got '"
                        + String.join(" ", r) + "'; usage: " + USAGE);
            }
            return new Change(number("ip mptcp endpoint change", "id", r.get(1), 1, 255), r.get(2).equals("backup"));
        }
        if (matches(v, "show") || matches(v, "list") || matches(v, "lst")) {
            if (r.isEmpty()) return new Show(0);
            if (r.size() != 2 || !r.get(0).equals("id")) {
                throw new IllegalArgumentException("ip mptcp endpoint show: expected nothing or 'id ID', got '" + String.join(" ", r) + "'; usage: " + USAGE);
            }
            return new Show(number("ip mptcp endpoint show", "id", r.get(1), 1, 255));
        }
        if (matches(v, "flush")) {
            if (!r.isEmpty()) throw new IllegalArgumentException("ip mptcp endpoint flush takes no arguments, got '" + String.join(" ", r) + "'");
            return new Flush();
        }
        throw new IllegalArgumentException("ip mptcp endpoint: unknown verb '" + v + "'; accepted: add, del, change, show, flush; usage: " + USAGE);
    }

    private static Op add(List<String> a) {
        String what = "ip mptcp endpoint add";
        Integer addr = null;
        String addrWord = null;
        int port = -1, id = -1, flags = 0;
        String dev = null;
        for (int i = 0; i < a.size(); i++) {
            String k = a.get(i);
            switch (k) {
                case "port": case "dev": case "id": {
                    if (i + 1 >= a.size()) throw new IllegalArgumentException(what + ": '" + k + "' needs a value; usage: " + USAGE);
                    String val = a.get(++i);
                    if (k.equals("port")) {
                        if (port >= 0) throw new IllegalArgumentException(what + ": 'port' given twice");
                        port = number(what, "port", val, 1, 65535);
                    } else if (k.equals("id")) {
                        if (id >= 0) throw new IllegalArgumentException(what + ": 'id' given twice");
                        id = number(what, "id", val, 0, 255);
                    } else {
                        if (dev != null) throw new IllegalArgumentException(what + ": 'dev' given twice");
                        dev = val;
                    }
                    break;
                }
                case "signal": flags |= MptcpEndpoint.SIGNAL; break;
                case "subflow": flags |= MptcpEndpoint.SUBFLOW; break;
                case "backup": flags |= MptcpEndpoint.BACKUP; break;
                case "fullmesh": case "implicit": case "nobackup": case "nofullmesh":
                    throw new IllegalArgumentException(what + ": '" + k + "' is not modelled; accepted: " + ADD_ACCEPTED);
                default:
                    if (k.isEmpty() || !(Character.isDigit(k.charAt(0)) || k.indexOf(':') >= 0)) {
                        throw new IllegalArgumentException(what + ": unknown keyword '" + k + "'; accepted: ADDR, " + ADD_ACCEPTED);
                    }
                    if (addr != null) {
                        throw new IllegalArgumentException(what + ": one address per endpoint, got '" + k + "' after '" + addrWord + "'; usage: " + USAGE);
                    }
                    if (k.indexOf(':') >= 0) throw new IllegalArgumentException(what + ": '" + k + "' is not an IPv4 address (IPv6 is not modelled); accepted: a dotted quad such as 198.18.0.1");
                    try {
                        addr = Ipv4Address.parse(k);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(what + ": " + e.getMessage());
                    }
                    addrWord = k;
            }
        }
        if (addr == null) throw new IllegalArgumentException(what + ": missing ADDR; usage: " + USAGE);
        if (port > 0 && (flags & MptcpEndpoint.SIGNAL) == 0) {
            // mptcp_pm_nl_add_addr_doit(): "flags must have signal when using port"
            throw new IllegalArgumentException(what + ": 'port' needs the 'signal' flag (the port is announced with ADD_ADDR), as in Linux");
        }
        return new Add(addr, Math.max(port, 0), dev, Math.max(id, 0), flags);
    }

    private static Op limits(List<String> a) {
        if (a.isEmpty()) return new ShowLimits();
        String v = a.get(0);
        List<String> r = a.subList(1, a.size());
        if (matches(v, "show")) {
            if (!r.isEmpty()) throw new IllegalArgumentException("ip mptcp limits show takes no arguments, got '" + String.join(" ", r) + "'");
            return new ShowLimits();
        }
        if (!v.equals("set")) throw new IllegalArgumentException("ip mptcp limits: unknown verb '" + v + "'; accepted: set, show; usage: " + USAGE);
        String what = "ip mptcp limits set";
        int subflows = -1, addAddr = -1;
        for (int i = 0; i < r.size(); i++) {
            String k = r.get(i);
            boolean sub = k.equals("subflows") || k.equals("subflow");
            if (!sub && !k.equals("add_addr_accepted")) {
                throw new IllegalArgumentException(what + ": unknown keyword '" + k + "'; accepted: subflows N, add_addr_accepted N");
            }
            if (i + 1 >= r.size()) throw new IllegalArgumentException(what + ": '" + k + "' needs a value 0.." + MptcpPernet.MAX_LIMIT);
            int n = number(what, k, r.get(++i), 0, MptcpPernet.MAX_LIMIT);
            if (sub) {
                if (subflows >= 0) throw new IllegalArgumentException(what + ": 'subflows' given twice");
                subflows = n;
            } else {
                if (addAddr >= 0) throw new IllegalArgumentException(what + ": 'add_addr_accepted' given twice");
                addAddr = n;
            }
        }
        if (subflows < 0 && addAddr < 0) throw new IllegalArgumentException(what + ": missing 'subflows N' or 'add_addr_accepted N'; usage: " + USAGE);
        return new SetLimits(subflows, addAddr);
    }

    private static int number(String what, String key, String val, int lo, int hi) {
        try {
            int n = Integer.parseInt(val);
            if (n >= lo && n <= hi) return n;
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(what + ": '" + key + "' must be an integer " + lo + ".." + hi + ", got '" + val + "'");
    }

    /**
     * Applies {@code op} to {@code pm} (loop thread; the caller has checked the device). Returns the
     * output: the shows print iproute2's lines, the changes nothing.
     */
    static String apply(MptcpPernet pm, Op op) {
        if (op instanceof Add x) {
            pm.addEndpoint(x.id(), x.addr(), x.port(), x.dev(), x.flags());
            return "";
        }
        if (op instanceof Del x) {
            pm.delEndpoint(x.id());
            return "";
        }
        if (op instanceof Change x) {
            pm.setBackup(x.id(), x.backup());
            return "";
        }
        if (op instanceof Flush) {
            pm.flushEndpoints();
            return "";
        }
        if (op instanceof SetLimits x) {
            pm.setLimits(x.subflows(), x.addAddrAccepted());
            return "";
        }
        if (op instanceof ShowLimits) {
            return "add_addr_accepted " + pm.addAddrAcceptMax() + " subflows " + pm.subflowsMax() + "\n";
        }
        int id = ((Show) op).id();
        StringBuilder sb = new StringBuilder();
        if (id != 0) {
            MptcpEndpoint e = pm.byId(id);
            if (e == null) throw new IllegalArgumentException("mptcp endpoint: no endpoint with id " + id);
            return e.showLine() + "\n";
        }
        for (MptcpEndpoint e : pm.endpoints()) sb.append(e.showLine()).append('\n');
        return sb.toString();
    }
}
