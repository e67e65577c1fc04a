package org.nicemu.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nicemu.core.testing.Tshark;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Hardware in the loop (issue 5, docs/hil.md): the exported emulator ({@code cnf/target/nicemu.jar
 * run}) on live ports in one network namespace, the unmodified Linux kernel in another, joined by
 * veth pairs ({@link HilBed}, hil/testbed.sh). Every transfer is 50 MB; the SHA-256 the emulator
 * reports in summary.json is compared with the one the Linux peer (hil/peer.py) computed, and both
 * the emulator's pcap and a dumpcap capture on the Linux side pass tshark with checksum validation
 * (and MPTCP analysis). Root only: skipped with a one-line reason otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HilTest {
    static final long MB50 = 50_000_000L;

    static String flowBulk(String proto, String cc, long bytes, String extra) {
        return String.format(Locale.ROOT, "{\"name\": \"up\", \"kind\": \"bulk\", \"from\": \"h1\", \"to\": \"198.18.1.2\", \"port\": 5001, \"bytes\": %d, "
                + "\"protocol\": \"%s\"%s%s}", bytes, proto, cc == null ? "" : ", \"cc\": \"" + cc + "\"", extra);
    }

    static String action(String at, String cmd) {
        return String.format(Locale.ROOT, "{\"at\": \"%s\", \"host\": \"h1\", \"cmd\": \"%s\"}", at, cmd);
    }

    static JsonNode action(JsonNode summary, String cmdPrefix) {
        for (JsonNode a : summary.path("actions")) if (a.path("cmd").asText().startsWith(cmdPrefix)) return a;
        throw new AssertionError("no action " + cmdPrefix + " in summary");
    }

    /** tshark on the emulator's pcap(s) and on the Linux capture; returns one line for the results. */
    static String tshark(HilBed bed, boolean mptcp, boolean twoPaths) throws Exception {
        List<String> lines = new ArrayList<>();
        Tshark.Report e0 = bed.checkPcap(bed.emuPcap("eth0"), mptcp, "emulator pcap eth0");
        lines.add(HilBed.tsharkLine("emulator eth0", e0));
        if (twoPaths) {
            Tshark.Report e1 = bed.checkPcap(bed.emuPcap("eth1"), mptcp, "emulator pcap eth1");
            lines.add(HilBed.tsharkLine("emulator eth1", e1));
        }
        Tshark.Report l = bed.checkPcap(bed.linuxPcap(), mptcp, "Linux capture");
        lines.add(HilBed.tsharkLine("Linux capture", l));
        return String.join(" | ", lines);
    }

    // ---- a. ping and ARP both ways ------------------------------------------------------------

    @Test
    @Order(1)
    void linuxPingsTheEmulatedHostAndArpWorksBothWays() throws Exception {
        try (HilBed bed = HilBed.open("ping-arp")) {
            Process cap = bed.captureLinux();
            Process srv = bed.peer("srv", "server", "--port", "5001", "--timeout", "60");
            String linuxMac = bed.inLinux("cat", "/sys/class/net/" + bed.n("LNX_IF1") + "/address").strip();
            // 0 ms: marker; Linux pings; 2 s: the emulator knows Linux's MAC from Linux's ARP request;
            // 2.5 s: flush; 3 s: a 1 MB TCP flow makes the emulator resolve Linux itself; 4 s: neighbour again
            String actions = String.join(",\n  ", action("0ms", "ip neigh show"), action("2s", "ip neigh show dev eth0"),
                    action("2500ms", "ip neigh flush dev eth0"), action("4s", "ip neigh show dev eth0"));
            Process emu = bed.emulator(bed.scenario("cubic", false, flowBulk("tcp", "cubic", 1_000_000, ", \"start\": \"3s\""), actions, "20s"));
            String marker = HilBed.awaitLine(bed.dir.resolve("emulator.log"), emu, s -> s.contains("h1: ip neigh show") && !s.contains("dev"), 60_000);
            assertTrue(marker != null, "the emulator started its run: " + bed.emulatorLog());
            String ping = HilBed.sh(false, 20, "ip", "netns", "exec", bed.n("LNX_NS"), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.1.1");
            String linuxNeigh = bed.inLinux("ip", "neigh", "show", "dev", bed.n("LNX_IF1"));
            JsonNode sum = bed.emulatorResult(emu, 60);
            JsonNode peer = bed.peerResult("srv", srv, 20);
            String capLine = bed.stopCapture(cap);

            assertTrue(ping.contains("3 packets transmitted, 3 received"), "3 echo replies from the emulated host:\n" + ping);
            assertTrue(linuxNeigh.contains("198.18.1.1 lladdr " + HilBed.EMU_MAC1), "Linux learned the emulated MAC by ARP: " + linuxNeigh);
            String before = action(sum, "ip neigh show dev eth0").path("output").asText();
            JsonNode after = null;
            for (JsonNode a : sum.path("actions")) if (a.path("cmd").asText().equals("ip neigh show dev eth0")) after = a;
            assertTrue(before.contains("198.18.1.2") && before.contains(linuxMac), "the emulator learned Linux's MAC from its ARP request: " + before);
            assertTrue(after.path("output").asText().contains(linuxMac), "the emulator resolved Linux's MAC itself after the flush: " + after);
            assertEquals(sum.path("flows").get(0).path("sha256_sent").asText(), peer.path("sha256_received").asText(), "1 MB flow after the flush");

            // ARP both ways in the emulator's own capture: each side asked and each side answered
            String arp = HilBed.sh(true, 60, Tshark.executable(), "-r", bed.emuPcap("eth0").toString(), "-n", "-Y", "arp || icmp", "-T", "fields", "-E",
                    "separator=|", "-e", "eth.src", "-e", "arp.opcode", "-e", "arp.dst.proto_ipv4", "-e", "icmp.type");
            long emuReq = 0, emuRep = 0, lnxReq = 0, lnxRep = 0, echoReq = 0, echoRep = 0;
            for (String l : arp.split("\n")) {
                String[] f = l.split("\\|", -1);
                if (f.length < 4) continue;
                boolean fromEmu = f[0].equalsIgnoreCase(HilBed.EMU_MAC1);
                if (f[1].equals("1") && f[2].equals("198.18.1.2") && fromEmu) emuReq++;
                if (f[1].equals("2") && !fromEmu) lnxRep++;
                if (f[1].equals("1") && f[2].equals("198.18.1.1") && !fromEmu) lnxReq++;
                if (f[1].equals("2") && fromEmu) emuRep++;
                if (f[3].equals("8")) echoReq++;
                if (f[3].equals("0")) echoRep++;
            }
            assertTrue(emuReq >= 1 && lnxRep >= 1, "the emulator asked for Linux's MAC and Linux answered: " + arp);
            assertTrue(lnxReq >= 1 && emuRep >= 1, "Linux asked for the emulated MAC and the emulator answered: " + arp);
            assertEquals(3, echoReq, "echo requests seen by the emulator");
            assertEquals(3, echoRep, "echo replies sent by the emulator");
            String ts = tshark(bed, false, false);
            HilBed.result(String.format(Locale.ROOT, "a ping/ARP: %s | Linux neigh: %s | emulator neigh: %s | ARP in the emulator's pcap: emu requests %d, Linux replies %d, Linux requests %d, emu replies %d; ICMP echo %d/%d | dumpcap: %s | %s",
                    ping.lines().filter(l -> l.contains("packets transmitted") || l.startsWith("rtt")).reduce("", (x, y) -> x + y.strip() + "; "), linuxNeigh.strip(),
                    after.path("output").asText().strip(), emuReq, lnxRep, lnxReq, emuRep, echoReq, echoRep, capLine, ts));
            bed.dropCaptures();
        }
    }

    // ---- b. TCP: emulator client -> Linux server ----------------------------------------------

    @ParameterizedTest(name = "emulator {0} -> Linux bbr, 50 MB")
    @ValueSource(strings = {"cubic", "reno"})
    @Order(2)
    void tcpEmulatorClientToLinuxServer(String cc) throws Exception {
        try (HilBed bed = HilBed.open("tcp-emu-to-linux-" + cc)) {
            Process cap = bed.captureLinux();
            Process srv = bed.peer("srv", "server", "--port", "5001", "--timeout", "150");
            Process emu = bed.emulator(bed.scenario(cc, false, flowBulk("tcp", cc, MB50, ", \"start\": \"10ms\""), "", "120s"));
            JsonNode sum = bed.emulatorResult(emu, 180);
            JsonNode peer = bed.peerResult("srv", srv, 30);
            String capLine = bed.stopCapture(cap);
            JsonNode f = sum.path("flows").get(0);
            assertTrue(f.path("done").asBoolean() && f.path("error").isNull(), "flow: " + f);
            assertEquals(MB50, f.path("bytes").asLong());
            assertEquals(MB50, peer.path("bytes_received").asLong(), "bytes Linux received");
            assertEquals(f.path("sha256_sent").asText(), peer.path("sha256_received").asText(), "SHA-256 sent by the emulator = received by Linux");
            assertEquals(cc, f.path("sender").path("tcpInfo").path("cc").asText(), "the emulator's congestion control");
            assertEquals("bbr", peer.path("cc").asText(), "Linux keeps its default congestion control");
            String ts = tshark(bed, false, false);
            JsonNode ti = f.path("sender").path("tcpInfo");
            HilBed.result(String.format(Locale.ROOT, "b TCP emulator(%s) -> Linux(bbr) 50 MB: SHA-256 equal %s; emulator goodput %.0f Mbit/s, Linux-measured %.0f Mbit/s; emulator retrans %d, cwnd %d, rtt %d us | dumpcap: %s | %s",
                    cc, f.path("sha256_sent").asText().substring(0, 16), f.path("goodputBps").asLong() / 1e6, peer.path("mbit_per_s").asDouble(),
                    ti.path("totalRetrans").asLong(), ti.path("cwnd").asLong(), ti.path("rttUs").asLong(), capLine, ts));
            bed.dropCaptures();
        }
    }

    // ---- c. TCP: Linux client -> emulator server (sink) ----------------------------------------

    @ParameterizedTest(name = "Linux bbr -> emulator {0}, 50 MB")
    @ValueSource(strings = {"cubic", "reno"})
    @Order(3)
    void tcpLinuxClientToEmulatorServer(String cc) throws Exception {
        try (HilBed bed = HilBed.open("tcp-linux-to-emu-" + cc)) {
            Process cap = bed.captureLinux();
            String flows = "{\"name\": \"down\", \"kind\": \"sink\", \"host\": \"h1\", \"listen\": 5002}";
            Process emu = bed.emulator(bed.scenario(cc, false, flows, action("0ms", "ip neigh show"), "120s"));
            assertTrue(HilBed.awaitLine(bed.dir.resolve("emulator.log"), emu, s -> s.contains("h1: ip neigh show"), 60_000) != null,
                    "the emulator started its run: " + bed.emulatorLog());
            Process cli = bed.peer("cli", "client", "--connect", "198.18.1.1", "--port", "5002", "--send", Long.toString(MB50), "--seed", "7", "--timeout", "150");
            JsonNode peer = bed.peerResult("cli", cli, 160);
            JsonNode sum = bed.emulatorResult(emu, 60);
            String capLine = bed.stopCapture(cap);
            JsonNode f = sum.path("flows").get(0);
            assertTrue(f.path("done").asBoolean() && f.path("error").isNull(), "flow: " + f);
            assertEquals(MB50, peer.path("bytes_sent").asLong());
            assertEquals(MB50, f.path("bytesReceived").asLong(), "bytes the emulator received");
            assertEquals(peer.path("sha256_sent").asText(), f.path("sha256_received").asText(), "SHA-256 sent by Linux = received by the emulator");
            assertEquals("bbr", peer.path("cc").asText());
            JsonNode ti = f.path("receiver").path("tcpInfo");
            assertEquals(cc, ti.path("cc").asText(), "the emulator's (server's) congestion control from its sysctl");
            String ts = tshark(bed, false, false);
            HilBed.result(String.format(Locale.ROOT, "c TCP Linux(bbr) -> emulator(%s) 50 MB: SHA-256 equal %s; Linux-measured %.0f Mbit/s, emulator receiver goodput %.0f Mbit/s; Linux retrans %d | dumpcap: %s | %s",
                    cc, peer.path("sha256_sent").asText().substring(0, 16), peer.path("mbit_per_s").asDouble(), f.path("receiver").path("goodputBps").asLong() / 1e6,
                    peer.path("tcp_info").path("total_retrans").asLong(), capLine, ts));
            bed.dropCaptures();
        }
    }

    // ---- d. MPTCP: emulator client -> Linux server, join after ADD_ADDR ------------------------

    @Test
    @Order(4)
    void mptcpEmulatorClientJoinsLinuxServersSecondAddress() throws Exception {
        try (HilBed bed = HilBed.open("mptcp-emu-to-linux")) {
            Process cap = bed.captureLinux();
            Process srv = bed.peer("srv", "server", "--mptcp", "--port", "5001", "--timeout", "150");
            String actions = String.join(",\n  ", action("0ms", "ip mptcp limits set subflows 2 add_addr_accepted 1"),
                    action("600ms", "mptcp scheduler roundrobin"), action("610ms", "ss -tiM"));
            Process emu = bed.emulator(bed.scenario("cubic", true, flowBulk("mptcp", null, MB50, ", \"scheduler\": \"default\", \"start\": \"5ms\""), actions, "120s"));
            JsonNode sum = bed.emulatorResult(emu, 180);
            JsonNode peer = bed.peerResult("srv", srv, 30);
            String capLine = bed.stopCapture(cap);
            JsonNode f = sum.path("flows").get(0);
            assertTrue(f.path("done").asBoolean() && f.path("error").isNull(), "flow: " + f);
            assertEquals(MB50, peer.path("bytes_received").asLong(), "bytes Linux received");
            assertEquals(f.path("sha256_sent").asText(), peer.path("sha256_received").asText(), "SHA-256 sent by the emulator = received by Linux");
            JsonNode m = f.path("mptcp").path("client");
            assertFalse(m.path("fallback").asBoolean(true), "MPTCP, no fallback: " + m);
            assertEquals(2, m.path("subflows").size(), "two subflows: " + m);
            for (JsonNode s : m.path("subflows")) assertTrue(s.path("sched_bytes").asLong() > 0, "both subflows carried data: " + m);
            assertEquals("roundrobin", m.path("scheduler").asText(), "scheduler after the swap");
            assertTrue(m.path("scheduler_changes").asInt() >= 2, "the swap happened: " + m);
            JsonNode swap = action(sum, "mptcp scheduler");
            assertTrue(!swap.hasNonNull("error") && swap.path("output").asText().contains("(was default)"), "swap: " + swap);
            assertTrue(swap.path("ranAtNanos").asLong() < f.path("sender").path("endNs").asLong(), "the swap ran mid-transfer: " + swap);
            assertTrue(peer.path("mptcp").path("max_subflows_seen").asInt() >= 2, "Linux saw two subflows: " + peer.path("mptcp"));
            List<String> lsf = new ArrayList<>();
            for (JsonNode s : peer.path("mptcp").path("subflows")) {
                assertTrue(s.path("bytes_received").asLong() > 1, "Linux received data on both subflows: " + peer.path("mptcp"));
                lsf.add(s.path("local").asText() + "<-" + s.path("remote").asText() + " " + s.path("bytes_received").asLong() + " B");
            }
            List<String> esf = new ArrayList<>();
            for (JsonNode s : m.path("subflows")) esf.add(s.path("local").asText() + "->" + s.path("remote").asText() + " " + s.path("sched_bytes").asLong() + " B");
            String ts = tshark(bed, true, true);
            HilBed.result(String.format(Locale.ROOT, "d MPTCP emulator(cubic, default -> roundrobin at %.0f ms of %.0f ms) -> Linux 50 MB: SHA-256 equal %s; emulator goodput %.0f Mbit/s, Linux-measured %.0f Mbit/s; emulator subflows %s; Linux subflows %s; reinjected %d B | dumpcap: %s | %s",
                    swap.path("ranAtNanos").asLong() / 1e6, f.path("sender").path("endNs").asLong() / 1e6, f.path("sha256_sent").asText().substring(0, 16),
                    f.path("goodputBps").asLong() / 1e6, peer.path("mbit_per_s").asDouble(), esf, lsf, m.path("bytes_reinjected").asLong(), capLine, ts));
            bed.dropCaptures();
        }
    }

    // ---- e. MPTCP: Linux client -> emulator server, ADD_ADDR from the emulator -----------------

    @Test
    @Order(5)
    void mptcpLinuxClientJoinsTheEmulatorsSecondAddress() throws Exception {
        try (HilBed bed = HilBed.open("mptcp-linux-to-emu")) {
            Process cap = bed.captureLinux();
            String flows = "{\"name\": \"down\", \"kind\": \"sink\", \"host\": \"h1\", \"listen\": 5002, \"protocol\": \"mptcp\", \"scheduler\": \"default\"}";
            // the Linux client pauses 2 s after 25 MB: the swap at 1.5 s falls inside its connection
            String actions = String.join(",\n  ", action("0ms", "ip mptcp endpoint add 198.18.2.1 dev eth1 signal"),
                    action("1500ms", "mptcp scheduler roundrobin"), action("1510ms", "ss -tiM"));
            Process emu = bed.emulator(bed.scenario("cubic", true, flows, actions, "120s"));
            assertTrue(HilBed.awaitLine(bed.dir.resolve("emulator.log"), emu, s -> s.contains("h1: ip mptcp endpoint add"), 60_000) != null,
                    "the emulator started its run: " + bed.emulatorLog());
            Process cli = bed.peer("cli", "client", "--mptcp", "--connect", "198.18.1.1", "--port", "5002", "--send", Long.toString(MB50), "--seed", "9",
                    "--pause-after", "25000000", "--pause", "2", "--timeout", "150");
            JsonNode peer = bed.peerResult("cli", cli, 160);
            JsonNode sum = bed.emulatorResult(emu, 60);
            String capLine = bed.stopCapture(cap);
            JsonNode f = sum.path("flows").get(0);
            assertTrue(f.path("done").asBoolean() && f.path("error").isNull(), "flow: " + f);
            assertEquals(MB50, f.path("bytesReceived").asLong(), "bytes the emulator received");
            assertEquals(peer.path("sha256_sent").asText(), f.path("sha256_received").asText(), "SHA-256 sent by Linux = received by the emulator");
            JsonNode pm = peer.path("mptcp");
            assertTrue(pm.path("max_subflows_seen").asInt() >= 2, "Linux joined a second subflow: " + pm);
            boolean joined = false;
            for (JsonNode s : pm.path("subflows")) joined |= s.path("remote").asText().startsWith("198.18.2.1:");
            assertTrue(joined, "Linux's second subflow goes to the announced 198.18.2.1: " + pm);
            JsonNode m = f.path("mptcp").path("server");
            JsonNode swap = action(sum, "mptcp scheduler");
            assertTrue(!swap.hasNonNull("error") && swap.path("output").asText().contains("(was default)"), "swap: " + swap);
            String ss = action(sum, "ss -tiM").path("output").asText();
            assertTrue(ss.contains("198.18.2.1:5002"), "the emulator had the joined subflow when the scheduler was swapped: " + ss);
            List<String> lsf = new ArrayList<>();
            for (JsonNode s : pm.path("subflows")) lsf.add(s.path("local").asText() + "->" + s.path("remote").asText() + " " + s.path("bytes_sent").asLong() + " B");
            String ts = tshark(bed, true, true);
            HilBed.result(String.format(Locale.ROOT, "e MPTCP Linux(bbr, default scheduler) -> emulator(cubic, default -> roundrobin at %.0f ms) 50 MB: SHA-256 equal %s; Linux-measured %.0f Mbit/s (the 2 s pause after 25 MB taken out); Linux subflows %s; emulator server: %s | dumpcap: %s | %s",
                    swap.path("ranAtNanos").asLong() / 1e6, peer.path("sha256_sent").asText().substring(0, 16), MB50 * 8 / (peer.path("seconds").asDouble() - 2) / 1e6, lsf,
                    m.isMissingNode() || m.isNull() ? "no MptcpInfo" : "scheduler " + m.path("scheduler").asText() + ", changes " + m.path("scheduler_changes").asInt()
                            + ", subflows at the end " + m.path("subflows").size(), capLine, ts));
            bed.dropCaptures();
        }
    }

    // ---- f. the interface goes down and up under a live transfer -------------------------------

    /**
     * The emulator-side veth is set down for 2 s in the middle of a 200 MB TCP transfer to Linux and
     * up again: the live port reports the carrier loss and its return (link changes counted), TCP
     * recovers by retransmission once the link is back, and the stream still arrives byte-exact.
     */
    @Test
    @Order(6)
    void interfaceDownAndUpUnderATransferRecovers() throws Exception {
        long bytes = 200_000_000L;
        try (HilBed bed = HilBed.open("link-down-up")) {
            Process srv = bed.peer("srv", "server", "--port", "5001", "--timeout", "150");
            Process emu = bed.emulator(bed.scenario("cubic", false, flowBulk("tcp", "cubic", bytes, ", \"start\": \"10ms\""), "", "120s"));
            // wait until Linux has received some 20 MB, then take the emulator's interface down for 2 s
            long seen = 0;
            long until = System.currentTimeMillis() + 60_000;
            while (seen < 20_000_000L && System.currentTimeMillis() < until && emu.isAlive()) {
                String ss = HilBed.sh(false, 10, "ip", "netns", "exec", bed.n("LNX_NS"), "ss", "-tinH", "sport", "=", ":5001");
                java.util.regex.Matcher mt = java.util.regex.Pattern.compile("bytes_received:(\\d+)").matcher(ss);
                if (mt.find()) seen = Long.parseLong(mt.group(1));
                Thread.sleep(20);
            }
            assertTrue(seen >= 20_000_000L, "the transfer got going (Linux received " + seen + " bytes)");
            HilBed.sh(true, 10, "ip", "netns", "exec", bed.n("EMU_NS"), "ip", "link", "set", bed.n("EMU_IF1"), "down");
            Thread.sleep(2000);
            HilBed.sh(true, 10, "ip", "netns", "exec", bed.n("EMU_NS"), "ip", "link", "set", bed.n("EMU_IF1"), "up");
            JsonNode sum = bed.emulatorResult(emu, 180);
            JsonNode peer = bed.peerResult("srv", srv, 60);
            JsonNode f = sum.path("flows").get(0);
            assertTrue(f.path("done").asBoolean() && f.path("error").isNull(), "flow: " + f);
            assertEquals(bytes, peer.path("bytes_received").asLong(), "bytes Linux received");
            assertEquals(f.path("sha256_sent").asText(), peer.path("sha256_received").asText(), "SHA-256 sent by the emulator = received by Linux");
            JsonNode eth = null;
            for (JsonNode h : sum.path("hosts")) for (JsonNode d : h.path("devices")) if (d.path("name").asText().equals("eth0")) eth = d.path("ethtool");
            assertTrue(eth != null, "device stats in summary.json: " + sum.path("hosts"));
            assertTrue(eth.path("live_link_changes").asLong() >= 2, "the port saw the carrier go and come back: " + eth);
            assertEquals(1, eth.path("live_carrier").asLong(), "carrier up at the end: " + eth);
            JsonNode ti = f.path("sender").path("tcpInfo");
            assertTrue(ti.path("totalRetrans").asLong() > 0, "TCP retransmitted what the outage lost: " + ti);
            HilBed.result(String.format(Locale.ROOT, "f link down/up: 200 MB TCP emulator -> Linux with the emulator's veth down for 2 s after %d MB: SHA-256 equal %s;"
                    + " live port link changes %d, handle errors %d, reopens %d; emulator retransmissions %d; emulator goodput %.0f Mbit/s",
                    seen / 1_000_000, f.path("sha256_sent").asText().substring(0, 16), eth.path("live_link_changes").asLong(),
                    eth.path("live_handle_errors").asLong(), eth.path("live_reopens").asLong(), ti.path("totalRetrans").asLong(),
                    f.path("goodputBps").asLong() / 1e6));
        }
    }
}
