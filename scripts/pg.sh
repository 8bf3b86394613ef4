#!/usr/bin/env bash
# A private PostgreSQL 15 inside the checkout, for development, tests and
# the demo. By default nothing listens on TCP: clients use the Unix socket
# in $DIR/sock.
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
# as the write benchmark measures them), LUNCH_PG_OPTIONS (more server
# settings for pg_ctl -o, e.g. "-c shared_preload_libraries=pg_stat_statements"
# to profile).
#
# TCP (opt-in, e.g. for cluster.sh's nodes in network namespaces):
# LUNCH_PG_LISTEN=ADDR (an IPv4 address of this machine) makes `start` also
# listen on ADDR (restarting a server that does not yet) and `dsn`/`status`
# print a TCP DSN: host=ADDR port=P user=postgres passfile=$DIR/pgpass.
# TCP clients from LUNCH_PG_CLIENTS (a CIDR, default ADDR's /24) log in
# with scram-sha-256 as postgres, whose password is generated once into
# $DIR/pgpass (mode 600, .pgpass format; never in a DSN or on a command
# line). The Unix socket stays passwordless; `psql` keeps using it. Earlier
# LUNCH_PG_LISTEN addresses ($DIR/listen) stay on while they exist;
# `start` without LUNCH_PG_LISTEN on a stopped server starts it
# socket-only, as before.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PG_BIN=${LUNCH_PG_BIN:-/usr/lib/postgresql/15/bin}
DIR=$(realpath -m "${LUNCH_PG_DIR:-$ROOT/.pg}")
DATA=$DIR/data
SOCK=$DIR/sock
LISTEN=${LUNCH_PG_LISTEN:-}
PASSFILE=$DIR/pgpass
LISTEN_FILE=$DIR/listen

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

# LUNCH_PG_LISTEN and LUNCH_PG_CLIENTS: IPv4 only (the DSN and pg_hba.conf
# take them unquoted). Sets CLIENTS.
check_listen() {
  [[ -n $LISTEN ]] || return 0
  is_ipv4 "$LISTEN" ||
    die "LUNCH_PG_LISTEN must be an IPv4 address like 10.77.0.253, not '$LISTEN'"
  CLIENTS=${LUNCH_PG_CLIENTS:-${LISTEN%.*}.0/24}
  if ! [[ $CLIENTS =~ ^([0-9.]+)/([0-9]|[12][0-9]|3[0-2])$ ]] ||
    ! is_ipv4 "${BASH_REMATCH[1]}"; then
    die "LUNCH_PG_CLIENTS must be an IPv4 CIDR like 10.77.0.0/24, not '$CLIENTS'"
  fi
}

dsn() {
  local text
  if [[ -n $LISTEN ]]; then
    [[ -s $PASSFILE ]] ||
      die "no password file $PASSFILE (run: LUNCH_PG_LISTEN=$LISTEN $SCRIPT_NAME start)"
    # libpq reads the password from the passfile; the DSN never holds it.
    text="host=$LISTEN port=$(port) user=postgres passfile=$PASSFILE"
  else
    text="host=$SOCK port=$(port) user=postgres"
  fi
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

# A random password for TCP logins, generated once; umask 077 makes the
# file mode 600 from the start. Hex, so it needs no escaping in .pgpass.
ensure_passfile() {
  [[ -s $PASSFILE ]] && return 0
  mkdir -p "$DIR"
  (
    umask 077
    printf '*:*:*:postgres:%s\n' \
      "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >"$PASSFILE.tmp"
  )
  mv "$PASSFILE.tmp" "$PASSFILE"
}

# Gives the postgres role the passfile's password as a SCRAM verifier
# computed here, so the plain password never reaches the server (nor its
# log); the statement goes through stdin, not a command line.
set_password() {
  python3 - "$PASSFILE" <<'PY' | run_psql -X -q -v ON_ERROR_STOP=1 >/dev/null
import base64, hashlib, hmac, os, sys
password = open(sys.argv[1]).read().strip().split(":", 4)[4].encode()
salt, rounds = os.urandom(16), 4096
salted = hashlib.pbkdf2_hmac("sha256", password, salt, rounds)
client_key = hmac.new(salted, b"Client Key", "sha256").digest()
stored_key = hashlib.sha256(client_key).digest()
server_key = hmac.new(salted, b"Server Key", "sha256").digest()
b64 = lambda b: base64.b64encode(b).decode()
print("ALTER ROLE postgres PASSWORD 'SCRAM-SHA-256$%d:%s$%s:%s';"
      % (rounds, b64(salt), b64(stored_key), b64(server_key)))
PY
}

# The addresses to listen on: LISTEN plus those of $LISTEN_FILE that still
# exist here (a server cannot start on a vanished address), one
# "ADDR CIDR" per line. Rewrites $LISTEN_FILE and pg_hba.conf; prints the
# listen_addresses value.
update_listen() {
  local addr cidr lines="$LISTEN $CLIENTS"$'\n'
  if [[ -f $LISTEN_FILE ]]; then
    while read -r addr cidr; do
      if [[ -n $addr && $addr != "$LISTEN" ]] && is_local_ipv4 "$addr"; then
        lines+="$addr $cidr"$'\n'
      fi
    done <"$LISTEN_FILE"
  fi
  printf '%s' "$lines" >"$LISTEN_FILE"
  # The socket trusts local users, as initdb -A trust set it up; TCP
  # needs the password, also from 127.0.0.1 (initdb's "host ... trust"
  # lines are gone).
  {
    echo "# Written by scripts/pg.sh (LUNCH_PG_LISTEN)."
    echo "local all all trust"
    echo "local replication all trust"
    while read -r addr cidr; do
      echo "host all all $cidr scram-sha-256"
    done <"$LISTEN_FILE"
  } >"$DATA/pg_hba.conf.tmp"
  if ((EUID == 0)); then
    chown postgres:postgres "$DATA/pg_hba.conf.tmp"
  fi
  chmod 600 "$DATA/pg_hba.conf.tmp"
  if ! cmp -s "$DATA/pg_hba.conf.tmp" "$DATA/pg_hba.conf"; then
    mv "$DATA/pg_hba.conf.tmp" "$DATA/pg_hba.conf"
    if is_running; then
      as_pg "$PG_BIN/pg_ctl" reload -D "$DATA" >/dev/null
    fi
  else
    rm -f "$DATA/pg_hba.conf.tmp"
  fi
  cut -d' ' -f1 "$LISTEN_FILE" | paste -sd,
}

# True if the running server listens on LISTEN and answers there.
listening_on_listen() {
  local current
  current=$(run_psql -X -At -c 'SHOW listen_addresses' 2>/dev/null) || return 1
  [[ ,${current// /}, == *,"$LISTEN",* ]] &&
    "$PG_BIN/pg_isready" -q -h "$LISTEN" -p "$(port)" -U postgres -t 3
}

start() {
  check_dir
  check_shards
  check_listen
  local listen_addresses=''
  if [[ -n $LISTEN ]]; then
    is_local_ipv4 "$LISTEN" ||
      die "LUNCH_PG_LISTEN=$LISTEN is not an address of this machine (create it first, e.g. cluster.sh's bridge)"
    ensure_passfile
  fi
  if is_running; then
    if [[ -z $LISTEN ]]; then
      ensure_databases
      dsn
      return 0
    fi
    listen_addresses=$(update_listen)
    if listening_on_listen; then
      ensure_databases
      set_password
      dsn
      return 0
    fi
    # listen_addresses needs a restart; running clients reconnect (the
    # port stays the same).
    echo "$SCRIPT_NAME: restarting PostgreSQL to listen on $listen_addresses" >&2
    as_pg "$PG_BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >/dev/null
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
  if [[ -n $LISTEN ]]; then
    listen_addresses=$(update_listen)
  else
    rm -f "$LISTEN_FILE"
  fi
  # Without LUNCH_PG_LISTEN no TCP listener, so the port only names the
  # socket file; a free TCP port still keeps it distinct from any other
  # server's socket name. A restart reuses the recorded port, so the DSNs
  # of running nodes stay valid and they reconnect by themselves.
  local port
  if [[ -s $DIR/port && ! -e $SOCK/.s.PGSQL.$(cat "$DIR/port") ]]; then
    port=$(cat "$DIR/port")
  else
    port=$(free_port 1)
    echo "$port" >"$DIR/port"
  fi
  if ! as_pg "$PG_BIN/pg_ctl" start -D "$DATA" -l "$DIR/log" -w -t 60 \
    -o "-c listen_addresses='$listen_addresses' -c unix_socket_directories='$SOCK' -c port=$port -c fsync=${LUNCH_PG_FSYNC:-off} -c max_connections=200 -c shared_buffers=128MB ${LUNCH_PG_OPTIONS:-}" \
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
  if [[ -n $LISTEN ]]; then
    set_password
  fi
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
  status) (($# == 0)) || usage; check_listen; status ;;
  dsn) (($# <= 1)) || usage; check_listen; dsn "${1:-}" ;;
  psql)
    is_running || die "not running ($DIR); run: $SCRIPT_NAME start"
    run_psql "$@"
    ;;
  *) usage ;;
esac
