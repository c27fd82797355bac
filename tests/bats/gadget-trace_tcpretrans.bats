#!/usr/bin/env bats
# gadgets/trace_tcpretrans: a client in one network namespace sends to a
# server in another, through a veth pair; an nft rule in the server's
# namespace drops the data segments (PSH set), so the client retransmits
# them.  Everything (namespaces, veth, rule) is the test's own and deleted
# in teardown.  libbpf-tools has no tcpretrans to compare with.

load helpers
load ../tools/gadgets
load ../tools/net

setup() {
	common_setup
	CLI=$(netns_name rtc)
	SRV=$(netns_name rts)
	netns_pair "$CLI" "$SRV"
	CLI_INO=$(stat -L -c %i "/run/netns/$CLI")
}
teardown() {
	gadget_stop
	[ -z "${SERVER:-}" ] || kill "$SERVER" 2>/dev/null || true
	netns_cleanup
}

@test "trace_tcpretrans shows the retransmissions of dropped data segments with their endpoints" {
	port=5201
	ip netns exec "$SRV" nft -f - <<-EOF
		table inet gadgettest {
			chain input {
				type filter hook input priority 0;
				tcp dport $port tcp flags & psh == psh drop
			}
		}
	EOF
	ip netns exec "$SRV" python3 "$SOCKETS_PY" serve "$port" >"$BATS_TEST_TMPDIR/server.out" &
	SERVER=$!
	wait_for_line "$BATS_TEST_TMPDIR/server.out" "listening" 10
	gadget_start trace_tcpretrans -o json -t 5
	SOCK_OUT=$(ip netns exec "$CLI" python3 "$SOCKETS_PY" send 10.254.1.2 "$port" 1000 2.5)
	gadget_wait

	run json_events "e['netns'] == $CLI_INO"
	assert_success
	assert_line --partial "\"src\": \"10.254.1.1:$(kv client)\""
	assert_line --partial "\"dst\": \"10.254.1.2:$port\""
	assert_line --partial '"type": "RETRANS"'
	assert_line --partial '"state": "ESTABLISHED"'
	assert_line --partial '"tcpflags": "PSH|ACK"'
	assert_line --partial '"ipversion": 4'
	# RTO backs off from 200ms: several retransmissions of the segment in 2.5 s
	[ "${#lines[@]}" -ge 2 ]
	run json_events "e['netns'] == $CLI_INO and e['dst'] != '10.254.1.2:$port'"
	assert_output ""
}

@test "trace_tcpretrans shows a listener's SYN-ACK retransmitted when the handshake's ACK is lost" {
	port=5202
	ip netns exec "$SRV" nft -f - <<-EOF
		table inet gadgettest {
			chain input {
				type filter hook input priority 0;
				tcp dport $port tcp flags == ack drop
			}
		}
	EOF
	SRV_INO=$(stat -L -c %i "/run/netns/$SRV")
	ip netns exec "$SRV" python3 "$SOCKETS_PY" serve "$port" >"$BATS_TEST_TMPDIR/server.out" &
	SERVER=$!
	wait_for_line "$BATS_TEST_TMPDIR/server.out" "listening" 10
	gadget_start trace_tcpretrans -o json -t 6
	# the client sends nothing: only its last handshake ACK, which is
	# dropped; the listener resends its SYN-ACK after 1 s and 3 s (two
	# chances: a tracepoint program is skipped when it fires while another
	# BPF program runs on that CPU, and other tests run BPF programs too)
	SOCK_OUT=$(ip netns exec "$CLI" python3 "$SOCKETS_PY" send 10.254.1.2 "$port" 0 3.5)
	gadget_wait

	run json_events "e['netns'] == $SRV_INO"
	assert_success
	assert_line --partial '"type": "SYNACK"'
	assert_line --partial "\"src\": \"10.254.1.2:$port\""
	assert_line --partial "\"dst\": \"10.254.1.1:$(kv client)\""
	assert_line --partial '"tcpflags": "SYN|ACK"'
	assert_line --partial '"state": "SYN_RECV"'
}
