#!/usr/bin/env bats
# make vmtest: the three templates built here with --arch arm64 (against the
# committed bpf-headers/arm64/vmlinux.h) and run by the cross-built gadget
# (make arm64) in the arm64 guest (Debian's stock 6.1 arm64 kernel, busybox
# userland), one boot for the file; each test checks exact decoded values.

load ../bats/helpers

setup_file() {
	local d=$BATS_FILE_TMPDIR
	export GADGET_CACHE_DIR="$d/cache"
	cd "$d"
	for t in tracer topper snapshotter; do
		"$GADGET" init "a$t" --type $t >/dev/null
		"$GADGET" build "a$t" --arch arm64 -o "a$t.o" 2>/dev/null
	done
	echo marker >marker
	# shellcheck disable=SC2016 # expanded in the guest
	"$GADGET_SRC/tests/vm/run" --arch arm64 -v -- sh -c '
		cd "$1"
		uname -m >machine
		file_of() { i=0; until grep -q attached $1.err; do sleep 0.2; i=$((i + 1)); [ $i -lt 300 ] || return 1; done; }
		gadget run atracer.o -o json -t 120 >atracer.out 2>atracer.err & t=$!
		gadget run atopper.o -o json -t 120 --interval 60 >atopper.out 2>atopper.err & p=$!
		file_of atracer && file_of atopper
		cat "$1/marker" >/dev/null
		dd if=/dev/zero of=/dev/null bs=1000 count=7 status=none
		sleep 1
		kill -INT $t $p
		wait $t $p
		gadget run asnapshotter.o -o json >asnapshotter.out 2>asnapshotter.err' sh "$d" >"$d/guest.log" 2>&1 || true
}

setup() {
	D=$BATS_FILE_TMPDIR
	GOUT=
	load ../tools/gadgets
}

@test "arm64: the guest is arm64 and boots Debian's 6.1 arm64 kernel; the gadget it runs is the cross-built one" {
	run cat "$D/machine"
	assert_output aarch64
	run grep -E 'arm64 6\.1\.[0-9]+-[0-9]+-arm64 \(tcg\): booted in' "$D/guest.log"
	assert_success
	run file "$GADGET_SRC/build-arm64/gadget"
	assert_output --partial "ARM aarch64"
}

@test "arm64: a tracer decodes the file busybox cat opened" {
	GOUT=$D/atracer.out
	run json_events "e['comm'] == 'cat' and e['fname'] == '$D/marker'"
	[ "${#lines[@]}" -eq 1 ]
	assert_line --regexp '"uid": 0[,}]'
	assert_line --regexp '"flags": 0[,}]'
	assert_line --regexp '"timestamp": "[0-9-]+T[0-9:.]+Z"'
}

@test "arm64: a topper counts dd's 7 reads and writes of 1000 bytes" {
	GOUT=$D/atopper.out
	run json_events "e['comm'] == 'dd'"
	[ "${#lines[@]}" -eq 1 ]
	assert_line --regexp '"reads": 7[,}]'
	assert_line --regexp '"writes": 7[,}]'
	assert_line --regexp '"rbytes": 7000[,}]'
	assert_line --regexp '"wbytes": 7000[,}]'
}

@test "arm64: a snapshotter lists the guest's init as process 1" {
	GOUT=$D/asnapshotter.out
	run json_events "e['pid'] == 1"
	[ "${#lines[@]}" -eq 1 ]
	assert_line --regexp '"comm": "init"[,}]'
	assert_line --regexp '"ppid": 0[,}]'
	assert_line --regexp '"uid": 0[,}]'
	assert_line --regexp '"tid": 1[,}]'
}
