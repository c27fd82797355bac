#!/usr/bin/env bats
# gadgets/profile_blockio: block I/O latency histograms, compared with
# biolatency (libbpf-tools) on the same direct I/O to a loop device.

load helpers
load ../tools/gadgets
load ../tools/blockdev

setup() { common_setup; loopdev_setup 64; }
teardown() { gadget_stop; loopdev_teardown; }

# bio_count FILE DISK: the I/Os biolatency -D counted for DISK.
bio_count() {
	awk -v d="$2" '
		$1 == "disk" && $2 == "=" { on = ($3 == d); next }
		on && /->/ { split($0, a, ":"); split(a[2], b, "|"); n += b[1]; seen = 1 }
		END { print n + 0 }' "$1"
}

@test "profile_blockio per disk: 200 direct writes to a loop device, as biolatency sees them" {
	SNOOP_OUT="$BATS_TEST_TMPDIR/biolatency.out"
	timeout 25 stdbuf -oL /usr/sbin/biolatency -D 8 1 >"$SNOOP_OUT" 2>&1 &
	SNOOP_PID=$!
	gadget_start profile_blockio --param per_disk=true -o json -t 8
	wait_for_line "$SNOOP_OUT" "Tracing" 15
	loopdev_write 4096 200
	gadget_wait
	wait "$SNOOP_PID"
	SNOOP_PID=

	run json_events "e['disk'] == '$LOOPNAME'"
	assert_success
	assert_line --partial '"metric": "latency_us"'
	assert_line --partial '"type": "histogram"'
	assert_line --partial '"unit": "usecs"'
	ours=$(json_events "e['disk'] == '$LOOPNAME'" | python3 -c 'import json,sys; e=json.loads(sys.stdin.readline()); print(e["count"]); assert e["count"] == sum(b["count"] for b in e["buckets"])')
	theirs=$(bio_count "$SNOOP_OUT" "$LOOPNAME")
	echo "profile_blockio: $ours I/Os on $LOOPNAME, biolatency: $theirs" >&3
	# at least the 200 writes (udev may read the device after dd closes it)
	[ "$ours" -ge 200 ]
	[ "$theirs" -ge 200 ]
	# the same requests: within 2% of each other
	[ $(( (ours - theirs) * 100 / theirs )) -le 2 ] && [ $(( (theirs - ours) * 100 / ours )) -le 2 ]
}

# bats test_tags=sanitize
@test "profile_blockio prints a log2 histogram in usecs, every --interval" {
	gadget_start profile_blockio -t 4 --interval 1
	loopdev_write 4096 50
	gadget_wait
	# cumulative, printed each second and at the end
	run grep -c 'usecs *: count' "$GOUT"
	[ "$output" -ge 3 ]
	run cat "$GOUT"
	assert_line --regexp '^ +usecs +: count +distribution$'
	assert_line --regexp '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|\*+ *\|$'
	assert_line --regexp '^ +count [0-9]+, average [0-9.]+ usecs$'
	# no per-disk breakdown asked: no "disk = " label line
	refute_line --partial 'disk = '
}
