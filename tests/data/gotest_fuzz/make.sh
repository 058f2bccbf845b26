#!/bin/sh
# Regenerates the captures in this directory: samples/programs/gotests' fuzzed
# package, copied to /build/gotests-fuzz, fuzzed by Go 1.19 and Go 1.27.3 (native
# fuzzing: Go 1.18+):
#   fuzz-upper(-json)   `go test -fuzz=FuzzUpper`: the fuzzer finds an input the
#                       target's t.Errorf fails on ('Failing input written to
#                       testdata/fuzz/FuzzUpper/…', 'To re-run:');
#   fuzz-record(-json)  `go test -fuzz=FuzzRecord`: the target panics (a slice past
#                       its end), printed by testing as the failure's log with the stack;
#   rerun(-json)        then plain `go test`: each input found is run as a subtest
#                       (`FuzzRecord/582528ddfad69eb5`), the panic a test's crash.
# The inputs found differ from run to run.
# go test exits 1 (the tests fail): that is the point, so the status is ignored.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
W=/build/gotests-fuzz
for go in /usr/lib/go-1.19/bin/go /opt/gobin/1.27.3/go/bin/go; do
	[ -x "$go" ] || continue
	rm -rf "$W" && mkdir -p "$W" && cp -r "$here/../../../samples/programs/gotests/." "$W"
	cd "$W"
	v="$(GOTOOLCHAIN=local "$go" env GOVERSION)"; v="${v#go}"
	t() { out=$1; shift; GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" test -count=1 "$@" ./fuzzed > "$here/go$v-$out.txt" 2>&1; }
	for json in -json ""; do  # (the plain runs' inputs are kept for the reruns)
		rm -rf fuzzed/testdata
		for f in Upper Record; do
			lower=$(echo "$f" | tr A-Z a-z)
			t "fuzz-$lower$json" $json -run '^$' -fuzz="^Fuzz$f\$" -fuzztime=120s
		done
	done
	t rerun
	t rerun-json -json
	cd "$here"
done
rm -rf "$W"; rmdir /build 2>/dev/null || true
