#!/usr/bin/env bats
# gadgets/trace_tcpdrop: a SYN to a closed port is dropped with reason
# SKB_DROP_REASON_NO_SOCKET (its name from the running kernel's BTF), with
# the packet's endpoints and flags.  In a network namespace of the test's
# own, so the packets are told apart from everyone else's by the netns.
# libbpf-tools has no tcpdrop to compare with.

load helpers
load ../tools/gadgets
load ../tools/net

setup() {
	common_setup
	NS=$(netns_name drop)
	netns_new "$NS"
	NS_INO=$(stat -L -c %i "/run/netns/$NS")
}
teardown() {
	gadget_stop
	netns_cleanup
}

@test "trace_tcpdrop shows SYNs to closed ports on 127.0.0.1 and ::1 dropped with NO_SOCKET" {
	gadget_start trace_tcpdrop -o json -t 5
	SOCK_OUT=$(ip netns exec "$NS" python3 "$SOCKETS_PY" refused); v4=$SOCK_OUT
	ip netns exec "$NS" python3 -c '
import socket
s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); print("client=%d" % s.getsockname()[1])
try: s.connect(("::1", 9))
except ConnectionRefusedError: pass' >"$BATS_TEST_TMPDIR/v6"
	v6=$(cat "$BATS_TEST_TMPDIR/v6")
	gadget_wait
	[ "$(kv errno "$v4")" = 111 ]

	run json_events "e['netns'] == $NS_INO and e['dst'] == '127.0.0.1:$(kv port "$v4")'"
	assert_success
	assert_line --partial '"reason": "SKB_DROP_REASON_NO_SOCKET"'
	assert_line --partial '"tcpflags": "SYN"'
	assert_line --partial '"ipversion": 4'
	assert_line --regexp '"src": "127.0.0.1:[0-9]+"'
	# no socket took the packet: no state
	assert_line --partial '"state": "0"'
	[ "${#lines[@]}" -eq 1 ]

	run json_events "e['netns'] == $NS_INO and e['dst'] == '[::1]:9'"
	assert_line --partial '"reason": "SKB_DROP_REASON_NO_SOCKET"'
	assert_line --partial "\"src\": \"[::1]:$(kv client "$v6")\""
	assert_line --partial '"ipversion": 6'
	assert_line --partial '"tcpflags": "SYN"'
}
