package org.nicemu.api.inet;

/** Neighbour Unreachability Detection states (include/uapi/linux/neighbour.h NUD_*). */
public enum NudState { INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, FAILED, NOARP, PERMANENT }
