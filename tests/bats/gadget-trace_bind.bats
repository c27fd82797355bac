#!/usr/bin/env bats
# gadgets/trace_bind: TCP and UDP binds with SO_REUSEADDR and
# SO_BINDTODEVICE=lo, the in-kernel port filter, a failed bind.
# libbpf-tools' bindsnoop needs kretprobes on inet_bind and fails to load
# on this kernel, so there is no peer to compare with (see the README).

load helpers
load ../tools/gadgets
load ../tools/net

setup() { common_setup; }
teardown() { gadget_stop; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

@test "trace_bind shows TCP and UDP binds with their port, options and interface; ports filters in the kernel" {
	port=$(free_port) other=$(free_port)
	gadget_start trace_bind -o json -t 60 --param ports=$port
	sockets bind tcp "$port" lo; tcp=$SOCK_OUT
	sockets bind udp "$port" lo; udp=$SOCK_OUT
	sockets bind tcp "$other"; filtered=$SOCK_OUT
	gadget_end

	run json_events "e['pid'] == $(kv pid "$tcp")"
	assert_success
	assert_line --partial '"proto": "TCP"'
	assert_line --partial "\"addr\": \"127.0.0.1:$port\""
	assert_line --partial '"opts": "REUSEADDR"'
	assert_line --partial '"bound_dev_if": "lo"'
	assert_line --partial '"error": "0"'
	assert_line --partial '"comm": "python3"'
	[ "${#lines[@]}" -eq 1 ]
	run json_events "e['pid'] == $(kv pid "$udp")"
	assert_line --partial '"proto": "UDP"'
	assert_line --partial "\"addr\": \"127.0.0.1:$port\""
	assert_line --partial '"opts": "REUSEADDR"'
	assert_line --partial '"bound_dev_if": "lo"'
	# the bind to the other port was filtered out in the kernel
	run json_events "e['pid'] == $(kv pid "$filtered")"
	assert_output ""
	run json_events "e['addr'] != '127.0.0.1:$port'"
	assert_output ""
}

@test "trace_bind: a failed bind is shown with ignore_errors=false, with the address asked for" {
	gadget_start trace_bind -o json -t 60 --param ignore_errors=false
	python3 - >"$BATS_TEST_TMPDIR/busy" <<-'PY'
		import os, socket
		a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen()
		port = a.getsockname()[1]
		b = socket.socket(socket.AF_INET6)
		b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
		b.setsockopt(socket.SOL_IP, 15, 1)    # IP_FREEBIND
		b.bind(("::1", 0))
		c = socket.socket()
		try:
		    c.bind(("127.0.0.1", port))
		except OSError as e:
		    print("pid=%d port=%d v6=%d errno=%d" % (os.getpid(), port, b.getsockname()[1], e.errno))
	PY
	SOCK_OUT=$(cat "$BATS_TEST_TMPDIR/busy")
	gadget_end
	[ "$(kv errno)" = 98 ]
	run json_events "e['pid'] == $(kv pid) and e['error'] == 'EADDRINUSE'"
	assert_success
	assert_line --partial "\"addr\": \"127.0.0.1:$(kv port)\""
	assert_line --partial '"proto": "TCP"'
	run json_events "e['pid'] == $(kv pid) and e['addr'] == '[::1]:$(kv v6)'"
	assert_line --partial '"opts": "FREEBIND|REUSEPORT"'
	assert_line --partial '"error": "0"'
	assert_line --partial '"bound_dev_if": "-"'
}

@test "trace_bind: by default (ignore_errors=true) a failed bind is not shown" {
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(20)' >"$BATS_TEST_TMPDIR/holder" &
	HOLDER=$!
	wait_for_line "$BATS_TEST_TMPDIR/holder" "[0-9]" 5
	port=$(cat "$BATS_TEST_TMPDIR/holder")
	gadget_start trace_bind -o json -t 60
	run python3 "$SOCKETS_PY" bind tcp "$port"
	assert_failure
	assert_output --partial "Address already in use"
	sockets bind udp "$port"
	gadget_end
	kill "$HOLDER" 2>/dev/null || true
	# the UDP bind to the same port number succeeded and is there; the TCP one is not
	run json_events "e['addr'] == '127.0.0.1:$port'"
	assert_line --partial '"proto": "UDP"'
	refute_line --partial '"proto": "TCP"'
}
