#!/usr/bin/env bats
# gadgets/trace_sni: the SNI of TLS ClientHellos from a socket filter, with
# the process from the socket enricher.  No libbpf-tools peer exists.

load helpers
load ../tools/gadgets
load ../tools/netns

setup() {
	common_setup
	netns_create
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=marker.example -days 1 \
		-keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
	netns_spawn "$BATS_TEST_TMPDIR/server.out" openssl s_server -accept 127.0.0.1:8443 \
		-cert "$BATS_TEST_TMPDIR/cert.pem" -key "$BATS_TEST_TMPDIR/key.pem" -www
	SERVER_PID=$SPAWN_PID
	wait_for_line "$BATS_TEST_TMPDIR/server.out" ACCEPT 10
}

teardown() {
	gadget_stop
	netns_delete
}

@test "trace_sni shows the server name openssl s_client sends, with its process" {
	gadget_start trace_sni --netns "/run/netns/$NETNS" -o json -t 4
	ip netns exec "$NETNS" openssl s_client -servername marker.example -connect 127.0.0.1:8443 \
		</dev/null >"$BATS_TEST_TMPDIR/client.out" 2>&1 &
	client_pid=$!
	wait "$client_pid" || cat "$BATS_TEST_TMPDIR/client.out" "$BATS_TEST_TMPDIR/server.out"
	grep -q "CN = marker.example" "$BATS_TEST_TMPDIR/client.out"
	gadget_wait

	# leaving the client: the client's process
	run json_events "e['name'] == 'marker.example' and e['pkt_type'] == 'OUTGOING'"
	assert_success
	assert_line --partial "\"pid\": $client_pid,"
	assert_line --partial '"comm": "openssl"'
	assert_line --partial '"dst": "127.0.0.1:8443"'
	# arriving at the server, which listened before the gadget started
	run json_events "e['name'] == 'marker.example' and e['pkt_type'] == 'HOST'"
	assert_success
	assert_line --partial "\"pid\": $SERVER_PID,"
	# only ClientHellos: one each way, nothing else of the handshake
	run json_events "True"
	assert_equal "${#lines[@]}" 2
}

@test "trace_sni reports nothing for a ClientHello without a server name" {
	gadget_start trace_sni --netns "/run/netns/$NETNS" -o json -t 3
	ip netns exec "$NETNS" openssl s_client -noservername -connect 127.0.0.1:8443 </dev/null >/dev/null 2>&1
	gadget_wait
	# the run itself was fine, and reported nothing
	grep -q "attached 7 programs" "$GERR"
	run json_events "True"
	assert_output ""
}
