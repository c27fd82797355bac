#!/usr/bin/env bats
# gadgets/trace_open: open(2)/openat(2) events, compared with opensnoop.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() { gadget_stop; }

@test "trace_open shows a created marker file (fd, flags) and a failed open (errno)" {
	SNOOP_OUT="$BATS_TEST_TMPDIR/opensnoop.out"
	timeout 25 stdbuf -oL /usr/sbin/opensnoop >"$SNOOP_OUT" 2>/dev/null &
	SNOOP_PID=$!
	gadget_start trace_open -o json -t 6
	wait_for_line "$SNOOP_OUT" "PID" 15
	marker="$BATS_TEST_TMPDIR/marker-open-$RANDOM"
	sh -c "echo x > $marker; cat $marker.missing 2>/dev/null; true"
	gadget_wait

	run json_events "e['path'] == '$marker'"
	assert_success
	assert_line --regexp '"fd": [0-9]+'
	assert_line --partial '"error": "0"'
	assert_line --partial '"flags": "O_WRONLY|O_CREAT|O_TRUNC"'
	assert_line --partial '"comm": "sh"'

	run json_events "e['path'] == '$marker.missing'"
	assert_line --partial '"error": "ENOENT"'
	assert_line --partial '"fd": -1'
	assert_line --partial '"comm": "cat"'

	# opensnoop (libbpf-tools) saw the same two opens
	wait_for_line "$SNOOP_OUT" "$marker.missing" 10
	run grep -- "$marker" "$SNOOP_OUT"
	assert_line --regexp "sh +[0-9]+ +0 $marker\$"
	assert_line --regexp "cat +-1 +2 $marker.missing\$"
}
