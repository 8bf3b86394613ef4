#!/usr/bin/env python3
"""Redis Cluster failover prober for scripts/bench/failover.sh.

    failover_peer.py PORT [PORT...] --master PORT [--timeout-ms 200]
                     [--warmup 20] [--deadline-ms 30000]

Picks a key whose slot the master on --master serves, then writes it
continuously: SET key <counter>, one command at a time, each with a short
timeout, following MOVED redirects like a cluster client; after a refused
connection, a timeout or an error reply (CLUSTERDOWN while the slot has no
master) it tries the next node of the list after a 1 ms pause. After
--warmup successes it prints "ready KEY" on stdout, then reads the kill time
from stdin (CLOCK_REALTIME ns, one line) and prints one JSON line: the time
from the kill to the first success of a SET sent after it, like
`lunchbench-cluster probe`. Exit 1 if none succeeded before the deadline.
"""

import argparse
import json
import socket
import sys
import threading
import time


class RespError(Exception):
    pass


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


class Conn:
    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise ConnectionError("bad reply %r" % line)

    def call(self, *args):
        self.sock.sendall(encode(*args))
        return self.reply()


def slots_of(port, timeout):
    """The slot ranges the node on `port` serves as a master."""
    c = Conn(port, timeout)
    try:
        ranges = []
        for entry in c.call("CLUSTER", "SLOTS"):
            first, last, master = entry[0], entry[1], entry[2]
            if int(master[1]) == port:
                ranges.append((int(first), int(last)))
        return ranges
    finally:
        c.close()


def key_on(port, timeout):
    ranges = slots_of(port, timeout)
    if not ranges:
        sys.exit("failover_peer: node %d serves no slots" % port)
    c = Conn(port, timeout)
    try:
        for k in range(100000):
            key = "bench-failover-%d" % k
            slot = c.call("CLUSTER", "KEYSLOT", key)
            if any(a <= slot <= b for a, b in ranges):
                return key
    finally:
        c.close()
    sys.exit("failover_peer: no key found for node %d" % port)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ports", type=int, nargs="+")
    ap.add_argument("--master", type=int, required=True)
    ap.add_argument("--timeout-ms", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--deadline-ms", type=int, default=30000)
    a = ap.parse_args()
    timeout = a.timeout_ms / 1000.0
    key = key_on(a.master, timeout)

    kill = {"ns": None, "eof": False}
    got_kill = threading.Event()

    def read_stdin():
        for line in sys.stdin:
            digits = "".join(ch for ch in line if ch.isdigit())
            if digits:
                kill["ns"] = int(digits)
                got_kill.set()
                return
        kill["eof"] = True
        got_kill.set()

    threading.Thread(target=read_stdin, daemon=True).start()

    conns = {}
    target = a.master
    counter = 0
    successes = 0
    ready = False
    warm = []
    oks = []  # (sent, done) once ready
    fails = []  # (sent, kind, text) once ready
    result = None
    while True:
        if got_kill.is_set():
            if kill["eof"]:
                result = {"ok": False, "why": "stdin closed before a kill time arrived"}
                break
            t = kill["ns"]
            first = next(((s, d) for s, d in oks if s >= t), None)
            if first:
                sent, done = first
                before = [f for f in fails if t <= f[0] < sent]
                kinds = {}
                for f in before:
                    kinds[f[1]] = kinds.get(f[1], 0) + 1
                first_any = next((d for s, d in oks if d >= t), done)
                result = {"ok": True, "latency_ms": (done - t) / 1e6,
                          "first_any_ms": (first_any - t) / 1e6,
                          "sent_after_kill_ms": (sent - t) / 1e6,
                          "attempts": len(before) + 1, "failures": kinds,
                          "failure_samples": [f[2] for f in before[:5]]}
                break
            if time.time_ns() > t + a.deadline_ms * 1_000_000:
                result = {"ok": False,
                          "why": "no success within %d ms of the kill" % a.deadline_ms}
                break
        counter += 1
        sent = time.time_ns()
        sent_mono = time.perf_counter()
        kind = None
        text = ""
        try:
            c = conns.get(target)
            if c is None:
                c = conns[target] = Conn(target, timeout)
            c.call("SET", key, counter)
        except RespError as e:
            text = str(e)
            if text.startswith("MOVED") or text.startswith("ASK"):
                target = int(text.split()[2].rsplit(":", 1)[1])
                kind = "moved"
            else:
                kind = text.split()[0].lower() if text else "error"
        except socket.timeout:
            kind, text = "timeout", "timeout on %d" % target
        except OSError as e:
            kind, text = "connection", "%d: %s" % (target, e)
        done = time.time_ns()
        if kind is None:
            successes += 1
            if ready:
                oks.append((sent, done))
                if kill["ns"] is None:
                    warm.append((time.perf_counter() - sent_mono) * 1000)
            elif successes >= a.warmup:
                ready = True
                print("ready", key, flush=True)
            continue
        if ready:
            fails.append((sent, kind, text))
        if kind != "moved":
            dead = conns.pop(target, None)
            if dead:
                dead.close()
            # Next node: it knows the slot's current master (MOVED) or
            # says the cluster is down.
            target = a.ports[(a.ports.index(target) + 1) % len(a.ports)] \
                if target in a.ports else a.ports[0]
            time.sleep(0.001)
    warm.sort()
    result.update({"key": key, "master": a.master, "timeout_ms": a.timeout_ms,
                   "warm_writes": len(warm),
                   "warm_p50_ms": warm[len(warm) // 2] if warm else 0,
                   "warm_max_ms": warm[-1] if warm else 0})
    print(json.dumps(result), flush=True)
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
