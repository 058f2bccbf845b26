#!/bin/sh
# Regenerates the captures in this directory with the installed Go toolchains.
# The program crashes (exit 2): that is the point, so the status is ignored.
set -u
cd "$(dirname "$0")/progress"
for v in 1.21.13 1.27.3; do
	go="/opt/gobin/$v/go/bin/go"
	[ -x "$go" ] || continue
	GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" build -o /tmp/stackdemux-progress . &&
		/tmp/stackdemux-progress > "../progress-go$v.txt" 2>&1
done
