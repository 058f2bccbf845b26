#!/bin/sh
# Regenerates go-test.log: a real `go test ./...` of a small module checked out where
# GitHub Actions checks out (/home/runner/work/app/app), with GOMODCACHE in that
# workspace (`.gomodcache/`, as a job that caches it between runs sets it) and a
# dependency fetched into it from a file:// GOPROXY. Three packages' tests crash: in
# the dependency (integer divide by zero in example.com/ring), in the standard
# library on the caller's input (regexp.MustCompile), and by -timeout.
# And go-test-go1.25.log: the same module's same tests on another machine: Go 1.25.5,
# checked out in /builddir/app, the module cache in its GOPATH (/builddir/gopath);
# go-test-vendor-go1.26.log: Go 1.26.6 in /src/app (a container's), the dependency
# vendored by `go mod vendor` (vendor/example.com/ring/), built with -mod=vendor.
set -eu
cd "$(dirname "$0")"
OUT=$PWD/go-test.log
T=$(mktemp -d)
mkdir -p "$T/src/example.com/ring@v0.2.0" "$T/proxy/example.com/ring/@v"

R="$T/src/example.com/ring@v0.2.0"
printf 'module example.com/ring\n\ngo 1.21\n' > "$R/go.mod"
cat > "$R/ring.go" <<'GO'
package ring

type Ring struct{ buf []int }

func New(n int) *Ring { return &Ring{buf: make([]int, n)} }

// At wraps the index, except when the ring is empty.
func (r *Ring) At(i int) int { return r.buf[i%len(r.buf)] }
GO
(cd "$T/src" && zip -q -r "$T/proxy/example.com/ring/@v/v0.2.0.zip" example.com/ring@v0.2.0)
cp "$R/go.mod" "$T/proxy/example.com/ring/@v/v0.2.0.mod"
echo '{"Version":"v0.2.0","Time":"2026-01-01T00:00:00Z"}' > "$T/proxy/example.com/ring/@v/v0.2.0.info"
echo v0.2.0 > "$T/proxy/example.com/ring/@v/list"

run() {  # GO WORKSPACE GOMODCACHE OUT [vendor]
GO=$1 W=$2
rm -rf "$W" && mkdir -p "$W" && cd "$W"
mkdir window parse hang
printf 'module github.com/acme/app\n\ngo 1.21\n' > go.mod
cat > window/window.go <<'GO'
package window

import "example.com/ring"

func Last(n int) int { return ring.New(n).At(7) }
GO
cat > window/window_test.go <<'GO'
package window

import "testing"

func TestLast(t *testing.T) { Last(0) }
GO
cat > parse/parse.go <<'GO'
package parse

import "regexp"

func Compile(p string) *regexp.Regexp { return regexp.MustCompile(p) }
GO
cat > parse/parse_test.go <<'GO'
package parse

import "testing"

func TestCompile(t *testing.T) { Compile("a(b") }
GO
cat > hang/hang.go <<'GO'
package hang

import "sync"

func Wait() {
	var wg sync.WaitGroup
	wg.Add(1)
	wg.Wait()
}
GO
cat > hang/hang_test.go <<'GO'
package hang

import "testing"

func TestWait(t *testing.T) { Wait() }
GO
export GOPROXY="file://$T/proxy" GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local \
    GOMODCACHE="$3" GOCACHE="$T/cache"
"$GO" get example.com/ring@v0.2.0 2>/dev/null
if [ "${5:-}" = vendor ]; then "$GO" mod vendor && export GOFLAGS=-mod=vendor; fi
"$GO" test -p 1 -timeout 5s ./... > "$4" 2>&1 || true
chmod -R u+w "$3" "$T/cache"
rm -rf "$W" "$3" "$T/cache"
}

run /opt/gobin/1.27.3/go/bin/go /home/runner/work/app/app /home/runner/work/app/app/.gomodcache "$OUT"
run /opt/gobin/1.25.5/go/bin/go /builddir/app /builddir/gopath/pkg/mod "${OUT%.log}-go1.25.log"
run /opt/gobin/1.26.6/go/bin/go /src/app "$T/gomod" "${OUT%.log}-vendor-go1.26.log" vendor
rm -rf "$T" /builddir/gopath; rmdir /src 2>/dev/null || true
