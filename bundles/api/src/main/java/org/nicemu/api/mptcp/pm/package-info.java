/**
 * Per-host MPTCP settings: the {@code net.mptcp.*} sysctls and the in-kernel path manager's
 * endpoints and limits ({@code ip mptcp endpoint ...}, {@code ip mptcp limits ...};
 * net/mptcp/ctrl.c and pm_netlink.c).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.api.mptcp.pm;
