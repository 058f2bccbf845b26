#!/bin/sh
# A big `go test -json` log of a real toolchain (not committed: ~50 MB), for
# benchmarks/bench_bigjson.py:  benchmarks/bigjson/generate.sh [GO] [OUT]
# BIGJSON_SUBTESTS (4000) and BIGJSON_LINES (60) set its size.
# go test exits 1 (tests fail, one panics): that is the point, so the status is ignored.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
go="${1:-/opt/gobin/1.27.3/go/bin/go}"
out="${2:-/tmp/stackdemux-bigjson.jsonl}"
cd "$here" && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -json . > "$out" 2>&1
echo "$out: $(wc -c < "$out") bytes, $(wc -l < "$out") lines"
