#!/bin/sh
# Regenerates the captures in this directory: benchmarks/bigjson's tests (a t.Errorf
# between two t.Logs, passing subtests that log, a failing subtest in their middle, a
# panic last) made small (12 subtests of 20 log lines), with Go 1.27.3 (-json has
# OutputType) and 1.26.6 (none), -json, plain and -v. The big log is generate.sh's.
# many-verbose.txt.gz: -v of 10 000 subtests that log nothing but the failed one's
# error (twice the 4 096 tests the sieve held at once until the stop of 2026-11-28 at
# 12:00, which let the 5 000th go), Go 1.27.3, gzipped.
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
go=/opt/gobin/1.27.3/go/bin/go
[ -x "$go" ] && BIGJSON_SUBTESTS=10000 BIGJSON_LINES=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -v . 2>&1 | gzip -9 > "$here/go1.27.3-many-verbose.txt.gz"
