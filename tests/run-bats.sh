#!/usr/bin/env bash
# Run the end-to-end suite (or the files given) in TAP form and close with
# one plain summary line, "bats: N passed, N failed, N skipped", that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
[ $# -gt 0 ] || set -- tests/bats
bats --tap --timing "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$log")
passed=$(( $(grep -cE '^ok [0-9]+' "$log") - skipped ))
failed=$(grep -cE '^not ok [0-9]+' "$log")
echo "bats: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
