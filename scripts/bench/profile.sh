#!/usr/bin/env bash
# The map of a write (issue 16's first step): one node on a fresh private
# PostgreSQL (durable commits), BENCH_USERS users created first, then
# lunchbench's writes (BENCH_PARTIES party creates with 3 joins each, 64 in
# flight) while
#   - PostgreSQL logs every statement (log_statement=all, turned on after
#     the setup): statements per write, by statement;
#   - pg_stat_database counts the commits: commits per write (group commit);
#   - `perf record -a` samples every CPU (Debian's linux-perf, installed if
#     missing): the CPU by process and thread kind (PostgreSQL backends,
#     lunchd's scheduler workers, its detached actors, CAF's timer thread,
#     the client), user vs kernel, and lunchd's hottest symbols.
# Prints the tables; stops what it started. Root, for perf -a.
#
#   scripts/bench/profile.sh
#
# Then the node's actor messages, request timeouts, BASP messages, context
# switches and syscalls per write and per cached read, counted exactly with
# uprobes on CAF's library (perf stat).
#
# Knobs: BENCH_USERS (1000), BENCH_PARTIES (4000), BENCH_COUNT_PARTIES (1000:
# counted writes are 4x this), BENCH_COUNT_READS (20000), BENCH_SKIP_BUILD=1,
# BENCH_KEEP=1 (keep the data, the logs and perf.data).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

USERS=${BENCH_USERS:-1000}
PARTIES=${BENCH_PARTIES:-4000}
COUNT_PARTIES=${BENCH_COUNT_PARTIES:-1000}
COUNT_READS=${BENCH_COUNT_READS:-20000}
for knob in USERS PARTIES COUNT_PARTIES COUNT_READS; do
  [[ ${!knob} =~ ^[1-9][0-9]*$ ]] || die "$knob must be a positive integer, not '${!knob}'"
done
((EUID == 0)) || die "perf record -a needs root"

export LUNCH_PG_DIR=$ROOT/.pg-bench-profile
export LUNCH_CLUSTER_DIR=$ROOT/.cluster-bench-profile
export LUNCH_PG_FSYNC=on
export LUNCH_BIN_DIR=${LUNCH_BIN_DIR:-$ROOT/build/bin}
PG=$ROOT/scripts/pg.sh
CLUSTER=$ROOT/scripts/cluster.sh
LUNCHBENCH=$LUNCH_BIN_DIR/lunchbench
WORK=

bench_build "$ROOT/build" lunchd lunchctl lunchbench
have_commands perf || ensure_packages linux-perf
bench_traps
bench_fresh_state lunch-bench-profile

LUNCH_BASE_PORT=$(free_port 1)
export LUNCH_BASE_PORT
heading "One node, PostgreSQL with durable commits"
"$CLUSTER" up 1 >"$WORK/up.log" 2>&1 || {
  tail -n 20 "$WORK/up.log" >&2
  die "cluster.sh up 1 failed"
}
NODE=$(cat "$LUNCH_CLUSTER_DIR/node0.addr")
NODE_PID=$(cat "$LUNCH_CLUSTER_DIR/node0.pid")
"$LUNCHBENCH" --node "$NODE" --users "$USERS" --parties 0 --reads 0 --json >/dev/null ||
  die "creating the users failed"

commits() {
  "$PG" psql -X -A -t -q -c "SELECT sum(xact_commit) FROM pg_stat_database WHERE datname LIKE 'lunch_%'"
}
"$PG" psql -X -q -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
PG_LOG=$LUNCH_PG_DIR/log
LOG_OFF=$(stat -c %s "$PG_LOG")
C0=$(commits)

heading "lunchbench: $PARTIES parties x 3 joins, 64 in flight, under perf record -a"
perf record -F 499 -a -o "$WORK/perf.data" >"$WORK/perf.log" 2>&1 &
PERF_PID=$!
"$LUNCHBENCH" --node "$NODE" --users "$USERS" --parties "$PARTIES" --joins-per-party 3 \
  --reads 0 --node-pid "$NODE_PID" --json >"$WORK/bench.json" || die "lunchbench failed"
kill -INT "$PERF_PID"
wait "$PERF_PID" || true
C1=$(commits)
"$PG" psql -X -q -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null

# Counts per op, exact, with uprobes on CAF's library: messages enqueued to
# actors (scheduled_actor::enqueue: event-based and detached actors), request
# timeouts set (one per request with a timeout), BASP messages sent, and the
# node's context switches and futex/socket syscalls. First the writes again
# (COUNT_PARTIES parties x 3 joins), then cached reads.
caf_lib() { ldd "$LUNCH_BIN_DIR/lunchd" | awk -v lib="$1" '$1 ~ lib {print $3}'; }
caf_probe() { # EVENT LIBRARY SYMBOL-PATTERN
  local addr
  addr=$(nm -D "$2" | awk -v re="$3" '$0 ~ re {print $1; exit}')
  [[ -n $addr ]] && perf probe -q -x "$2" -a "lunchcaf:$1=0x$addr" 2>/dev/null
}
perf probe -q -d 'lunchcaf:*' 2>/dev/null || true
COUNTS=
if caf_probe enqueue "$(caf_lib libcaf_core)" 'scheduled_actor7enqueue' &&
  caf_probe timeout "$(caf_lib libcaf_core)" 'thread_safe_actor_clock19set_request_timeout' &&
  caf_probe basp_send "$(caf_lib libcaf_io)" 'basp8instance8dispatch'; then
  COUNTS=lunchcaf:enqueue,lunchcaf:timeout,lunchcaf:basp_send,context-switches
  COUNTS+=,syscalls:sys_enter_futex,syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom
  perf stat -x, -e "$COUNTS" -p "$NODE_PID" -o "$WORK/count-writes.csv" -- \
    "$LUNCHBENCH" --node "$NODE" --users "$USERS" --parties "$COUNT_PARTIES" \
    --joins-per-party 3 --reads 0 --json >/dev/null || die "lunchbench (counted writes) failed"
  perf stat -x, -e "$COUNTS" -p "$NODE_PID" -o "$WORK/count-reads.csv" -- \
    "$LUNCHBENCH" --node "$NODE" --users "$USERS" --parties 0 --reads "$COUNT_READS" \
    --json >/dev/null || die "lunchbench (counted reads) failed"
else
  echo "profile.sh: note: no uprobes on CAF's library (perf probe or symbols missing): no counts" >&2
fi
perf probe -q -d 'lunchcaf:*' 2>/dev/null || true

perf report -i "$WORK/perf.data" --sort pid,comm --stdio >"$WORK/by-thread.txt" 2>/dev/null
perf report -i "$WORK/perf.data" --sort comm,dso --stdio >"$WORK/by-dso.txt" 2>/dev/null
perf report -i "$WORK/perf.data" --pid "$NODE_PID" --sort dso,sym --stdio >"$WORK/lunchd-syms.txt" 2>/dev/null

python3 - "$WORK" "$PG_LOG" "$LOG_OFF" "$C0" "$C1" "$NODE_PID" "$COUNT_PARTIES" "$COUNT_READS" <<'PY'
import collections, json, os, re, sys
work, log, off, c0, c1, node_pid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
count_writes, count_reads = 4 * int(sys.argv[7]), int(sys.argv[8])
b = json.load(open(work + "/bench.json"))
w = b["writes"]
# The setup phase asks again for the users that exist (no writes).
requests = w["ops"]
print("writes: %d (%d creates, %d joins) at %.0f/s; node CPU %.3f ms per write"
      % (w["ops"], w["creates"], w["joins"], w["ops_per_s"], w.get("node_cpu_ms_per_op", -1)))
print("commits PostgreSQL saw: %d, %.2f per write (%.1f writes per commit)"
      % (c1 - c0, (c1 - c0) / requests, requests / max(c1 - c0, 1)))
text = open(log, errors="replace").read()[off:]
stmts = re.findall(r"LOG:  (?:statement|execute [^:]*): (.*)", text)
count = collections.Counter(re.sub(r"\s+", " ", s.strip())[:80] for s in stmts)
print("statements: %d, %.2f per write (setup and background included)" % (len(stmts), len(stmts) / requests))
for s, n in count.most_common(15):
    print("  %6.2f  %s" % (n / requests, s))
print()
print("CPU by thread (share of all samples on both cores):")
kinds = collections.Counter()
for line in open(work + "/by-thread.txt"):
    m = re.match(r"\s+([\d.]+)%\s+(\d+):(\S+)", line)
    if not m:
        continue
    pct, pid, comm = float(m.group(1)), m.group(2), m.group(3)
    kinds[comm] += pct
for comm, pct in kinds.most_common(8):
    print("  %6.2f%%  %s" % (pct, comm))
print("  (caf.multiplexer: CAF's scheduler workers, of lunchd and of the client;"
      " caf.actor: detached actors; caf.clock: CAF's timer thread)")
kernel = collections.Counter()
for line in open(work + "/by-dso.txt"):
    m = re.match(r"\s+([\d.]+)%\s+(\S+)\s+(\S+)", line)
    if m and m.group(3) == "[kernel.kallsyms]":
        kernel[m.group(2)] += float(m.group(1))
print("of which in the kernel: " + ", ".join("%s %.1f%%" % kv for kv in kernel.most_common(4)))
print()
print("lunchd's hottest symbols (share of all samples):")
n = 0
for line in open(work + "/lunchd-syms.txt"):
    if re.match(r"\s+[\d.]+%", line) and n < 15:
        print("  " + line.strip()[:110])
        n += 1
names = {"lunchcaf:enqueue": "actor messages (enqueued)",
         "lunchcaf:timeout": "requests with a timeout",
         "lunchcaf:basp_send": "BASP messages sent",
         "context-switches": "context switches",
         "syscalls:sys_enter_futex": "futex calls (thread wake-ups and waits)",
         "syscalls:sys_enter_sendto": "sendto (PostgreSQL and peers)",
         "syscalls:sys_enter_recvfrom": "recvfrom"}
def counts(path):
    out = {}
    for line in open(path):
        f = line.strip().split(",")
        if len(f) > 2 and re.match(r"^[\d.]+$", f[0]):
            out[f[2]] = float(f[0])
    return out
if os.path.exists(work + "/count-writes.csv"):
    w, r = counts(work + "/count-writes.csv"), counts(work + "/count-reads.csv")
    print()
    print("in lunchd, per op (counted with uprobes; %d writes, %d cached reads):"
          % (count_writes, count_reads))
    print("  %-42s %8s %8s" % ("", "write", "read"))
    for key, label in names.items():
        print("  %-42s %8.2f %8.2f" % (label, w.get(key, 0) / count_writes,
                                       r.get(key, 0) / count_reads))
PY
echo "run time: ${SECONDS}s"
