#!/bin/sh
# Regenerates journald-multiline.jsonl: two services (journald-multiline/) log a
# recovered panic's stack as one journal record each, then crash through systemd-cat.
# Needs systemd-journald (started here if none runs), systemd-cat and Go 1.27.3.
# The cri-shuffled-*.log files are the fuzz campaign's minimal repros (kept as found).
set -u
cd "$(dirname "$0")/journald-multiline"
GOTOOLCHAIN=local /opt/gobin/1.27.3/go/bin/go build -o /tmp/stackdemux-journalstack .
listening='import socket; socket.socket(socket.AF_UNIX).connect("/run/systemd/journal/stdout")'
python3 -c "$listening" 2>/dev/null || { /lib/systemd/systemd-journald & sleep 1; }
tag="stackdemux-stack-$$"
for i in 1 2; do systemd-cat -t "$tag-$i" /tmp/stackdemux-journalstack "$tag-$i" & done
wait
sleep 0.5
journalctl -t "$tag-1" -t "$tag-2" -o json --no-pager > ../journald-multiline.jsonl
