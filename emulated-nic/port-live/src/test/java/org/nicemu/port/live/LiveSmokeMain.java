package org.nicemu.port.live;

import java.util.Map;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.Route;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.wire.Ipv4Address;
import org.nicemu.api.wire.MacAddress;
import org.nicemu.core.dev.EmulationImpl;
import org.nicemu.core.dev.Plugins;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.ip.Ipv4Component;
import org.nicemu.nic.EmulatedNicFactory;

/**
 * The emulator side of {@link LiveSmokeTest}, run in its own JVM inside the emulator's network
 * namespace ({@code ip netns exec NS java -cp TEST_CLASSPATH ...}): one real-time emulation, host
 * {@code h1} with device {@code eth0} (MAC, IPv4 address/24) on a live port on IFNAME, for SECONDS
 * seconds; prints {@code ready} when the port is attached and the port's counters at the end.
 * Built from the project's classes directly (core, NIC, generic driver, IPv4), without OSGi, so
 * that the test does not depend on the exported jar (built after this module).
 *
 * <p>Arguments: IFNAME MAC ADDRESS/LEN SECONDS.
 */
public final class LiveSmokeMain {
    private LiveSmokeMain() {
    }

    public static void main(String[] args) throws Exception {
        String ifname = args[0];
        byte[] mac = MacAddress.parse(args[1]).toBytes();
        String cidr = args[2];
        long seconds = Long.parseLong(args[3]);
        int addr = Ipv4Address.parse(cidr.substring(0, cidr.indexOf('/')));
        int len = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));

        Plugins plugins = new Plugins();
        plugins.setNicFactory(new EmulatedNicFactory());
        plugins.addDriver(new GenericDriverFactory());
        plugins.setIpv4Factory(new Ipv4Component());
        EmulationImpl emu = new EmulationImpl("smoke", 1, false, plugins, true);
        try {
            Host h1 = emu.addHost("h1", 1);
            NicConfig cfg = new NicConfig(1, 256, 10_000_000_000L, 1500, mac, NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO,
                    NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
            Device dev = emu.call(() -> h1.addDevice(new DeviceSpec("eth0", cfg, "generic", Map.of(), null)));
            emu.call(() -> {
                // ip addr add ADDR/LEN dev eth0: the address and its connected route
                h1.inet().addrs.add(new InetAddr("eth0", addr, len));
                if (len < 32) h1.inet().fib.add(new Route(addr, len, 0, "eth0", addr, 0, Route.Type.UNICAST));
                return null;
            });
            NicPort port = new LivePortFactory().open("eth0", 1, Map.of("ifname", ifname));
            emu.call(() -> {
                dev.attachPort(port);
                return null;
            });
            System.out.println("ready " + port.describe());
            System.out.flush();
            long end = emu.loop().now() + seconds * 1_000_000_000L;
            emu.runUntil(end);
            Map<String, Long> s = emu.call(port::stats);
            System.out.println("stats " + s);
            System.out.println("device " + emu.call(dev::stats));
        } finally {
            emu.close();
        }
    }
}
