package org.nicemu.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.mptcp.pm.MptcpPernet;

/** The net.mptcp.* sysctls (net/mptcp/ctrl.c) on the host table, backed by {@code InetNs.mptcp}. */
class MptcpSysctlTest {
    private final TestBed b = new TestBed(1, null);

    private String error(String key, String value) {
        Map<String, String> before = b.host.sysctls();
        String m = assertThrows(IllegalArgumentException.class, () -> b.host.sysctl(key, value)).getMessage();
        assertEquals(before, b.host.sysctls(), "a refused value changes nothing");
        return m;
    }

    @Test
    void defaultsAreLinuxsAndListedWithTheOthers() {
        Map<String, String> all = b.host.sysctls();
        assertEquals("1", all.get("net.mptcp.enabled"));
        assertEquals("default", all.get("net.mptcp.scheduler"));
        assertEquals("0", all.get("net.mptcp.checksum_enabled"));
        assertEquals("1", all.get("net.mptcp.allow_join_initial_addr_port"));
        assertEquals("120", all.get("net.mptcp.add_addr_timeout"));
        List<String> keys = new ArrayList<>(all.keySet());
        assertEquals(List.of("net.mptcp.add_addr_timeout", "net.mptcp.allow_join_initial_addr_port", "net.mptcp.checksum_enabled",
                "net.mptcp.enabled", "net.mptcp.scheduler"), keys.subList(keys.size() - 5, keys.size()), "sorted like sysctl -a, after net.ipv4");
    }

    @Test
    void setAndGetGoThroughThePernetState() {
        MptcpPernet pm = b.host.inet().mptcp;
        b.host.sysctl("net.mptcp.enabled", "0");
        b.host.sysctl("net.mptcp.checksum_enabled", " 1 ");
        b.host.sysctl("net.mptcp.allow_join_initial_addr_port", "0");
        b.host.sysctl("net.mptcp.add_addr_timeout", "5");
        assertFalse(pm.enabled);
        assertTrue(pm.checksumEnabled);
        assertFalse(pm.allowJoinInitialAddrPort);
        assertEquals(5_000_000_000L, pm.addAddrTimeoutNanos);
        Map<String, String> all = b.host.sysctls();
        assertEquals("0", all.get("net.mptcp.enabled"));
        assertEquals("1", all.get("net.mptcp.checksum_enabled"));
        assertEquals("0", all.get("net.mptcp.allow_join_initial_addr_port"));
        assertEquals("5", all.get("net.mptcp.add_addr_timeout"));
        b.host.sysctl("net.mptcp.add_addr_timeout", "0");
        assertEquals(0L, pm.addAddrTimeoutNanos);
        b.host.sysctl("net.mptcp.add_addr_timeout", Integer.toString(HostImpl.MPTCP_ADD_ADDR_TIMEOUT_MAX));
        assertEquals(HostImpl.MPTCP_ADD_ADDR_TIMEOUT_MAX * 1_000_000_000L, pm.addAddrTimeoutNanos);
    }

    @Test
    void aChangeOfThePernetStateShowsInTheTable() {
        b.host.inet().mptcp.scheduler = "redundant"; // e.g. set by the MPTCP layer itself
        b.host.inet().mptcp.addAddrTimeoutNanos = 2_500_000_000L;
        assertEquals("redundant", b.host.sysctls().get("net.mptcp.scheduler"));
        assertEquals("2", b.host.sysctls().get("net.mptcp.add_addr_timeout"), "jiffies to seconds rounds down, as proc_dointvec_jiffies");
    }

    @Test
    void theSchedulerMustBeKnown() {
        assertEquals("net.mptcp.scheduler: no MPTCP scheduler 'blest' is available; available: [default]", error("net.mptcp.scheduler", "blest"));
        b.harness.mptcpSchedulerName("blest").mptcpSchedulerName("roundrobin");
        b.host.sysctl("net.mptcp.scheduler", "blest");
        assertEquals("blest", b.host.inet().mptcp.scheduler);
        assertEquals("blest", b.host.sysctls().get("net.mptcp.scheduler"));
        b.host.sysctl("net.mptcp.scheduler", "default");
        assertEquals("default", b.host.inet().mptcp.scheduler);
        assertEquals("net.mptcp.scheduler: no MPTCP scheduler 'ecf' is available; available: [blest, default, roundrobin]",
                error("net.mptcp.scheduler", "ecf"));
        assertEquals("net.mptcp.scheduler: no MPTCP scheduler '' is available; available: [blest, default, roundrobin]",
                error("net.mptcp.scheduler", ""));
    }

    @Test
    void badValuesAreRefusedWithWhatIsAccepted() {
        assertEquals("net.mptcp.enabled must be 0 or 1, got '2'", error("net.mptcp.enabled", "2"));
        assertEquals("net.mptcp.checksum_enabled must be 0 or 1, got 'yes'", error("net.mptcp.checksum_enabled", "yes"));
        assertEquals("net.mptcp.allow_join_initial_addr_port must be 0 or 1, got ''", error("net.mptcp.allow_join_initial_addr_port", ""));
        assertEquals("net.mptcp.add_addr_timeout must be an integer 0.." + HostImpl.MPTCP_ADD_ADDR_TIMEOUT_MAX + " (seconds), got '-1'",
                error("net.mptcp.add_addr_timeout", "-1"));
        assertEquals("net.mptcp.add_addr_timeout must be an integer 0.." + HostImpl.MPTCP_ADD_ADDR_TIMEOUT_MAX + " (seconds), got '2s'",
                error("net.mptcp.add_addr_timeout", "2s"));
        assertTrue(error("net.mptcp.pm_type", "0").startsWith("unknown sysctl 'net.mptcp.pm_type'; known: ["));
        assertTrue(error("net.mptcp.pm_type", "0").contains("net.mptcp.scheduler"));
    }
}
