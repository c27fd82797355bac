#!/usr/bin/env bats
# gadgets/snapshot_socket: the sockets of a network namespace of the
# test's own (--netns), checked against ss as a witness.

load helpers
load ../tools/gadgets
load ../tools/net

setup() {
	common_setup
	NS=$(netns_name snap)
	netns_new "$NS"
	NS_INO=$(stat -L -c %i "/run/netns/$NS")
}
teardown() {
	[ -z "${HOLDER:-}" ] || kill "$HOLDER" 2>/dev/null || true
	netns_cleanup
}

# ss_sockets tcp|udp: "PROTO LOCAL STATE INODE" per socket ss sees in $NS
ss_sockets() {
	ip netns exec "$NS" ss -"${1:0:1}"anHe | python3 -c '
import re, sys
states = {"LISTEN": "LISTEN", "ESTAB": "ESTABLISHED", "UNCONN": "INACTIVE"}
for line in sys.stdin:
    w = line.split()
    ino = re.search(r"ino:(\d+)", line)
    print(sys.argv[1].upper(), w[3], states.get(w[0], w[0]), ino.group(1) if ino else 0)' "$1"
}

@test "snapshot_socket lists listening, established and UDP sockets, as ss does" {
	ip netns exec "$NS" python3 "$SOCKETS_PY" hold 20 >"$BATS_TEST_TMPDIR/hold.out" &
	HOLDER=$!
	wait_for_line "$BATS_TEST_TMPDIR/hold.out" "udp=" 10
	SOCK_OUT=$(cat "$BATS_TEST_TMPDIR/hold.out")
	run gadget run "$GADGET_SRC/gadgets/snapshot_socket" --netns "/run/netns/$NS" -o json
	assert_success
	echo "$output" | grep '^{' >"$BATS_TEST_TMPDIR/snap.json"
	GOUT="$BATS_TEST_TMPDIR/snap.json"

	run json_events "e['local'] == '127.0.0.1:$(kv tcp)'"
	assert_line --partial '"protocol": "TCP"'
	assert_line --partial '"status": "LISTEN"'
	assert_line --partial '"remote": "0.0.0.0:0"'
	assert_line --partial "\"inode\": $(kv tcp_inode)"
	assert_line --partial "\"netns\": $NS_INO"
	run json_events "e['local'] == '127.0.0.1:$(kv udp)'"
	assert_line --partial '"protocol": "UDP"'
	assert_line --partial '"status": "INACTIVE"'
	assert_line --partial "\"inode\": $(kv udp_inode)"
	run json_events "e['local'] == '[::1]:$(kv v6_client)'"
	assert_line --partial '"status": "ESTABLISHED"'
	assert_line --partial "\"remote\": \"[::1]:$(kv v6_server)\""
	assert_line --partial "\"inode\": $(kv v6_client_inode)"

	# the witness: ss sees exactly these sockets in the namespace
	ours=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["protocol"], e["local"], e["status"], e["inode"])' "$GOUT" | sort)
	witness=$( (ss_sockets tcp; ss_sockets udp) | sort)
	assert_equal "$ours" "$witness"
	# listeners on 127.0.0.1 and ::1, both ends of the connection, the UDP socket
	[ "$(echo "$ours" | wc -l)" -eq 5 ]

	# proto=UDP: only the UDP one
	run gadget run "$GADGET_SRC/gadgets/snapshot_socket" --netns "/run/netns/$NS" -o json --param proto=UDP
	assert_success
	refute_line --partial '"TCP"'
	assert_line --partial "\"local\":\"127.0.0.1:$(kv udp)\""
}
