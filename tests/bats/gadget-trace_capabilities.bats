#!/usr/bin/env bats
# gadgets/trace_capabilities: capability checks from the capability:cap_capable
# tracepoint (Linux 6.14+).  libbpf-tools' capable uses a kprobe on
# cap_capable() and cannot run on this kernel: the test checks the events
# against checks it causes, allowed (root) and denied (nobody).

load helpers
load ../tools/gadgets

setup() {
	common_setup
	# not a pyenv shim: nobody must be able to run it
	PY=/usr/bin/python3
}
teardown() { gadget_stop; }

@test "trace_capabilities shows CAP_SYS_NICE allowed for root and denied for nobody" {
	gadget_start trace_capabilities -o json -t 5
	"$PY" -c 'import os; os.nice(-1); print(os.getpid())' >"$BATS_TEST_TMPDIR/root.pid"
	setpriv --reuid 65534 --regid 65534 --clear-groups "$PY" -c '
import os
print(os.getpid(), flush=True)
try:
    os.nice(-1)
except PermissionError:
    pass' >"$BATS_TEST_TMPDIR/nobody.pid"
	gadget_wait
	root=$(cat "$BATS_TEST_TMPDIR/root.pid")
	nobody=$(cat "$BATS_TEST_TMPDIR/nobody.pid")

	run json_events "e['pid'] == $root and e['cap'] == 'CAP_SYS_NICE'"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	assert_line --partial '"verdict": "CAP_ALLOW"'
	assert_line --partial '"error": "0"'
	assert_line --partial '"syscall": "setpriority"'
	assert_line --partial '"uid": 0,'
	assert_line --regexp '"cap_effective": "[^"]*sys_nice'
	assert_line --partial "\"current_userns\": $(stat -Lc %i /proc/self/ns/user)"

	run json_events "e['pid'] == $nobody and e['cap'] == 'CAP_SYS_NICE'"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	assert_line --partial '"verdict": "CAP_DENY"'
	assert_line --partial '"error": "EPERM"'
	assert_line --partial '"syscall": "setpriority"'
	assert_line --partial '"uid": 65534,'
	assert_line --partial '"gid": 65534,'
	assert_line --partial '"comm": "python3"'
	# nobody has no capabilities at all
	assert_line --partial '"cap_effective": "0x0"'
	assert_line --partial '"cap_effective_hi": "0x0"'
}

@test "trace_capabilities --param unique=true shows a capability once per mount namespace" {
	gadget_start trace_capabilities -o json -t 4 --param unique=true
	unshare -m sh -c "
		stat -Lc %i /proc/self/ns/mnt > $BATS_TEST_TMPDIR/mntns
		$PY -c 'import os; os.nice(-1); os.nice(-1); os.nice(-1)'"
	gadget_wait
	mntns=$(cat "$BATS_TEST_TMPDIR/mntns")
	run json_events "e['mntns_id'] == $mntns and e['cap'] == 'CAP_SYS_NICE'"
	[ "${#lines[@]}" -eq 1 ]

	# without it: the three checks
	gadget_start trace_capabilities -o json -t 4
	unshare -m sh -c "
		stat -Lc %i /proc/self/ns/mnt > $BATS_TEST_TMPDIR/mntns
		$PY -c 'import os; os.nice(-1); os.nice(-1); os.nice(-1)'"
	gadget_wait
	mntns=$(cat "$BATS_TEST_TMPDIR/mntns")
	run json_events "e['mntns_id'] == $mntns and e['cap'] == 'CAP_SYS_NICE'"
	[ "${#lines[@]}" -eq 3 ]
}
