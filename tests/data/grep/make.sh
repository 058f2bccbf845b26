#!/bin/sh
# Regenerates the captures in this directory: real samples as people cut them
# out of bigger logs with cat -n, nl and grep (GNU grep, coreutils).
set -eu
cd "$(dirname "$0")"
S=../../../samples
{ echo "+ skopeo copy docker://registry/app:1 dir:/tmp/app"; cat $S/go1.21/skopeo_vendor.txt; echo "exit status 2"; } > build.log
cat -n $S/go1.21/skopeo_vendor.txt > cat-n.log
nl -ba $S/go1.27/deadlock.txt > nl.log
grep -n -A80 "^panic:" build.log > grep-n.log || true
(cd $S && grep -rn -A30 -e "^panic: " -e "^fatal error: " go1.27/nil_map.txt go1.27/deadlock.txt go1.21/skopeo_vendor.txt) > grep-rn.log || true
rm build.log
