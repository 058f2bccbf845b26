#!/bin/sh
# Regenerates the captures in this directory: real Go crashes run at once by the
# npm runners people start services with. Needs the corpus's fleet binaries
# (python tests/corpus/make_cases.py builds them under /tmp/stackdemux-corpus)
# and, in $NPM_DIR, `npm install npm-run-all2@8 concurrently@9`.
set -eu
cd "$(dirname "$0")"
NPM_DIR=${NPM_DIR:-/tmp/stackdemux-npm}
B=${CORPUS_BUILD:-/tmp/stackdemux-corpus}
AT=$(( $(date +%s%N) + 1500000000 ))  # both crash at this moment (FLEET_AT)
T=$(mktemp -d)
cat > "$T/package.json" <<JSON
{"name": "shop", "version": "1.0.0", "private": true, "scripts": {
  "api": "FLEET_AT=$AT GOTRACEBACK=all $B/1.27/fleet nil 2 1",
  "cache-worker": "FLEET_AT=$AT $B/1.24/fleet maps 3 1"}}
JSON
# npm-run-all's run-p -l: `[api         ] ` labels padded to the widest
(cd "$T" && "$NPM_DIR/node_modules/.bin/run-p" -l api cache-worker) > run-p.log 2>&1 || true
rm -r "$T"
