#!/usr/bin/env bash
# Self-test of scripts/check_layering.sh: a tiny fake tree in a temp dir
# passes; each planted violation of a rule (and a new folder cycle) makes
# the script fail and name the offending include or cycle.
set -euo pipefail

CHECK=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/check_layering.sh
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
out=
rc=0

# put FILE LINE...: writes a file of the fake tree.
put() {
  local file=$TMP/tree/$1
  shift
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$@" >"$file"
}

# A clean tree: every floor includes only its own floor or lower ones.
clean_tree() {
  rm -rf "$TMP/tree"
  put messages/ids.hpp '#pragma once' '#include <string>'
  put messages/proto.hpp '#include "messages/ids.hpp"' '#include <caf/all.hpp>'
  put runtime/log.hpp '#include "messages/ids.hpp"'
  put runtime/db/migrate.cpp '#include "runtime/log.hpp"' '#include <pqxx/pqxx>'
  put config/node_config.hpp '#include "runtime/log.hpp"' '#include "messages/ids.hpp"'
  put actors/shard/owner.hpp '#include "messages/proto.hpp"'
  put actors/region/region.cpp '#include "actors/shard/owner.hpp"'
  put actors/node/root.cpp '#include "config/node_config.hpp"' \
    '#include "actors/region/region.hpp"'
  put actors/region/region.hpp '#include "actors/shard/owner.hpp"'
  put runtime/bin/lunchd.cpp '#include "actors/node/root.hpp"' \
    '#include "config/node_config.hpp"'
  put actors/node/root.hpp '#include "config/node_config.hpp"'
}

# run_check: runs the script on the fake tree; sets $out and $rc.
run_check() {
  rc=0
  out=$(bash "$CHECK" "$TMP/tree" 2>&1) || rc=$?
}

# failed NAME WHY: reports a failed case with the script's output.
failed() {
  echo "FAIL $1: $2:"
  echo "$out"
  failures=$((failures + 1))
}

# expect_pass NAME: the script passes on the fake tree.
expect_pass() {
  run_check
  if [[ $rc -ne 0 ]]; then
    failed "$1" "expected a pass, got exit $rc"
    return
  fi
  echo "ok   $1"
}

# expect_fail NAME TEXT...: the script fails and prints every TEXT.
expect_fail() {
  local name=$1 text
  shift
  run_check
  if [[ $rc -ne 1 ]]; then
    failed "$name" "expected exit 1, got $rc"
    return
  fi
  for text in "$@"; do
    if ! grep -qF -- "$text" <<<"$out"; then
      failed "$name" "the output does not name '$text'"
      return
    fi
  done
  echo "ok   $name"
}

clean_tree
expect_pass "clean tree"

clean_tree
put messages/x.hpp '#pragma once' '#include "actors/y.hpp"'
expect_fail "messages includes actors" \
  'messages/x.hpp:2 #include "actors/y.hpp"' "messages/ includes only messages/"

clean_tree
put messages/x.hpp '#include "runtime/log.hpp"'
expect_fail "messages includes runtime" 'messages/x.hpp:1 #include "runtime/log.hpp"'

clean_tree
put runtime/z.cpp '#include <string>' '#include "config/node_config.hpp"'
expect_fail "runtime includes config" \
  'runtime/z.cpp:2 #include "config/node_config.hpp"'

clean_tree
put runtime/db/migrate.cpp '#include "actors/shard/owner.hpp"'
expect_fail "runtime includes actors" \
  'runtime/db/migrate.cpp:1 #include "actors/shard/owner.hpp"'

clean_tree
put config/node_config.cpp '#include "actors/jobs/rules.hpp"'
expect_fail "config includes actors" \
  'config/node_config.cpp:1 #include "actors/jobs/rules.hpp"'

clean_tree
put config/node_config.cpp '#include "runtime/bin/printers.hpp"'
expect_fail "config includes runtime/bin" \
  'config/node_config.cpp:1 #include "runtime/bin/printers.hpp"'

clean_tree
put actors/shard/owner.cpp '#include "config/node_config.hpp"'
expect_fail "actors outside node include config" \
  'actors/shard/owner.cpp:1 #include "config/node_config.hpp"' \
  "only actors/node/ includes config/"

clean_tree
put actors/shard/store.cpp '#include "actors/region/region.hpp"'
expect_fail "a new folder cycle" "folder cycle: region -> shard -> region" \
  'actors/shard/store.cpp:1 #include "actors/region/region.hpp"'

clean_tree
put actors/shard/store.cpp '#include "actors/node/root.hpp"'
expect_fail "a longer folder cycle" \
  "folder cycle: node -> region -> shard -> node"

if [[ $failures -ne 0 ]]; then
  echo "$failures check_layering self-test(s) failed"
  exit 1
fi
echo "check_layering self-test: all passed"
