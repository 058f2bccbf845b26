#!/bin/sh
# Regenerates the captures in this directory: samples/programs/gotests' calc and greet
# packages (plain failures: t.Errorf, t.Fatalf, t.Logf, subtests, parallel subtests)
# tested by every installed Go toolchain three ways: plain, -v and -json.
# go test exits 1 (the tests fail): that is the point, so the status is ignored.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../../samples/programs/gotests"
for go in /usr/lib/go-1.19/bin/go /opt/gobin/*/go/bin/go; do
	[ -x "$go" ] || continue
	v="$(GOTOOLCHAIN=local "$go" env GOVERSION)"; v="${v#go}"
	GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 ./calc ./greet > "$here/go$v-plain.txt" 2>&1
	GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -v ./calc ./greet > "$here/go$v-verbose.txt" 2>&1
	GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -json ./calc ./greet > "$here/go$v-json.txt" 2>&1
done
