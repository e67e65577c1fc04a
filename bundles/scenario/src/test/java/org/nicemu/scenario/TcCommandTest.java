package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.TcRequest;

class TcCommandTest {
    private static TcCommand tc(String line) {
        var w = Words.split(line);
        assertEquals("tc", w.get(0));
        return TcCommand.parse(w.subList(1, w.size()));
    }

    private static String error(String line) {
        return assertThrows(IllegalArgumentException.class, () -> tc(line)).getMessage();
    }

    @Test
    void replaceRootWithParams() {
        TcCommand c = tc("tc qdisc replace dev eth0 root tbf rate 1gbit burst 64kb latency 10ms");
        assertFalse(c.show());
        assertEquals("eth0", c.dev());
        TcRequest r = c.request();
        assertEquals(TcRequest.Op.REPLACE, r.op());
        assertEquals("root", r.parent());
        assertNull(r.handle());
        assertEquals("tbf", r.kind());
        assertEquals(Map.of("rate", "1gbit", "burst", "64kb", "latency", "10ms"), r.params().asMap());
        assertEquals("[rate, burst, latency]", r.params().asMap().keySet().toString());
        assertTrue(r.migrate());
    }

    @Test
    void addUnderParentWithHandleAndDrop() {
        TcRequest r = tc("tc qdisc add dev eth1 parent 1:2 handle 10: pfifo limit 100 drop").request();
        assertEquals(TcRequest.Op.ADD, r.op());
        assertEquals("1:2", r.parent());
        assertEquals("10:", r.handle());
        assertEquals("pfifo", r.kind());
        assertEquals(Map.of("limit", "100"), r.params().asMap());
        assertFalse(r.migrate());
    }

    @Test
    void keywordsInAnyOrderBeforeTheKind() {
        TcRequest r = tc("tc qdisc add handle 1 root dev eth0 migrate prio bands 3 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1").request();
        assertEquals("1:", r.handle());
        assertEquals("root", r.parent());
        assertEquals("prio", r.kind());
        assertEquals("3", r.params().get("bands"));
        assertEquals("1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1", r.params().get("priomap"));
        assertTrue(r.migrate());
    }

    @Test
    void changeAndDelete() {
        TcRequest ch = tc("tc qdisc change dev eth0 root tbf rate 2gbit").request();
        assertEquals(TcRequest.Op.CHANGE, ch.op());
        assertEquals("2gbit", ch.params().get("rate"));
        TcRequest del = tc("tc qdisc del dev eth0 root").request();
        assertEquals(TcRequest.Op.DEL, del.op());
        assertNull(del.kind());
        assertTrue(del.params().isEmpty());
        TcRequest del2 = tc("tc qdisc delete dev eth0 parent :3 pfifo drop").request();
        assertEquals(":3", del2.parent());
        assertEquals("pfifo", del2.kind());
        assertFalse(del2.migrate());
    }

    @Test
    void show() {
        TcCommand s = tc("tc -s qdisc show dev eth0");
        assertTrue(s.show());
        assertTrue(s.stats());
        assertEquals("eth0", s.dev());
        assertNull(s.request());
        TcCommand all = tc("tc qdisc");
        assertTrue(all.show());
        assertFalse(all.stats());
        assertNull(all.dev());
        assertTrue(tc("tc -stats q ls").stats());
    }

    @Test
    void errorsNameTheProblemAndTheForms() {
        assertTrue(error("tc qdisc add root pfifo").contains("missing 'dev DEV'"));
        assertTrue(error("tc qdisc add dev eth0 pfifo").contains("missing 'root' or 'parent X:Y'"));
        assertTrue(error("tc qdisc add dev eth0 root").contains("missing the qdisc kind"));
        assertTrue(error("tc qdisc frob dev eth0 root pfifo").contains("unknown verb 'frob'; accepted: add, replace, change, del, show"));
        assertTrue(error("tc qdisc add dev eth0 parent 1 pfifo").contains("bad parent '1'"));
        assertTrue(error("tc qdisc add dev eth0 root handle 0: pfifo").contains("bad handle '0:'"));
        assertTrue(error("tc qdisc add dev eth0 root handle x: pfifo").contains("bad handle 'x:'"));
        assertTrue(error("tc class add dev eth0 parent 1: classid 1:1 htb").contains("not supported"));
        assertTrue(error("tc qdisc add dev eth0 root pfifo migrate drop").contains("only one of 'migrate' and 'drop'"));
        assertTrue(error("tc qdisc add dev eth0 root tbf rate").contains("parameter 'rate' needs a value"));
        assertTrue(error("tc qdisc add dev eth0 root tbf rate 1 rate 2").contains("given twice"));
        assertTrue(error("tc -x qdisc show").contains("unknown option '-x'"));
        assertTrue(error("tc qdisc del dev eth0 root pfifo limit 3").contains("unexpected parameters"));
        assertTrue(error("tc qdisc add dev eth0 root ingress").contains("not supported"));
        String usage = error("tc qdisc add root pfifo");
        assertTrue(usage.contains("tc qdisc (add|replace|change|del) dev DEV (root|parent X:Y)"), usage);
    }
}
