#!/usr/bin/env bash
# Before/after: the write/read benchmark (writes.sh) and the remote-call
# benchmark (remote.sh) with two sets of binaries, in one run, printed side
# by side with after/before ratios. Each BIN folder holds lunchd, lunchctl,
# lunchbench and lunchbench-cluster of one build (e.g. the commit before a
# change and the change itself); each side talks only to its own nodes.
#
#   scripts/bench/compare.sh BEFORE_BIN AFTER_BIN
#
# The runs alternate (before, after, after, before) so that a drift of the
# machine's load weighs on both sides alike. On a shared machine one round
# swings by 20% either way (the CPU the node and the database spend per op
# barely moves): BENCH_ROUNDS=N (default 1) repeats the round N
# times and compares the medians of each side's N figures, printing the
# lowest and highest per-round ratio beside them. The knobs of writes.sh
# and remote.sh apply (BENCH_PARTIES, BENCH_READS, BENCH_REQUESTS, ...).
# Exit 1 if a run fails.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

(($# == 2)) || die "usage: $SCRIPT_NAME BEFORE_BIN AFTER_BIN"
ROUNDS=${BENCH_ROUNDS:-1}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer (got '$ROUNDS')"
BEFORE=$(cd "$1" && pwd) || die "no folder $1"
AFTER=$(cd "$2" && pwd) || die "no folder $2"
for bin in "$BEFORE" "$AFTER"; do
  for exe in lunchd lunchctl lunchbench lunchbench-cluster; do
    [[ -x $bin/$exe ]] || die "$bin/$exe is missing"
  done
done
ensure_packages
OUT=$(mktemp -d "${TMPDIR:-/tmp}/compare.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

# run BENCH SIDE ROUND: one benchmark with one side's binaries, its figures
# kept.
run() {
  local bench=$1 side=$2 round=$3 bin name
  bin=$([[ $side == before ]] && echo "$BEFORE" || echo "$AFTER")
  name=$bench-$side-$round
  heading "$bench.sh with the $side binaries ($bin), round $round of $ROUNDS"
  BENCH_SKIP_BUILD=1 LUNCH_BIN_DIR=$bin BENCH_JSON_OUT=$OUT/$name.json \
    "$ROOT/scripts/bench/$bench.sh" >"$OUT/$name.log" 2>&1 || {
    tail -n 20 "$OUT/$name.log" >&2
    die "$bench.sh failed with the $side binaries"
  }
  sed -n '/^=== Results/,$p' "$OUT/$name.log"
}

for ((round = 1; round <= ROUNDS; round++)); do
  run writes before "$round"
  run writes after "$round"
  run remote after "$round"
  run remote before "$round"
done

heading "After / before (medians of $ROUNDS round(s); ratios matter, absolute figures are noise)"
python3 - "$OUT" "$ROUNDS" <<'PY'
import json, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def load(bench, side):
    return [json.load(open(os.path.join(out, "%s-%s-%d.json" % (bench, side, r))))
            for r in range(1, rounds + 1)]
wb, wa = load("writes", "before"), load("writes", "after")
rb, ra = load("remote", "before"), load("remote", "after")
rows = []
def add(name, get, before, after, higher_is_better):
    b = [get(x) for x in before]
    a = [get(x) for x in after]
    if not all(b) or not all(a):
        return
    ratio = statistics.median(a) / statistics.median(b)
    per_round = [y / x for x, y in zip(b, a)]
    better = ratio >= 1 if higher_is_better else ratio <= 1
    rows.append((name, statistics.median(b), statistics.median(a), ratio,
                 min(per_round), max(per_round), "better" if better else "worse"))
for key, label in (("writes", "writes"), ("reads", "cached reads")):
    for field, unit, up in (("ops_per_s", "ops/s", True), ("p50_ms", "p50 ms", False),
                            ("p99_ms", "p99 ms", False)):
        add("%s %s" % (label, unit), lambda x, k=key, f=field: x.get(k, {}).get(f),
            wb, wa, up)
    for field, unit in (("node_cpu_ms_per_op", "node CPU ms/op"),
                        ("db_cpu_ms_per_op", "db CPU ms/op")):
        add("%s %s" % (label, unit), lambda x, k=key, f=field: x.get(k, {}).get(f),
            wb, wa, False)
for field, label in (("join_p50_ms", "joins p50 ms"), ("join_p99_ms", "joins p99 ms"),
                     ("create_p50_ms", "creates p50 ms")):
    add(label, lambda x, f=field: x.get("writes", {}).get(f), wb, wa, False)
for node in ("direct", "forwarded"):
    for field, unit in (("p50_us", "p50 us"), ("p99_us", "p99 us")):
        add("remote %s %s" % (node, unit),
            lambda x, n=node, f=field: x["nodes"].get(n, {}).get(f), rb, ra, False)
print("%-28s %12s %12s %8s %14s" % ("", "before", "after", "after/before", "rounds min-max"))
for name, b, a, ratio, lo, hi, verdict in rows:
    print("%-28s %12.2f %12.2f %8.2fx  %5.2f-%.2fx  %s" % (name, b, a, ratio, lo, hi, verdict))
errors = [sum(r.get("errors", 0) for r in side) for side in (wb, wa, rb, ra)]
print("\nunexpected errors (writes before/after, remote after/before): %s" % errors)
PY
