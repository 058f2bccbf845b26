#!/bin/sh
# Regenerates the captures in this directory: samples/programs/gotests' chatty package
# (passing subtests that log, parallel subtests logging at once of which one fails
# after 40 lines of log, more passing subtests) with -json and -v, by Go 1.19 (`=== CONT`
# where the output switches) and Go 1.27 (`=== NAME`, OutputType).
# go test exits 1 (a test fails): that is the point, so the status is ignored.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../../samples/programs/gotests"
for go in /usr/lib/go-1.19/bin/go /opt/gobin/1.27.3/go/bin/go; do
	[ -x "$go" ] || continue
	v="$(GOTOOLCHAIN=local "$go" env GOVERSION)"; v="${v#go}"
	GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -json ./chatty > "$here/go$v-json.txt" 2>&1
	GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -v ./chatty > "$here/go$v-verbose.txt" 2>&1
done
