#!/usr/bin/env bats
# gadgets/traceloop: system calls with arguments and return values.  There
# is no libbpf-tools traceloop (strace uses ptrace): the test checks the
# events against the calls a marker process makes.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() {
	gadget_stop
	[ -z "${MARKER_PID:-}" ] || kill "$MARKER_PID" 2>/dev/null || true
}

@test "traceloop shows a marker process's write, failed close and read with their args and results" {
	FIFO="$BATS_TEST_TMPDIR/go"
	FILE="$BATS_TEST_TMPDIR/traceloop-file-$RANDOM"
	mkfifo "$FIFO"
	# in its own mount namespace: --mntns-of filters on the namespace of that pid
	unshare -m python3 "$GADGET_SRC/tests/tools/syscall_marker.py" "$FIFO" "$FILE" &
	MARKER_PID=$!
	host_ns=$(stat -Lc %i /proc/self/ns/mnt)
	for _ in $(seq 50); do
		ns=$(stat -Lc %i /proc/$MARKER_PID/ns/mnt 2>/dev/null) && [ "$ns" != "$host_ns" ] &&
			[ "$(cat /proc/$MARKER_PID/comm)" = python3 ] && break
		sleep 0.1
	done
	gadget_start traceloop -o json -t 4 --mntns-of "$MARKER_PID"
	echo go >"$FIFO"
	wait "$MARKER_PID"
	pid=$MARKER_PID
	MARKER_PID=

	gadget_wait
	# only that namespace was traced
	run json_events "e['mntns_id'] != $ns"
	assert_output ""

	run json_events "e['pid'] == $pid and e['syscall'] == 'write' and e['arg0'] == 7"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	assert_line --partial '"arg2": 64,'
	assert_line --partial '"ret": 64,'
	assert_line --partial '"data_len": 64,'
	assert_line --partial '"data": "traceloop-marker-xxxxxxxx'
	assert_line --partial '"comm": "python3"'

	# write takes three arguments: the other registers are not shown
	assert_line --regexp '"arg3": 0, "arg4": 0, "arg5": 0,'

	run json_events "e['pid'] == $pid and e['syscall'] == 'close' and e['arg0'] == 99"
	assert_line --regexp '"arg1": 0, "arg2": 0, "arg3": 0, "arg4": 0, "arg5": 0,'
	assert_line --partial '"ret": -9,'
	assert_line --partial '"error": "EBADF"'

	run json_events "e['pid'] == $pid and e['syscall'] == 'openat' and e['data'] == '$FILE'"
	[ "${#lines[@]}" -eq 2 ]
	# the read is of the file opened second, filled at the exit
	rfd=$(json_events "e['pid'] == $pid and e['syscall'] == 'openat' and e['data'] == '$FILE'" |
		tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["ret"])')
	run json_events "e['pid'] == $pid and e['syscall'] == 'read' and e['arg0'] == $rfd"
	[ "${#lines[@]}" -eq 1 ]
	assert_line --partial '"arg2": 64,'
	assert_line --partial '"ret": 64,'
	assert_line --partial '"data": "traceloop-marker-'
	# the short read of "go" from the fifo: exactly its 3 bytes, nothing older
	run json_events "e['pid'] == $pid and e['syscall'] == 'read' and e['ret'] == 3"
	assert_line --partial '"data": "go\n",'
	# and the process's end
	run json_events "e['pid'] == $pid and e['syscall'] == 'exit_group'"
	assert_line --partial '"arg0": 0,'
}
