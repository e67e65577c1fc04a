/** The execution model seen by plugins: event loop, timers, seeded randomness, workqueues (kernel/workqueue.c). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.api.exec;
