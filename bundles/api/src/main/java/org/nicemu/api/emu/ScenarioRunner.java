package org.nicemu.api.emu;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Parses, builds and runs scenarios: a JSON description of hosts, devices (NIC, driver, XPS,
 * qdisc, captures), packet generators and timed actions (docs/scenario.md describes the format).
 *
 * <p>Validation errors are {@link IllegalArgumentException}s whose message starts with the JSON
 * path of the bad field and says what is accepted, e.g.
 * {@code hosts[0].devices[1].txQueues: must be an integer 1..64, got "x"}.
 */
@ProviderType
public interface ScenarioRunner {
    /**
     * The embedded demo scenario, the one {@code nicemu demo} runs (docs/scenario.md shows it): one
     * host, a 4-queue 10 Gbit/s NIC with a pcap capture, four pktgen generators and timed qdisc and
     * driver swaps while traffic flows.
     */
    String demoScenario();

    /**
     * Checks a scenario without building anything: syntax, every field's type and range, unknown
     * fields, references between hosts, devices, generators and actions.
     *
     * @throws IllegalArgumentException the first problem found, named by its JSON path
     */
    void validate(String json);

    /**
     * Builds an emulation from a scenario and leaves it paused at emulated time 0: hosts, sysctls,
     * devices, root qdiscs and captures are set up, generators are started (their first frames
     * depart once the emulation runs) and every timed action is armed on the loop at its exact
     * emulated time. The emulation is named after the scenario. The caller owns it and must close
     * it.
     *
     * @param json   the scenario
     * @param outDir folder the relative capture file names are resolved against (created if needed)
     * @throws IllegalArgumentException a bad scenario (JSON path named), an unavailable qdisc/driver/
     *                                  port kind, or an emulation of that name exists already
     * @throws IllegalStateException    a runtime failure (e.g. a capture file cannot be created)
     */
    Emulation load(String json, Path outDir);

    /**
     * Loads a scenario, runs it to its {@code duration} (or until all generators are done and every
     * queue has drained, when that comes first), closes the emulation (capture files are flushed and
     * closed) and writes {@code summary.json} into {@code outDir}.
     *
     * @param json     the scenario
     * @param outDir   output folder for captures and {@code summary.json} (created if needed)
     * @param progress where progress lines go (every 10% of the emulated duration); null for none
     * @return the summary as written to {@code summary.json}: scenario, seed, emulated and wall time,
     *         events, per host counters and devices (stats, drops, ethtool, qdiscs, ports), per
     *         generator stats, action results and the {@code check} block
     *         ({@code generated == sent + dropped + queued})
     * @throws IllegalArgumentException a bad scenario, as for {@link #load}
     * @throws IllegalStateException    a runtime failure (a timed action failed, I/O error ...); the
     *                                  summary is still written when the run got that far
     */
    Map<String, Object> run(String json, Path outDir, PrintStream progress);
}
