#!/usr/bin/env bats
# gadgets/trace_dns: DNS queries and responses from a socket filter, with
# the process from the socket enricher; compared with gethostlatency.

load helpers
load ../tools/gadgets
load ../tools/netns

setup() {
	common_setup
	netns_create
	netns_spawn "$BATS_TEST_TMPDIR/server.out" python3 "$GADGET_SRC/tests/tools/dns_server.py" \
		:: 53 10.1.2.3 --tcp
	SERVER_PID=$SPAWN_PID
	wait_for_line "$BATS_TEST_TMPDIR/server.out" ready 10
}

teardown() {
	gadget_stop
	netns_delete
}

@test "trace_dns shows a UDP query and its response: name, type, rcode, process, latency, answer" {
	gadget_start trace_dns --netns "/run/netns/$NETNS" -o json -t 5
	run ip netns exec "$NETNS" python3 "$GADGET_SRC/tests/tools/dns_query.py" 127.0.0.1 53 marker.example
	assert_success
	client_pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$output")
	qid=$(sed -n 's/.* id=\([0-9]*\) .*/\1/p' <<<"$output")
	gadget_wait

	# the query leaving the client: the client's process
	run json_events "e['name'] == 'marker.example' and e['qr'] == 'Q' and e['pkt_type'] == 'OUTGOING'"
	assert_success
	assert_line --partial "\"pid\": $client_pid,"
	assert_line --partial '"comm": "python3"'
	assert_line --partial '"qtype": "A"'
	assert_line --partial '"opcode": "QUERY"'
	assert_line --partial "\"id\": $qid,"
	assert_line --partial '"src": "127.0.0.1:'
	assert_line --partial '"dst": "127.0.0.1:53"'
	assert_line --partial '"proto": "UDP"'

	# the response reaching the client: its latency since the query, the answer
	run json_events "e['name'] == 'marker.example' and e['qr'] == 'R' and e['pkt_type'] == 'HOST' and e['latency'] > 0"
	assert_success
	assert_line --partial "\"pid\": $client_pid,"
	assert_line --partial '"rcode": "NoError"'
	assert_line --partial '"qtype": "A"'
	assert_line --partial '"ancount": 1,'
	assert_line --partial '"addr": "10.1.2.3"'
	assert_line --partial '"src": "127.0.0.1:53"'

	# the query arriving at the server, which was running before the
	# gadget started: its owner came from the start-up iterator
	run json_events "e['name'] == 'marker.example' and e['qr'] == 'Q' and e['pkt_type'] == 'HOST'"
	assert_success
	assert_line --partial "\"pid\": $SERVER_PID,"
}

@test "trace_dns parses DNS over TCP, over IPv6, and an AAAA response without answers" {
	gadget_start trace_dns --netns "/run/netns/$NETNS" -o json -t 5
	run ip netns exec "$NETNS" python3 "$GADGET_SRC/tests/tools/dns_query.py" 127.0.0.1 53 tcp.marker.example --tcp
	assert_success
	run ip netns exec "$NETNS" python3 "$GADGET_SRC/tests/tools/dns_query.py" ::1 53 six.marker.example --type 28
	assert_success
	gadget_wait

	run json_events "e['name'] == 'tcp.marker.example' and e['qr'] == 'R' and e['pkt_type'] == 'HOST'"
	assert_success
	assert_line --partial '"proto": "TCP"'
	assert_line --partial '"addr": "10.1.2.3"'
	assert_line --regexp '"latency": [1-9][0-9]*'

	run json_events "e['name'] == 'six.marker.example' and e['qr'] == 'R' and e['pkt_type'] == 'HOST'"
	assert_success
	assert_line --partial '"qtype": "AAAA"'
	assert_line --partial '"ancount": 0,'
	assert_line --partial '"addr": "-"'
	assert_line --partial '"src": "[::1]:53"'
	assert_line --partial '"dst": "[::1]:'
	assert_line --regexp '"latency": [1-9][0-9]*'
}

@test "trace_dns and gethostlatency (uprobes on libc) see the same getaddrinfo lookup" {
	netns_etc resolv.conf "nameserver 127.0.0.1"
	# getaddrinfo's AI_ADDRCONFIG wants an address besides loopback
	ip -n "$NETNS" link add veth0 type veth peer name veth1
	ip -n "$NETNS" addr add 192.0.2.1/24 dev veth0
	ip -n "$NETNS" link set veth0 up
	ip -n "$NETNS" link set veth1 up
	SNOOP_OUT="$BATS_TEST_TMPDIR/gethostlatency.out"
	timeout 25 stdbuf -oL /usr/sbin/gethostlatency >"$SNOOP_OUT" 2>&1 &
	SNOOP_PID=$!
	wait_for_line "$SNOOP_OUT" "LATms" 15
	gadget_start trace_dns --netns "/run/netns/$NETNS" -o json -t 5
	run ip netns exec "$NETNS" getent ahostsv4 libc.marker.example
	assert_success
	assert_line --partial "10.1.2.3"
	gadget_wait
	wait_for_line "$SNOOP_OUT" "libc.marker.example" 10

	# gethostlatency: the getent process and getaddrinfo's latency in ms
	read -r ghl_pid ghl_ms < <(awk '$NF == "libc.marker.example" { print $2, $4; exit }' "$SNOOP_OUT")
	[ -n "$ghl_pid" ]
	run json_events "e['name'] == 'libc.marker.example' and e['qr'] == 'R' and e['pkt_type'] == 'HOST' and e['qtype'] == 'A'"
	assert_success
	assert_line --partial "\"pid\": $ghl_pid,"
	assert_line --partial '"comm": "getent"'
	# the DNS round trip is part of the getaddrinfo call
	latency_ns=$(sed -n 's/.*"latency": \([0-9]*\).*/\1/p' <<<"$output" | head -1)
	python3 -c "import sys; sys.exit(not (0 < $latency_ns <= $ghl_ms * 1e6 + 1e5))"
}

@test "trace_dns --pid keeps the packets of that process (the socket owner, on its pid field)" {
	gadget_start trace_dns --netns "/run/netns/$NETNS" -o json -t 4 --pid "$SERVER_PID"
	run ip netns exec "$NETNS" python3 "$GADGET_SRC/tests/tools/dns_query.py" 127.0.0.1 53 filtered.marker.example
	assert_success
	gadget_wait
	# the server received the query and sent the response: those two only
	run json_events "e['name'] == 'filtered.marker.example'"
	assert_equal "${#lines[@]}" 2
	run json_events "e['name'] == 'filtered.marker.example' and e['pid'] == $SERVER_PID and (e['qr'], e['pkt_type']) in (('Q', 'HOST'), ('R', 'OUTGOING'))"
	assert_equal "${#lines[@]}" 2
}
