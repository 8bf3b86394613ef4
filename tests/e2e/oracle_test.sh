#!/usr/bin/env bash
# Recommendations against their reference: lunchrec-eval (the CAF-free C++
# rules of actors/recommend/) and scripts/reference/recommend.py read the
# same datasets (docs/recommend.md) and must print the same JSON: both
# outputs are parsed and compared exactly (types, values, key order, list
# order) and the first difference is reported; for smart the entry counts
# on stderr must agree too. Covers the seed users (spec §12 S11, S12, S15
# asserted explicitly), generated datasets with past and future parties and
# recurring schedules (random terms off and on), a hand-made dataset of edge
# cases (natural id order, month-end recurrences, every dining label, few
# users) and unknown users (exit 1 and {"error":"not_found"} in both).
#
# The datasets come from the oracle's own CLI (seed-users, gen). To keep
# the test fast, each section's comparisons run in one Python process that
# calls recommend.py's main(argv) in-process (stdout, stderr and the exit
# status captured as the CLI would give them) and lunchrec-eval as a
# subprocess; section 4 also runs the oracle's CLI for real.
#
# Dates are today or later throughout: lunchrec-eval builds its world like
# a shard snapshot, whose busy days start at today (parties before today
# only give dining labels), while recommend.py counts a party on any date.
#
# No PostgreSQL, no lunchd. Environment: LUNCH_BIN_DIR (default
# $ROOT/build/bin); LUNCH_E2E_KEEP=1 keeps the temporary directory.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh disable=SC1091
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh disable=SC1091
source "$HERE/lib.sh"

BIN=${LUNCH_BIN_DIR:-$ROOT/build/bin}
EVAL=$BIN/lunchrec-eval
ORACLE=$ROOT/scripts/reference/recommend.py
[[ -x $EVAL ]] || fatal "$EVAL not found (build lunchrec-eval; set LUNCH_BIN_DIR)"
[[ -f $ORACLE ]] || fatal "$ORACLE not found"

WORK=$(mktemp -d /tmp/lunch-oracle.XXXX)
# shellcheck disable=SC2034 # run (tests/e2e/lib.sh) writes there
E2E_TMP=$WORK
mkdir -p "$WORK/results"

# shellcheck disable=SC2317 # called from the EXIT trap
oracle_cleanup() {
  if [[ ${LUNCH_E2E_KEEP:-0} == 1 ]]; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap oracle_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TODAY=2026-11-23 # a Monday: T+1 is a Tuesday, T+5 a Saturday
[[ $(date -u -d "$TODAY" +%u) == 1 ]] || fatal "$TODAY is not a Monday"

day_after() { # day_after N: TODAY + N days
  date -u -d "$TODAY + $1 days" +%F
}

# -- the comparison ---------------------------------------------------------------
# job LABEL WANT_RC ARGS... queues a comparison of `recommend.py ARGS` with
# `lunchrec-eval ARGS`: both must exit WANT_RC and print the same JSON.
# JOB is its number: $WORK/results/$JOB.oracle.json and .eval.json hold the
# outputs once run_jobs has run. Arguments must not contain tabs/newlines.
JOB=0
COMPARISONS=0
: >"$WORK/jobs.tsv"

job() {
  JOB=$((JOB + 1))
  local IFS=$'\t'
  printf '%s\n' "$JOB	$*" >>"$WORK/jobs.tsv"
}

cat >"$WORK/compare.py" <<'PY'
import importlib.util, io, json, re, subprocess, sys

oracle_path, eval_path, jobs_path, out_dir = sys.argv[1:5]
spec = importlib.util.spec_from_file_location("recommend", oracle_path)
oracle = importlib.util.module_from_spec(spec)
spec.loader.exec_module(oracle)


def run_oracle(args):
    """recommend.py's main(args) as its CLI runs it: (rc, stdout bytes, stderr)."""
    out, err = io.BytesIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8")
    sys.stderr = err
    rc = 0
    try:
        oracle.main(args)
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stdout.detach()
        sys.stdout, sys.stderr = saved
    return rc, out.getvalue(), err.getvalue()


def parse(raw):
    text = raw.decode("utf-8")
    if not text.endswith("\n") or text.count("\n") != 1:
        raise ValueError("not one line of JSON ending in a newline")
    return json.loads(text)


def first_diff(a, b, where="$"):
    """The first place where a and b differ in type, value or order, or None."""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} {a!r:.80} vs {type(b).__name__} {b!r:.80}"
    if isinstance(a, dict):
        ka, kb = list(a), list(b)
        for i, (x, y) in enumerate(zip(ka, kb)):
            if x != y:
                return f"{where}: key #{i} is {x!r} vs {y!r}"
        if len(ka) != len(kb):
            extra = (ka[len(kb):] or kb[len(ka):])[:5]
            return f"{where}: {len(ka)} keys vs {len(kb)} (extra: {extra})"
        for k in ka:
            d = first_diff(a[k], b[k], f"{where}[{k!r}]")
            if d:
                return d
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{where}[{i}]")
            if d:
                return d
        if len(a) != len(b):
            return f"{where}: length {len(a)} vs {len(b)}"
        return None
    return None if a == b else f"{where}: {a!r} vs {b!r}"


COUNTS = re.compile(r"entries=(\d+) requesters=(\d+) dates=(\d+)")
SECONDS = re.compile(r"seconds=([0-9.]+)")


def compare(n, want_rc, args):
    rc_o, out_o, err_o = run_oracle(args)
    p = subprocess.run([eval_path] + args, capture_output=True)
    rc_e, out_e, err_e = p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")
    with open(f"{out_dir}/{n}.oracle.json", "wb") as f:
        f.write(out_o)
    with open(f"{out_dir}/{n}.eval.json", "wb") as f:
        f.write(out_e)
    if rc_o != want_rc or rc_e != want_rc:
        return False, (f"exit codes: want {want_rc}, oracle {rc_o} ({err_o.strip()[:300]}), "
                       f"eval {rc_e} ({err_e.strip()[:300]})")
    try:
        want = parse(out_o)
        # identical text is an identical value; otherwise compare the values
        got = want if out_e == out_o else parse(out_e)
    except ValueError as e:
        return False, f"unreadable output: {e}"
    diff = None if got is want else first_diff(want, got)
    if diff:
        return False, f"first difference (oracle vs eval) at {diff}"
    size = len(want) if isinstance(want, (list, dict)) else 1
    msg = f"{type(want).__name__} of {size}" + ("" if got is want else " (text differs)")
    if args[0] == "smart":
        co, ce = COUNTS.search(err_o), COUNTS.search(err_e)
        if not co or not ce or co.groups() != ce.groups():
            return False, f"stderr counts: oracle {err_o.strip()!r}, eval {err_e.strip()!r}"
        so, se = SECONDS.search(err_o), SECONDS.search(err_e)
        msg += (f"; entries={ce[1]} requesters={ce[2]} dates={ce[3]};"
                f" seconds oracle {so and so[1]} eval {se and se[1]}")
    return True, msg


with open(jobs_path, encoding="utf-8") as f:
    for line in f:
        n, label, want_rc, *args = line.rstrip("\n").split("\t")
        ok, msg = compare(n, int(want_rc), args)
        print(f"{'PASS' if ok else 'FAIL'}\t{label}\t{msg}\t{' '.join(args)}", flush=True)
PY

# Runs the queued jobs: one check each.
run_jobs() {
  local verdict label msg args
  [[ -s $WORK/jobs.tsv ]] || return 0
  while IFS=$'\t' read -r verdict label msg args; do
    COMPARISONS=$((COMPARISONS + 1))
    if [[ $verdict == PASS ]]; then
      check_pass
      printf 'ok   %-36s %s\n' "$label" "$msg"
    else
      check_fail "$label: $msg" "args: $args"
    fi
  done < <(python3 -I -S "$WORK/compare.py" "$ORACLE" "$EVAL" "$WORK/jobs.tsv" "$WORK/results" ||
    printf 'FAIL\tcompare.py\tthe comparison driver failed\t-\n')
  : >"$WORK/jobs.tsv"
}

# assert_json FILE CODE LABEL: the Python statements CODE (asserts on d,
# the JSON in FILE) pass; one check.
assert_json() {
  local file=$1 code=$2 label=$3 msg
  if msg=$(
    python3 -I -S - "$file" "$code" 2>&1 <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    d = json.load(f)
exec(sys.argv[2], {"d": d})
PY
  ); then
    check_pass
    printf 'ok   %s\n' "$label"
  else
    check_fail "$label" "$(tail -n 3 <<<"$msg")"
  fi
}

# -----------------------------------------------------------------------------
section "1. seed users (spec §12)"
python3 "$ORACLE" seed-users --today "$TODAY" >"$WORK/seed.json"
SEED=$WORK/seed.json
T1=$(day_after 1)
SAT=$(day_after 5)
python3 - "$SEED" "$WORK/seed-busy5.json" "$WORK/seed-three.json" "$T1" <<'PY'
import json, sys
src, busy5, three, t1 = sys.argv[1:]
d = json.load(open(src, encoding="utf-8"))
d["schedules"] = [{"id": 1, "employee_id": "5", "date": t1, "recurrence": "",
                   "interval": 1, "until": ""}]
json.dump(d, open(busy5, "w", encoding="utf-8"), ensure_ascii=False)
d["schedules"] = []
d["users"] = d["users"][:3]
json.dump(d, open(three, "w", encoding="utf-8"), ensure_ascii=False)
PY

job "seed smart s0 30d" 0 smart --data "$SEED" --seed 0 --days 30
S11_JOB=$JOB
job "seed suggest 1 T+1" 0 suggest --data "$SEED" --user 1 --date "$T1"
S12_JOB=$JOB
job "seed daily s0 T" 0 daily --data "$SEED" --date "$TODAY" --seed 0
S15_JOB=$JOB
job "seed daily s7 T+1" 0 daily --data "$SEED" --date "$T1" --seed 7
job "seed smart s7 30d" 0 smart --data "$SEED" --seed 7 --days 30
job "seed score 1,2,3 T" 0 score --data "$SEED" --users 1,2,3 --date "$TODAY"
job "seed score 1,5,15,2 T+1" 0 score --data "$SEED" --users 1,5,15,2 --date "$T1"
job "seed score 5 users" 0 score --data "$SEED" --users 1,2,3,4,5 --date "$T1"
job "seed smart, 5 busy T+1" 0 smart --data "$WORK/seed-busy5.json" --seed 0 --days 3
BUSY5_JOB=$JOB
job "3 users smart s0" 0 smart --data "$WORK/seed-three.json" --seed 0 --days 1
THREE_JOB=$JOB
run_jobs

S11='
want = [["5","15","2"], ["5","15","3"], ["5","2","3"], ["5","2","4"],
        ["15","2","3"], ["15","2","4"], ["5","15"], ["15","2"], ["2","3"],
        ["5"]]
import datetime
today = datetime.date.fromisoformat(TODAY)
days = [today + datetime.timedelta(days=i) for i in range(30)]
weekdays = [x.isoformat() for x in days if x.weekday() < 5]
assert list(d) == [str(i) for i in range(1, 21)], list(d)
mine = d["1"]
assert list(mine) == weekdays, list(mine)
for day, items in mine.items():
    groups = [[m["employee_id"] for m in it["recommended_group"]] for it in items]
    assert groups == want, (day, groups)
    assert all(it["proposed_date"] == day for it in items), day
    assert all(m["last_dining_together"] == "처음 만나는 동료"
               for it in items for m in it["recommended_group"]), day
assert SAT not in mine
for u, per_day in d.items():
    for day, items in per_day.items():
        assert len(items) == 10, (u, day)
        assert all(m["employee_id"] != u for it in items for m in it["recommended_group"])
'
S11=${S11//TODAY/\"$TODAY\"}
S11=${S11//SAT/\"$SAT\"}
S12='
assert [g["group_id"] for g in d] == [1, 2, 3, 4, 5], d
assert [[u["employee_id"] for u in g["users"]] for g in d] == [
    ["11","4","5"], ["15","19","3"], ["6","7","8"], ["9","10","12"],
    ["14","16","17"]], d
'
S15='
from collections import Counter
assert len(d) == 20, len(d)
assert [g["for_user"] for g in d] == ["1"] * 6 + ["2"] * 6 + ["3"] * 6 + ["4"] * 2
for g in d:
    assert g["proposed_date"] == TODAY
    assert len(g["recommended_group"]) == 3
    for m in g["recommended_group"]:
        assert isinstance(m["compatibility_score"], float)
        assert 0 <= m["compatibility_score"] <= 1
        assert m["employee_id"] != g["for_user"]
'
S15=${S15//TODAY/\"$TODAY\"}
for side in eval oracle; do
  assert_json "$WORK/results/$S11_JOB.$side.json" "$S11" "S11 ($side): user 1's 10 groups on every weekday"
  assert_json "$WORK/results/$S12_JOB.$side.json" "$S12" "S12 ($side): suggest groups of user 1"
  assert_json "$WORK/results/$S15_JOB.$side.json" "$S15" "S15 ($side): 20 daily groups, 6/6/6/2"
done
assert_json "$WORK/results/$BUSY5_JOB.eval.json" "
t1 = '$T1'
assert t1 not in d['5'] and '$TODAY' in d['5']
for u, per_day in d.items():
    if u != '5':
        assert len(per_day[t1]) == 10, u
        assert all(m['employee_id'] != '5' for it in per_day[t1]
                   for m in it['recommended_group']), u
" "S11: user 5, busy on T+1, is in no group and has no entry"
assert_json "$WORK/results/$THREE_JOB.eval.json" "
groups = [[m['employee_id'] for m in it['recommended_group']] for it in d['1']['$TODAY']]
assert groups == [['2', '3'], ['2']], groups
" "S11: 3 available users give [[a,b],[a]]"

# -----------------------------------------------------------------------------
section "2. generated datasets: 150 users, 300 parties, 80 schedules"
for gen_seed in 0 7; do
  DATA=$WORK/gen$gen_seed.json
  python3 "$ORACLE" gen --users 150 --seed "$gen_seed" --parties 300 \
    --schedules 80 --today "$TODAY" >"$DATA"
  tag="gen s$gen_seed"
  job "$tag smart 30d" 0 smart --data "$DATA" --days 30
  job "$tag smart 30d --seed $((gen_seed == 0 ? 3 : 0))" 0 smart --data "$DATA" --days 30 \
    --seed $((gen_seed == 0 ? 3 : 0))
  job "$tag smart from T+10 45d" 0 smart --data "$DATA" --from "$(day_after 10)" --days 45
  for n in 0 1 5 17; do
    job "$tag daily T+$n" 0 daily --data "$DATA" --date "$(day_after "$n")"
  done
  job "$tag daily T+2 --seed 11" 0 daily --data "$DATA" --date "$(day_after 2)" --seed 11
  for user in u00001 u00042 u00150; do
    for n in 0 3 12; do
      job "$tag suggest $user T+$n" 0 suggest --data "$DATA" --user "$user" \
        --date "$(day_after "$n")"
    done
  done
  for users in u00001,u00002,u00003 u00010,u00020 u00007 u00031,u00032,u00033,u00034 \
    u00001,u00002,u00003,u00004,u00005 u00099,u00099; do
    job "$tag score $users" 0 score --data "$DATA" --users "$users" --date "$(day_after 4)"
  done
done
run_jobs
assert_json "$WORK/gen7.json" "
assert len(d['users']) == 150 and len(d['parties']) == 300 and len(d['schedules']) == 80
assert {s['recurrence'] for s in d['schedules']} >= {'', 'weekly', 'monthly'}
assert any(p['date'] < '$TODAY' for p in d['parties'])
assert any(p['date'] >= '$TODAY' for p in d['parties'])
" "gen s7 has past and future parties and recurring schedules"

# -----------------------------------------------------------------------------
section "3. edge cases: id order, month ends, labels"
EDGE=$WORK/edge.json
python3 - "$EDGE" "$TODAY" <<'PY'
import datetime, json, sys
path, today = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
ago = lambda n: (today - datetime.timedelta(days=n)).isoformat()
ids = ["10", "9", "a10", "a2", "01", "1", "b", "가", "x01y", "x1y2", "a", "0"]
users = []
for i, e in enumerate(ids):
    users.append({"employee_id": e, "nickname": ["", "철수", "\"따옴표\"", "tab\there"][i % 4],
                  "gender": ["", "남", "여"][i % 3], "age_group": ["", "20대", "30대"][i % 3],
                  "main_dish_genre": ["한식", "한식,중식", "", "중식,,한식"][i % 4],
                  "lunch_styles": [[], ["맛집 탐방"], ["맛집 탐방", "빠른 식사"]][i % 3],
                  "food_preferences": [["한식"], [], ["중식", "한식"]][i % 3],
                  "allergies": [["없음"], [], ["땅콩", "우유"], ["우유", "땅콩"]][i % 4],
                  "preferred_time": ["12:00", "", "12:30"][i % 3],
                  "frequent_areas": [["강남구"], ["판교"], []][i % 3]})
# parties 0…800 days ago (every label), today and in the future (busy)
parties = [{"id": n + 1, "host": ids[n % 5], "date": ago(days),
            "members": [ids[n % 5], ids[(n + 3) % 12], ids[(n + 7) % 12]]}
           for n, days in enumerate([0, 1, 3, 6, 7, 29, 30, 364, 365, 800, -1, -2, -30])]
parties.append({"id": 99, "host": "ghost", "date": ago(2), "members": ["1", "ghost"]})
schedules = [  # month ends, leap days, intervals, an end date, unknown users
    {"id": 1, "employee_id": "1", "date": "2026-01-31", "recurrence": "monthly", "interval": 1, "until": ""},
    {"id": 2, "employee_id": "9", "date": "2024-02-29", "recurrence": "yearly", "interval": 1, "until": ""},
    {"id": 3, "employee_id": "b", "date": ago(21), "recurrence": "weekly", "interval": 2, "until": ago(-30)},
    {"id": 4, "employee_id": "가", "date": "2025-08-31", "recurrence": "monthly", "interval": 3, "until": ""},
    {"id": 5, "employee_id": "a2", "date": ago(-2), "recurrence": "", "interval": 1, "until": ""},
    {"id": 6, "employee_id": "01", "date": ago(5), "recurrence": "weekly", "interval": 0, "until": ""},
    {"id": 7, "employee_id": "ghost", "date": ago(-1), "recurrence": "", "interval": 1, "until": ""},
]
json.dump({"today": today.isoformat(), "seed": 5, "users": users, "parties": parties,
           "schedules": schedules}, open(path, "w", encoding="utf-8"), ensure_ascii=False)
PY
job "edge smart 400d" 0 smart --data "$EDGE" --days 400
EDGE_JOB=$JOB
job "edge smart 400d --seed 0" 0 smart --data "$EDGE" --days 400 --seed 0
for n in 0 1 2 8 38 99; do
  job "edge daily T+$n" 0 daily --data "$EDGE" --date "$(day_after "$n")"
  job "edge suggest 1 T+$n" 0 suggest --data "$EDGE" --user 1 --date "$(day_after "$n")"
done
job "edge score 01,가,a10" 0 score --data "$EDGE" --users "01,가,a10" --date "$TODAY"
job "edge score 0,1,a,b" 0 score --data "$EDGE" --users "0,1,a,b" --date "$(day_after 3)"
run_jobs
assert_json "$WORK/results/$EDGE_JOB.eval.json" "
assert list(d) == ['0', '01', '1', '9', '10', 'a', 'a2', 'a10', 'b', 'x01y', 'x1y2', '가'], list(d)
labels = {m['last_dining_together'] for per in d.values() for items in per.values()
          for it in items for m in it['recommended_group']}
for want in ('어제', '3일 전', '6일 전', '1주 전', '4주 전', '1개월 전', '12개월 전',
             '1년 전', '2년 전', '처음 만나는 동료'):
    assert want in labels, (want, labels)
" "edge: natural id order and every kind of dining label"

# -----------------------------------------------------------------------------
section "4. unknown users"
job "suggest unknown user" 1 suggest --data "$SEED" --user nobody --date "$T1"
job "score unknown user" 1 score --data "$SEED" --users 1,nobody,2 --date "$T1"
run_jobs
for side in oracle eval; do
  assert_json "$WORK/results/$JOB.$side.json" 'assert d == {"error": "not_found"}, d' \
    "score unknown user ($side): not_found"
done
# The oracle's CLI for real, and lunchrec-eval's usage errors.
expect_rc 1 -- python3 "$ORACLE" suggest --data "$SEED" --user nobody --date "$T1"
expect_json 'd' '{"error": "not_found"}'
expect_rc 1 -- "$EVAL" suggest --data "$SEED" --user nobody --date "$T1"
expect_json 'd' '{"error": "not_found"}'
expect_rc 2 -- "$EVAL" smart --data "$SEED" --bogus
expect_rc 2 -- "$EVAL" daily --data "$SEED" --date 2026-02-30

printf '\n%d oracle comparisons\n' "$COMPARISONS"
summary
