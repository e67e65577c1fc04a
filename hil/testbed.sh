#!/usr/bin/env bash
# Hardware-in-the-loop test bed (docs/hil.md, HIL-NOTES): two network namespaces, one for the
# emulator JVM ("emu") and one for the real Linux stack ("linux"), joined by TWO veth pairs made
# directly inside them. Root only. Never touches the host's own interfaces; addresses are in the
# benchmarking range 198.18.0.0/15.
#
#   path 1: 198.18.1.0/24   Linux hil-l1-ID 198.18.1.2  <->  hil-e1-ID (emulator, no address; the emulated host uses 198.18.1.1)
#   path 2: 198.18.2.0/24   Linux hil-l2-ID 198.18.2.2  <->  hil-e2-ID (emulator, no address; the emulated host uses 198.18.2.1)
#
# Usage:
#   hil/testbed.sh up [ID]            make the bed (ID: 1-8 of [a-z0-9], default: this shell's PID in base 36);
#                                     prints the names as KEY=VALUE lines (eval-able)
#   hil/testbed.sh down ID            delete both namespaces (and so the veths); idempotent
#   hil/testbed.sh exec ID emu|linux CMD [ARGS...]   run CMD inside one namespace
#   hil/testbed.sh names ID           print the names without creating anything
#   hil/testbed.sh run [ID] -- CMD [ARGS...]   up, run CMD on the host with the names exported, always down
#
# Linux side: IPv6 off, offloads off (ethtool -K rx tx sg tso gso gro off), MPTCP on
# (net.mptcp.enabled=1, limits subflow 4 add_addr_accepted 4, endpoint 198.18.2.2 dev hil-l2-ID signal:
# a Linux server announces its second address), default congestion control left as the kernel's (bbr here).
# Emulator side: IPv6 off, offloads off, links up, no IPv4 address (the emulator owns IP and MAC in user space).
set -euo pipefail

die() { echo "testbed: $*" >&2; exit 2; }

names() {
  local id="$1"
  [[ "$id" =~ ^[a-z0-9]{1,8}$ ]] || die "ID must be 1-8 characters of [a-z0-9], got '$id'"
  echo "HIL_ID=$id"
  echo "EMU_NS=nicemu-hil-e-$id"
  echo "LNX_NS=nicemu-hil-l-$id"
  echo "EMU_IF1=hil-e1-$id"
  echo "EMU_IF2=hil-e2-$id"
  echo "LNX_IF1=hil-l1-$id"
  echo "LNX_IF2=hil-l2-$id"
  echo "EMU_IP1=198.18.1.1"
  echo "EMU_IP2=198.18.2.1"
  echo "LNX_IP1=198.18.1.2"
  echo "LNX_IP2=198.18.2.2"
}

default_id() {
  local n=$$ s="" d=0123456789abcdefghijklmnopqrstuvwxyz
  while [ "$n" -gt 0 ]; do s="${d:$((n % 36)):1}$s"; n=$((n / 36)); done
  echo "${s:-0}"
}

down() {
  eval "$(names "$1")"
  # deleting a namespace deletes the veth ends inside it (and so their peers)
  ip netns del "$EMU_NS" 2>/dev/null || true
  ip netns del "$LNX_NS" 2>/dev/null || true
}

up() {
  eval "$(names "$1")"
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, veths)"
  for t in ip ethtool; do command -v "$t" >/dev/null || die "'$t' is missing (apt-get install -y iproute2 ethtool)"; done
  if ip netns list | grep -qw -- "$EMU_NS\|$LNX_NS"; then die "namespaces for ID $1 exist already; 'down $1' first"; fi
  trap 'rc=$?; echo "testbed: up failed (exit $rc); cleaning up" >&2; down "$HIL_ID"; exit $rc' ERR
  ip netns add "$EMU_NS"
  ip netns add "$LNX_NS"
  for ns in "$EMU_NS" "$LNX_NS"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
  done
  # made directly inside the namespaces: never on the host
  ip link add "$EMU_IF1" netns "$EMU_NS" type veth peer name "$LNX_IF1" netns "$LNX_NS"
  ip link add "$EMU_IF2" netns "$EMU_NS" type veth peer name "$LNX_IF2" netns "$LNX_NS"
  for dev in "$EMU_IF1" "$EMU_IF2"; do
    ip netns exec "$EMU_NS" ethtool -K "$dev" rx off tx off sg off tso off gso off gro off >/dev/null
    ip -n "$EMU_NS" link set "$dev" up          # no IPv4 address on the emulator's side
  done
  for dev in "$LNX_IF1" "$LNX_IF2"; do
    ip netns exec "$LNX_NS" ethtool -K "$dev" rx off tx off sg off tso off gso off gro off >/dev/null
  done
  ip -n "$LNX_NS" addr add "$LNX_IP1/24" dev "$LNX_IF1"
  ip -n "$LNX_NS" addr add "$LNX_IP2/24" dev "$LNX_IF2"
  ip -n "$LNX_NS" link set "$LNX_IF1" up
  ip -n "$LNX_NS" link set "$LNX_IF2" up
  ip netns exec "$LNX_NS" sysctl -qw net.mptcp.enabled=1
  ip -n "$LNX_NS" mptcp limits set subflow 4 add_addr_accepted 4
  ip -n "$LNX_NS" mptcp endpoint add "$LNX_IP2" dev "$LNX_IF2" signal
  # the kernel reports the carrier through linkwatch, up to ~1 s later: wait for operstate "up"
  local i
  for i in $(seq 50); do
    [ "$(ip netns exec "$LNX_NS" cat /sys/class/net/"$LNX_IF1"/operstate /sys/class/net/"$LNX_IF2"/operstate | tr -d '\n')" = upup ] && break
    sleep 0.1
  done
  trap - ERR
  names "$1"
}

cmd="${1:-help}"
case "$cmd" in
  up) up "${2:-$(default_id)}" ;;
  down) [ $# -ge 2 ] || die "usage: down ID"; down "$2" ;;
  names) [ $# -ge 2 ] || die "usage: names ID"; names "$2" ;;
  exec)
    [ $# -ge 4 ] || die "usage: exec ID emu|linux CMD [ARGS...]"
    eval "$(names "$2")"
    case "$3" in
      emu) ns="$EMU_NS" ;;
      linux) ns="$LNX_NS" ;;
      *) die "namespace must be 'emu' or 'linux', got '$3'" ;;
    esac
    shift 3
    exec ip netns exec "$ns" "$@" ;;
  run)
    shift
    id="$(default_id)"
    if [ $# -gt 0 ] && [ "$1" != "--" ]; then id="$1"; shift; fi
    [ "${1:-}" = "--" ] || die "usage: run [ID] -- CMD [ARGS...]"
    shift
    [ $# -gt 0 ] || die "usage: run [ID] -- CMD [ARGS...]"
    trap 'down "$id"' EXIT
    trap 'exit 130' INT TERM
    vars="$(up "$id")"
    eval "$vars"
    export HIL_ID EMU_NS LNX_NS EMU_IF1 EMU_IF2 LNX_IF1 LNX_IF2 EMU_IP1 EMU_IP2 LNX_IP1 LNX_IP2
    "$@" ;;
  help|-h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$cmd'; use up, down, exec, names or run" ;;
esac
