#!/usr/bin/env bats
# gadgets/profile_cpu: on-CPU samples per process and stack.  Debian's
# libbpf-tools has no profile(8) to compare with.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() {
	gadget_stop
	[ -n "${SPIN_PID:-}" ] && kill "$SPIN_PID" 2>/dev/null || true
}

# A busy loop with a name of its own, built with frame pointers (clang: a
# dependency of the project already, gcc need not be installed).
build_spinner() {
	clang -g -O0 -fno-omit-frame-pointer -o "$BATS_TEST_TMPDIR/gspinner" "$GADGET_SRC/tests/tools/spin.c"
}

# bats test_tags=sanitize
@test "profile_cpu: a busy loop dominates the samples and its user stack names the function" {
	build_spinner
	"$BATS_TEST_TMPDIR/gspinner" &
	SPIN_PID=$!
	gadget_start profile_cpu -o json --sample-freq 99 -t 4 --interval 4
	gadget_wait

	# every row of the spinner: its comm, its user stack innermost first
	run json_events "e['pid'] == $SPIN_PID"
	assert_success
	assert_line --partial '"comm": "gspinner"'
	python3 - "$GOUT" "$SPIN_PID" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
pid = int(sys.argv[2])
by_pid = collections.Counter()
for r in rows:
    by_pid[r["pid"]] += r["samples"]
mine = [r for r in rows if r["pid"] == pid]
total = by_pid[pid]
named = sum(r["samples"] for r in mine
            if r["user_stack"][:3] == ["gadget_busy_spin_here", "spin_outer_caller", "main"])
print(f"spinner: {total} samples of {sum(by_pid.values())}; top pids {by_pid.most_common(3)}; "
      f"{named} with the named stack", file=sys.stderr)
# one CPU at 99 Hz for ~4 s is ~400 samples; the machine is shared (other
# tests compile beside us), so ask for a quarter of that, and the top spot
assert total >= 0.25 * 99 * 4, total
assert by_pid.most_common(1)[0][0] == pid, by_pid.most_common(3)
assert named >= 0.9 * total, (named, total)
# the loop runs in user mode: most of its samples have no kernel stack
assert sum(r["samples"] for r in mine if r["kernel_stack"] == []) >= 0.8 * total
PY
}

@test "profile_cpu: columns show the folded user stack" {
	build_spinner
	"$BATS_TEST_TMPDIR/gspinner" &
	SPIN_PID=$!
	gadget_start profile_cpu --sample-freq 99 -t 3 --interval 3 --fields pid,comm,samples,user_stack \
		-F comm=gspinner
	gadget_wait
	run cat "$GOUT"
	assert_line --regexp '^ *PID COMM +SAMPLES USER_STACK$'
	assert_line --regexp "^ *$SPIN_PID gspinner +[0-9]+ gadget_busy_spin_here;spin_outer_caller;main;"
}

@test "profile_cpu: kernel stacks of a syscall-heavy process name kernel functions" {
	gadget_start profile_cpu -o json --sample-freq 99 -t 3 --interval 3 --param kernel_stacks_only=true
	timeout 2 dd if=/dev/zero of=/dev/null bs=1 count=100000000 status=none || true
	gadget_wait
	run json_events "e['comm'] == 'dd' and len(e['kernel_stack']) > 0"
	assert_success
	# syscalls enter the kernel through entry_SYSCALL_64
	assert_line --partial 'entry_SYSCALL_64'
	# kernel_stacks_only: no user stacks taken
	run json_events "e['comm'] == 'dd' and e['user_stack'] != []"
	assert_output ''
}
