#!/usr/bin/env bats
# gadgets/snapshot_process: the processes running now, from an iter/task program.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() {
	[ -z "${PARENT:-}" ] || kill "$PARENT" 2>/dev/null || true
	[ -z "${THREADED:-}" ] || kill "$THREADED" 2>/dev/null || true
	wait 2>/dev/null || true
}

# gadget_snapshot NAME [run options...]: one snapshot into $GOUT.
gadget_snapshot() {
	local name=$1
	shift
	GOUT="$BATS_TEST_TMPDIR/$name.out"
	"$GADGET" build "$GADGET_SRC/gadgets/$name" -o "$BATS_TEST_TMPDIR/$name.o" >/dev/null
	"$GADGET" run "$BATS_TEST_TMPDIR/$name.o" "$@" >"$GOUT"
}

@test "snapshot_process lists a sleeping child with its comm, ppid, uid, gid and mntns" {
	# a shell whose only child is a sleep: the child's ppid is the shell
	sh -c 'sleep 61 & wait' &
	PARENT=$!
	for _ in $(seq 50); do
		CHILD=$(pgrep -P "$PARENT" -x sleep) && break
		sleep 0.1
	done
	[ -n "$CHILD" ]
	gadget_snapshot snapshot_process -o json

	run json_events "e['pid'] == $CHILD"
	assert_success
	assert_line --partial '"comm": "sleep"'
	assert_line --partial "\"ppid\": $PARENT"
	assert_line --partial "\"tid\": $CHILD"
	assert_line --partial "\"uid\": $(id -u)"
	assert_line --partial "\"gid\": $(id -g)"
	mntns=$(stat -Lc %i /proc/$CHILD/ns/mnt)
	assert_line --partial "\"mntns_id\": $mntns"
	# one row per process by default
	run json_events "e['pid'] == $CHILD"
	[ "${#lines[@]}" -eq 1 ]
}

@test "snapshot_process --param show_threads=true gives one row per thread" {
	python3 -c '
import threading, time
for _ in range(2):
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
time.sleep(60)' &
	THREADED=$!
	for _ in $(seq 50); do
		[ "$(ls /proc/$THREADED/task 2>/dev/null | wc -l)" -eq 3 ] && break
		sleep 0.1
	done
	tids=$(ls /proc/$THREADED/task | sort -n | tr '\n' ' ')

	gadget_snapshot snapshot_process -o json
	run json_events "e['pid'] == $THREADED"
	[ "${#lines[@]}" -eq 1 ]
	assert_line --partial '"nr_threads": 3'

	gadget_snapshot snapshot_process -o json --param show_threads=true
	run python3 -c '
import json, sys
tids = sorted(json.loads(l)["tid"] for l in open(sys.argv[1])
              if l.startswith("{") and json.loads(l)["pid"] == int(sys.argv[2]))
print(" ".join(map(str, tids)) + " ")' "$GOUT" "$THREADED"
	assert_output "$tids"
}

@test "snapshot_process --mntns shows only that mount namespace" {
	unshare -m sleep 62 &
	PARENT=$!
	for _ in $(seq 50); do
		[ "$(cat /proc/$PARENT/comm 2>/dev/null)" = sleep ] && break
		sleep 0.1
	done
	mntns=$(stat -Lc %i /proc/$PARENT/ns/mnt)
	gadget_snapshot snapshot_process -o json --mntns "$mntns"
	run json_events "e['mntns_id'] != $mntns"
	assert_output ""
	run json_events "e['pid'] == $PARENT"
	assert_line --partial '"comm": "sleep"'
}
