/**
 * Emulated socket applications (the iperf/netperf of nicemu): {@link org.nicemu.apps.SeededStream}
 * (deterministic payload), {@link org.nicemu.apps.BulkSender}, {@link org.nicemu.apps.Sink} (also an
 * echo-style responder) and {@link org.nicemu.apps.RequestResponse}, each recording
 * {@link org.nicemu.apps.FlowResult}s. They run as emulated tasks on the emulation's loop and use
 * only the app-facing {@link org.nicemu.api.sock.Socket} contract; no wall clock, no unseeded randomness.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.apps;
