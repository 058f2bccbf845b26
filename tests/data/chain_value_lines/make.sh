#!/bin/sh
# Regenerates the captures in this directory with the installed Go toolchains: a
# recovered panic, then a new panic whose value runs over three lines (Go 1.19-1.22
# print its later lines raw, Go 1.23 on tab them); links/: a nested panic with no
# recover and a chain of three, each later value of several lines. The programs
# crash (exit 2): that is the point, so the status is ignored.
set -u
cd "$(dirname "$0")"
for go in /usr/lib/go-1.19/bin/go /opt/gobin/1.22.10/go/bin/go /opt/gobin/1.23.9/go/bin/go \
	/opt/gobin/1.27.3/go/bin/go; do
	[ -x "$go" ] || continue
	v=$("$go" env GOVERSION)
	(cd prog && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" build -trimpath -o /tmp/stackdemux-chainvalue .) &&
		/tmp/stackdemux-chainvalue > "recovered-$v.txt" 2>&1
	(cd links && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" build -trimpath -o /tmp/stackdemux-chainlinks .) &&
		for mode in nested three; do
			/tmp/stackdemux-chainlinks "$mode" > "$mode-$v.txt" 2>&1
		done
done
