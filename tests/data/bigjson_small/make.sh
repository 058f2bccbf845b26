#!/bin/sh
# Regenerates the captures in this directory: benchmarks/bigjson's tests (a t.Errorf
# between two t.Logs, passing subtests that log, a failing subtest in their middle, a
# panic last) made small (12 subtests of 20 log lines), with Go 1.27.3 (-json has
# OutputType) and 1.26.6 (none), -json, plain and -v. The big log is generate.sh's.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../../benchmarks/bigjson"
for v in 1.26.6 1.27.3; do
	go="/opt/gobin/$v/go/bin/go"
	[ -x "$go" ] || continue
	BIGJSON_SUBTESTS=12 BIGJSON_LINES=20 GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -json . > "$here/go$v-json.txt" 2>&1
	BIGJSON_SUBTESTS=12 BIGJSON_LINES=20 GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 . > "$here/go$v-plain.txt" 2>&1
	BIGJSON_SUBTESTS=12 BIGJSON_LINES=20 GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -v . > "$here/go$v-verbose.txt" 2>&1
done
