#!/usr/bin/env bats
# make vmtest: the catalogue's gadgets this host's kernel cannot run, in the
# amd64 guest (Debian's stock 6.1 kernel, tests/vm/run): audit_seccomp (a
# kprobe) with real seccomp decisions, and trace_capabilities, whose
# tracepoint (capability:cap_capable) came with Linux 6.14.

load ../bats/helpers

setup() {
	common_setup
	D=$BATS_TEST_TMPDIR
}

@test "audit_seccomp reports a logged and a killing seccomp decision in the 6.1 guest" {
	"$GADGET" build "$GADGET_SRC/gadgets/audit_seccomp" -o "$D/a.o" 2>/dev/null
	# shellcheck disable=SC2016 # expanded in the guest
	run "$GADGET_SRC/tests/vm/run" -- sh -c '
		cd "$1"
		"$GADGET" run a.o -o json -t 120 >events 2>err & g=$!
		i=0
		until grep -q attached err; do sleep 0.2; i=$((i + 1)); [ $i -lt 300 ] || exit 1; done
		python3 "$2/tests/vm/seccomp.py" log log.pid
		python3 "$2/tests/vm/seccomp.py" kill kill.pid
		echo "killed: $?"
		sleep 1
		kill -INT $g
		wait $g' sh "$D" "$GADGET_SRC"
	assert_success
	assert_output --partial "killed: 159"

	GOUT=$D/events
	load ../tools/gadgets
	run json_events "e['pid'] == $(cat "$D/log.pid")"
	[ "${#lines[@]}" -eq 1 ]
	assert_line --regexp '"code": "SECCOMP_RET_LOG"[,}]'
	assert_line --regexp '"syscall": "getppid"[,}]'
	assert_line --regexp '"sig": "0"[,}]'
	assert_line --regexp '"comm": "python3"[,}]'
	assert_line --regexp '"uid": 0[,}]'
	assert_line --regexp "\"tid\": $(cat "$D/log.pid")[,}]"

	run json_events "e['pid'] == $(cat "$D/kill.pid")"
	[ "${#lines[@]}" -eq 1 ]
	assert_line --regexp '"code": "SECCOMP_RET_KILL_PROCESS"[,}]'
	assert_line --regexp '"syscall": "getppid"[,}]'
	assert_line --regexp '"sig": "SIGSYS"[,}]'
}

@test "trace_capabilities on 6.1 says its tracepoint is missing and loads nothing" {
	"$GADGET" build "$GADGET_SRC/gadgets/trace_capabilities" -o "$D/c.o" 2>/dev/null
	# shellcheck disable=SC2016 # expanded in the guest
	run "$GADGET_SRC/tests/vm/run" -- sh -c '
		"$GADGET" run "$1" -t 5; echo "exit $?"
		bpftool prog show | grep -c cap_capable' sh "$D/c.o"
	assert_line "gadget: error: program 'cap_capable_tp' (tracepoint/capability/cap_capable): this kernel has no tracepoint capability/cap_capable (not in tracefs' events/): it is newer than this kernel, or its subsystem is not built in"
	assert_line "exit 1"
	refute_output --partial "attached"
	assert_line 0
}
