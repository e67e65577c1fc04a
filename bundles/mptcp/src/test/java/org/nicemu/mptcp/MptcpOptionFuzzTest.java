package org.nicemu.mptcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.mptcp.wire.MptcpOption;
import org.nicemu.mptcp.wire.MptcpOptions;

/**
 * Bad MPTCP options on a live two-path connection: 30,000 pure ACKs that TCP accepts (the right
 * ports, sequence and acknowledgement numbers) carry random or mutated MPTCP options into both hosts
 * — malformed lengths, unknown subtypes, DSS mappings without data or far outside the data-level
 * window, DATA_FINs at wrong places, DATA_ACKs beyond what was sent, ADD_ADDRs with wrong HMACs,
 * MP_FASTCLOSEs with wrong keys, REMOVE_ADDRs for unknown IDs. Nothing may throw, nothing may be
 * lost: the 60 MB stream still arrives byte-exact over both subflows, and the rejected options are
 * counted. (An on-path attacker who knows the keys or sends in-range DATA_ACKs can break any MPTCP
 * connection; those are not generated.)
 */
class MptcpOptionFuzzTest {
    static final long BYTES = 60_000_000L;
    static final byte[] MAC_H1_ETH0 = {2, 0, 0, 0, 0, 0x10}, MAC_H2_ETH0 = {2, 0, 0, 0, 0, 0x20};

    private final SplittableRandom rnd = new SplittableRandom(2026);
    private final MptcpOption opt = new MptcpOption();
    private int injected;

    @Test
    void malformedAndHostileOptionsChangeNothing() {
        MptcpBed b = new MptcpBed(MptcpTransferTest.FAST, MptcpTransferTest.SLOW, null);
        MptcpBed.Sink[] sink = new MptcpBed.Sink[1];
        MptcpBed.Bulk[] bulk = new MptcpBed.Bulk[1];
        b.h.inLoop(() -> {
            sink[0] = b.new Sink(5001);
            bulk[0] = b.new Bulk(5001, BYTES, "roundrobin", 9);
        });
        long t0 = b.h.now();
        while (!sink[0].eof && b.h.now() < t0 + 300 * MptcpBed.S) {
            b.h.runUntil(b.h.now() + 20 * MptcpBed.MS);
            if (injected >= 30_000) continue;
            b.h.inLoop(() -> {
                MptcpSock client = MptcpBed.msk(bulk[0].sk);
                MptcpSock server = sink[0].conn == null ? null : MptcpBed.msk(sink[0].conn);
                if (server == null || client.subflows.isEmpty() || client.sendHead == null) return;
                Subflow c = client.subflows.get(0), s = server.subflows.get(0);
                long now = b.h.now();
                for (int i = 0; i < 150; i++) {
                    // to h2 (the receiver), as if from h1: seq = h1's snd_nxt, ack = h1's rcv_nxt
                    byte[] f = ack(MAC_H1_ETH0, MAC_H2_ETH0, MptcpBed.A1, MptcpBed.B1, c.sk().sport, 5001, c.tcp.sndNxt(), c.tcp.rcvNxt(),
                            hostileOptions(server, client));
                    b.d20.nic().receive(now, f, 0, f.length);
                    // to h1 (the sender), as if from h2
                    f = ack(MAC_H2_ETH0, MAC_H1_ETH0, MptcpBed.B1, MptcpBed.A1, 5001, c.sk().sport, s.tcp.sndNxt(), s.tcp.rcvNxt(),
                            hostileOptions(client, server));
                    b.d10.nic().receive(now, f, 0, f.length);
                    injected += 2;
                }
            });
        }
        b.h.runUntil(b.h.now() + MptcpBed.S);
        assertTrue(injected >= 30_000, "injected " + injected);
        assertTrue(sink[0].eof, "end of stream (received " + sink[0].bytes + ")");
        assertEquals(0, bulk[0].err);
        assertEquals(BYTES, sink[0].bytes);
        assertEquals(MptcpBed.hex(bulk[0].sha.digest()), MptcpBed.hex(sink[0].sha.digest()), "SHA-256 despite the hostile options");
        MptcpSock client = MptcpBed.msk(bulk[0].sk), server = MptcpBed.msk(sink[0].conn);
        assertEquals(0, client.counters.fallbacks + server.counters.fallbacks, "no fallback");
        assertEquals(0, client.counters.fastcloseRx + server.counters.fastcloseRx, "no MP_FASTCLOSE accepted (wrong keys)");
        assertTrue(server.counters.badMappings > 1000, "bad mappings counted: " + server.counters.badMappings);
        assertTrue(client.counters.badOptions + server.counters.badOptions > 1000, "malformed options counted");
        for (Subflow s : client.subflows) assertTrue(s.schedBytes > 1_000_000, "both subflows kept carrying data: " + s.schedBytes);
        System.out.printf("mptcp fuzz: %d frames injected; client %s; server %s%n", injected, client.counters.toMap(), server.counters.toMap());
    }

    /** MPTCP options for a segment to {@code to} (whose peer is {@code from}): one of several hostile kinds. */
    private byte[] hostileOptions(MptcpSock to, MptcpSock from) {
        byte[] o = new byte[40];
        int n;
        switch (rnd.nextInt(9)) {
            case 0 -> { // random bytes behind kind 30 with a random length
                o[0] = 30;
                o[1] = (byte) rnd.nextInt(2, 41);
                for (int i = 2; i < 40; i++) o[i] = (byte) rnd.nextInt();
                n = 40;
            }
            case 1 -> { // a DSS mapping on a segment without data
                opt.dss().withDataAck(to.rcvq.rcvNxt, true).withMapping(to.rcvq.rcvNxt + rnd.nextInt(1 << 20), true, rnd.nextInt(), 1 + rnd.nextInt(65535), false);
                n = MptcpOptions.write(opt, o, 0);
            }
            case 2 -> { // a DATA_FIN far beyond the window, or before rcv_nxt
                long dsn = rnd.nextBoolean() ? to.rcvq.rcvNxt + (1L << 40) : to.rcvq.rcvNxt - 1 - rnd.nextInt(1 << 20);
                opt.dss().withMapping(dsn, true, 0, 1, true);
                n = MptcpOptions.write(opt, o, 0);
            }
            case 3 -> { // a DATA_ACK beyond what was sent, or old
                long ack = rnd.nextBoolean() ? to.sndNxt + 1 + rnd.nextInt(1 << 30) : to.sndUna - 1 - rnd.nextInt(1 << 20);
                opt.dss().withDataAck(ack, true);
                n = MptcpOptions.write(opt, o, 0);
            }
            case 4 -> { // ADD_ADDR with a wrong HMAC
                opt.addAddr4(1 + rnd.nextInt(200), 0xc6120000 | rnd.nextInt(1 << 16), 0, false, rnd.nextLong());
                n = MptcpOptions.write(opt, o, 0);
            }
            case 5 -> { // MP_FASTCLOSE with a wrong key
                opt.mpFastclose(rnd.nextLong());
                n = MptcpOptions.write(opt, o, 0);
            }
            case 6 -> { // REMOVE_ADDR of IDs nobody announced
                opt.removeAddr(new byte[] {(byte) (100 + rnd.nextInt(100))}, 0, 1);
                n = MptcpOptions.write(opt, o, 0);
            }
            case 7 -> { // an MP_CAPABLE or MP_JOIN where none belongs
                if (rnd.nextBoolean()) opt.mpCapableAck(1, rnd.nextLong(), rnd.nextLong());
                else opt.mpJoinSyn(false, 1, rnd.nextInt(), rnd.nextInt());
                n = MptcpOptions.write(opt, o, 0);
            }
            default -> { // a valid DSS whose length byte is off by a few
                opt.dss().withDataAck(to.rcvq.rcvNxt, true);
                n = MptcpOptions.write(opt, o, 0);
                o[1] = (byte) (o[1] + 1 + rnd.nextInt(5));
            }
        }
        n = Math.min(40, (n + 3) & ~3);
        byte[] r = new byte[n];
        System.arraycopy(o, 0, r, 0, n);
        return r;
    }

    /** An Ethernet/IPv4/TCP pure ACK with {@code opts} (a multiple of 4 bytes) and correct checksums. */
    static byte[] ack(byte[] src, byte[] dst, int saddr, int daddr, int sport, int dport, int seq, int ackSeq, byte[] opts) {
        int tcpLen = 20 + opts.length;
        byte[] f = new byte[14 + 20 + tcpLen];
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (EthernetHeader.ETH_P_IP >>> 8);
        f[13] = (byte) EthernetHeader.ETH_P_IP;
        Ipv4Header.write(f, 14, 0, 20 + tcpLen, 1, Ipv4Header.IP_DF, 64, 6, saddr, daddr);
        Ipv4Header.setChecksum(f, 14);
        int th = 34;
        TcpHeader.setSrcPort(f, th, sport);
        TcpHeader.setDstPort(f, th, dport);
        TcpHeader.setSeq(f, th, seq);
        TcpHeader.setAckSeq(f, th, ackSeq);
        TcpHeader.setHeaderLength(f, th, tcpLen);
        TcpHeader.setFlags(f, th, TcpHeader.ACK);
        TcpHeader.setWindow(f, th, 65535);
        System.arraycopy(opts, 0, f, th + 20, opts.length);
        TcpHeader.setChecksum(f, th, saddr, daddr, tcpLen);
        return f;
    }
}
