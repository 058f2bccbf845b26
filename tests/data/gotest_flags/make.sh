#!/bin/sh
# Regenerates the captures in this directory: samples/programs/gotests' suite package
# (subtests named with `/` and with a space, one skipped by t.Skip, one stopped by
# t.Fatalf, a panic in a subtest, a later failing test), copied to /build/gotests,
# tested by Go 1.19 and Go 1.27.3 with go test's flags that change what it prints:
#   -v and -json           every test;
#   -failfast              the first failure stops the run (TestTrim and TestLater not run);
#   -count=3               TestKeys and TestLater run three times (no panic: it ends a run);
#   -run 'TestKeys/with space'  a subtest chosen by its name as written (a space);
#   -run TestKeys/unix/path     …by a name with `/` (each part a level).
# go test exits 1 (the tests fail): that is the point, so the status is ignored.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
W=/build/gotests
for go in /usr/lib/go-1.19/bin/go /opt/gobin/1.27.3/go/bin/go; do
	[ -x "$go" ] || continue
	rm -rf "$W" && mkdir -p "$W" && cp -r "$here/../../../samples/programs/gotests/." "$W"
	cd "$W"
	v="$(GOTOOLCHAIN=local "$go" env GOVERSION)"; v="${v#go}"
	t() { out=$1; shift; GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test "$@" > "$here/go$v-$out.txt" 2>&1; }
	t verbose -count=1 -v ./suite
	t json -count=1 -json ./suite
	t failfast -count=1 -failfast ./suite
	t failfast-json -count=1 -failfast -json ./suite
	t count3 -count=3 -run 'TestKeys|TestLater' ./suite
	t count3-json -count=3 -json -run 'TestKeys|TestLater' ./suite
	t run-space -count=1 -v -run 'TestKeys/with space' ./suite
	t run-slash-json -count=1 -json -run 'TestKeys/unix/path' ./suite
	cd "$here"
done
rm -rf "$W"; rmdir /build 2>/dev/null || true
