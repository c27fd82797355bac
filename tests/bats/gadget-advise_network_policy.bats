#!/usr/bin/env bats
# gadgets/advise_network_policy: new connections/flows per container from
# cgroup_skb + the socket enricher.  No libbpf-tools peer exists.

load helpers
load ../tools/gadgets

setup() {
	common_setup
	PORT=$((20000 + RANDOM % 20000))
	PEERS=()
	python3 "$GADGET_SRC/tests/tools/peer.py" serve tcp "$PORT" >"$BATS_TEST_TMPDIR/tcp.out" &
	PEERS+=($!)
	python3 "$GADGET_SRC/tests/tools/peer.py" serve udp "$PORT" >"$BATS_TEST_TMPDIR/udp.out" &
	PEERS+=($!)
	wait_for_line "$BATS_TEST_TMPDIR/tcp.out" ready
	wait_for_line "$BATS_TEST_TMPDIR/udp.out" ready
}

teardown() {
	gadget_stop
	for p in "${PEERS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# client PROTO: a client in a mount namespace of its own; sets CPID, CPORT, CMNTNS
client() {
	run unshare -m python3 "$GADGET_SRC/tests/tools/peer.py" send "$1" "$PORT" 100
	assert_success
	CPID=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$output")
	CPORT=$(sed -n 's/.* lport=\([0-9]*\) .*/\1/p' <<<"$output")
	CMNTNS=$(sed -n 's/.* mntns=\([0-9]*\)$/\1/p' <<<"$output")
}

@test "advise_network_policy reports a TCP connection and a UDP exchange: direction, peer, port, proto, container" {
	gadget_start advise_network_policy -o json -t 5 -F "port=$PORT"
	client tcp
	tcp_pid=$CPID tcp_port=$CPORT tcp_mntns=$CMNTNS
	client udp
	udp_pid=$CPID udp_port=$CPORT udp_mntns=$CMNTNS
	[ "$tcp_mntns" != "$(stat -L -c %i /proc/self/ns/mnt)" ]
	gadget_wait

	# the clients: egress to the server's port, in their own mount namespace
	run json_events "e['direction'] == 'egress' and e['proto'] == 'TCP'"
	assert_success
	assert_line --partial "\"mntns_id\": $tcp_mntns,"
	assert_line --partial "\"pid\": $tcp_pid,"
	assert_line --partial '"peer": "127.0.0.1"'
	assert_line --partial "\"port\": $PORT,"
	assert_line --partial "\"local\": \"127.0.0.1:$tcp_port\""
	run json_events "e['direction'] == 'egress' and e['proto'] == 'UDP'"
	assert_success
	assert_line --partial "\"mntns_id\": $udp_mntns,"
	assert_line --partial "\"pid\": $udp_pid,"
	assert_line --partial "\"port\": $PORT,"

	# the servers: ingress on their port from the client, once per protocol;
	# the UDP reply and the TCP data are no new flows
	run json_events "e['direction'] == 'ingress' and e['proto'] == 'TCP'"
	assert_line --partial "\"pid\": ${PEERS[0]},"
	assert_line --partial "\"remote\": \"127.0.0.1:$tcp_port\""
	run json_events "e['direction'] == 'ingress' and e['proto'] == 'UDP'"
	assert_line --partial "\"pid\": ${PEERS[1]},"
	assert_line --partial "\"remote\": \"127.0.0.1:$udp_port\""
	run json_events "True"
	assert_equal "${#lines[@]}" 4
}

@test "advise_network_policy reports a repeated connection of one container once" {
	gadget_start advise_network_policy -o json -t 4 -F "port=$PORT"
	# one mount namespace, three connections
	run unshare -m sh -c "for i in 1 2 3; do python3 '$GADGET_SRC/tests/tools/peer.py' send tcp $PORT 10; done"
	assert_success
	gadget_wait
	run json_events "e['direction'] == 'egress'"
	assert_equal "${#lines[@]}" 1
	# the server accepted three connections from as many client ports, one rule
	[ "$(grep -c 'got 10' "$BATS_TEST_TMPDIR/tcp.out")" = 3 ]
	run json_events "e['direction'] == 'ingress'"
	assert_equal "${#lines[@]}" 1
}
