/**
 * What the MPTCP layer reports about a connection ({@code ss -M} and {@code struct mptcp_info} /
 * {@code mptcp_subflow_data} of include/uapi/linux/mptcp.h): data-level counters, the scheduler and
 * one line per subflow with what the scheduler gave it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.api.mptcp.info;
