#!/usr/bin/env bats
# gadgets/trace_tcp: connect, accept and close of loopback connections,
# compared with libbpf-tools' tcplife (which, like trace_tcp, runs on the
# sock:inet_sock_set_state tracepoint); a reset connection's close is
# reported with its owner although the kernel handles the RST in softirq.

load helpers
load ../tools/gadgets
load ../tools/net

setup() { common_setup; }
teardown() {
	gadget_stop
	[ -z "${SERVER:-}" ] || kill "$SERVER" 2>/dev/null || true
}

@test "trace_tcp shows connect, accept and close of IPv4 and IPv6 connections, like tcplife" {
	SNOOP_OUT="$BATS_TEST_TMPDIR/tcplife.out"
	timeout 25 stdbuf -oL /usr/sbin/tcplife >"$SNOOP_OUT" 2>/dev/null &
	SNOOP_PID=$!
	gadget_start trace_tcp -o json -t 6
	wait_for_line "$SNOOP_OUT" "LADDR" 15
	sockets connect 4; v4=$SOCK_OUT
	sockets connect 6; v6=$SOCK_OUT
	gadget_wait

	pid=$(kv pid "$v4") srv=$(kv server "$v4") cli=$(kv client "$v4")
	run json_events "e['pid'] == $pid and e['type'] == 'CONNECT'"
	assert_line --partial "\"src\": \"127.0.0.1:$cli\", \"tid\""
	assert_line --partial "\"dst\": \"127.0.0.1:$srv\""
	assert_line --partial '"comm": "python3"'
	assert_line --partial '"ipversion": 4'
	run json_events "e['pid'] == $pid and e['type'] == 'ACCEPT'"
	assert_line --partial "\"src\": \"127.0.0.1:$srv\", \"tid\""
	assert_line --partial "\"dst\": \"127.0.0.1:$cli\""
	# one close per end, each seen from its own side
	run json_events "e['pid'] == $pid and e['type'] == 'CLOSE'"
	assert_line --partial "\"dst\": \"127.0.0.1:$srv\""
	assert_line --partial "\"dst\": \"127.0.0.1:$cli\""
	[ "${#lines[@]}" -eq 2 ]

	pid6=$(kv pid "$v6")
	run json_events "e['pid'] == $pid6 and e['type'] in ('CONNECT', 'ACCEPT', 'CLOSE')"
	assert_line --partial "\"dst\": \"[::1]:$(kv server "$v6")\""
	assert_line --partial '"ipversion": 6'
	[ "${#lines[@]}" -eq 4 ]

	# tcplife saw the same two ends of each connection, from the same process
	wait_for_line "$SNOOP_OUT" " $(kv client "$v6") " 10
	run grep -E "^$pid +python3 +127.0.0.1 +$cli +127.0.0.1 +$srv " "$SNOOP_OUT"
	assert_success
	run grep -E "^$pid +python3 +127.0.0.1 +$srv +127.0.0.1 +$cli " "$SNOOP_OUT"
	assert_success
	run grep -E "^$pid6 +python3 +::1 +$(kv client "$v6") +::1 +$(kv server "$v6") " "$SNOOP_OUT"
	assert_success
}

@test "trace_tcp: the close of a connection reset by the peer carries the accepting process" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	gadget_start trace_tcp -o json -t 5
	python3 "$SOCKETS_PY" serve "$port" >"$BATS_TEST_TMPDIR/server.out" &
	SERVER=$!
	wait_for_line "$BATS_TEST_TMPDIR/server.out" "listening" 10
	sockets reset "$port"
	wait "$SERVER"; SERVER=
	gadget_wait

	# the server's end goes ESTABLISHED -> CLOSE in the softirq that takes
	# the RST, in whatever task runs: the event still names the server
	run json_events "e['type'] == 'CLOSE' and e['src'] == '127.0.0.1:$port'"
	assert_success
	assert_line --partial "\"dst\": \"127.0.0.1:$(kv client)\""
	refute_line --partial "\"pid\": $(kv pid),"
	run json_events "e['type'] == 'ACCEPT' and e['src'] == '127.0.0.1:$port'"
	server_pid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$output")
	run json_events "e['type'] == 'CLOSE' and e['src'] == '127.0.0.1:$port' and e['pid'] == $server_pid"
	assert_success
	# the client aborted in close(2) itself: its own close
	run json_events "e['type'] == 'CLOSE' and e['pid'] == $(kv pid)"
	assert_line --partial "\"dst\": \"127.0.0.1:$port\""
}
