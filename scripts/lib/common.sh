# shellcheck shell=bash
# Shared helpers for scripts/*.sh. Source it; do not run it.
#   ROOT             absolute path of the checkout
#   die MSG          print "SCRIPT: MSG" to stderr, exit 1
#   heading TEXT     a visible section heading on stdout
#   ensure_packages [PKG...]  install the Debian packages the build and tests
#                    need (or just the PKGs given)
#   build_project    configure + build into $ROOT/build
#   free_port [N]    print a port P such that P..P+N-1 are free on 127.0.0.1
#   free_netns_net   print a LUNCH_NETNS_NET (10.77.X) no interface here uses
#   python3          Debian's /usr/bin/python3 where it exists
#   log_event_us LOG OFFSET EVENT  when a node log first says event=EVENT
#   is_ipv4 ADDR, is_local_ipv4 ADDR  a dotted quad; one of this machine's
#   have_commands CMD...  true if every CMD is on PATH
#   install_peer_package PACKAGE WHAT LOG COMMAND...
#                    best-effort install of a benchmark peer's package
#   bench_build DIR TARGET..., bench_fresh_state NAME, bench_traps [HOOK...]
#                    a benchmark's build, fresh start and EXIT/INT/TERM traps

# Sourcing twice (a script sourcing another helper) must be harmless.
if [[ -n ${_LUNCH_COMMON_SH:-} ]]; then
  return 0
fi
_LUNCH_COMMON_SH=1

# pwd -P: resolve symlinks so every script agrees on one absolute path
# (the private PostgreSQL socket path is derived from it).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
SCRIPT_NAME=$(basename "$0")

# Debian's python3, the one ensure_packages installs: its modules are the
# Debian packages the scripts install (selenium, aiosmtpd, celery), and a
# python3 found earlier on PATH (a pyenv shim measured 0.5 s per start
# here) would lack them or slow every helper call and test poll down.
# Exported, so the tests and scripts these start use it too.
if [[ -x /usr/bin/python3 ]]; then
  python3() { /usr/bin/python3 "$@"; }
  export -f python3
fi

# Debian bookworm names. postgresql-15 ships initdb, pg_ctl and pgbench
# (/usr/lib/postgresql/15/bin) and pulls in postgresql-client-15 (psql);
# there is no separate postgresql-contrib-15 on bookworm.
LUNCH_PACKAGES=(
  build-essential cmake pkg-config ccache
  libcaf-dev libcaf-openssl0.17
  libpqxx-dev libpq-dev libssl-dev
  nlohmann-json3-dev libcli11-dev catch2 libspdlog-dev
  libhowardhinnant-date-dev
  postgresql-15 python3 iproute2
)

# What `LUNCH_NETNS=1 scripts/cluster.sh` adds: ip (namespaces, bridge,
# routes) and ping (its connectivity probe). It uses iptables only where
# it is installed (a firewall with iptables rules, e.g. Docker's).
# shellcheck disable=SC2034 # for cluster.sh
LUNCH_NETNS_PACKAGES=(iproute2 iputils-ping)

die() {
  echo "$SCRIPT_NAME: $*" >&2
  exit 1
}

heading() {
  printf '\n=== %s ===\n' "$*"
}

# Installs only what is missing, so a prepared machine never touches apt.
# LUNCH_SKIP_PACKAGES=1 skips the check (e.g. a CI image built elsewhere).
# Without arguments it checks LUNCH_PACKAGES.
# shellcheck disable=SC2120 # the packages are optional
ensure_packages() {
  local wanted=("$@")
  if ((${#wanted[@]} == 0)); then
    wanted=("${LUNCH_PACKAGES[@]}")
  fi
  if [[ ${LUNCH_SKIP_PACKAGES:-0} == 1 ]]; then
    return 0
  fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "$SCRIPT_NAME: warning: no dpkg-query; not checking packages" >&2
    return 0
  fi
  local missing=() pkg status
  for pkg in "${wanted[@]}"; do
    # shellcheck disable=SC2016 # ${db:Status-Abbrev} is dpkg-query's syntax
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    if [[ $status != ii* ]]; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  echo "$SCRIPT_NAME: missing packages: ${missing[*]}" >&2
  if ((EUID != 0)); then
    echo "install them with:" >&2
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
  # One update per run: the package lists are stale on a fresh image.
  if [[ -z ${_LUNCH_APT_UPDATED:-} ]]; then
    apt-get update
    _LUNCH_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# ccache is picked up by CMakeLists.txt itself when installed.
build_project() {
  cmake -S "$ROOT" -B "$ROOT/build" \
    -DCMAKE_BUILD_TYPE="${LUNCH_BUILD_TYPE:-Release}"
  cmake --build "$ROOT/build" -j"$(nproc)"
}

# log_event_us LOG OFFSET EVENT: microseconds since the epoch of the first
# line of the node log LOG after byte OFFSET with event=EVENT (empty if
# none).
log_event_us() {
  tail -c "+$(($2 + 1))" "$1" | grep -m1 "event=$3" | awk '{print $1}' | python3 -c '
import datetime, sys
line = sys.stdin.read().strip()
if line:
    t = datetime.datetime.strptime(line, "%Y-%m-%dT%H:%M:%S.%fZ")
    print(int(t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1e6))'
}

# A /24 of its own for a cluster in namespaces: cluster.sh refuses one in
# use, and runs side by side (a test, a benchmark) need different ones.
free_netns_net() {
  local try net
  for ((try = 0; try < 100; try++)); do
    net=10.77.$((20 + RANDOM % 230))
    if ! ip -br addr | grep -q " ${net//./\\.}\."; then
      echo "$net"
      return 0
    fi
  done
  die "no free 10.77.X.0/24 network for the namespaces"
}

# python3 (in LUNCH_PACKAGES) asks the kernel: bind() to port 0 returns a
# free port; for N > 1, binding each candidate proves P..P+N-1 are free
# right now (multi-node clusters want consecutive ports).
free_port() {
  local count=${1:-1}
  python3 - "$count" <<'PY'
import random, socket, sys

count = int(sys.argv[1])

def free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()

if count == 1:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()
    sys.exit(0)
# Stay below the Linux ephemeral range (32768+) so outgoing connections
# are unlikely to grab one of the ports between now and the bind.
for _ in range(200):
    base = random.randint(20000, 32000 - count)
    if all(free(p) for p in range(base, base + count)):
        print(base)
        sys.exit(0)
sys.exit("free_port: no %d consecutive free ports found" % count)
PY
}

# True if ADDR is a dotted-quad IPv4 address (no leading zeros).
is_ipv4() {
  local octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
  [[ $1 =~ ^$octet\.$octet\.$octet\.$octet$ ]]
}

# True if the IPv4 address ADDR is configured on this machine (a socket
# can bind to it), e.g. a bridge address created by cluster.sh.
is_local_ipv4() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind((sys.argv[1], 0))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True if PID is a live (not zombie) process whose command name is NAME.
# Zombies matter here: this machine's PID 1 does not reap orphans, so a
# stopped daemon can linger as <defunct> and `kill -0` would still succeed.
proc_alive() {
  local pid=$1 name=$2 stat comm
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "$name" ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  # Field 3 (the state) follows the ")" that closes the command name.
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Stops the local node(s) and the private PostgreSQL of LUNCH_CLUSTER_DIR /
# LUNCH_PG_DIR; quiet and never failing, for EXIT traps.
stop_cluster_and_pg() {
  "$ROOT/scripts/cluster.sh" down >/dev/null 2>&1 || true
  "$ROOT/scripts/pg.sh" stop >/dev/null 2>&1 || true
}

# After a failure (exit code $1), shows the end of node0's log.
show_node_log_on_failure() {
  local rc=$1
  if ((rc != 0)) && [[ -f $LUNCH_CLUSTER_DIR/node0.log ]]; then
    echo "$SCRIPT_NAME: FAILED (exit $rc); last lines of $LUNCH_CLUSTER_DIR/node0.log:" >&2
    tail -n 20 "$LUNCH_CLUSTER_DIR/node0.log" >&2 || true
  fi
}

# True if every COMMAND is on PATH.
have_commands() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || return 1
  done
}

# install_peer_package PACKAGE WHAT LOG COMMAND...
# Makes sure every COMMAND is on PATH, installing the Debian PACKAGE (WHAT
# says what for, e.g. "the Erlang/OTP peer") if one is missing, apt-get's
# output going to the file LOG. Best effort, for the peers the benchmarks
# measure beside lunchmesh: on failure sets PEER_WHY to the reason and
# returns 1. Honours LUNCH_SKIP_PACKAGES=1 and installs only as root.
# shellcheck disable=SC2034 # PEER_WHY is for the caller
install_peer_package() {
  local pkg=$1 what=$2 log=$3 names verb=is
  shift 3
  PEER_WHY=
  if have_commands "$@"; then
    return 0
  fi
  names=$(IFS=/ && echo "$*")
  if (($# > 1)); then
    verb=are
  fi
  if [[ ${LUNCH_SKIP_PACKAGES:-0} == 1 ]]; then
    PEER_WHY="$names not found and LUNCH_SKIP_PACKAGES=1 (install $pkg)"
    return 1
  fi
  if ((EUID != 0)); then
    PEER_WHY="$1 not found; install it with: sudo apt-get install -y $pkg"
    return 1
  fi
  echo "$SCRIPT_NAME: installing $pkg ($what)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >"$log" 2>&1; then
    # Stale package lists on a fresh image: one update, one more try.
    if [[ -z ${_LUNCH_APT_UPDATED:-} ]]; then
      apt-get update >>"$log" 2>&1 || true
      _LUNCH_APT_UPDATED=1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >>"$log" 2>&1; then
      PEER_WHY="apt-get install $pkg failed: $(tail -n 1 "$log")"
      return 1
    fi
  fi
  if ! have_commands "$@"; then
    PEER_WHY="$pkg is installed but $names $verb not on PATH"
    return 1
  fi
}

# The benchmarks with a private PostgreSQL (LUNCH_PG_DIR), local nodes
# (LUNCH_CLUSTER_DIR) and a scratch directory in the global WORK.

# bench_build DIR TARGET...: ensure_packages, then, unless
# BENCH_SKIP_BUILD=1, configures DIR (LUNCH_BUILD_TYPE, default Release)
# and builds the TARGETs there.
bench_build() {
  local dir=$1 names=
  shift
  ensure_packages
  if [[ ${BENCH_SKIP_BUILD:-0} == 1 ]]; then
    return 0
  fi
  if (($# > 1)); then
    names=$(printf '%s, ' "${@:1:$#-1}")
    names="${names%, } and "
  fi
  heading "Building $names${!#}"
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="${LUNCH_BUILD_TYPE:-Release}" >/dev/null
  cmake --build "$dir" -j2 --target "$@"
}

# bench_fresh_state NAME: fresh state each run: stops the leftovers of an
# interrupted run, wipes LUNCH_PG_DIR and LUNCH_CLUSTER_DIR and sets WORK to
# a new directory ${TMPDIR:-/tmp}/NAME.XXXXXX.
bench_fresh_state() {
  stop_cluster_and_pg
  rm -rf "$LUNCH_PG_DIR" "$LUNCH_CLUSTER_DIR"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
}

# bench_on_exit RC [HOOK...]: the EXIT trap set by bench_traps. After a
# failure (RC != 0) shows the end of the node logs; runs each HOOK (a
# command without arguments, e.g. one stopping a peer's processes); stops
# the nodes and PostgreSQL; removes them and WORK unless BENCH_KEEP=1.
# shellcheck disable=SC2317 # called from the EXIT trap
bench_on_exit() {
  local rc=$1 hook
  shift
  if ((rc != 0)) && [[ -d $LUNCH_CLUSTER_DIR ]]; then
    echo "$SCRIPT_NAME: FAILED (exit $rc); last node log lines:" >&2
    tail -n 8 "$LUNCH_CLUSTER_DIR"/node*.log >&2 2>/dev/null || true
  fi
  for hook in "$@"; do
    "$hook"
  done
  stop_cluster_and_pg
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    [[ -n $WORK ]] && echo "$SCRIPT_NAME: kept $LUNCH_PG_DIR, $LUNCH_CLUSTER_DIR and $WORK"
  else
    [[ -n $WORK ]] && rm -rf "$WORK"
    rm -rf "$LUNCH_PG_DIR" "$LUNCH_CLUSTER_DIR"
  fi
}

# bench_traps [HOOK...]: on exit bench_on_exit (with the HOOKs, function
# names); Ctrl-C and TERM exit 130 and 143, which runs it too.
# shellcheck disable=SC2120 # the hooks are optional
bench_traps() {
  local hooks=
  if (($# > 0)); then
    hooks=$(printf ' %q' "$@")
  fi
  # shellcheck disable=SC2064 # the hooks are fixed now; $? is the exit code
  trap "bench_on_exit \$?$hooks" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
