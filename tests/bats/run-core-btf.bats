#!/usr/bin/env bats
# The small CO-RE BTF (runtime/core_btf.c): the first run of an object on
# this kernel makes and proves it, later runs load against it instead of
# the kernel's whole BTF, and decode the same values.

load helpers

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	"$GADGET" init rttracer --type tracer >/dev/null
	"$GADGET" build rttracer -o tracer.o >/dev/null 2>&1
}

teardown() {
	[ -z "${GPID:-}" ] || { kill -KILL "$GPID" 2>/dev/null; wait "$GPID" 2>/dev/null; } || true
}

# trace_own_open N: run the tracer (libbpf's log on, in errN), filtered in
# the kernel to this shell, while the shell opens a marker file (a busy
# machine would otherwise fill the ring first); the event's mntns_id, the
# shell's mount namespace and whether the marker was seen, on stdout.
trace_own_open() {
	local me=$BASHPID ns
	echo x >"marker-$1"
	ns=$(stat -L -c %i "/proc/$me/ns/mnt")
	"$GADGET" run tracer.o -v -o json --param targ_pid="$me" >"out$1" 2>"err$1" &
	GPID=$!
	wait_for_line "err$1" "attached" 20
	: <"marker-$1"
	sleep 0.5
	kill -INT "$GPID"
	wait "$GPID"
	GPID=
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["fname"].endswith(sys.argv[2]):
        print(e["mntns_id"], sys.argv[3], "seen")
        break' "out$1" "marker-$1" "$ns"
}

@test "the first run proves a small CO-RE BTF, the next loads against it with the same values" {
	run trace_own_open 1
	assert_success
	# the task->nsproxy->mnt_ns->ns.inum chain relocated right
	read -r got want seen <<<"$output"
	assert_equal "$seen" seen
	assert_equal "$got" "$want"
	grep -q "loading kernel BTF '/sys/kernel/btf/vmlinux'" err1
	run ls "$GADGET_CACHE_DIR/core-btf"
	assert_output --regexp '^[0-9a-f]{16}\.btf$'
	# a few types, not the kernel's 5 MB
	assert [ "$(stat -c %s "$GADGET_CACHE_DIR"/core-btf/*.btf)" -lt 16384 ]

	run trace_own_open 2
	assert_success
	read -r got want seen <<<"$output"
	assert_equal "$seen" seen
	assert_equal "$got" "$want"
	run grep -c "loading kernel BTF" err2
	assert_output 0
}

@test "a different object gets its own CO-RE BTF" {
	run trace_own_open 1
	assert_success
	# the same source with a different buffer size: other bytes, other file
	sed -i 's/"name": *"rttracer"/&, "cflags": ["-DGADGET_TRACER_BUF_SIZE=524288"]/' rttracer/gadget.json
	"$GADGET" build rttracer -o tracer.o >/dev/null 2>&1
	run trace_own_open 2
	assert_success
	read -r got want seen <<<"$output"
	assert_equal "$seen" seen
	assert_equal "$got" "$want"
	grep -q "loading kernel BTF" err2
	run ls "$GADGET_CACHE_DIR/core-btf"
	assert_equal "${#lines[@]}" 2
}

@test "-v says when the object was loaded and attached, the kernel's BTF read once per need" {
	run trace_own_open 1
	assert_success
	run grep -E '^gadget: loaded in [0-9]+ ms, attached in [0-9]+ ms from the run.s start$' err1
	assert_success
	# the first run: libbpf's CO-RE relocations, then learning the small BTF
	run grep -c "loading kernel BTF '/sys/kernel/btf/vmlinux': 0" err1
	assert_output 2
}
