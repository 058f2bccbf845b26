#!/bin/sh
# The write() calls of real Go crashes, as strace records them: the runtime
# prints a traceback one value a write (tests/test_parse_wild_write_records.py
# makes each write a record, as a collector that records each read does).
# Needs the corpus toolchains (samples/toolchains.sh) and strace.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${TMPDIR:-/tmp}/stackdemux-write-records
rm -rf "$work" && mkdir -p "$work" && cp -r "$here/../../../samples/programs/crashers" "$work/app"
build() {  # build VERSION_DIR OUT
    (cd "$work/app" && GOFLAGS=-mod=mod GOPROXY=off "$1/bin/go" build -o "$2" .)
}
build /opt/gobin/1.27.3/go "$work/crashers127"
build /usr/lib/go-1.19 "$work/crashers119"
run() {  # run BINARY SCENARIO OUT
    (cd "$work" && strace -qq -e trace=write -xx -s 65536 -o "$here/$3" "$1" "$2" >/dev/null 2>&1) || true
}
run "$work/crashers127" nested_panic go127_nested_panic.trace
run "$work/crashers119" nil_pointer go119_nil_pointer.trace
