#!/usr/bin/env bats
# Runtime safety under hostile conditions: a gadget that attaches only
# halfway, a ring buffer flooded while the reader is stalled, a closed pipe,
# a full disk, the seed's text protocol, and a whole run under valgrind.

bats_require_minimum_version 1.5.0
load helpers

FIX="$GADGET_SRC/tests/fixtures/reliability"

setup_file() {
	export GADGET_CACHE_DIR="$BATS_FILE_TMPDIR/cache" HOME="$BATS_FILE_TMPDIR/home"
	mkdir -p "$HOME"
	local g
	for g in flood halfattach textsnap; do
		"$GADGET" build "$FIX/$g" -o "$BATS_FILE_TMPDIR/$g.o" >/dev/null 2>&1
	done
	"$GADGET" build "$GADGET_SRC/tests/fixtures/run/ppidtop" -o "$BATS_FILE_TMPDIR/ppidtop.o" >/dev/null 2>&1
}

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	OBJ="$BATS_FILE_TMPDIR"
	BG_PIDS=()
}

teardown() {
	bg_stop_all
	if [ -n "${FULLDIR:-}" ]; then umount "$FULLDIR" 2>/dev/null || true; fi
}

# start_flood [SECONDS]: a python process calling getppid(2) as fast as it
# can (the flood fixture's event source); its pid in FLOOD.
start_flood() {
	python3 -c '
import os, sys, time
end = time.time() + float(sys.argv[1])
while time.time() < end:
    for _ in range(10000):
        os.getppid()' "${1:-30}" &
	FLOOD=$!
	BG_PIDS+=("$FLOOD")
}

now_ms() { date +%s%3N; }

# bats test_tags=sanitize
@test "a gadget whose second program cannot attach fails and leaves nothing loaded" {
	run gadget run "$OBJ/halfattach.o" -t 5
	assert_failure 1
	assert_output --partial "program 'relhalf_bad' (raw_tp/no_such_tracepoint): attaching"
	refute_output --partial "attached"
	# the first program was loaded and attached before the second failed
	assert_equal "$(bpf_prog_ids_named relhalf)" ""
}

@test "a tracepoint this kernel lacks is named before anything is loaded" {
	mkdir notp
	sed 's|raw_tp/no_such_tracepoint|tracepoint/syscalls/sys_enter_no_such_syscall|' \
		"$FIX/halfattach/halfattach.bpf.c" >notp/notp.bpf.c
	gadget build notp 2>/dev/null
	run gadget run notp/notp.o -t 5
	assert_failure 1
	assert_output "gadget: error: program 'relhalf_bad' (tracepoint/syscalls/sys_enter_no_such_syscall): this kernel has no tracepoint syscalls/sys_enter_no_such_syscall (not in tracefs' events/): it is newer than this kernel, or its subsystem is not built in"
	assert_equal "$(bpf_prog_ids_named relhalf)" ""
}

# bats test_tags=sanitize
@test "a flooded ring buffer while nobody reads: lost events reported, the run ends at its deadline" {
	start_flood
	local t0 t1
	t0=$(now_ms)
	# the reader sleeps 6 s before reading: the pipe fills, the gadget
	# blocks in write(2), its one-page ring buffer overflows
	{ "$GADGET" run "$OBJ/flood.o" --param targ_pid="$FLOOD" -o json -t 3 2>err
	  echo $? >rc; now_ms >t_end; } | { sleep 6; cat >out; }
	t1=$(cat t_end)
	assert_equal "$(cat rc)" 0
	# stopped at its 3 s deadline although blocked on the pipe, not when read
	assert [ $((t1 - t0)) -lt 5500 ]
	run jq -r 'select(.status == "lost events") | .lost' <(grep '^{' err)
	assert_success
	assert [ "$output" -gt 0 ]
	# what was read is whole events of the flooding process
	run jq -r '"\(.pid) \(.pad | length)"' <(head -3 out)
	assert_output "$FLOOD 479
$FLOOD 479
$FLOOD 479"
}

@test "columns output: 'lost N events' on stderr when the reader falls behind" {
	start_flood
	run --separate-stderr gadget run "$OBJ/flood.o" --param targ_pid="$FLOOD" -t 2
	assert_success
	assert_line --index 0 --regexp '^ *PID +SEQ +PAD'
	assert [ "${#lines[@]}" -gt 10 ]
	[[ "$stderr" =~ gadget:\ lost\ ([0-9]+)\ events ]]
	assert [ "${BASH_REMATCH[1]}" -gt 0 ]
}

@test "SIGINT while blocked on a full pipe ends the run at once, exit 0, nothing loaded" {
	start_flood
	mkfifo pipe
	"$GADGET" run "$OBJ/flood.o" --param targ_pid="$FLOOD" -o json >pipe 2>err &
	local gpid=$! t0 rc=0
	BG_PIDS+=("$gpid")
	exec 7<pipe	# opened, never read (bats owns fd 3)
	wait_for_line err attached 20
	sleep 2	# the pipe is full by now
	t0=$(now_ms)
	kill -INT "$gpid"
	wait "$gpid" || rc=$?
	exec 7<&-
	assert_equal "$rc" 0
	assert [ $(($(now_ms) - t0)) -lt 2000 ]
	assert_equal "$(bpf_prog_ids_named flood)" ""
	run jq -r 'select(.status == "lost events") | .lost' <(grep '^{' err)
	assert [ "$output" -gt 0 ]
}

@test "a closed pipe (| head -1) ends a flooding run with exit 0, quickly" {
	start_flood
	local t0=$SECONDS
	run bash -c '"$GADGET" run "$1" --param targ_pid="$2" -o json -t 30 2>/dev/null | head -1
		echo "rc=${PIPESTATUS[0]}"' _ "$OBJ/flood.o" "$FLOOD"
	assert_success
	assert [ $((SECONDS - t0)) -le 10 ]
	assert_line --index 0 --regexp "^\{\"pid\":$FLOOD,"
	assert_line --index 1 "rc=0"
}

@test "stdout on /dev/full: a clear error and exit 1, for a tracer and a topper" {
	start_flood
	run bash -c '"$GADGET" run "$1" -t 20 >/dev/full' _ "$OBJ/flood.o"
	assert_failure 1
	assert_output --partial "error: writing the output: No space left on device"
	run bash -c '"$GADGET" run "$1" --interval 0.5 -t 20 >/dev/full' _ "$OBJ/ppidtop.o"
	assert_failure 1
	assert_output --partial "error: writing the output: No space left on device"
	assert_equal "$(bpf_prog_ids_named flood)$(bpf_prog_ids_named ppidtop)" ""
}

@test "a disk that fills up mid-run: the run stops with a clear error, what fit is kept" {
	start_flood
	FULLDIR="$BATS_TEST_TMPDIR/full"
	mkdir -p "$FULLDIR"
	# our own small tmpfs in a private mount namespace: nothing host-wide
	local t0=$SECONDS
	run unshare -m bash -c 'mount -t tmpfs -o size=256k gadget-full "$1" &&
		"$GADGET" run "$2" --param targ_pid="$3" -o json -t 30 >"$1/out"; echo "rc=$?"
		head -c 200 "$1/out" | head -1' _ "$FULLDIR" "$OBJ/flood.o" "$FLOOD"
	FULLDIR=
	assert_success
	assert [ $((SECONDS - t0)) -lt 20 ]
	assert_output --partial "error: writing the output: No space left on device"
	assert_line "rc=1"
	assert_line --regexp "^\{\"pid\":$FLOOD,\"seq\":[0-9]+,\"pad\":\"xxxx"
}

# bats test_tags=sanitize
@test "a snapshotter in the seed's text protocol: columns, json with a newline in a value, -F" {
	run --separate-stderr gadget run "$OBJ/textsnap.o" --param targ_pid=$$
	assert_success
	assert_line --index 0 --regexp '^PID +COMM +NOTE$'
	assert_line --index 1 --regexp "^$$ +bash +two$"
	assert_line --index 2 "lines"
	run --separate-stderr gadget run "$OBJ/textsnap.o" -o json --param targ_pid=$$
	assert_output "{\"pid\":\"$$\",\"comm\":\"bash\",\"note\":\"two\\nlines\"}"
	run --separate-stderr gadget run "$OBJ/textsnap.o" -o json -F comm=kthreadd --fields pid,comm
	assert_output '{"pid":"2","comm":"kthreadd"}'
}

@test "valgrind: a whole tracer run has no definite leak and no memory error, events decoded" {
	# --count, not a short --timeout: valgrind's start-up on a busy machine
	# can outlast a few seconds, and the run must see events whatever it takes
	start_flood 300
	run --separate-stderr valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 -q \
		--suppressions="$GADGET_SRC/tests/tools/valgrind-bpf.supp" \
		"$GADGET" run "$OBJ/flood.o" --param targ_pid="$FLOOD" -o json -c 50 -t 240
	# 99 would be valgrind's: a leak or an error
	assert_success
	[[ "$stderr" != *"definitely lost"* ]]
	run jq -r .pid <<<"$output"
	assert_equal "$(grep -c "^$FLOOD\$" <<<"$output")" 50
}
