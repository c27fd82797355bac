#!/usr/bin/env bats
# gadget run: a program the verifier rejects after a long log still shows
# the log's last lines, which say why (libbpf hands the log over as one
# message of several kB).

load helpers

setup() { common_setup; }

@test "a verifier rejection shows the reason at the end of a long log" {
	"$GADGET" build "$GADGET_SRC/tests/fixtures/verifier_log" -o "$BATS_TEST_TMPDIR/v.o" >/dev/null
	run "$GADGET" run "$BATS_TEST_TMPDIR/v.o" -t 1
	assert_failure 1
	assert_line --index 0 "gadget: error: the kernel verifier rejected program 'vlog_enter' (Permission denied); its log:"
	assert_output --partial "invalid access to memory"
	assert_output --partial "R1 max value is outside of the allowed memory range"
	assert_output --regexp "processed [0-9]+ insns"
	assert_output --partial "-- END PROG LOAD LOG --"
	assert_equal "$(bpf_prog_ids_named vlog_enter)" ""
}

@test "gadget run -v prints the whole verifier log" {
	"$GADGET" build "$GADGET_SRC/tests/fixtures/verifier_log" -o "$BATS_TEST_TMPDIR/v.o" >/dev/null
	run "$GADGET" run "$BATS_TEST_TMPDIR/v.o" -t 1 -v
	assert_failure 1
	# from the first instruction to the reason
	assert_output --partial "0: R1=ctx() R10=fp0"
	assert_output --partial "invalid access to memory"
}
