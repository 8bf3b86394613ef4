# shellcheck shell=bash
# Shared helpers for scripts/*.sh. Source it; do not run it.
#   ROOT             absolute path of the checkout
#   die MSG          print "SCRIPT: MSG" to stderr, exit 1
#   heading TEXT     a visible section heading on stdout
#   ensure_packages  install the Debian packages the build and tests need
#   build_project    configure + build into $ROOT/build
#   free_port [N]    print a port P such that P..P+N-1 are free on 127.0.0.1

# Sourcing twice (a script sourcing another helper) must be harmless.
if [[ -n ${_LUNCH_COMMON_SH:-} ]]; then
  return 0
fi
_LUNCH_COMMON_SH=1

# pwd -P: resolve symlinks so every script agrees on one absolute path
# (the private PostgreSQL socket path is derived from it).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
SCRIPT_NAME=$(basename "$0")

# Debian bookworm names. postgresql-15 ships initdb, pg_ctl and pgbench
# (/usr/lib/postgresql/15/bin) and pulls in postgresql-client-15 (psql);
# there is no separate postgresql-contrib-15 on bookworm.
LUNCH_PACKAGES=(
  build-essential cmake pkg-config ccache
  libcaf-dev libcaf-openssl0.17
  libpqxx-dev libpq-dev libssl-dev
  nlohmann-json3-dev libcli11-dev catch2 libspdlog-dev
  postgresql-15 python3
)

die() {
  echo "$SCRIPT_NAME: $*" >&2
  exit 1
}

heading() {
  printf '\n=== %s ===\n' "$*"
}

# Installs only what is missing, so a prepared machine never touches apt.
# LUNCH_SKIP_PACKAGES=1 skips the check (e.g. a CI image built elsewhere).
ensure_packages() {
  if [[ ${LUNCH_SKIP_PACKAGES:-0} == 1 ]]; then
    return 0
  fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "$SCRIPT_NAME: warning: no dpkg-query; not checking packages" >&2
    return 0
  fi
  local missing=() pkg status
  for pkg in "${LUNCH_PACKAGES[@]}"; do
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
