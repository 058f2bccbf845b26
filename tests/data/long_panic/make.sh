#!/bin/sh
# Regenerates the capture in this directory with Go 1.27 (the program panics: exit 2).
set -u
cd "$(dirname "$0")/prog"
go=/opt/gobin/1.27.3/go/bin/go
GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" build -o /tmp/stackdemux-longpanic . &&
	/tmp/stackdemux-longpanic > ../long-panic-go1.27.3.txt 2>&1
