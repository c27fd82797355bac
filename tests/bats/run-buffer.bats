#!/usr/bin/env bats
# A tracer's ring buffer: --buffer-size, and events a full ring dropped in
# the kernel counted and reported ("gadget: lost N events").

load helpers

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	"$GADGET" init rttracer --type tracer >/dev/null
	"$GADGET" build rttracer -o tracer.o >/dev/null 2>&1
	BG_PIDS=()
}

teardown() {
	bg_stop_all
}

# start_opener N: a python process that, once the file go exists, calls
# openat(2) N times on a missing file, then writes done and sleeps.
start_opener() {
	python3 -c '
import os, sys, time
open("pidf", "w").write(str(os.getpid()))
while not os.path.exists("go"):
    time.sleep(0.02)
for _ in range(int(sys.argv[1])):
    try:
        os.open("/nonexistent-gadget-test/f", os.O_RDONLY)
    except OSError:
        pass
os.rename("go", "done")
time.sleep(60)' "$1" &
	BG_PIDS+=($!)
	local i
	for ((i = 0; i < 100; i++)); do [ -s pidf ] && break; sleep 0.05; done
}

@test "--buffer-size must be a power of 2 from a page to 1024M" {
	run gadget run tracer.o --buffer-size 3M
	assert_failure 2
	assert_output --partial "--buffer-size: '3M' is not a power of 2"
	run gadget run tracer.o --buffer-size 2G
	assert_failure 2
}

@test "--buffer-size sets the ring; what a full ring drops is counted exactly" {
	start_opener 3000
	# one page holds 13 events of this tracer: a burst of 3000 overflows it
	"$GADGET" run tracer.o -o json --param targ_pid="$(cat pidf)" --buffer-size 4K >out 2>err &
	local gpid=$!
	BG_PIDS+=("$gpid")
	wait_for_line err "attached" 20
	# the ring buffer among the gadget's map fds (map_type 27)
	run sh -c "grep -l '^map_type:.27$' /proc/$gpid/fdinfo/* | xargs sed -n 's/^max_entries:.//p'"
	assert_output 4096
	touch go
	local i
	for ((i = 0; i < 100; i++)); do [ -e done ] && break; sleep 0.1; done
	sleep 0.5
	kill -INT "$gpid"
	wait "$gpid"
	run sed -n 's/^gadget: lost \([0-9]*\) events.*/\1/p' err
	local lost=$output
	assert [ "$lost" -gt 0 ]
	run grep -c nonexistent-gadget-test out
	assert_equal "$((output + lost))" 3000
}
