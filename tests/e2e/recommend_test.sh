#!/usr/bin/env bash
# End-to-end test of recommendations on one lunchd node (spec §4, S11, S12,
# S15): the exact S11 groups with seed zero, a build with progress, every
# user's 30 days compared with the Python reference (scripts/reference/
# recommend.py) on the same data (parties, calendar entries, seeds 0 and 7),
# daily and suggest compared too, freshness (a user who joins a party or
# adds a calendar entry disappears from that day's groups at once) and bad
# input. Own PostgreSQL and ports, like the other e2e tests.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/lib/common.sh
source "$HERE/../../scripts/lib/common.sh"
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

e2e_begin e2e-rec
ORACLE=$ROOT/scripts/reference/recommend.py

# Dates in KST: today, the two weekdays after today, the next Saturday and
# ten days ago.
read -r D1 D2 < <(kst_weekdays 2)
read -r TODAY SAT PAST < <(python3 - <<'PY'
import datetime as dt
t = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=9)).date()
sat = t + dt.timedelta(days=(5 - t.weekday()) % 7 or 7)
print(t, sat, t - dt.timedelta(days=10))
PY
)
echo "today $TODAY, weekdays $D1 $D2, saturday $SAT"

# -----------------------------------------------------------------------------
section "setup: one node, seed zero, the seed users"
e2e_start_pg_and_config e2e-rec 'c["recommend"] = {"seed": 0}'
start_lunchd "$WORK/node.json"
expect_rc 0 -- ctl --json user import "$ROOT/config/seed-users.json"

# -----------------------------------------------------------------------------
section "1. S11: seed zero gives user 1 exactly the ten groups"
ids() { json_value '[[m["employee_id"] for m in g["recommended_group"]] for g in d]'; }
expect_rc 0 -- ctl --json recommend get --user 1 --date "$D1"
expect_eq "S11 groups" \
  '[["5", "15", "2"], ["5", "15", "3"], ["5", "2", "3"], ["5", "2", "4"], ["15", "2", "3"], ["15", "2", "4"], ["5", "15"], ["15", "2"], ["2", "3"], ["5"]]' \
  "$(ids)"
expect_json 'sorted({g["proposed_date"] for g in d})' "[\"$D1\"]"
expect_json 'sorted({m["last_dining_together"] for g in d for m in g["recommended_group"]})' '["처음 만나는 동료"]'
expect_json 'd[0]["recommended_group"][0]' '{"employee_id": "5", "nickname": "정현우", "lunch_preference": "전통 음식", "main_dish_genre": "한식,중식", "last_dining_together": "처음 만나는 동료"}'
expect_rc 0 -- ctl --json recommend get --user 1 --date "$SAT"
expect_json 'd' '[]'
expect_rc 0 -- ctl --json recommend get --user 1 --date "$PAST"
expect_json 'd' '[]'

# -----------------------------------------------------------------------------
section "2. S12 suggest and S15 daily"
expect_rc 0 -- ctl --json recommend suggest --user 1 --date "$D1"
expect_json '[[u["employee_id"] for u in g["users"]] for g in d]' \
  '[["11", "4", "5"], ["15", "19", "3"], ["6", "7", "8"], ["9", "10", "12"], ["14", "16", "17"]]'
expect_json '[g["group_id"] for g in d]' '[1, 2, 3, 4, 5]'
expect_rc 0 -- ctl --json recommend daily --date "$D1"
expect_json 'len(d)' '20'
expect_json '[g["for_user"] for g in d].count("1"), [g["for_user"] for g in d].count("4")' '[6, 2]'
expect_json 'sorted({len(g["recommended_group"]) for g in d})' '[3]'
expect_rc 0 -- ctl --json recommend score --users 1,5 --date 2025-03-10
expect_json 'd["score"] >= 20' 'true'

# -----------------------------------------------------------------------------
section "3. data for the reference: parties and calendar entries"
# The same facts go to lunchd (through lunchctl) and to the reference
# (a dataset file).
party() { # HOST DATE MEMBERS -> prints the party id
  ctl --json party create --host "$1" --title "점심" --restaurant "지구마을" \
    --date "$2" --time 12:00 --location "1층 로비" --max 6 --members "$3" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["party_id"])'
}
P1=$(party 2 "$D1" 3,4)
P2=$(party 6 "$D2" 7)
P3=$(party 8 "$PAST" 9,10)
expect_rc 0 -- ctl --json calendar add --user 12 --date "$D2" --title "병원"
C1=$(json_value 'd["id"]')
expect_rc 0 -- ctl --json calendar add --user 13 --date "$TODAY" --title "주간회의" --repeat weekly
C2=$(json_value 'd["id"]')
echo "parties $P1 $P2 $P3, calendar $C1 $C2"
python3 - "$ROOT/config/seed-users.json" "$WORK/dataset.json" "$TODAY" \
  "$P1" "$D1" "$P2" "$D2" "$P3" "$PAST" "$C1" "$D2" "$C2" "$TODAY" <<'PY'
import json, sys
seed, out, today, p1, d1, p2, d2, p3, past, c1, cd1, c2, cd2 = sys.argv[1:]
users = []
for u in json.load(open(seed)):
    users.append({k: u.get(k, "" if k in ("gender", "age_group") else [])
                  for k in ("employee_id", "nickname", "gender", "age_group",
                            "main_dish_genre", "lunch_styles",
                            "food_preferences", "allergies", "preferred_time",
                            "frequent_areas")})
json.dump({"today": today, "seed": 0, "users": users,
           "parties": [
               {"id": int(p1), "host": "2", "date": d1, "members": ["2", "3", "4"]},
               {"id": int(p2), "host": "6", "date": d2, "members": ["6", "7"]},
               {"id": int(p3), "host": "8", "date": past, "members": ["8", "9", "10"]}],
           "schedules": [
               {"id": int(c1), "employee_id": "12", "date": cd1,
                "recurrence": "", "interval": 1, "until": ""},
               {"id": int(c2), "employee_id": "13", "date": cd2,
                "recurrence": "weekly", "interval": 1, "until": ""}]},
          open(out, "w"), ensure_ascii=False)
PY

# -----------------------------------------------------------------------------
section "4. a build prints progress and covers every user"
expect_rc 0 -- ctl recommend build --days 30
expect_contains " done: 20/20 users" "$OUT" "build output"
expect_rc 0 -- ctl --json recommend build --days 30 --quiet
expect_json 'd["state"], d["users_total"], d["users_done"], d["shards_done"]' '["done", 20, 20, 4]'
expect_json 'd["entries"] > 300' 'true'

# -----------------------------------------------------------------------------
section "5. every user's 30 days, daily and suggest equal the reference"
compare_with_oracle() { # SEED (the node's is 0; others are computed on demand)
  local seed=$1 u rc=0
  python3 "$ORACLE" smart --data "$WORK/dataset.json" --from "$TODAY" \
    --days 30 --seed "$seed" >"$WORK/oracle.json" 2>/dev/null
  {
    printf '{'
    for u in $(seq 1 20); do
      ((u > 1)) && printf ','
      printf '"%s":' "$u"
      ctl --json recommend get --user "$u" --date "$TODAY" --days 30 \
        --seed "$seed" || rc=1
    done
    printf '}'
  } >"$WORK/lunchd.json"
  ((rc == 0)) || { check_fail "recommend get failed (seed $seed)"; return; }
  if python3 - "$WORK/oracle.json" "$WORK/lunchd.json" <<'PY'; then
import json, sys
oracle = json.load(open(sys.argv[1]))
got = {u: days for u, days in json.load(open(sys.argv[2])).items() if days}
if oracle != got:
    for u in sorted(set(oracle) | set(got), key=int):
        if oracle.get(u) != got.get(u):
            print(f"user {u}: reference {json.dumps(oracle.get(u), ensure_ascii=False)[:300]}")
            print(f"user {u}: lunchd    {json.dumps(got.get(u), ensure_ascii=False)[:300]}")
            break
    sys.exit(1)
print(f"{sum(len(x) for x in got.values())} (user, date) entries equal")
PY
    check_pass
  else
    check_fail "smart recommendations differ from the reference (seed $seed)"
  fi
}
compare_with_oracle 0
compare_with_oracle 7
for day in "$TODAY" "$D1" "$D2"; do
  for seed in 0 7; do
    python3 "$ORACLE" daily --data "$WORK/dataset.json" --date "$day" \
      --seed "$seed" >"$WORK/want.json"
    expect_rc 0 -- ctl --json recommend daily --date "$day" --seed "$seed"
    expect_json 'd' "$(cat "$WORK/want.json")"
  done
  for u in 1 2 13; do
    python3 "$ORACLE" suggest --data "$WORK/dataset.json" --user "$u" \
      --date "$day" >"$WORK/want.json"
    expect_rc 0 -- ctl --json recommend suggest --user "$u" --date "$day"
    expect_json 'd' "$(cat "$WORK/want.json")"
  done
done

# -----------------------------------------------------------------------------
section "6. freshness: who becomes busy leaves that day's groups"
in_any_group() { # USER DATE: how many of the 20 users' groups hold USER
  local n=0 u
  for u in $(seq 1 20); do
    ctl --json recommend get --user "$u" --date "$2" >"$WORK/g.json"
    if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(m["employee_id"]==sys.argv[2] for g in d for m in g["recommended_group"]) else 1)' "$WORK/g.json" "$1"; then
      n=$((n + 1))
    fi
  done
  echo "$n"
}
# User 1's groups on D1 count user $1 so that the Python condition $2 holds.
groups_of_1_hold() {
  run ctl --json recommend get --user 1 --date "$D1"
  [[ $RC == 0 ]] && [[ $(json_value "[m['employee_id'] for g in d for m in g['recommended_group']].count('$1') $2") == true ]]
}
# Waits (the change travels through the shard's outbox and its relay) up
# to 20 s and prints how long it took: information, to hold against the
# issue's bound of 1 s (timings are the benchmarks' business, not a check).
expect_fresh() { # USER CONDITION WHAT
  local t0
  t0=$(now_us)
  if wait_until 20 groups_of_1_hold "$1" "$2"; then
    check_pass
    echo "$3: $((($(now_us) - T_ACK) / 1000)) ms after the acknowledgement ($((($(now_us) - t0) / 1000)) ms of checks; the bound is 1 s)"
  else
    check_fail "$3: not within 20 s" "$(_last_output)"
  fi
}
expect_eq "user 5 is recommended on $D1 before" "yes" \
  "$( (($(in_any_group 5 "$D1") > 0)) && echo yes || echo no)"
expect_rc 0 -- ctl --json party join "$P1" 5
T_ACK=$(now_us)
expect_fresh 5 "== 0" "join acknowledged -> user 1's groups without user 5"
expect_eq "user 5 in nobody's groups on $D1" "0" "$(in_any_group 5 "$D1")"
expect_rc 0 -- ctl --json recommend get --user 5 --date "$D1"
expect_json 'd' '[]'
expect_rc 0 -- ctl --json recommend daily --date "$D1"
expect_json '[m["employee_id"] for g in d for m in g["recommended_group"]].count("5") + [g["for_user"] for g in d].count("5")' '0'
expect_rc 0 -- ctl --json recommend suggest --user 1 --date "$D1"
expect_json '[u["employee_id"] for g in d for u in g["users"]].count("5")' '0'
expect_rc 0 -- ctl --json party leave "$P1" 5
T_ACK=$(now_us)
expect_fresh 5 "> 0" "leave acknowledged -> user 5 back in user 1's groups"
# A calendar entry works the same way, and deleting it frees the day.
expect_rc 0 -- ctl --json calendar add --user 15 --date "$D1" --title "외근"
C3=$(json_value 'd["id"]')
T_ACK=$(now_us)
expect_fresh 15 "== 0" "calendar entry added -> user 15 gone from user 1's groups"
expect_eq "user 15 in nobody's groups on $D1" "0" "$(in_any_group 15 "$D1")"
expect_rc 0 -- ctl --json calendar delete --user 15 "$C3"
T_ACK=$(now_us)
expect_fresh 15 "> 0" "calendar entry deleted -> user 15 back in user 1's groups"

# -----------------------------------------------------------------------------
section "7. bad input"
expect_rc 2 -- ctl recommend get --user 1 --date 2026-02-30
expect_rc 2 -- ctl recommend get --user 1 --days 3
expect_rc 2 -- ctl recommend build --days 0
expect_rc 2 -- ctl recommend score --date "$D1"
expect_rc 1 -- ctl --json recommend get --user nobody --date "$D1"
expect_err_code not_found
expect_rc 1 -- ctl --json recommend suggest --user nobody --date "$D1"
expect_err_code not_found
expect_rc 1 -- ctl --json recommend score --users 1,nobody --date "$D1"
expect_err_code not_found

summary
