# shellcheck shell=bash
# A tiny assertion library for the end-to-end tests. Source it.
#
#   run CMD...                 run CMD; sets RC, OUT (stdout), ERR (stderr)
#   expect_rc CODE -- CMD...   run CMD and check its exit code is CODE
#   expect_json EXPR WANT      evaluate the Python expression EXPR on d, the
#                              JSON of the last OUT, and compare it with the
#                              JSON literal WANT (exact: 1 != true, "1" != 1)
#   expect_err_code CODE       the last OUT is {"error":CODE,"message":...}
#   expect_contains TEXT WHERE WHERE (a string) contains TEXT
#   expect_eq WHAT WANT GOT    plain string comparison
#   check_pass / check_fail MSG  count a check by hand
#   json_value EXPR            print EXPR (as JSON; strings bare) for the last OUT
#   summary                    print "e2e: N passed, M failed"; return 1 if M > 0
#
# A failed check prints what was expected and what came instead, and the
# test goes on (later checks still tell something); summary makes the
# script exit non-zero. `fatal MSG` stops at once (a precondition broke).

E2E_PASSED=0
E2E_FAILED=0
E2E_SECTION=""
E2E_T0=${EPOCHREALTIME//[.,]/}
E2E_TMP=${E2E_TMP:-} # a scratch directory for run (the test sets it)
RC=0
OUT=""
ERR=""
LAST_CMD=""

section() {
  E2E_SECTION=$*
  printf '\n--- %s  (t=%d ms, %d checks passed so far)\n' "$*" \
    $((($(now_us) - E2E_T0) / 1000)) "$E2E_PASSED"
}

check_pass() {
  E2E_PASSED=$((E2E_PASSED + 1))
}

check_fail() {
  E2E_FAILED=$((E2E_FAILED + 1))
  {
    printf 'FAIL [%s]: %s\n' "$E2E_SECTION" "$1"
    shift
    local line
    for line in "$@"; do
      printf '    %s\n' "$line"
    done
  } >&2
}

fatal() {
  printf 'FATAL [%s]: %s\n' "$E2E_SECTION" "$*" >&2
  summary || true
  exit 1
}

# Quote a command line for messages.
show_cmd() {
  local out="" arg
  for arg in "$@"; do
    out+="$(printf '%q' "$arg") "
  done
  printf '%s' "${out% }"
}

# Short excerpts of the last output for failure messages.
_last_output() {
  printf 'stdout: %s' "$(head -c 600 <<<"$OUT")"
  printf '\n    stderr: %s' "$(head -c 600 <<<"$ERR")"
}

run() {
  LAST_CMD=$(show_cmd "$@")
  RC=0
  [[ -d $E2E_TMP ]] || fatal "run: E2E_TMP must name a scratch directory"
  "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || RC=$?
  OUT=$(cat "$E2E_TMP/out")
  ERR=$(cat "$E2E_TMP/err")
}

expect_rc() {
  local want=$1
  [[ $2 == -- ]] || fatal "expect_rc: usage: expect_rc CODE -- CMD..."
  shift 2
  run "$@"
  if [[ $RC == "$want" ]]; then
    check_pass
  else
    check_fail "exit code of: $LAST_CMD" "expected: $want" "got:      $RC" \
      "$(_last_output)"
  fi
}

# Prints EXPR evaluated on the last OUT (strings without quotes); empty
# and status 1 if OUT is not JSON or EXPR fails.
json_value() {
  python3 -I -S - "$1" "$OUT" <<'PY' 2>/dev/null
import json, sys
d = json.loads(sys.argv[2])
v = eval(sys.argv[1], {"d": d, "sorted": sorted, "len": len, "set": set, "sum": sum})
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
PY
}

expect_json() {
  local expr=$1 want=$2 got
  if got=$(
    python3 -I -S - "$expr" "$want" "$OUT" <<'PY' 2>&1
import json, sys
expr, want, out = sys.argv[1:4]
try:
    d = json.loads(out)
except ValueError as e:
    print("(not JSON: %s)" % e)
    sys.exit(1)
try:
    v = eval(expr, {"d": d, "sorted": sorted, "len": len, "set": set,
                    "sum": sum, "any": any, "all": all})
except Exception as e:
    print("(%s: %s)" % (type(e).__name__, e))
    sys.exit(1)
canon = lambda x: json.dumps(x, ensure_ascii=False, sort_keys=True)
print(canon(v))
sys.exit(0 if canon(v) == canon(json.loads(want)) else 1)
PY
  ); then
    check_pass
  else
    check_fail "$expr of: $LAST_CMD" "expected: $want" "got:      $got" \
      "$(_last_output)"
  fi
}

expect_err_code() {
  expect_json 'd["error"]' "\"$1\""
}

expect_contains() {
  local needle=$1 haystack=$2 what=${3:-output}
  if [[ $haystack == *"$needle"* ]]; then
    check_pass
  else
    check_fail "$what of: $LAST_CMD" "expected to contain: $needle" \
      "got: $(head -c 600 <<<"$haystack")"
  fi
}

expect_eq() {
  local what=$1 want=$2 got=$3
  if [[ $want == "$got" ]]; then
    check_pass
  else
    check_fail "$what" "expected: $want" "got:      $got"
  fi
}

summary() {
  if [[ -s ${E2E_TMP:-}/until_sent.log ]]; then
    echo "lunchctl runs that could not connect and ran again: $(wc -l <"$E2E_TMP/until_sent.log")"
  fi
  printf '\ne2e: %d passed, %d failed\n' "$E2E_PASSED" "$E2E_FAILED"
  ((E2E_FAILED == 0))
}

# Microseconds since the epoch (bash 5 EPOCHREALTIME, any decimal point).
now_us() {
  echo "${EPOCHREALTIME//[.,]/}"
}

# The first N weekdays (Monday to Friday) after today in Asia/Seoul,
# YYYY-MM-DD, one line.
kst_weekdays() { # N
  python3 - "$1" <<'PY'
import datetime as dt, sys
d = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=9)).date()
days = []
while len(days) < int(sys.argv[1]):
    d += dt.timedelta(days=1)
    if d.weekday() < 5:
        days.append(str(d))
print(*days)
PY
}

# Polls CMD every 0.1 s until it succeeds (status 0) or LIMIT seconds
# (an integer) pass (status 1).
wait_until() {
  local limit=$1
  shift
  local deadline=$(($(now_us) + limit * 1000000))
  while :; do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if (($(now_us) > deadline)); then
      return 1
    fi
    sleep 0.1
  done
}


# -- a test's private PostgreSQL and its cleanup ---------------------------------
# e2e_begin NAME checks the binaries in BIN (LUNCH_BIN_DIR, default
# $ROOT/build/bin), makes a private PostgreSQL directory LUNCH_PG_DIR (4
# shards) with the scratch directory WORK inside it, and installs the exit
# trap: background jobs in BG_PIDS and lunchd are stopped, the log's tail is
# shown on failure, PostgreSQL is stopped and the directory removed (kept
# with LUNCH_E2E_KEEP=1). The caller has sourced scripts/lib/common.sh.
e2e_begin() {
  BIN=${LUNCH_BIN_DIR:-$ROOT/build/bin}
  local exe
  for exe in lunchd lunchctl; do
    [[ -x $BIN/$exe ]] || fatal "$BIN/$exe not found (set LUNCH_BIN_DIR)"
  done
  # pg.sh hands the directory to the postgres user when run as root; our
  # own files go into a subdirectory of it.
  LUNCH_PG_DIR=$(mktemp -d "/tmp/lunch-$1.XXXX")
  export LUNCH_PG_DIR
  export LUNCH_SHARDS=4
  WORK=$LUNCH_PG_DIR/e2e
  mkdir -p "$WORK"
  E2E_TMP=$WORK
  PG=$ROOT/scripts/pg.sh
  LOG=$WORK/lunchd.log
  LUNCHD_PID=""
  BG_PIDS=()
  trap e2e_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# shellcheck disable=SC2317 # called from the EXIT trap
e2e_cleanup() {
  local rc=$? pid
  set +e
  for pid in "${BG_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  if [[ -n $LUNCHD_PID ]] && proc_alive "$LUNCHD_PID" lunchd; then
    kill -9 "$LUNCHD_PID" 2>/dev/null
  fi
  [[ -n $LUNCHD_PID ]] && wait "$LUNCHD_PID" 2>/dev/null
  if ((rc != 0)) && [[ -s $LOG ]]; then
    echo "--- last lines of lunchd.log" >&2
    tail -n 25 "$LOG" >&2
  fi
  "$PG" stop >/dev/null 2>&1
  if [[ ${LUNCH_E2E_KEEP:-0} == 1 ]]; then
    echo "kept $LUNCH_PG_DIR" >&2
  else
    rm -rf "$LUNCH_PG_DIR"
  fi
}


# Starts the private PostgreSQL and writes $WORK/node.json for a node named
# $1 on a free port (sets PORT and NODE); $2, if given, is a Python
# statement on the config dict c, as in config_variant.
e2e_start_pg_and_config() {
  "$PG" start >/dev/null || fatal "scripts/pg.sh start failed"
  PORT=$(free_port 1)
  NODE=127.0.0.1:$PORT
  python3 - "$WORK/node.json" "$1" "$PORT" "${2:-}" \
    "$("$PG" dsn lunch_catalog)" "$("$PG" dsn lunch_shard_0)" \
    "$("$PG" dsn lunch_shard_1)" "$("$PG" dsn lunch_shard_2)" \
    "$("$PG" dsn lunch_shard_3)" <<'PY'
import json, sys
path, name, port, extra, catalog, *shards = sys.argv[1:]
c = {"node": name, "listen": {"host": "127.0.0.1", "port": int(port)},
     "catalog": catalog, "shards": shards}
exec(extra)
json.dump(c, open(path, "w"), indent=1)
PY
}

# -- one lunchd under test ------------------------------------------------------
# e2e_begin sets BIN, WORK (node.json is the base config) and LOG; the
# caller sets NODE (HOST:PORT). LUNCHD_PID is the running node.

# until_sent CMD...: runs CMD (a lunchctl command line) and again, five
# times in all, while it exits 3 saying "cannot reach node": that lunchctl
# could not connect and sent nothing. On a starved machine a node can drop
# a new connection before the handshake (it drops a connection silent for
# the cluster's heartbeat timeout). CMD's output and status are those of
# the last run.
until_sent() {
  local try rc out err
  out=$(mktemp -p "$E2E_TMP" sent.XXXXXX)
  err=$out.err
  for try in 1 2 3 4 5; do
    rc=0
    "$@" >"$out" 2>"$err" || rc=$?
    ((rc == 3)) && grep -qs "cannot reach node " "$out" "$err" || break
    echo "until_sent: try $try of $(show_cmd "$@") could not connect; again" >>"$E2E_TMP/until_sent.log"
  done
  cat "$out"
  cat "$err" >&2
  rm -f "$out" "$err"
  return "$rc"
}

ctl() {
  until_sent "$BIN/lunchctl" --node "$NODE" "$@"
}

node_up() {
  proc_alive "$LUNCHD_PID" lunchd &&
    "$BIN/lunchctl" --node "$NODE" --timeout 2 node status >/dev/null 2>&1
}

# Starts lunchd with config file $1 (default $WORK/node.json); its stderr,
# the structured log, goes to the log file.
start_lunchd() {
  local config=${1:-$WORK/node.json}
  echo "=== lunchd start $config $(date +%T.%N)" >>"$LOG"
  "$BIN/lunchd" --config "$config" >>"$LOG" 2>&1 &
  LUNCHD_PID=$!
  wait_until 20 node_up || fatal "lunchd did not answer node status within 20 s (log: $LOG)"
}

lunchd_gone() {
  ! proc_alive "$LUNCHD_PID" lunchd
}

# Sends SIGNAL to lunchd and checks it exits with status 0 within 30 s.
stop_lunchd_with() {
  local sig=$1 rc=0
  kill "-$sig" "$LUNCHD_PID"
  if wait_until 30 lunchd_gone; then
    check_pass
  else
    check_fail "lunchd still running 30 s after SIG$sig"
    kill -9 "$LUNCHD_PID" 2>/dev/null || true
  fi
  wait "$LUNCHD_PID" || rc=$?
  LUNCHD_PID=""
  expect_eq "exit status of lunchd after SIG$sig" 0 "$rc"
}

# Edits the base config with a Python statement on c, writes it to OUT.
config_variant() {
  python3 - "$WORK/node.json" "$1" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(c, open(sys.argv[3], "w"), ensure_ascii=False, indent=1)
PY
}

# -- several nodes (scripts/cluster.sh) ------------------------------------------
# Node N listens on LUNCH_BASE_PORT + N.

addr() {
  echo "127.0.0.1:$((LUNCH_BASE_PORT + $1))"
}

# ctl_at N ARGS...: lunchctl against node N.
ctl_at() {
  local n=$1
  shift
  until_sent "$BIN/lunchctl" --node "$(addr "$n")" "$@"
}

# e2e_cluster_begin NAME NODES [PORTS]: e2e_begin NAME for a test of NODES
# nodes started with scripts/cluster.sh: sets CLUSTER, LUNCH_CLUSTER_DIR (in
# WORK), LUNCH_BIN_DIR, LUNCH_BASE_PORT (PORTS free ports, default 4, unless
# set), LOG (node0's, shown on failure) and E2E_NODES, turns fault
# injection off and installs e2e_cluster_cleanup as the EXIT trap.
# shellcheck disable=SC2034 # LOG and E2E_NODES are read by the traps
e2e_cluster_begin() {
  e2e_begin "$1"
  CLUSTER=$ROOT/scripts/cluster.sh
  export LUNCH_CLUSTER_DIR=$WORK/cluster
  export LUNCH_BIN_DIR=$BIN
  unset LUNCH_FAULT_INJECTION
  LOG=$LUNCH_CLUSTER_DIR/node0.log
  if [[ -z ${LUNCH_BASE_PORT:-} ]]; then
    LUNCH_BASE_PORT=$(free_port "${3:-4}") || fatal "no free ports for the nodes"
  fi
  export LUNCH_BASE_PORT
  E2E_NODES=$2
  trap e2e_cluster_cleanup EXIT
}

# The EXIT trap of a test running E2E_NODES nodes with scripts/cluster.sh
# (LUNCH_CLUSTER_DIR): on failure the end of each node's log, then the
# nodes stopped, then e2e_cleanup.
# shellcheck disable=SC2317,SC2034 # the EXIT trap; LOG is e2e_cleanup's
e2e_cluster_cleanup() {
  local rc=$? n
  set +e
  for ((n = 0; n < ${E2E_NODES:-1}; n++)); do
    if ((rc != 0)) && [[ -s $LUNCH_CLUSTER_DIR/node$n.log ]]; then
      echo "--- last lines of node$n.log" >&2
      tail -n 15 "$LUNCH_CLUSTER_DIR/node$n.log" >&2
    fi
  done
  LOG=/dev/null
  "$ROOT/scripts/cluster.sh" down >/dev/null 2>&1
  (exit "$rc")
  e2e_cleanup
}
