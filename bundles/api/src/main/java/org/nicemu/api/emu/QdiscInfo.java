package org.nicemu.api.emu;

import java.util.Map;

import org.nicemu.api.stats.QdiscStats;

/** One line of {@code tc -s qdisc show}: kind, handle, parent, parameters and a copy of the statistics. */
public record QdiscInfo(String kind, String handle, String parent, Map<String, Object> params, QdiscStats stats) {
}
