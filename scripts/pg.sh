#!/usr/bin/env bash
# A private PostgreSQL 15 inside the checkout, for development, tests and
# the demo. Nothing listens on TCP: clients use the Unix socket in $DIR/sock.
#
#   scripts/pg.sh start          initdb if needed, start, create the databases
#   scripts/pg.sh stop           fast shutdown (no-op when not running)
#   scripts/pg.sh status         "running: DSN" (exit 0) or "stopped" (exit 3)
#   scripts/pg.sh dsn [DB]       the libpq DSN, with dbname=DB if given
#   scripts/pg.sh psql [ARGS]    psql against it (default database: postgres)
#
# Environment: LUNCH_PG_DIR (default $ROOT/.pg), LUNCH_SHARDS (default 4:
# databases lunch_catalog and lunch_shard_0..N-1), LUNCH_PG_BIN,
# LUNCH_PG_FSYNC (default off: a throwaway cluster; on for durable commits,
# as the write benchmark measures them).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PG_BIN=${LUNCH_PG_BIN:-/usr/lib/postgresql/15/bin}
DIR=$(realpath -m "${LUNCH_PG_DIR:-$ROOT/.pg}")
DATA=$DIR/data
SOCK=$DIR/sock

usage() {
  echo "usage: $SCRIPT_NAME start|stop|status|dsn [DB]|psql [ARGS...]" >&2
  exit 2
}

# The path goes unquoted into a libpq DSN and into pg_ctl -o, which a shell
# parses: keep it to characters that need no quoting in either.
check_dir() {
  [[ $DIR =~ ^[A-Za-z0-9/._+-]+$ ]] ||
    die "LUNCH_PG_DIR '$DIR' may contain only letters, digits and / . _ + -"
  # A Unix socket path is limited to 107 bytes: "$SOCK/.s.PGSQL.NNNNN".
  ((${#SOCK} + 17 <= 107)) ||
    die "socket path $SOCK is too long for a Unix socket; set LUNCH_PG_DIR to a shorter path"
}

# initdb and pg_ctl refuse to run as root: run them as the postgres user
# then, from / so that an unreadable working directory does not matter.
as_pg() {
  if ((EUID == 0)); then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

is_running() {
  [[ -f $DATA/PG_VERSION ]] &&
    as_pg "$PG_BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

port() {
  [[ -s $DIR/port ]] || die "no server set up in $DIR (run: $SCRIPT_NAME start)"
  cat "$DIR/port"
}

dsn() {
  local text
  text="host=$SOCK port=$(port) user=postgres"
  if [[ -n ${1:-} ]]; then
    text+=" dbname=$1"
  fi
  echo "$text"
}

run_psql() {
  PGHOST=$SOCK PGPORT=$(port) PGUSER=postgres PGDATABASE=postgres \
    "$PG_BIN/psql" "$@"
}

check_shards() {
  local shards=${LUNCH_SHARDS:-4}
  if ! [[ $shards =~ ^[1-9][0-9]*$ ]] || ((shards > 64)); then
    die "LUNCH_SHARDS must be 1..64, not '$shards'"
  fi
}

ensure_databases() {
  local shards=${LUNCH_SHARDS:-4} dbs=lunch_catalog i
  for ((i = 0; i < shards; i++)); do
    dbs+=",lunch_shard_$i"
  done
  # CREATE DATABASE has no IF NOT EXISTS; \gexec runs one CREATE per
  # missing name (each outside a transaction block, as it must be).
  run_psql -X -q -v ON_ERROR_STOP=1 -v dbs="$dbs" <<'SQL'
SELECT format('CREATE DATABASE %I', d)
  FROM unnest(string_to_array(:'dbs', ',')) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\gexec
SQL
}

start() {
  check_dir
  check_shards
  if is_running; then
    ensure_databases
    dsn
    return 0
  fi
  mkdir -p "$SOCK"
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (is postgresql-15 installed?)"
    chown postgres:postgres "$DIR" "$SOCK"
    runuser -u postgres -- test -w "$DIR" ||
      die "the postgres user cannot reach $DIR (a parent directory is not searchable?); set LUNCH_PG_DIR elsewhere, e.g. /tmp/lunch-pg"
  fi
  if [[ ! -f $DATA/PG_VERSION ]]; then
    rm -rf "$DATA" # leftovers of an interrupted initdb
    # --no-sync: a throwaway cluster (it also runs with fsync=off).
    if ! as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres -A trust --no-locale \
      -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1; then
      cat "$DIR/initdb.log" >&2
      die "initdb failed"
    fi
  fi
  # No TCP listener, so the port only names the socket file; a free TCP
  # port still keeps it distinct from any other server's socket name. A
  # restart reuses the recorded port, so the DSNs of running nodes stay
  # valid and they reconnect by themselves.
  local port
  if [[ -s $DIR/port && ! -e $SOCK/.s.PGSQL.$(cat "$DIR/port") ]]; then
    port=$(cat "$DIR/port")
  else
    port=$(free_port 1)
    echo "$port" >"$DIR/port"
  fi
  if ! as_pg "$PG_BIN/pg_ctl" start -D "$DATA" -l "$DIR/log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$SOCK' -c port=$port -c fsync=${LUNCH_PG_FSYNC:-off} -c max_connections=200 -c shared_buffers=128MB" \
    >/dev/null; then
    tail -n 20 "$DIR/log" >&2 || true
    die "PostgreSQL did not start (log: $DIR/log)"
  fi
  # pg_ctl -w waits for the postmaster; make sure it accepts connections.
  local i
  for ((i = 0; i < 100; i++)); do
    if "$PG_BIN/pg_isready" -q -h "$SOCK" -p "$port"; then
      break
    fi
    sleep 0.1
  done
  "$PG_BIN/pg_isready" -q -h "$SOCK" -p "$port" || die "PostgreSQL is not accepting connections (log: $DIR/log)"
  ensure_databases
  dsn
}

stop() {
  if ! is_running; then
    echo "not running ($DIR)"
    return 0
  fi
  as_pg "$PG_BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >/dev/null
  echo "stopped ($DIR)"
}

status() {
  if is_running; then
    echo "running: $(dsn)"
  else
    echo "stopped ($DIR)"
    exit 3
  fi
}

(($# >= 1)) || usage
cmd=$1
shift
case $cmd in
  start) (($# == 0)) || usage; start ;;
  stop) (($# == 0)) || usage; stop ;;
  status) (($# == 0)) || usage; status ;;
  dsn) (($# <= 1)) || usage; dsn "${1:-}" ;;
  psql)
    is_running || die "not running ($DIR); run: $SCRIPT_NAME start"
    run_psql "$@"
    ;;
  *) usage ;;
esac
