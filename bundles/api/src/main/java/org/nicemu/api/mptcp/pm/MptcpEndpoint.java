package org.nicemu.api.mptcp.pm;

/**
 * One path-manager endpoint ({@code struct mptcp_pm_addr_entry} of net/mptcp/pm_netlink.c), what
 * {@code ip mptcp endpoint add ADDR [port P] [dev IFNAME] [id N] [subflow] [signal] [backup]} creates.
 *
 * @param id      address ID, 1..255
 * @param addr    IPv4 address
 * @param port    port to announce with ADD_ADDR, 0 for the connection's
 * @param dev     interface name, or null
 * @param flags   {@link #SIGNAL}, {@link #SUBFLOW}, {@link #BACKUP}
 */
public record MptcpEndpoint(int id, int addr, int port, String dev, int flags) {
    /** {@code MPTCP_PM_ADDR_FLAG_SIGNAL}: announce this address to peers with ADD_ADDR. */
    public static final int SIGNAL = 1;
    /** {@code MPTCP_PM_ADDR_FLAG_SUBFLOW}: open a subflow from this address (client side). */
    public static final int SUBFLOW = 2;
    /** {@code MPTCP_PM_ADDR_FLAG_BACKUP}: subflows from this address are backups (MP_JOIN B bit). */
    public static final int BACKUP = 4;

    public boolean signal() { return (flags & SIGNAL) != 0; }

    public boolean subflow() { return (flags & SUBFLOW) != 0; }

    public boolean backup() { return (flags & BACKUP) != 0; }

    /** The line {@code ip mptcp endpoint show} prints. */
    public String showLine() {
        StringBuilder sb = new StringBuilder(org.nicemu.api.wire.Ipv4Address.toString(addr));
        if (port != 0) sb.append(" port ").append(port);
        sb.append(" id ").append(id);
        if (signal()) sb.append(" signal");
        if (subflow()) sb.append(" subflow");
        if (backup()) sb.append(" backup");
        if (dev != null) sb.append(" dev ").append(dev);
        return sb.toString();
    }
}
