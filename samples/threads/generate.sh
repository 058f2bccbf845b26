#!/bin/sh
# Regenerate samples/threads/registry.log: build the registry imitation with a
# real Go toolchain and capture its (syslog-prefixed) log. Loopback only, a few
# seconds. Every run differs (ids, ports, times, interleaving); the program
# makes two uploads slow and one tag trip a panic, so each run has the same story.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-/opt/gobin/1.27.3/go/bin/go}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off
bin=$(mktemp -d)/registry
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$here/registry" && "$GO" vet ./... && "$GO" build -trimpath -o "$bin" .)
"$bin" -pushes 24 -parallel 8 > "$here/registry.log"
wc -c -l "$here/registry.log"
