/** Test support for plugin bundles: run a qdisc or driver against the real core in virtual time, without OSGi; plain views for congestion-control and MPTCP-scheduler tests. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.nicemu.core.testing;
