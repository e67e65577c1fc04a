package org.nicemu.port.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nicemu.core.testing.SystemTools.root;
import static org.nicemu.core.testing.SystemTools.which;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * End to end, as root (HIL-NOTES): two network namespaces made for this test, a veth pair created
 * directly inside them (offloads off, IPv6 off, no IPv4 address on the emulator's side), the
 * emulator in its own JVM inside the emulator namespace ({@link LiveSmokeMain}: one host on a live
 * port), and from the peer namespace the real Linux stack pings the emulated host: 3 replies, and
 * {@code ip neigh} there shows the emulated MAC. The namespaces are always deleted; only the JVM
 * this test started is ended, by its PID. Skipped with a one-line reason when not root or when
 * {@code ip}, {@code ethtool} or {@code ping} is missing.
 */
class LiveSmokeTest {
    static final String MAC = "02:00:00:00:01:01";
    static final String EMU_IP = "198.18.100.1", PEER_IP = "198.18.100.2";

    /** Runs a command (bounded to 20 s); returns its output, or fails the test when it exits non-zero and {@code check}. */
    static String sh(boolean check, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        if (check && p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        return out;
    }

    @Test
    void linuxPingsTheEmulatedHostThroughALivePort() throws Exception {
        Assumptions.assumeTrue(root(), "live-port smoke test skipped: needs root (network namespaces and raw sockets)");
        for (String t : new String[] {"ip", "ethtool", "ping"}) {
            Assumptions.assumeTrue(which(t) != null, "live-port smoke test skipped: '" + t + "' is missing (apt-get install -y iproute2 ethtool iputils-ping)");
        }
        String id = Long.toString(ProcessHandle.current().pid(), 36) + Long.toString(System.nanoTime() & 0xfffff, 36);
        String emuNs = "nicemu-le-" + id, peerNs = "nicemu-lp-" + id;
        String emuIf = "vle" + id, peerIf = "vlp" + id; // at most 15 characters
        Process emu = null;
        List<String> log = new ArrayList<>();
        try {
            sh(true, "ip", "netns", "add", emuNs);
            sh(true, "ip", "netns", "add", peerNs);
            for (String ns : new String[] {emuNs, peerNs}) {
                sh(true, "ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
                sh(true, "ip", "-n", ns, "link", "set", "lo", "up");
            }
            sh(true, "ip", "link", "add", emuIf, "netns", emuNs, "type", "veth", "peer", "name", peerIf, "netns", peerNs);
            sh(true, "ip", "netns", "exec", emuNs, "ethtool", "-K", emuIf, "rx", "off", "tx", "off", "sg", "off", "tso", "off", "gso", "off", "gro", "off");
            sh(true, "ip", "netns", "exec", peerNs, "ethtool", "-K", peerIf, "rx", "off", "tx", "off", "sg", "off", "tso", "off", "gso", "off", "gro", "off");
            sh(true, "ip", "-n", peerNs, "addr", "add", PEER_IP + "/24", "dev", peerIf);
            sh(true, "ip", "-n", peerNs, "link", "set", peerIf, "up");
            sh(true, "ip", "-n", emuNs, "link", "set", emuIf, "up"); // no IPv4 address on the emulator's side

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            emu = new ProcessBuilder("ip", "netns", "exec", emuNs, java, "-cp", cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    LiveSmokeMain.class.getName(), emuIf, MAC, EMU_IP + "/24", "8").redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(emu.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean ready = false;
            while ((line = out.readLine()) != null) {
                log.add(line);
                if (line.startsWith("ready ")) {
                    ready = true;
                    break;
                }
            }
            assertTrue(ready, "the emulator JVM did not get ready: " + String.join("\n", log));
            String ping = sh(false, "ip", "netns", "exec", peerNs, "ping", "-c", "3", "-i", "0.3", "-W", "2", EMU_IP);
            String neigh = sh(true, "ip", "-n", peerNs, "neigh", "show", "dev", peerIf);
            while ((line = out.readLine()) != null) log.add(line);
            assertTrue(emu.waitFor(30, TimeUnit.SECONDS), "the emulator JVM ends after its run");
            System.out.println("live smoke: " + ping.strip().replace('\n', ' ') + " | neigh: " + neigh.strip() + " | emulator: " + String.join(" ", log));
            assertTrue(ping.contains("3 packets transmitted, 3 received"), "3 echo replies from the emulated host:\n" + ping + "\nemulator:\n" + String.join("\n", log));
            assertTrue(neigh.contains(EMU_IP + " lladdr " + MAC), "the peer learned the emulated MAC by ARP: " + neigh);
            assertEquals(0, emu.exitValue(), String.join("\n", log));
        } finally {
            if (emu != null && emu.isAlive()) {
                // the JVM we started (ip netns exec execs java, so this PID is the JVM)
                emu.destroy();
                if (!emu.waitFor(5, TimeUnit.SECONDS)) emu.destroyForcibly();
            }
            sh(false, "ip", "netns", "del", emuNs);
            sh(false, "ip", "netns", "del", peerNs);
        }
        String left = sh(false, "ip", "netns", "list");
        assertTrue(!left.contains(emuNs) && !left.contains(peerNs), "namespaces deleted: " + left);
        assertTrue(new File("/").exists());
    }
}
