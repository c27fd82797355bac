#!/usr/bin/env bats
# gadgets/audit_seccomp: a kprobe on audit_seccomp(), which nothing else
# carries.  This kernel has no kprobes: the gadget must build and validate
# (a warning at most) and `gadget run` must fail clearly, loading nothing.

load helpers
load ../tools/gadgets

setup() { common_setup; }

@test "audit_seccomp builds and validates with only the kprobe warning" {
	run "$GADGET" build "$GADGET_SRC/gadgets/audit_seccomp" -o "$BATS_TEST_TMPDIR/a.o" --werror
	# --werror turns the "cannot run here" warning into the only error
	assert_failure
	assert_output --partial "program 'audit_seccomp_k' (kprobe/audit_seccomp) builds and validates, but cannot run here: kprobes are not available"
	run "$GADGET" build "$GADGET_SRC/gadgets/audit_seccomp" -o "$BATS_TEST_TMPDIR/a.o"
	assert_success
	refute_output --partial "error"
	run "$GADGET" validate "$BATS_TEST_TMPDIR/a.o"
	assert_success
	assert_output --partial "Category:    tracer"
	assert_line --regexp '^  code +[0-9]+ +4 enum +- +enum seccomp_action$'
	assert_line --regexp '^  syscall +[0-9]+ +4 uint +syscall +gadget_syscall$'
}

@test "audit_seccomp: gadget run says kprobes are missing and leaves nothing loaded" {
	"$GADGET" build "$GADGET_SRC/gadgets/audit_seccomp" -o "$BATS_TEST_TMPDIR/a.o" 2>/dev/null
	run "$GADGET" run "$BATS_TEST_TMPDIR/a.o" -t 2
	assert_failure 1
	assert_output --partial "gadget: error: program 'audit_seccomp_k' (kprobe/audit_seccomp): kprobes are not available on this kernel"
	assert_output --partial "CONFIG_KPROBES"
	refute_output --partial attached
	assert_equal "$(bpf_prog_ids_named audit_seccomp)" ""
	# no kprobe event was left behind in tracefs either
	run grep -s audit_seccomp /sys/kernel/tracing/kprobe_events /sys/kernel/debug/tracing/kprobe_events
	assert_output ""
}

@test "gadget validate takes its options after the object too, as its usage says" {
	"$GADGET" build "$GADGET_SRC/gadgets/audit_seccomp" -o "$BATS_TEST_TMPDIR/a.o" 2>/dev/null
	run sh -c '"$0" validate "$1" --json 2>/dev/null' "$GADGET" "$BATS_TEST_TMPDIR/a.o"
	assert_success
	run python3 -c 'import json, sys; print(json.loads(sys.argv[1])["gadget"]["programs"][0]["runnable"])' "$output"
	assert_output False
	# --werror: the "cannot run here" warning fails validation
	run "$GADGET" validate "$BATS_TEST_TMPDIR/a.o" --werror
	assert_failure 1
}
