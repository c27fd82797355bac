#!/usr/bin/env bats
# The packet-side features of the gadget headers and the runtime, on their
# own: the socket enricher (gadget/sockets.h) with its start-up iterator and
# the network namespace of socket programs; a long verifier log's verdict.

load helpers
load ../tools/netns

FIX="$GADGET_SRC/tests/fixtures/sockets"

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	BG_PIDS=()
}

teardown() {
	bg_stop_all TERM
	netns_delete
}

# udp_socket NETNS PORT: a python process holding a UDP socket bound to
# 127.0.0.1:PORT in NETNS ("" for ours); its pid in UPID
udp_socket() {
	local run=()
	[ -z "$1" ] || run=(ip netns exec "$1")
	"${run[@]}" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
time.sleep(60)' "$2" >"udp-$2.out" &
	UPID=$!
	BG_PIDS+=("$UPID")
	wait_for_line "udp-$2.out" ready
}

# start_owner PORT ARGS...: run the owner fixture in the background (its
# output in $OUT, $ERR: new files each time) with an asker process that
# calls getppid(2) once the file go exists
start_owner() {
	local port=$1
	shift
	RUNS=$((${RUNS:-0} + 1))
	OUT=out.$RUNS ERR=err.$RUNS
	rm -f go
	python3 -c '
import os, time
print(os.getpid(), flush=True)
while not os.path.exists("go"):
    time.sleep(0.02)
os.getppid()' >"asker.$RUNS" &
	BG_PIDS+=($!)
	wait_for_line "asker.$RUNS" '[0-9]'
	"$GADGET" run owner.o -o json -t 15 --param targ_pid="$(cat "asker.$RUNS")" --param port="$port" "$@" >"$OUT" 2>"$ERR" &
	BG_PIDS+=($!)
	wait_for_line "$ERR" attached 20
}

# ask: let the asker ask, and show what the fixture answered
ask() {
	touch go
	wait_for_line "$OUT" '"found"' 10
	run cat "$OUT"
}

@test "sockets that existed before the gadget started have their owner (start-up iterator)" {
	"$GADGET" build "$FIX/owner" -o owner.o >/dev/null
	local port=$((20000 + RANDOM % 20000))
	udp_socket "" "$port"
	start_owner "$port"
	ask
	assert_line --partial "\"found\":1,\"owner_pid\":$UPID,\"owner_port\":$port,\"owner_comm\":\"python3\""
	# the runtime's own network namespace
	assert_line --partial "\"netns\":$(stat -L -c %i /proc/self/ns/net),"
}

@test "gadget_sockets_netns is the --netns namespace, and ports are looked up in it" {
	"$GADGET" build "$FIX/owner" -o owner.o >/dev/null
	local port=$((20000 + RANDOM % 20000))
	netns_create
	udp_socket "$NETNS" "$port"
	start_owner "$port" --netns "/run/netns/$NETNS"
	ask
	assert_line --partial "\"netns\":$(stat -L -c %i "/run/netns/$NETNS"),\"found\":1,\"owner_pid\":$UPID,"
	# the same port in our namespace is someone else's (nobody's)
	kill "${BG_PIDS[-1]}"
	start_owner "$port"
	ask
	assert_line --partial '"found":0,'
}

@test "a socket created while the gadget runs is known from cgroup/sock_create and post_bind" {
	"$GADGET" build "$FIX/owner" -o owner.o >/dev/null
	local port=$((20000 + RANDOM % 20000))
	start_owner "$port"
	udp_socket "" "$port"
	ask
	assert_output --partial "\"found\":1,\"owner_pid\":$UPID,\"owner_port\":$port,"
}

@test "a program rejected at the end of a long verifier log: the error shows the verifier's reason" {
	"$GADGET" build "$FIX/verifier_tail" -o tail.o >/dev/null
	run "$GADGET" run tail.o -t 1
	assert_failure 1
	assert_output --partial "the kernel verifier rejected program 'long_log' (Permission denied); its log:"
	assert_output --partial "R6 invalid mem access 'scalar'"
	assert_output --partial "-- END PROG LOAD LOG --"
}
