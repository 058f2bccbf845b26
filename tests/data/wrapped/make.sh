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

# The journal's JSON (needs systemd-journald, started here if none runs, and systemd-cat).
cd ../journald
go=/opt/gobin/1.27.3/go/bin/go
GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" build -o /tmp/stackdemux-journald .
listening='import socket; socket.socket(socket.AF_UNIX).connect("/run/systemd/journal/stdout")'
python3 -c "$listening" 2>/dev/null || { /lib/systemd/systemd-journald & sleep 1; }
tag="stackdemux-journald-$$"
systemd-cat -t "$tag" /tmp/stackdemux-journald
sleep 0.5
journalctl -t "$tag" -o json --no-pager > ../journald-go1.27.3.jsonl
journalctl -t "$tag" -o json --all --no-pager > ../journald-all-go1.27.3.jsonl
