#!/usr/bin/env bats
# gadgets/trace_tcpconnect: TCP connects over IPv4 and IPv6 loopback, the
# result of a refused one, the port filter and the handshake latency.
# libbpf-tools' tcpconnect attaches kprobes (tcp_v4_connect), which this
# kernel lacks, so there is no peer to compare with (see the README).

load helpers
load ../tools/gadgets
load ../tools/net

setup() { common_setup; }
teardown() { gadget_stop; }

@test "trace_tcpconnect shows IPv4 and IPv6 connects with their endpoints and process" {
	gadget_start trace_tcpconnect -o json -t 5
	sockets connect 4; v4=$SOCK_OUT
	sockets connect 6; v6=$SOCK_OUT
	sockets refused; ref=$SOCK_OUT
	gadget_wait

	run json_events "e['pid'] == $(kv pid "$v4")"
	assert_success
	assert_line --partial "\"src\": \"127.0.0.1:$(kv client "$v4")\""
	assert_line --partial "\"dst\": \"127.0.0.1:$(kv server "$v4")\""
	assert_line --partial '"ipversion": 4'
	assert_line --partial '"comm": "python3"'
	assert_line --partial '"error": "0"'
	assert_line --partial "\"uid\": $(id -u)"
	[ "${#lines[@]}" -eq 1 ]

	run json_events "e['pid'] == $(kv pid "$v6")"
	assert_line --partial "\"src\": \"[::1]:$(kv client "$v6")\""
	assert_line --partial "\"dst\": \"[::1]:$(kv server "$v6")\""
	assert_line --partial '"ipversion": 6'

	# a blocking connect to a closed port: refused, still with its endpoints
	run json_events "e['pid'] == $(kv pid "$ref")"
	assert_line --partial '"error": "ECONNREFUSED"'
	assert_line --partial "\"dst\": \"127.0.0.1:$(kv port "$ref")\""
}

@test "trace_tcpconnect: ports filters in the kernel; latency=true measures the handshake" {
	gadget_start trace_tcpconnect -o json -t 5 --param latency=true
	sockets connect 4; a=$SOCK_OUT
	gadget_wait
	run json_events "e['pid'] == $(kv pid "$a")"
	assert_line --partial "\"dst\": \"127.0.0.1:$(kv server "$a")\""
	assert_line --regexp '"latency": [1-9][0-9]*'

	# ports=P: only connects to P are sent, the other one is filtered in the kernel
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	gadget_start trace_tcpconnect -o json -t 5 --param ports=$port
	sockets connect 4; b=$SOCK_OUT
	python3 - "$port" <<-'PY'
		import socket, sys
		s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
		socket.create_connection(("127.0.0.1", int(sys.argv[1]))).close()
	PY
	gadget_wait
	run json_events "e['dst'] == '127.0.0.1:$port'"
	assert_success
	assert_line --partial '"error": "0"'
	# the other connect (to a port not in the list) was not sent
	run json_events "e['pid'] == $(kv pid "$b")"
	assert_output ""
	run json_events "e['dst'] != '127.0.0.1:$port'"
	assert_output ""
}

@test "trace_tcpconnect: targ_uid keeps only one user's connects" {
	gadget_start trace_tcpconnect -o json -t 4 --param targ_uid=65534
	SOCK_OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 "$SOCKETS_PY" connect 4)
	nobody=$SOCK_OUT
	sockets connect 4; root=$SOCK_OUT
	gadget_wait
	run json_events "e['pid'] == $(kv pid "$nobody")"
	assert_line --partial '"uid": 65534'
	assert_line --partial '"gid": 65534'
	assert_line --partial "\"dst\": \"127.0.0.1:$(kv server "$nobody")\""
	run json_events "e['uid'] != 65534"
	assert_output ""
	run json_events "e['pid'] == $(kv pid "$root")"
	assert_output ""
}
