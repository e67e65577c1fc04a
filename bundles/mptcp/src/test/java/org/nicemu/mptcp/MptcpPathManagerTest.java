package org.nicemu.mptcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.inet.NfHook;
import org.nicemu.api.mptcp.pm.MptcpEndpoint;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.sock.SockConst;

/**
 * The in-kernel path manager on a live connection: an endpoint withdrawn (REMOVE_ADDR, the subflow
 * closes) and announced again (a new MP_JOIN), a subflow turned into a backup and back with MP_PRIO,
 * and an ADD_ADDR whose echo is lost sent again after {@code add_addr_timeout}.
 */
class MptcpPathManagerTest {
    static final long BYTES = 60_000_000L;

    private static Subflow path(MptcpSock m, int remoteAddr) {
        for (Subflow s : m.subflows) if (s.sk().daddr == remoteAddr && s.canSendState()) return s;
        return null;
    }

    /** The last subflow to that address in any state (at the end they are closing). */
    private static Subflow last(MptcpSock m, int remoteAddr) {
        Subflow found = null;
        for (Subflow s : m.subflows) if (s.sk().daddr == remoteAddr) found = s;
        return found;
    }

    private static MptcpSock client(MptcpBed b) {
        var l = b.h1.proto(SockConst.IPPROTO_MPTCP).sockets();
        return l.isEmpty() ? null : MptcpBed.msk(l.get(0));
    }

    @Test
    void endpointWithdrawnAndAnnouncedAgain() {
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null);
        long[] bytesAtRemoval = {-1}, bytesAtReAdd = {-1};
        boolean[] removed = {false}, added = {false};
        MptcpAcceptanceTest.Run r = MptcpAcceptanceTest.run(b, "default", BYTES, t -> {
            MptcpSock m = client(b);
            if (m == null) return;
            if (!removed[0] && t >= 1500 * MptcpBed.MS) {
                removed[0] = true;
                bytesAtRemoval[0] = path(m, MptcpBed.B2).schedBytes;
                b.h2.inet().mptcp.delEndpoint(2);
            } else if (removed[0] && !added[0] && t >= 3000 * MptcpBed.MS) {
                added[0] = true;
                assertEquals(null, path(m, MptcpBed.B2), "the withdrawn path is gone");
                bytesAtReAdd[0] = m.counters.bytesSent;
                b.h2.inet().mptcp.addEndpoint(2, MptcpBed.B2, 0, "eth1", MptcpEndpoint.SIGNAL);
            }
        });
        MptcpAcceptanceTest.reconcile(r, BYTES);
        MptcpCounters c = r.client().counters, s = r.server().counters;
        assertEquals(1, s.rmAddrTx, "REMOVE_ADDR sent");
        assertEquals(1, c.rmAddrRx, "REMOVE_ADDR received");
        assertEquals(2, s.addAddrTx, "announced, then announced again");
        assertEquals(2, c.joinOk, "joined twice");
        Subflow p2 = last(r.client(), MptcpBed.B2);
        assertTrue(p2 != null && p2.schedBytes > 1_000_000, "the path is used again: " + (p2 == null ? "none" : p2.schedBytes));
        System.out.printf("pm: path 2 had %d bytes at removal; re-added at data %d; new subflow %d bytes; client %s%n",
                bytesAtRemoval[0], bytesAtReAdd[0], p2.schedBytes, c.toMap());
    }

    @Test
    void backupWithMpPrioAndBack() {
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null);
        // the client's second address is an endpoint (no flags), so its subflow can be marked backup
        b.h.inLoop(() -> b.h1.inet().mptcp.addEndpoint(2, MptcpBed.A2, 0, "eth1", 0));
        long[] atBackup = {-1}, atActive = {-1};
        MptcpAcceptanceTest.Run r = MptcpAcceptanceTest.run(b, "default", BYTES, t -> {
            MptcpSock m = client(b);
            if (m == null || path(m, MptcpBed.B2) == null) return;
            if (atBackup[0] < 0 && t >= 1500 * MptcpBed.MS) {
                atBackup[0] = path(m, MptcpBed.B2).schedBytes;
                b.h1.inet().mptcp.setBackup(2, true);
            } else if (atBackup[0] >= 0 && atActive[0] < 0 && t >= 3500 * MptcpBed.MS) {
                atActive[0] = path(m, MptcpBed.B2).schedBytes;
                b.h1.inet().mptcp.setBackup(2, false);
            }
        });
        MptcpAcceptanceTest.reconcile(r, BYTES);
        MptcpCounters c = r.client().counters, s = r.server().counters;
        assertEquals(2, c.mpPrioTx, "MP_PRIO backup, then MP_PRIO active");
        assertEquals(2, s.mpPrioRx);
        Subflow p2 = last(r.client(), MptcpBed.B2);
        assertEquals(2, p2.localId, "the join used the endpoint's ID");
        // while backup, the default scheduler puts nothing new on it (one cwnd of segments may already be queued)
        assertTrue(atActive[0] - atBackup[0] < 500_000, "no new data while backup: " + atBackup[0] + " -> " + atActive[0]);
        assertTrue(p2.schedBytes > atActive[0] + 1_000_000, "used again once active: " + atActive[0] + " -> " + p2.schedBytes);
        assertTrue(!p2.isBackup(), "active at the end");
    }

    /** Drops the first ADD_ADDR echo h1 sends on eth0. */
    static final class DropEcho implements NfHook {
        Device h1eth0;
        int dropped;

        @Override
        public int hook(SkBuff skb, Device out) {
            if (out != h1eth0 || dropped > 0) return NF_ACCEPT;
            byte[] b = skb.head();
            int ip = skb.dataOffset();
            if ((b[ip + 9] & 0xff) != 6) return NF_ACCEPT;
            int tcp = ip + (b[ip] & 0x0f) * 4;
            int end = tcp + ((b[tcp + 12] & 0xf0) >>> 4) * 4;
            for (int p = tcp + 20; p + 2 < end;) {
                int kind = b[p] & 0xff;
                if (kind == 0) break;
                if (kind == 1) { p++; continue; }
                // ADD_ADDR subtype 3, echo flag in the low nibble
                if (kind == 30 && (b[p + 2] & 0xf0) >>> 4 == 3 && (b[p + 2] & 0x01) != 0) {
                    dropped++;
                    return NF_DROP;
                }
                p += Math.max(2, b[p + 1] & 0xff);
            }
            return NF_ACCEPT;
        }
    }

    @Test
    void addAddrSentAgainWhenItsEchoIsLost() {
        DropEcho drop = new DropEcho();
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null, drop);
        drop.h1eth0 = b.d10;
        b.h.inLoop(() -> b.h2.inet().mptcp.addAddrTimeoutNanos = 1_000_000_000L);
        MptcpAcceptanceTest.Run r = MptcpAcceptanceTest.run(b, "default", 20_000_000L, t -> {
        });
        assertEquals(1, drop.dropped, "one echo dropped");
        assertEquals(1, r.server().counters.addAddrRetrans, "ADD_ADDR retransmitted once after 1 s");
        assertEquals(2, r.server().counters.addAddrTx);
        assertEquals(2, r.client().counters.addAddrRx, "the client got both");
        assertEquals(1, r.client().counters.joinOk, "and joined once");
    }
}
