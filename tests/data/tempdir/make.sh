#!/bin/sh
# Two runs of one failing test that names its t.TempDir(): Go 1.27.3, Linux, TMPDIR unset.
# The program is save_test.go.txt (TestSave); each run's directory ends in another random number.
set -e
here=$(cd "$(dirname "$0")" && pwd)
d=$(mktemp -d); cp "$here/save_test.go.txt" "$d/save_test.go"
printf 'module example.com/tmpdir\n\ngo 1.21\n' > "$d/go.mod"
cd "$d"
for i in 1 2; do /opt/gobin/1.27.3/go/bin/go test -run '^TestSave$' . > "$here/save-run$i-go1.27.3.txt" 2>&1 || true; done
