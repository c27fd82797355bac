#!/usr/bin/env bats
# gadgets/top_tcp: TCP bytes per process and connection from cgroup_skb and
# the socket enricher.  tcptop (libbpf-tools) needs kprobes: checked below.

load helpers
load ../tools/gadgets

setup() {
	common_setup
	PORT=$((20000 + RANDOM % 20000))
	python3 "$GADGET_SRC/tests/tools/peer.py" serve tcp "$PORT" >"$BATS_TEST_TMPDIR/server.out" &
	SERVER_PID=$!
	wait_for_line "$BATS_TEST_TMPDIR/server.out" ready
}

teardown() {
	gadget_stop
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
}

# sum_rows FIELD FILTER: FIELD summed over the rows (all intervals) matching FILTER
sum_rows() {
	json_events "$2" | python3 -c '
import json, sys
print(sum(json.loads(l)[sys.argv[1]] for l in sys.stdin))' "$1"
}

@test "top_tcp shows the bytes a client sent and the server received on that connection" {
	gadget_start top_tcp -o json -t 5 --interval 1
	run python3 "$GADGET_SRC/tests/tools/peer.py" send tcp "$PORT" 123457
	assert_success
	cpid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$output")
	cport=$(sed -n 's/.* lport=\([0-9]*\) .*/\1/p' <<<"$output")
	wait_for_line "$BATS_TEST_TMPDIR/server.out" "got 123457"
	gadget_wait

	client="e['src'] == '127.0.0.1:$cport' and e['dst'] == '127.0.0.1:$PORT'"
	server="e['src'] == '127.0.0.1:$PORT' and e['dst'] == '127.0.0.1:$cport'"
	run json_events "$client"
	assert_success
	assert_line --partial "\"pid\": $cpid,"
	assert_line --partial '"comm": "python3"'
	run sum_rows sent "$client"
	assert_output 123457
	run sum_rows received "$client"
	assert_output 0
	# the accepted socket: its listener's process
	run json_events "$server"
	assert_line --partial "\"pid\": $SERVER_PID,"
	run sum_rows received "$server"
	assert_output 123457
}

@test "top_tcp targ_pid keeps only that process's connections" {
	gadget_start top_tcp -o json -t 4 --interval 4 --param targ_pid="$SERVER_PID"
	run python3 "$GADGET_SRC/tests/tools/peer.py" send tcp "$PORT" 5000
	assert_success
	gadget_wait
	run json_events "e['pid'] != $SERVER_PID"
	assert_output ""
	run sum_rows received "e['src'] == '127.0.0.1:$PORT'"
	assert_output 5000
}

@test "tcptop (libbpf-tools) cannot run here: it needs kprobes" {
	run timeout 10 /usr/sbin/tcptop -C 1 1
	assert_output --partial "failed to create kprobe 'tcp_sendmsg+0x0'"
	assert_output --partial "failed to attach BPF programs"
}
