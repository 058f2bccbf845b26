#!/bin/sh
# Regenerates the captures in this directory: samples/programs/gotests' hazards
# package, copied to /build/gotests-hazards, tested by Go 1.19, 1.21.13 and 1.27.3,
# plain and -json:
#   race(-json)      go test -race: the race detector's report inside TestRace's
#                    output (both goroutines' stacks), then testing's 'race detected
#                    during execution of test'; race-json-2: the same run again
#                    (other addresses and goroutine ids);
#   timeout(-json)   go test -timeout=2s: TestHang outlives it, testing's alarm panics
#                    ('panic: test timed out after 2s', Go 1.21+ 'running tests:' and
#                    each test running, then every goroutine);
#   cleanup(-json)   a panic in TestCleanupPanic's t.Cleanup function.
# go test exits 1 (the tests fail): that is the point, so the status is ignored.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
W=/build/gotests-hazards
for go in /usr/lib/go-1.19/bin/go /opt/gobin/1.21.13/go/bin/go /opt/gobin/1.27.3/go/bin/go; do
	[ -x "$go" ] || continue
	rm -rf "$W" && mkdir -p "$W" && cp -r "$here/../../../samples/programs/gotests/." "$W"
	cd "$W"
	v="$(GOTOOLCHAIN=local "$go" env GOVERSION)"; v="${v#go}"
	t() { out=$1; shift; GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 "$@" ./hazards > "$here/go$v-$out.txt" 2>&1; }
	t race -race -run '^TestRace$'
	t race-json -json -race -run '^TestRace$'
	t race-json-2 -json -race -run '^TestRace$'
	t timeout -timeout=2s -run '^TestHang$'
	t timeout-json -json -timeout=2s -run '^TestHang$'
	t cleanup -run '^TestCleanupPanic$'
	t cleanup-json -json -run '^TestCleanupPanic$'
	cd "$here"
done
rm -rf "$W"; rmdir /build 2>/dev/null || true
