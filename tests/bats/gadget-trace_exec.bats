#!/usr/bin/env bats
# gadgets/trace_exec: execve(2) events, compared with libbpf-tools' execsnoop.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() { gadget_stop; }

@test "trace_exec shows a marker exec with its args, parent and result" {
	SNOOP_OUT="$BATS_TEST_TMPDIR/execsnoop.out"
	timeout 25 stdbuf -oL /usr/sbin/execsnoop >"$SNOOP_OUT" 2>/dev/null &
	SNOOP_PID=$!
	gadget_start trace_exec -o json -t 6
	wait_for_line "$SNOOP_OUT" "PCOMM" 15
	marker="marker-$$-$RANDOM"
	/bin/echo "$marker" two >/dev/null
	/nonexistent/"$marker" 2>/dev/null || true
	gadget_wait

	run json_events "'$marker two' in e['args']"
	assert_success
	assert_line --partial '"comm": "echo"'
	assert_line --partial "\"args\": \"/bin/echo $marker two\""
	assert_line --partial '"retval": "0"'
	assert_line --partial "\"ppid\": $$"
	assert_line --partial '"args_count": 3'
	assert_line --regexp '"timestamp": "20[0-9]{2}-'
	mntns=$(stat -Lc %i /proc/self/ns/mnt)
	assert_line --partial "\"mntns_id\": $mntns"

	run json_events "e['args'] == '/nonexistent/$marker'"
	assert_line --partial '"retval": "ENOENT"'

	# execsnoop (libbpf-tools) saw the same exec
	wait_for_line "$SNOOP_OUT" "$marker two" 10
	run grep -- "$marker two" "$SNOOP_OUT"
	assert_output --regexp "^echo +[0-9]+ +$$ +0 /bin/echo $marker two"
}
