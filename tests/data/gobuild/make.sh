#!/bin/sh
# Regenerates go-build-v.log: what `go build -v -a` prints (each package's import
# path alone on a line, as it builds it) for the corpus's fleet program, with gc
# (Go 1.27) and then gccgo 12 (driven by Go 1.19's go command). Real build output
# whose lines read like gccgo's bare frame names (`go.etcd.io/bbolt`).
set -eu
cd "$(dirname "$0")"
OUT=$PWD/go-build-v.log
W=$(mktemp -d)
cp -r ../../corpus/programs "$W/fleet"
cd "$W/fleet"
export GOFLAGS="-mod=vendor -buildvcs=false" GOPROXY=off GOTOOLCHAIN=local GOCACHE="$W/cache"
{
  /opt/gobin/1.27.3/go/bin/go build -v -a -o /dev/null . 2>&1
  PATH=/usr/lib/go-1.19/bin:$PATH /usr/lib/go-1.19/bin/go build -v -a -compiler gccgo -o /dev/null . 2>&1
} > "$OUT"
rm -rf "$W"
