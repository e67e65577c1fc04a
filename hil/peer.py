#!/usr/bin/env python3
"""Linux peer of the hardware-in-the-loop tests (docs/hil.md): a TCP or MPTCP server or client on the
real Linux stack, python3 standard library only.

  peer.py server --port P [--mptcp] [--send N] [--seed S] [--timeout SEC]
  peer.py client --connect A.B.C.D --port P [--mptcp] [--send N] [--seed S] [--timeout SEC]
          [--pause-after BYTES --pause SEC]

A server listens on 0.0.0.0:P (MPTCP joins to a second address need the wildcard listener, and
it keeps listening until its connection ends) and accepts one connection; a client connects (retried
until the timeout while refused or unreachable). Then, with --send N, the peer sends N bytes of its
own pseudo-random stream (random.Random(S).randbytes, 64 KiB per send) and shuts down its write
side; in any case it reads to the end of stream. The emulator's apps use a SplitMix64 stream
(bundles/apps SeededStream) that python would regenerate slowly: the comparison is the SHA-256 of
what one side sent with the SHA-256 of what the other received.

Prints one JSON line {"event": "listening", ...} (server) as soon as it listens, and one final
JSON line: role, protocol, local/remote, sent/received bytes and sha256, seconds from the connection to the
end of stream, throughput, the socket's congestion control, tcp_info counters and, for MPTCP, the
subflows the kernel reported (MPTCP_INFO, MPTCP_TCPINFO and MPTCP_SUBFLOW_ADDRS getsockopts, sampled
during the transfer and before close: each subflow's addresses and bytes sent/received).
Exit code 0 on success, 1 on an error (the final line then has "error").
"""
import argparse
import ctypes
import ctypes.util
import errno
import hashlib
import json
import random
import socket
import struct
import sys
import time

IPPROTO_MPTCP = 262
SOL_MPTCP = 284
MPTCP_INFO, MPTCP_TCPINFO, MPTCP_SUBFLOW_ADDRS = 1, 2, 3
TCP_INFO, TCP_CONGESTION = 11, 13
CHUNK = 65536

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def emit(obj):
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def tcp_info_fields(b):
    """The tcp_info fields used here (offsets of include/uapi/linux/tcp.h)."""
    def u32(o):
        return struct.unpack_from("<I", b, o)[0] if len(b) >= o + 4 else None

    def u64(o):
        return struct.unpack_from("<Q", b, o)[0] if len(b) >= o + 8 else None
    return {"state": b[0] if b else None, "rtt_us": u32(68), "snd_cwnd": u32(80), "total_retrans": u32(100),
            "bytes_acked": u64(120), "bytes_received": u64(128), "segs_out": u32(136), "segs_in": u32(140),
            "bytes_sent": u64(200), "bytes_retrans": u64(208)}


def subflow_data(fd, opt, elem_size, max_subflows=8):
    """getsockopt(SOL_MPTCP, MPTCP_TCPINFO | MPTCP_SUBFLOW_ADDRS): a struct mptcp_subflow_data header
    (size_subflow_data must be filled in by the caller, which python's socket.getsockopt cannot do)
    followed by one element per subflow. Returns a list of raw elements, or None."""
    size = 16 + elem_size * max_subflows
    buf = ctypes.create_string_buffer(size)
    struct.pack_into("<IIII", buf, 0, 16, 0, 0, elem_size)
    ln = ctypes.c_uint32(size)
    if _libc.getsockopt(fd, SOL_MPTCP, opt, buf, ctypes.byref(ln)) != 0:
        return None
    _, num, size_kernel, size_user = struct.unpack_from("<IIII", buf, 0)
    step = size_user or elem_size
    return [buf.raw[16 + i * step:16 + (i + 1) * step] for i in range(min(num, max_subflows))]


def sockaddr_in(b):
    family = struct.unpack_from("<H", b, 0)[0]
    if family != socket.AF_INET:
        return "family%d" % family
    port = struct.unpack_from(">H", b, 2)[0]
    return "%s:%d" % (socket.inet_ntoa(b[4:8]), port)


class Subflows:
    """MPTCP subflows seen on one socket, merged over samples (a closed subflow leaves the list)."""

    def __init__(self):
        self.by_pair = {}
        self.max_seen = 0
        self.info = None

    def sample(self, sock):
        fd = sock.fileno()
        try:
            raw = sock.getsockopt(SOL_MPTCP, MPTCP_INFO, 256)
            if len(raw) >= 6:
                self.info = {"subflows": raw[0], "add_addr_signal": raw[1], "add_addr_accepted": raw[2], "subflows_max": raw[3]}
        except OSError:
            pass
        infos = subflow_data(fd, MPTCP_TCPINFO, 256) or []
        addrs = subflow_data(fd, MPTCP_SUBFLOW_ADDRS, 256) or []
        self.max_seen = max(self.max_seen, len(infos))
        for i, ti in enumerate(infos):
            local = remote = "?"
            if i < len(addrs):
                local, remote = sockaddr_in(addrs[i][0:128]), sockaddr_in(addrs[i][128:256])
            f = tcp_info_fields(ti)
            key = local + "->" + remote
            old = self.by_pair.get(key)
            if old is None or (f["bytes_sent"] or 0) + (f["bytes_received"] or 0) >= (old["bytes_sent"] or 0) + (old["bytes_received"] or 0):
                f.update({"local": local, "remote": remote})
                self.by_pair[key] = f

    def report(self):
        return {"mptcp_info": self.info, "max_subflows_seen": self.max_seen, "subflows": list(self.by_pair.values())}


def main():
    ap = argparse.ArgumentParser(description="Linux TCP/MPTCP peer for the nicemu HIL tests")
    ap.add_argument("role", choices=["server", "client"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--connect", help="client: address to connect to")
    ap.add_argument("--bind", default="0.0.0.0", help="server: address to listen on (default 0.0.0.0)")
    ap.add_argument("--mptcp", action="store_true", help="IPPROTO_MPTCP (262) instead of TCP")
    ap.add_argument("--send", type=int, default=0, help="bytes to send (default: only receive)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the sent stream")
    ap.add_argument("--pause-after", type=int, default=0, help="with --send: pause once after this many bytes")
    ap.add_argument("--pause", type=float, default=0.0, help="seconds of that pause (e.g. to swap the other side's scheduler mid-transfer)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole run")
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout
    proto = IPPROTO_MPTCP if a.mptcp else socket.IPPROTO_TCP
    out = {"role": a.role, "protocol": "mptcp" if a.mptcp else "tcp", "port": a.port, "error": None}
    lsock = sock = None
    sub = Subflows()
    try:
        if a.role == "server":
            lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
            lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            lsock.bind((a.bind, a.port))
            lsock.listen(8)
            lsock.settimeout(max(1.0, deadline - time.monotonic()))
            emit({"event": "listening", "port": a.port, "protocol": out["protocol"]})
            sock, _ = lsock.accept()  # the listener stays open until the end: MP_JOINs arrive on it
        else:
            if not a.connect:
                raise SystemExit("client needs --connect")
            attempts = 0
            while True:
                attempts += 1
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
                sock.settimeout(3.0)
                try:
                    sock.connect((a.connect, a.port))
                    break
                except OSError as e:
                    sock.close()
                    sock = None
                    if time.monotonic() > deadline - 1 or e.errno not in (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ETIMEDOUT, None, errno.ENETUNREACH):
                        raise
                    time.sleep(0.1)
            out["connect_attempts"] = attempts
        sock.settimeout(max(1.0, deadline - time.monotonic()))
        out["local"] = "%s:%d" % sock.getsockname()
        out["remote"] = "%s:%d" % sock.getpeername()
        try:
            out["cc"] = sock.getsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, 16).split(b"\0", 1)[0].decode()
        except OSError:
            out["cc"] = None
        t0 = time.monotonic()
        tx, rx = hashlib.sha256(), hashlib.sha256()
        sent = received = 0
        next_sample = 4 << 20
        if a.send:
            rnd = random.Random(a.seed)
            paused = False
            while sent < a.send:
                if a.pause_after and not paused and sent >= a.pause_after:
                    paused = True
                    out["paused_at"] = sent
                    time.sleep(a.pause)
                n = min(CHUNK, a.send - sent)
                if a.pause_after and not paused:
                    n = min(n, a.pause_after - sent)
                chunk = rnd.randbytes(n)
                sock.sendall(chunk)
                tx.update(chunk)
                sent += len(chunk)
                if a.mptcp and sent >= next_sample:
                    sub.sample(sock)
                    next_sample += 4 << 20
            sock.shutdown(socket.SHUT_WR)
        buf = bytearray(1 << 20)
        view = memoryview(buf)
        while True:
            n = sock.recv_into(buf)
            if n == 0:
                break
            rx.update(view[:n])
            received += n
            if a.mptcp and received >= next_sample:
                sub.sample(sock)
                next_sample += 4 << 20
        dt = time.monotonic() - t0
        if a.mptcp:
            sub.sample(sock)
        try:
            out["tcp_info"] = tcp_info_fields(sock.getsockopt(socket.IPPROTO_TCP, TCP_INFO, 256))
        except OSError:
            out["tcp_info"] = None
        moved = max(sent, received)
        out.update({"bytes_sent": sent, "sha256_sent": tx.hexdigest(), "bytes_received": received,
                    "sha256_received": rx.hexdigest(), "seconds": round(dt, 6),
                    "mbit_per_s": round(moved * 8 / dt / 1e6, 1) if dt > 0 else None})
    except Exception as e:  # one line, then exit 1
        out["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        if a.mptcp:
            out["mptcp"] = sub.report()
        for s in (sock, lsock):
            if s is not None:
                try:
                    s.close()
                except OSError:
                    pass
    emit(out)
    return 0 if out["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main())
