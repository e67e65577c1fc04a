/** Counters: the seven cost categories of the seed, drop reasons, qdisc and queue statistics. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.nicemu.api.stats;
