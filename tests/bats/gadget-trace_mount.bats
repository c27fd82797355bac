#!/usr/bin/env bats
# gadgets/trace_mount: mount/umount calls, compared with libbpf-tools' mountsnoop
# (which uses the same syscall tracepoints, so it runs on this kernel).

load helpers
load ../tools/gadgets

setup() {
	common_setup
	MNT_DIR=$(mktemp -d /tmp/gadget-trace_mount.XXXXXX)
}
teardown() {
	gadget_stop
	# the mounts were made in a private mount namespace: nothing to undo
	rmdir "$MNT_DIR" 2>/dev/null || true
}

@test "trace_mount shows a tmpfs mounted and unmounted in a private namespace, like mountsnoop" {
	SNOOP_OUT="$BATS_TEST_TMPDIR/mountsnoop.out"
	timeout 25 stdbuf -oL /usr/sbin/mountsnoop >"$SNOOP_OUT" 2>/dev/null &
	SNOOP_PID=$!
	gadget_start trace_mount -o json -t 6
	wait_for_line "$SNOOP_OUT" "COMM" 15
	# its own mount namespace, made private so nothing reaches the host
	unshare -m sh -c "
		mount --make-rprivate /
		stat -Lc %i /proc/self/ns/mnt > $BATS_TEST_TMPDIR/mntns
		mount -t tmpfs -o nosuid,nodev,size=1m,mode=700 gadgettmp $MNT_DIR
		umount $MNT_DIR
		umount $MNT_DIR 2>/dev/null
		true"
	gadget_wait
	mntns=$(cat "$BATS_TEST_TMPDIR/mntns")

	run json_events "e['call'] == 'MOUNT' and e['target'] == '$MNT_DIR'"
	assert_success
	assert_line --partial '"fs": "tmpfs"'
	assert_line --partial '"source": "gadgettmp"'
	assert_line --partial '"data": "size=1m,mode=700"'
	assert_line --partial '"flags": "MS_NOSUID|MS_NODEV"'
	assert_line --partial '"ret": 0'
	assert_line --partial '"comm": "mount"'
	assert_line --partial "\"mntns_id\": $mntns"
	mount_pid=$(json_events "e['call'] == 'MOUNT' and e['target'] == '$MNT_DIR'" |
		python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["pid"])')

	run json_events "e['call'] == 'UMOUNT' and e['target'] == '$MNT_DIR'"
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 0 --partial '"error": "0"'
	# the second umount finds nothing mounted there
	assert_line --index 1 --partial '"error": "EINVAL"'
	assert_line --index 1 --partial '"ret": -1'

	# mountsnoop saw the same mount from the same process, and both umounts
	wait_for_line "$SNOOP_OUT" "umount(\"$MNT_DIR\"" 10
	run grep -F "$MNT_DIR" "$SNOOP_OUT"
	assert_line --regexp "^mount +$mount_pid +$mount_pid +$mntns +mount\\(\"gadgettmp\", \"$MNT_DIR\", \"tmpfs\", MS_NOSUID \\| MS_NODEV, \"size=1m,mode=700\"\\) = 0\$"
	assert_line --regexp "^umount .* umount\\(\"$MNT_DIR\", 0x0\\) = 0\$"
	assert_line --regexp "^umount .* umount\\(\"$MNT_DIR\", 0x0\\) = -EINVAL\$"
}

@test "trace_mount shows the new mount API: fsopen, fsconfig, fsmount, move_mount" {
	gadget_start trace_mount -o json -t 5
	unshare -m sh -c "
		mount --make-rprivate /
		python3 $GADGET_SRC/tests/tools/new_mount_api.py $MNT_DIR
		umount -l $MNT_DIR"
	gadget_wait

	run json_events "e['comm'] == 'python3'"
	assert_success
	assert_line --index 0 --regexp '"call": "FSOPEN".*"fs": "tmpfs".*"ret": [0-9]+'
	assert_line --index 1 --regexp '"call": "FSCONFIG".*"data": "size=1m".*"ret": 0'
	assert_line --index 2 --partial '"call": "FSCONFIG"'
	assert_line --index 3 --regexp '"call": "FSMOUNT".*"ret": [0-9]+'
	assert_line --index 4 --regexp '"call": "MOVE_MOUNT".*"ret": 0'
	assert_line --index 4 --partial "\"target\": \"$MNT_DIR\""
	run json_events "e['call'] == 'UMOUNT' and e['target'] == '$MNT_DIR'"
	assert_line --partial '"umount_flags": "MNT_DETACH"'
}
