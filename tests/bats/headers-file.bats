#!/usr/bin/env bats
# bpf-headers/gadget/file.h: fd -> struct file through the task's file table,
# its name, mode, file system and position, checked on fds a process owns.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() { gadget_stop; }

@test "gadget/file.h finds an fd's file, name, mode, fs type and position; NULL for a closed fd" {
	FILE="$BATS_TEST_TMPDIR/file-h-marker"
	FIFO="$BATS_TEST_TMPDIR/go"
	mkfifo "$FIFO"
	python3 -c '
import os, sys
open(sys.argv[1]).readline()
fd = os.open(sys.argv[2], os.O_RDWR | os.O_CREAT, 0o640)
os.fchmod(fd, 0o640)      # whatever the umask
os.dup2(fd, 42)
os.lseek(42, 123, os.SEEK_SET)
os.fsync(42)
r, w = os.pipe()
try:
    os.fsync(r)          # EINVAL, but the fd is there: a FIFO
except OSError:
    pass
try:
    os.fsync(999)        # not open
except OSError:
    pass' "$FIFO" "$FILE" &
	pid=$!
	GOBJ="$BATS_TEST_TMPDIR/file_h.o"
	"$GADGET" build "$GADGET_SRC/tests/fixtures/file_h" -o "$GOBJ" >/dev/null
	GOUT="$BATS_TEST_TMPDIR/out"
	GERR="$BATS_TEST_TMPDIR/err"
	"$GADGET" run "$GOBJ" -o json -t 3 --param targ_pid=$pid >"$GOUT" 2>"$GERR" &
	GPID=$!
	wait_for_line "$GERR" attached 30
	echo go >"$FIFO"
	wait "$pid"
	gadget_wait
	fstype=$(findmnt -n -o FSTYPE --target "$BATS_TEST_TMPDIR")

	run json_events "e['fd'] == 42"
	assert_success
	assert_line --partial '"found": true'
	assert_line --partial '"name": "file-h-marker"'
	assert_line --partial '"pos": 123'
	assert_line --partial "\"fs\": \"$fstype\""
	# S_IFREG | 0640
	assert_line --partial "\"mode\": $((0100640))"

	run json_events "e['found'] and e['fd'] not in (42, 999)"
	# S_IFIFO (0010000) | 0600, on pipefs
	assert_line --partial "\"mode\": $((0010600))"
	assert_line --partial '"fs": "pipefs"'

	run json_events "e['fd'] == 999"
	assert_line --partial '"found": false'
	assert_line --partial '"mode": 0'
	assert_line --partial '"name": ""'
}
