# Helpers for the catalogue tests (tests/bats/gadget-*.bats):
#   load ../tools/gadgets
# Build a gadget from gadgets/NAME into the test's temp dir (never into the
# source tree), run it in the background, wait until it is attached.

# gadget_start NAME [run options...]: sets GOUT (stdout: events), GERR, GPID.
gadget_start() {
	local name=$1
	shift
	GOBJ="$BATS_TEST_TMPDIR/$name.o"
	GOUT="$BATS_TEST_TMPDIR/$name.out"
	GERR="$BATS_TEST_TMPDIR/$name.err"
	"$GADGET" build "$GADGET_SRC/gadgets/$name" -o "$GOBJ" >/dev/null
	"$GADGET" run "$GOBJ" "$@" >"$GOUT" 2>"$GERR" &
	GPID=$!
	wait_for_line "$GERR" "attached" 30
}

# gadget_wait: wait for the background run to end (it was given -t).
gadget_wait() {
	local rc=0
	wait "$GPID" || rc=$?
	GPID=
	return $rc
}

# gadget_end: end the background run now, as Ctrl-C does (the ring is
# drained first), and wait for it.  For tests whose triggers take an unknown
# time on a loaded machine: start with a generous -t, end when they are done.
gadget_end() {
	kill -INT "$GPID"
	gadget_wait
}

# gadget_stop: for teardown(); ends the run if a test failed half-way.
gadget_stop() {
	if [ -n "${GPID:-}" ]; then
		kill "$GPID" 2>/dev/null || true
		wait "$GPID" 2>/dev/null || true
	fi
	if [ -n "${SNOOP_PID:-}" ]; then
		kill "$SNOOP_PID" 2>/dev/null || true
		wait "$SNOOP_PID" 2>/dev/null || true
	fi
}

# json_events FILTER: print the JSON events (one per line) of $GOUT for which
# the python expression FILTER (over e) is true, as compact JSON.
json_events() {
	python3 -c '
import json, sys
expr = sys.argv[2]
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    e = json.loads(line)
    if eval(expr, {}, {"e": e}):
        print(json.dumps(e, sort_keys=True))' "$GOUT" "$1"
}
