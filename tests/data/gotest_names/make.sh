#!/bin/sh
# Regenerates the captures in this directory: samples/programs/gotests' names package
# (subtests named `size-10`, `#00`, and by what the run chose: a random number, a
# UUID, UnixNano, time.Now().String()) tested by every installed Go toolchain, plain
# twice (two runs: the run-chosen names differ) and -json once.
# go test exits 1 (the tests fail): that is the point, so the status is ignored.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../../samples/programs/gotests"
for go in /usr/lib/go-1.19/bin/go /opt/gobin/*/go/bin/go; do
	[ -x "$go" ] || continue
	v="$(GOTOOLCHAIN=local "$go" env GOVERSION)"; v="${v#go}"
	for run in 1 2; do
		GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 ./names > "$here/go$v-plain-run$run.txt" 2>&1
	done
	GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -json ./names > "$here/go$v-json.txt" 2>&1
done
