#!/bin/sh
# Regenerate samples/threads/formats.{text,json,log}.log: real output of the
# standard library's loggers (slog TextHandler, JSONHandler; log).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-/opt/gobin/1.27.3/go/bin/go}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off
cd "$here/formats"
for f in text json log; do "$GO" run -trimpath . "$f" > "$here/formats.$f.log"; done
