#!/usr/bin/env bats
# gadgets/trace_fsslower: slow file operations.  libbpf-tools' fsslower
# uses kprobes (on ext4_file_read_iter, ...) and cannot run on this kernel:
# the test checks the events against what a marker process did.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() {
	gadget_stop
	[ -z "${IO_PID:-}" ] || kill "$IO_PID" 2>/dev/null || true
}

# start_marker: tests/tools/write_fsync.py on $MARKER, waiting on a fifo
# (its pid is known before it does anything): sets IO_PID.
start_marker() {
	MARKER="$BATS_TEST_TMPDIR/marker-fsslower-$RANDOM"
	FIFO="$BATS_TEST_TMPDIR/go-$RANDOM"
	mkfifo "$FIFO"
	python3 "$GADGET_SRC/tests/tools/write_fsync.py" "$MARKER" <"$FIFO" >/dev/null &
	IO_PID=$!
}

go_marker() {
	echo go >"$FIFO"
	wait "$IO_PID"
	IO_PID=
}

@test "trace_fsslower with min_latency_ms=0 shows a marker's open, writes and fsync" {
	fstype=$(findmnt -n -o FSTYPE --target "$BATS_TEST_TMPDIR")
	start_marker
	gadget_start trace_fsslower -o json -t 4 --param min_latency_ms=0 --param targ_pid=$IO_PID \
		--param filesystem="$fstype"
	pid=$IO_PID
	go_marker
	gadget_wait

	run json_events "e['file'] == '$(basename "$MARKER")'"
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	assert_line --index 0 --regexp '"op": "O"'
	assert_line --index 1 --regexp '"bytes": 4096,.*"offset": 0,.*"op": "W"'
	assert_line --index 2 --regexp '"bytes": 100,.*"offset": 4096,.*"op": "W"'
	assert_line --index 3 --regexp '"bytes": 0,.*"op": "F"'
	for i in 0 1 2 3; do
		assert_line --index $i --partial "\"fs\": \"$fstype\""
		assert_line --index $i --partial "\"pid\": $pid"
		assert_line --index $i --partial '"error": "0"'
		assert_line --index $i --regexp '"latency": [1-9][0-9]*,'
	done
}

@test "trace_fsslower hides operations under the threshold and off the chosen file system" {
	start_marker
	gadget_start trace_fsslower -o json -t 4 --param min_latency_ms=10000
	go_marker
	gadget_wait
	run json_events "e['file'] == '$(basename "$MARKER")'"
	assert_output ""

	# the marker's file system is not tmpfs (or is, then ask for another)
	fstype=$(findmnt -n -o FSTYPE --target "$BATS_TEST_TMPDIR")
	other=tmpfs
	[ "$fstype" != tmpfs ] || other=ext4
	start_marker
	gadget_start trace_fsslower -o json -t 4 --param min_latency_ms=0 \
		--param targ_pid=$IO_PID --param filesystem=$other
	go_marker
	gadget_wait
	run json_events "e['file'] == '$(basename "$MARKER")'"
	assert_output ""
	run json_events "e['fs'] != '$other'"
	assert_output ""
}
