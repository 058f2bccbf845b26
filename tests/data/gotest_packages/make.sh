#!/bin/sh
# Regenerates the captures in this directory: `go test -json -p 4` of five of
# samples/programs/gotests' packages (calc, greet, chatty, suite, names: plain
# failures, parallel subtests that log, a panic in a subtest), copied to
# /build/gotests, by Go 1.19 and Go 1.27.3. Four test binaries run at once and
# go test writes their events as they come: one package's lines between another's.
# go test exits 1 (the tests fail): that is the point, so the status is ignored.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
W=/build/gotests
for go in /usr/lib/go-1.19/bin/go /opt/gobin/1.27.3/go/bin/go; do
	[ -x "$go" ] || continue
	rm -rf "$W" && mkdir -p "$W" && cp -r "$here/../../../samples/programs/gotests/." "$W"
	cd "$W"
	v="$(GOTOOLCHAIN=local "$go" env GOVERSION)"; v="${v#go}"
	GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 -json -p 4 \
		./calc ./greet ./chatty ./suite ./names > "$here/go$v-json-p4.txt" 2>&1
	cd "$here"
done
rm -rf "$W"; rmdir /build 2>/dev/null || true
