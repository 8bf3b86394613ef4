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
# machine's load weighs on both sides alike. The knobs of writes.sh and
# remote.sh apply (BENCH_PARTIES, BENCH_READS, BENCH_REQUESTS, ...).
# Exit 1 if a run fails.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

(($# == 2)) || die "usage: $SCRIPT_NAME BEFORE_BIN AFTER_BIN"
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

# run BENCH SIDE: one benchmark with one side's binaries, its figures kept.
run() {
  local bench=$1 side=$2 bin
  bin=$([[ $side == before ]] && echo "$BEFORE" || echo "$AFTER")
  heading "$bench.sh with the $side binaries ($bin)"
  BENCH_SKIP_BUILD=1 LUNCH_BIN_DIR=$bin BENCH_JSON_OUT=$OUT/$bench-$side.json \
    "$ROOT/scripts/bench/$bench.sh" >"$OUT/$bench-$side.log" 2>&1 || {
    tail -n 20 "$OUT/$bench-$side.log" >&2
    die "$bench.sh failed with the $side binaries"
  }
  sed -n '/^=== Results/,$p' "$OUT/$bench-$side.log"
}

run writes before
run writes after
run remote after
run remote before

heading "After / before (one run; ratios matter, absolute figures are noise)"
python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
def load(name):
    return json.load(open(os.path.join(out, name)))
wb, wa = load("writes-before.json"), load("writes-after.json")
rb, ra = load("remote-before.json"), load("remote-after.json")
rows = []
def add(name, b, a, higher_is_better):
    if not b or not a:
        return
    ratio = a / b
    better = ratio >= 1 if higher_is_better else ratio <= 1
    rows.append((name, b, a, ratio, "better" if better else "worse"))
for key, label in (("writes", "writes"), ("reads", "cached reads")):
    b, a = wb.get(key, {}), wa.get(key, {})
    add(label + " ops/s", b.get("ops_per_s"), a.get("ops_per_s"), True)
    add(label + " p50 ms", b.get("p50_ms"), a.get("p50_ms"), False)
    add(label + " p99 ms", b.get("p99_ms"), a.get("p99_ms"), False)
b, a = wb.get("writes", {}), wa.get("writes", {})
add("joins p50 ms", b.get("join_p50_ms"), a.get("join_p50_ms"), False)
add("joins p99 ms", b.get("join_p99_ms"), a.get("join_p99_ms"), False)
add("creates p50 ms", b.get("create_p50_ms"), a.get("create_p50_ms"), False)
for label in ("direct", "forwarded"):
    b, a = rb["nodes"].get(label, {}), ra["nodes"].get(label, {})
    add("remote %s p50 us" % label, b.get("p50_us"), a.get("p50_us"), False)
    add("remote %s p99 us" % label, b.get("p99_us"), a.get("p99_us"), False)
print("%-28s %12s %12s %8s" % ("", "before", "after", "after/before"))
for name, b, a, ratio, verdict in rows:
    print("%-28s %12.2f %12.2f %8.2fx  %s" % (name, b, a, ratio, verdict))
errors = [r.get("errors", 0) for r in (wb, wa, rb, ra)]
print("\nunexpected errors (writes before/after, remote after/before): %s" % errors)
PY
