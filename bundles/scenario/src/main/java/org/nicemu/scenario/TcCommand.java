package org.nicemu.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;

/**
 * One parsed {@code tc} command line (the words after {@code tc}), as tc/tc.c and tc/tc_qdisc.c
 * read it: global options ({@code -s}), the object ({@code qdisc}, abbreviations allowed), the verb,
 * then {@code dev}, {@code root | parent X:Y}, {@code handle H:} in any order, the kind, and the
 * kind's parameters. {@code migrate} (default) or {@code drop} selects what a swap does with
 * queued packets (DESIGN §6); it may stand anywhere after the verb.
 *
 * @param show    true for {@code tc qdisc show|list|ls}
 * @param stats   {@code -s}: also print statistics
 * @param dev     the device, or null (show: every device)
 * @param request the request to run (null for show)
 */
public record TcCommand(boolean show, boolean stats, String dev, TcRequest request) {
    /** The accepted forms, for error messages. */
    public static final String USAGE = "tc qdisc (add|replace|change|del) dev DEV (root|parent X:Y) [handle H:] KIND [PARAMS...] [migrate|drop]"
            + " | tc [-s] qdisc show [dev DEV]";

    private static final Set<String> MODE_FLAGS = Set.of("migrate", "drop");

    /**
     * Parses the words after {@code tc}.
     *
     * @throws IllegalArgumentException one message naming the bad word and the accepted forms
     */
    public static TcCommand parse(List<String> words) {
        int i = 0;
        boolean stats = false;
        while (i < words.size() && words.get(i).startsWith("-")) {
            String o = words.get(i++);
            if (prefix(o, "-statistics", 2) || prefix(o, "-stats", 2)) {
                stats = true;
            } else if (prefix(o, "-details", 2) || prefix(o, "-pretty", 2)) {
                // accepted and ignored: the output is always the compact form
            } else {
                throw new IllegalArgumentException("tc: unknown option '" + o + "'; accepted: -s (statistics), -d (details); usage: " + USAGE);
            }
        }
        if (i >= words.size()) throw new IllegalArgumentException("tc: missing object; usage: " + USAGE);
        String obj = words.get(i++);
        if (!prefix(obj, "qdisc", 1)) {
            if (prefix(obj, "class", 1) || prefix(obj, "filter", 1) || prefix(obj, "chain", 2) || prefix(obj, "action", 1)) {
                throw new IllegalArgumentException("tc: '" + obj + "' is not supported by nicemu (classes come with their qdisc, there are no filters); usage: " + USAGE);
            }
            throw new IllegalArgumentException("tc: unknown object '" + obj + "'; accepted: qdisc; usage: " + USAGE);
        }
        String verb = i < words.size() ? words.get(i++) : "show";
        TcRequest.Op op;
        switch (verb) {
            case "show": case "list": case "ls": case "lst": case "sh":
                return parseShow(words.subList(i, words.size()), stats);
            case "add": op = TcRequest.Op.ADD; break;
            case "replace": op = TcRequest.Op.REPLACE; break;
            case "change": op = TcRequest.Op.CHANGE; break;
            case "del": case "delete": op = TcRequest.Op.DEL; break;
            case "link":
                throw new IllegalArgumentException("tc qdisc link is not supported; accepted verbs: add, replace, change, del, show");
            default:
                throw new IllegalArgumentException("tc qdisc: unknown verb '" + verb + "'; accepted: add, replace, change, del, show");
        }
        String dev = null;
        String parent = null;
        String handle = null;
        String kind = null;
        Boolean migrate = null;
        List<String> rest = new ArrayList<>();
        while (i < words.size()) {
            String w = words.get(i++);
            switch (w) {
                case "dev":
                    if (dev != null) throw new IllegalArgumentException("tc qdisc: 'dev' given twice");
                    dev = value(words, i++, "dev", "a device name such as eth0");
                    break;
                case "root":
                    if (parent != null) throw new IllegalArgumentException("tc qdisc: give only one of 'root' and 'parent X:Y'");
                    parent = "root";
                    break;
                case "parent":
                    if (parent != null) throw new IllegalArgumentException("tc qdisc: give only one of 'root' and 'parent X:Y'");
                    parent = value(words, i++, "parent", "a class id X:Y in hexadecimal, e.g. 1:2");
                    if (!parent.matches("[0-9a-fA-F]{0,4}:[0-9a-fA-F]{1,4}")) {
                        throw new IllegalArgumentException("tc qdisc: bad parent '" + parent + "'; expected 'root' or a class id X:Y in hexadecimal, e.g. 1:2");
                    }
                    break;
                case "handle":
                    if (handle != null) throw new IllegalArgumentException("tc qdisc: 'handle' given twice");
                    handle = value(words, i++, "handle", "H: with H hexadecimal 1..ffff, e.g. 1:");
                    if (!handle.matches("[0-9a-fA-F]{1,4}(:0*)?") || handle.replaceAll(":.*", "").matches("0+")) {
                        throw new IllegalArgumentException("tc qdisc: bad handle '" + handle + "'; expected H: with H hexadecimal 1..ffff, e.g. 1:");
                    }
                    if (!handle.contains(":")) handle = handle + ":";
                    break;
                case "migrate":
                case "drop":
                    migrate = setMode(migrate, w);
                    break;
                case "estimator": case "stab": case "ingress": case "clsact": case "ingress_block": case "egress_block":
                    throw new IllegalArgumentException("tc qdisc: '" + w + "' is not supported by nicemu; usage: " + USAGE);
                default:
                    kind = w;
                    rest.addAll(words.subList(i, words.size()));
                    i = words.size();
            }
        }
        if (dev == null) throw new IllegalArgumentException("tc qdisc " + verb + ": missing 'dev DEV'; usage: " + USAGE);
        if (parent == null) throw new IllegalArgumentException("tc qdisc " + verb + ": missing 'root' or 'parent X:Y'; usage: " + USAGE);
        if (kind == null && op != TcRequest.Op.DEL) {
            throw new IllegalArgumentException("tc qdisc " + verb + ": missing the qdisc kind (e.g. pfifo, bfifo, prio, tbf, pfifo_fast, mq); usage: " + USAGE);
        }
        QdiscParams params;
        try {
            params = QdiscParams.parse(rest, MODE_FLAGS);
        } catch (QdiscParamException e) {
            throw new IllegalArgumentException("tc qdisc " + verb + " " + kind + ": " + e.getMessage());
        }
        if (params.has("migrate") || params.has("drop")) {
            Map<String, String> m = new LinkedHashMap<>(params.asMap());
            for (String f : MODE_FLAGS) {
                if (m.remove(f) != null) migrate = setMode(migrate, f);
            }
            params = QdiscParams.of(m);
        }
        if (op == TcRequest.Op.DEL && !params.isEmpty()) {
            throw new IllegalArgumentException("tc qdisc del: unexpected parameters '" + params + "'; usage: tc qdisc del dev DEV (root|parent X:Y) [KIND] [migrate|drop]");
        }
        return new TcCommand(false, stats, dev, new TcRequest(op, parent, handle, kind, params, migrate == null || migrate));
    }

    private static TcCommand parseShow(List<String> w, boolean stats) {
        String dev = null;
        for (int i = 0; i < w.size(); i++) {
            String x = w.get(i);
            if (x.equals("dev")) {
                dev = value(w, ++i, "dev", "a device name such as eth0");
            } else if (x.equals("root") || x.equals("invisible")) {
                // accepted: the tree is always shown from the root
            } else if (dev == null && !x.startsWith("-")) {
                dev = x; // tc qdisc show eth0 is accepted by tc as well
            } else {
                throw new IllegalArgumentException("tc qdisc show: unexpected '" + x + "'; usage: tc [-s] qdisc show [dev DEV]");
            }
        }
        return new TcCommand(true, stats, dev, null);
    }

    private static Boolean setMode(Boolean cur, String w) {
        boolean m = w.equals("migrate");
        if (cur != null && cur != m) throw new IllegalArgumentException("tc qdisc: give only one of 'migrate' and 'drop'");
        return m;
    }

    private static String value(List<String> words, int i, String key, String expected) {
        if (i >= words.size()) throw new IllegalArgumentException("tc qdisc: '" + key + "' needs a value: " + expected);
        return words.get(i);
    }

    /** tc's matches(): {@code w} is a prefix of {@code full} at least {@code min} characters long. */
    static boolean prefix(String w, String full, int min) {
        return w.length() >= min && full.startsWith(w);
    }
}
