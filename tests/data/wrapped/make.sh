#!/bin/sh
# Regenerates the captures in this directory from gotest/ with the installed Go toolchains.
# go test exits 1 (the test panics): that is the point, so the status is ignored.
set -u
cd "$(dirname "$0")/gotest"
for v in 1.21.13 1.27.3; do
	go="/opt/gobin/$v/go/bin/go"
	[ -x "$go" ] || continue
	GOFLAGS=-mod=mod GOTOOLCHAIN=local "$go" test -json -count=1 . > "../test2json-go$v.jsonl" 2>&1
	GOTOOLCHAIN=local "$go" test -count=1 . > "../plain-go$v.txt" 2>&1
done
