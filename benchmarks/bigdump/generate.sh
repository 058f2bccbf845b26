#!/usr/bin/env bash
# Build bigdump with real Go toolchains and capture its GOTRACEBACK=all panic.
# Writes benchmarks/data/goroutines-20k.go<ver>.txt.gz and goroutines-20k.truth.json.
# Toolchains: bash samples/toolchains.sh
#   usage: benchmarks/bigdump/generate.sh [1.27 [1.21 ...]]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$HERE/../data" && pwd)
declare -A GO=([1.27]=/opt/gobin/1.27.3/go/bin/go [1.21]=/opt/gobin/1.21.13/go/bin/go
               [1.23]=/opt/gobin/1.23.9/go/bin/go [1.25]=/opt/gobin/1.25.5/go/bin/go)
VERS=("$@"); [ ${#VERS[@]} -gt 0 ] || VERS=(1.27 1.21)
BUILD=/srv/bigdump
for v in "${VERS[@]}"; do
  rm -rf "$BUILD"; mkdir -p "$BUILD"; cp "$HERE/main.go" "$HERE/go.mod" "$BUILD/"
  (cd "$BUILD" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
      GOCACHE=/tmp/stackdemux-samples/cache/$v "${GO[$v]}" build -o bigdump .)
  out="$DATA/goroutines-20k.go$v.txt"
  set +e
  (cd "$BUILD" && ulimit -c 0 && GOTRACEBACK=all ./bigdump -n 20000 -truth /tmp/bigdump-truth.json >"$out" 2>&1)
  rc=$?
  set -e
  n=$(grep -c '^goroutine [0-9]' "$out" || true)
  echo "go$v: exit $rc, $(wc -c <"$out") bytes, $n goroutine headers"
  gzip -9 -n -f "$out"
  if [ "$v" = 1.27 ]; then
    TRUTH_OUT="$DATA/goroutines-20k.truth.json" python3 - "$n" "$out.gz" <<'PY'
import collections, gzip, json, os, re, sys
t = json.load(open("/tmp/bigdump-truth.json"))
t["goroutine_headers_in_dump"] = int(sys.argv[1])
# Distinct stacks (wait state + function sequence) among the bigdump goroutines.
# More than call_paths: the first writer on an RWMutex waits in RWMutex.Lock and the
# rest in Mutex.Lock; the first reader of the shared pipe is in IO wait, the rest
# in semacquire on the fd lock.
stacks = collections.Counter()
for block in gzip.open(sys.argv[2], "rt").read().split("\n\n"):
    lines = block.split("\n")
    if not lines[0].startswith("goroutine "):
        continue
    funcs = tuple(re.sub(r"\(.*", "", l) for l in lines[1:] if l and not l.startswith(("\t", "created by")))
    if any("Stage" in f for f in funcs):
        stacks[(re.search(r"\[(.*?)\]", lines[0]).group(1), funcs)] += 1
t["distinct_stacks_in_dump"] = len(stacks)
t["note"] = ("call_paths = distinct (function chain, wait state) paths the program creates; "
             "distinct_stacks_in_dump also splits RWMutex.Lock (first writer vs queued writers) "
             "and the shared pipe (first reader in IO wait, others in semacquire)")
json.dump(t, open(os.environ["TRUTH_OUT"], "w"), indent=1)
PY
  fi
done
