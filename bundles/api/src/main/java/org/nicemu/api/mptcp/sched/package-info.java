/**
 * The MPTCP scheduler SPI, shaped like {@code struct mptcp_sched_ops} of the multipath-tcp.org kernel
 * (include/net/mptcp.h, net/mptcp/mptcp_sched.c), the structure the seed's {@code mptcp_write_xmit}
 * drives: {@link org.nicemu.api.mptcp.sched.MptcpSchedOps} (one instance per connection, its fields
 * playing {@code mpcb->mptcp_sched[]}), the views the MPTCP layer implements
 * ({@link org.nicemu.api.mptcp.sched.MptcpMetaView} for the meta socket,
 * {@link org.nicemu.api.mptcp.sched.MptcpSubflowView} for a subflow,
 * {@link org.nicemu.api.mptcp.sched.MptcpSegmentView} for a segment of the meta queues), the reusable
 * result {@link org.nicemu.api.mptcp.sched.NextSegment} (the out-parameters of {@code next_segment}),
 * the factory service {@link org.nicemu.api.mptcp.sched.MptcpSchedulerFactory} registered with
 * {@code mptcp.scheduler=NAME} (the role of {@code mptcp_register_scheduler()}), and the shared
 * functions of mptcp_sched.c (the built-in default scheduler's parts other schedulers reuse) in
 * {@link org.nicemu.api.mptcp.sched.MptcpSched}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.nicemu.api.mptcp.sched;
