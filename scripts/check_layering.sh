#!/usr/bin/env bash
# Checks that the floors hold (docs: "The house", README "Layout"):
#
#   runtime/bin/   lunchd, lunchctl                                     top
#   actors/        node, shard, region, user, party, recommend, ...
#   config/        the node config, plain structs
#   runtime/       the generic library (outside runtime/bin/)
#   messages/      protocols, models, ids, wire formats and limits      ground
#
# An include never runs up a floor:
#   - messages/ includes only messages/ (and system or third-party headers);
#   - runtime/ outside runtime/bin/ includes no config/, actors/ or runtime/bin/;
#   - config/ includes no actors/ and no runtime/bin/;
#   - actors/ includes no runtime/bin/, and only actors/node/ includes config/;
#   - nothing outside tests/ includes tests/.
# And the folders inside actors/ form no cycle (folder A includes something
# in folder B and B, directly or through other folders, includes A).
#
# Usage: scripts/check_layering.sh [ROOT]   (ROOT: the checkout, by default
# this script's; tests/layering/self_test.sh runs it on fake trees).
# Prints one line per offending include (`file:line #include "..."  rule`)
# and per cycle; exit code 0 if the floors hold, 1 if not, 2 on bad usage.
set -euo pipefail

ROOT=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
if [[ ! -d $ROOT ]]; then
  echo "check_layering: no such directory: $ROOT" >&2
  exit 2
fi

export ROOT
exec python3 - <<'PY'
import collections
import os
import re
import sys

root = os.environ["ROOT"]
floors = ("messages", "runtime", "config", "actors", "tests")
include_re = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')


def top_of(path):
    """The project floor of a repository-relative path, or None."""
    if path.startswith("runtime/bin/"):
        return "runtime/bin"
    head = path.split("/", 1)[0]
    return head if head in floors else None


def resolve(src, inc):
    """The repository-relative path an include names, or None if it names
    a system or third-party header."""
    if top_of(inc):
        return inc
    local = os.path.normpath(os.path.join(os.path.dirname(src), inc))
    if os.path.exists(os.path.join(root, local)):
        return local
    return None


def sources():
    for top in ("messages", "runtime", "config", "actors"):
        base = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".hpp", ".cpp", ".h", ".cc", ".ipp")):
                    full = os.path.join(dirpath, name)
                    yield os.path.relpath(full, root)


def violation(src, dst):
    """Why including dst from src runs up a floor, or None."""
    s, d = top_of(src), top_of(dst)
    if d is None or s is None:
        return None
    if d == "tests":
        return "only tests/ includes tests/"
    if s == "messages" and d != "messages":
        return "messages/ includes only messages/"
    if s == "runtime" and d in ("config", "actors", "runtime/bin"):
        return "runtime/ (outside runtime/bin/) includes no config/, actors/, runtime/bin/"
    if s == "config" and d in ("actors", "runtime/bin"):
        return "config/ includes no actors/, runtime/bin/"
    if s == "actors" and d == "runtime/bin":
        return "actors/ includes no runtime/bin/"
    if s == "actors" and d == "config" and not src.startswith("actors/node/"):
        return "only actors/node/ includes config/"
    return None


failed = False
edges = collections.defaultdict(dict)  # folder -> folder -> first site
for src in sources():
    with open(os.path.join(root, src), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = include_re.match(line)
            if not m:
                continue
            dst = resolve(src, m.group(1))
            if dst is None:
                continue
            site = "%s:%d %s" % (src, number, line.strip())
            why = violation(src, dst)
            if why:
                print("%s  (%s)" % (site, why))
                failed = True
            s, d = src.split("/"), dst.split("/")
            if (s[0] == d[0] == "actors" and len(s) > 2 and len(d) > 2
                    and s[1] != d[1]):
                edges[s[1]].setdefault(d[1], site)

# Folder cycles: the folders of actors/ must form no cycle; a cycle found
# is printed with one include for each of its edges.
def path(start, goal):
    """The shortest folder path start -> ... -> goal, or None."""
    previous = {start: None}
    queue = collections.deque([start])
    while queue:
        here = queue.popleft()
        if here == goal:
            found = []
            while here is not None:
                found.append(here)
                here = previous[here]
            return found[::-1]
        for there in sorted(edges.get(here, {})):
            if there not in previous:
                previous[there] = here
                queue.append(there)
    return None


reported = set()
for a in sorted(edges):
    for b in sorted(edges[a]):
        back = path(b, a)
        if back is None:
            continue
        cycle = [a] + back
        # One line per cycle, however many of its edges find it.
        key = frozenset(zip(cycle, cycle[1:]))
        if key in reported:
            continue
        reported.add(key)
        print("folder cycle: %s" % " -> ".join(cycle))
        for x, y in zip(cycle, cycle[1:]):
            print("  %s -> %s: %s" % (x, y, edges[x][y]))
        failed = True

if failed:
    print("check_layering: the floors do not hold (see scripts/check_layering.sh)")
    sys.exit(1)
print("check_layering: ok")
PY
