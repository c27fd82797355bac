#!/usr/bin/env bats
# The smoke part of make vmtest, run by make test: a kprobe, an fexit and an
# LSM gadget in the amd64 guest (Debian's stock 6.1 kernel under qemu,
# tests/vm/run), which this host's kernel cannot run.  One boot for the
# file: the three gadgets run side by side while tests/vm/vmtrigger.c makes
# one mkdirat(2), which the LSM gadget refuses; each test checks what one of
# them decoded.  The rest (every section, both guests, the catalogue) is
# make vmtest.

load helpers

setup_file() {
	local d=$BATS_FILE_TMPDIR
	export GADGET_CACHE_DIR="$d/cache"
	for g in kprobe fexit lsm; do
		"$GADGET" build "$GADGET_SRC/tests/fixtures/sections/$g" -o "$d/$g.o" 2>/dev/null
	done
	cc -O2 -o "$d/vmtrigger" "$GADGET_SRC/tests/vm/vmtrigger.c"
	mkdir -p "$d/dir"
	# shellcheck disable=SC2016 # expanded in the guest
	"$GADGET_SRC/tests/vm/run" -v -- sh -c '
		cd "$1"
		uname -r >kernel
		cat /sys/kernel/security/lsm >lsms
		"$GADGET" run kprobe.o -o json -t 120 >kprobe.out 2>kprobe.err & k=$!
		"$GADGET" run fexit.o -o json -t 120 >fexit.out 2>fexit.err & f=$!
		"$GADGET" run lsm.o -o json -t 120 --param deny=true >lsm.out 2>lsm.err & l=$!
		for g in kprobe fexit lsm; do
			i=0
			until grep -q attached $g.err; do
				sleep 0.2
				i=$((i + 1))
				[ $i -lt 300 ] || { echo "$g did not attach"; cat $g.err; break; }
			done
		done
		./vmtrigger "$1/dir" >trigger.out 2>&1
		echo $? >trigger.rc
		sleep 1
		kill -INT $k $f $l
		wait $k $f $l' sh "$d" >"$d/guest.log" 2>&1 || true
}

setup() {
	D=$BATS_FILE_TMPDIR
}

# The single event of gadget $1, as JSON.
only_event() {
	run grep -c . "$D/$1.out"
	assert_output 1
	cat "$D/$1.out"
}

@test "vm: the amd64 guest runs Debian's 6.1 kernel with BPF LSM on" {
	run cat "$D/kernel"
	assert_output --regexp '^6\.1\.[0-9]+-[0-9]+-amd64$'
	run cat "$D/lsms"
	assert_output --regexp '(^|,)bpf(,|$)'
	run grep -E 'booted in [0-9.]+ s' "$D/guest.log"
	assert_success
}

@test "vm: a kprobe gadget decodes do_mkdirat's arguments in the 6.1 guest" {
	run only_event kprobe
	assert_output --regexp '^\{"pid":[0-9]+,"comm":"vmtrigger","value":488,"text":"'"$D"'/dir/vmtrigger-mkdir"\}$'
	run cat "$D/kprobe.err"
	assert_output --partial "gadget: kprobe (tracer) from file kprobe.o: attached 1 program"
}

@test "vm: an fexit gadget sees do_mkdirat return the LSM's -EPERM" {
	run only_event fexit
	assert_output --regexp '^\{"pid":[0-9]+,"comm":"vmtrigger","value":-1,"text":"'"$D"'/dir/vmtrigger-mkdir"\}$'
	# the same process the kprobe saw
	assert_equal "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$D/fexit.out")" \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$D/kprobe.out")"
}

@test "vm: an LSM gadget decodes path_mkdir's arguments and refuses the mkdir" {
	run only_event lsm
	assert_output --regexp '^\{"pid":[0-9]+,"comm":"vmtrigger","value":488,"text":"vmtrigger-mkdir"\}$'
	run cat "$D/trigger.out"
	assert_output "vmtrigger: mkdirat: Operation not permitted"
	run cat "$D/trigger.rc"
	assert_output 1
	assert [ ! -e "$D/dir/vmtrigger-mkdir" ]
}
