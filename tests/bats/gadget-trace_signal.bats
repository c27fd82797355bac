#!/usr/bin/env bats
# gadgets/trace_signal: signals sent, compared with libbpf-tools' sigsnoop.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() {
	gadget_stop
	[ -z "${VICTIM:-}" ] || kill -9 "$VICTIM" 2>/dev/null || true
}

@test "trace_signal shows a SIGUSR2 sent to a sleeping process" {
	SNOOP_OUT="$BATS_TEST_TMPDIR/sigsnoop.out"
	timeout 25 stdbuf -oL /usr/sbin/sigsnoop >"$SNOOP_OUT" 2>/dev/null &
	SNOOP_PID=$!
	sleep 60 &
	VICTIM=$!
	gadget_start trace_signal -o json -t 6 --param targ_signal=12
	wait_for_line "$SNOOP_OUT" "TPID" 15
	wait_for_line "/proc/$VICTIM/comm" "^sleep" 5
	sh -c "kill -USR2 $VICTIM"
	wait "$VICTIM" || true
	gadget_wait

	run json_events "e['tpid'] == $VICTIM"
	assert_success
	assert_line --partial '"sig": "SIGUSR2"'
	assert_line --partial '"tcomm": "sleep"'
	assert_line --partial '"comm": "sh"'
	assert_line --partial '"result": "DELIVERED"'
	assert_line --partial '"error": "0"'
	# targ_signal=12 filtered in the kernel: no other signal came through
	run json_events "e['sig'] != 'SIGUSR2'"
	assert_output ""

	# sigsnoop saw the same signal from the same sender
	wait_for_line "$SNOOP_OUT" " $VICTIM " 10
	run grep -E "^[0-9:]+ +[0-9]+ +sh +12 +$VICTIM +0" "$SNOOP_OUT"
	assert_success
}
