# Block devices of a test's own: load ../tools/blockdev
# A loop device on a sparse file in the test's temp dir, for gadgets that
# watch block I/O (profile_blockio, top_blockio).  Other tests share the
# kernel: never touch a device this file did not create.

# loopdev_setup [SIZE_MB]: sets LOOPDEV (/dev/loopN), LOOPNAME (loopN),
# LOOPMAJ, LOOPMIN.
loopdev_setup() {
	LOOPFILE="$BATS_TEST_TMPDIR/blockdev.img"
	truncate -s "${1:-64}M" "$LOOPFILE"
	LOOPDEV=$(losetup --find --show "$LOOPFILE")
	LOOPNAME=${LOOPDEV#/dev/}
	LOOPMAJ=$(( $(stat -c '0x%t' "$LOOPDEV") ))
	LOOPMIN=$(( $(stat -c '0x%T' "$LOOPDEV") ))
	# let udev's first probe of the new device pass before measuring
	udevadm settle -t 5 2>/dev/null || sleep 1
}

# loopdev_teardown: for teardown().
loopdev_teardown() {
	if [ -n "${LOOPDEV:-}" ]; then
		losetup -d "$LOOPDEV" 2>/dev/null || true
		LOOPDEV=
	fi
}

# loopdev_write BS COUNT: COUNT synchronous O_DIRECT writes of BS bytes to
# the device: exactly COUNT requests of BS bytes each.
loopdev_write() {
	dd if=/dev/zero of="$LOOPDEV" bs="$1" count="$2" oflag=direct status=none
}
