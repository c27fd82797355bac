#!/usr/bin/env bats
# gadgets/top_file: reads/writes per process and file.  libbpf-tools'
# filetop uses kprobes (vfs_read/vfs_write) and cannot run on this kernel:
# the test checks the counts against what a marker process did.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() { gadget_stop; }

# run_file_io: start tests/tools/file_io.py on $MARKER once the gadget is attached.
run_file_io() {
	echo go | python3 "$GADGET_SRC/tests/tools/file_io.py" "$MARKER" >"$BATS_TEST_TMPDIR/io.out"
	read -r word IO_PID <"$BATS_TEST_TMPDIR/io.out"
	[ "$word" = done ]
}

@test "top_file counts a process's reads and writes of a named file exactly" {
	MARKER="$BATS_TEST_TMPDIR/marker-top_file-$RANDOM"
	# one interval longer than the run: the single table has everything
	gadget_start top_file -o json -t 5 --interval 30
	run_file_io
	gadget_wait

	run json_events "e['pid'] == $IO_PID and e['file'] == '$(basename "$MARKER")'"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	assert_line --partial '"type": "R"'
	assert_line --partial '"comm": "python3"'
	assert_line --partial "\"tid\": $IO_PID"
	assert_line --partial "\"inode\": $(stat -c %i "$MARKER")"
	assert_line --partial '"writes": 5'
	assert_line --partial '"wbytes": 3800'
	assert_line --partial '"reads": 4'
	assert_line --partial '"rbytes": 1600'
	# regular files only by default: the socket pair is not counted
	run json_events "e['pid'] == $IO_PID and e['type'] != 'R'"
	assert_output ""
}

@test "top_file --param all_files=true counts sockets too, --param targ_pid filters in the kernel" {
	MARKER="$BATS_TEST_TMPDIR/marker-top_file-$RANDOM"
	gadget_start top_file -o json -t 5 --interval 30 --param all_files=true
	run_file_io
	gadget_wait
	run json_events "e['pid'] == $IO_PID and e['type'] == 'S'"
	assert_success
	# the socket pair: 123 bytes written on one end, read on the other
	[ "${#lines[@]}" -eq 2 ]
	assert_line --regexp '"rbytes": 0,.*"wbytes": 123,.*"writes": 1'
	assert_line --regexp '"rbytes": 123,.*"reads": 1,.*"wbytes": 0'

	# the marker process waits on a fifo: its pid is known before it starts
	FIFO="$BATS_TEST_TMPDIR/go"
	mkfifo "$FIFO"
	python3 "$GADGET_SRC/tests/tools/file_io.py" "$MARKER" <"$FIFO" >"$BATS_TEST_TMPDIR/io.out" &
	IO_PID=$!
	gadget_start top_file -o json -t 4 --interval 30 --param targ_pid=$IO_PID
	echo go >"$FIFO"
	wait "$IO_PID"
	gadget_wait
	run json_events "e['pid'] == $IO_PID and e['file'] == '$(basename "$MARKER")'"
	assert_line --partial '"wbytes": 3800'
	run json_events "e['pid'] != $IO_PID"
	assert_output ""
}
