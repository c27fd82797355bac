#!/usr/bin/env bats
# gadgets/top_blockio: I/Os, bytes and time per process and device.  Debian's
# biotop (libbpf-tools) needs a kprobe on blk_account_io_start, which this
# kernel cannot give: the test checks that, and the gadget against the
# known workload.

load helpers
load ../tools/gadgets
load ../tools/blockdev

setup() { common_setup; loopdev_setup 64; }
teardown() { gadget_stop; loopdev_teardown; }

@test "top_blockio: direct I/O of a known size on a loop device, with pid, comm, device and bytes" {
	gadget_start top_blockio -o json -t 5 --interval 5
	# dd itself in the background, so $! is its pid
	dd if=/dev/zero of="$LOOPDEV" bs=65536 count=16 oflag=direct status=none &
	wpid=$!
	wait "$wpid"
	dd if="$LOOPDEV" of=/dev/null bs=65536 count=8 iflag=direct status=none
	gadget_wait

	run json_events "e['major'] == $LOOPMAJ and e['minor'] == $LOOPMIN and e['comm'] == 'dd' and e['op'] == 'WRITE'"
	assert_success
	assert_line --partial "\"pid\": $wpid"
	assert_line --partial '"bytes": 1048576'
	assert_line --partial '"ios": 16'
	assert_line --regexp '"time": [1-9][0-9]*'
	run json_events "e['major'] == $LOOPMAJ and e['minor'] == $LOOPMIN and e['comm'] == 'dd' and e['op'] == 'READ'"
	assert_line --partial '"bytes": 524288'
	assert_line --partial '"ios": 8'
}

@test "top_blockio: columns, sorted by bytes, limited with --max-rows" {
	gadget_start top_blockio -t 3 --interval 3 --max-rows 3 -F "major=$LOOPMAJ"
	loopdev_write 65536 4
	loopdev_write 4096 2
	gadget_wait
	run cat "$GOUT"
	assert_line --regexp '^ +MNTNS_ID +PID COMM +OP +MAJOR +MINOR +BYTES +TIME +IOS'
	assert_line --regexp " dd +WRITE +$LOOPMAJ +$LOOPMIN +262144 +[0-9.]+[mu]?s +4 "
	assert_line --regexp " dd +WRITE +$LOOPMAJ +$LOOPMIN +8192 +[0-9.]+[mu]?s +2 "
}

@test "biotop (libbpf-tools) cannot run here: it needs kprobes" {
	# (it exits 0 all the same)
	run timeout 10 /usr/sbin/biotop -C 1 1
	assert_output --partial "failed to create kprobe 'blk_account_io_start"
	assert_output --partial "failed to load attach"
}
