#!/usr/bin/env bash
# Runs all tests: installs missing packages, builds, starts a private
# PostgreSQL of its own in $ROOT/.pg-test (never a person's .pg), runs
# ctest and always stops the server again. Extra arguments go to ctest,
# e.g. `scripts/test.sh -L unit` or `scripts/test.sh -R party`.
#
# Tests see LUNCH_TEST_PG (a DSN without dbname: they create their own
# databases), LUNCH_BIN_DIR (where lunchd and lunchctl are), LUNCH_PG_DIR
# and LUNCH_CLUSTER_DIR (.pg-test, .cluster-test).
# Exit code: ctest's.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Exported, so tests that call pg.sh or cluster.sh also stay out of a
# person's .pg and .cluster.
export LUNCH_PG_DIR=$ROOT/.pg-test
export LUNCH_CLUSTER_DIR=$ROOT/.cluster-test
PG=$ROOT/scripts/pg.sh

ensure_packages
build_project

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  "$ROOT/scripts/cluster.sh" down >/dev/null 2>&1 || true
  "$PG" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
# Ctrl-C / kill: exit with the usual 128+signal code; the EXIT trap cleans up.
trap 'exit 130' INT
trap 'exit 143' TERM

# Start from an empty cluster so leftovers of an earlier (killed) run
# cannot make tests pass or fail. A server still running there is such a
# leftover: two test runs in one checkout are not supported.
cleanup
rm -rf "$LUNCH_PG_DIR" "$LUNCH_CLUSTER_DIR"
"$PG" start >/dev/null

LUNCH_TEST_PG=$("$PG" dsn)
export LUNCH_TEST_PG
export LUNCH_BIN_DIR=$ROOT/build/bin

rc=0
ctest --test-dir "$ROOT/build" --output-on-failure -j1 "$@" || rc=$?
exit "$rc"
