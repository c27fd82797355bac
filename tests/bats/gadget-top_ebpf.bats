#!/usr/bin/env bats
# gadgets/top_ebpf: BPF programs by run time and run count.  A helper run of
# trace_open loads known programs; no libbpf-tools peer exists (bpftool
# prog show lists the same programs, which the test compares).

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() {
	gadget_stop
	if [ -n "${HELPER_PID:-}" ]; then
		kill "$HELPER_PID" 2>/dev/null || true
		wait "$HELPER_PID" 2>/dev/null || true
	fi
}

# A trace_open run in the background, its tracepoint programs loaded.
start_helper() {
	"$GADGET" build "$GADGET_SRC/gadgets/trace_open" -o "$BATS_TEST_TMPDIR/trace_open.o" >/dev/null
	"$GADGET" run "$BATS_TEST_TMPDIR/trace_open.o" -t 20 >/dev/null 2>"$BATS_TEST_TMPDIR/helper.err" &
	HELPER_PID=$!
	wait_for_line "$BATS_TEST_TMPDIR/helper.err" "attached" 30
}

# bats test_tags=sanitize
@test "top_ebpf lists a known program with its name, type, id and runs" {
	start_helper
	id=$(bpftool prog show -j | python3 -c '
import json, sys
print(max(p["id"] for p in json.load(sys.stdin) if p.get("name") == "open_enter_at"))')
	gadget_start top_ebpf -o json -t 3 --interval 3
	for i in $(seq 50); do cat /etc/hostname >/dev/null; done
	gadget_wait

	run json_events "e['progid'] == $id"
	assert_success
	assert_line --partial '"name": "open_enter_at"'
	assert_line --partial '"type": "tracepoint"'
	# the process holding its fd: the helper run
	assert_line --partial "\"pid\": $HELPER_PID"
	assert_line --partial '"comm": "gadget"'
	# the 50 cats opened files: counted, with time spent, while stats were on
	python3 - "$GOUT" "$id" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
r = [r for r in rows if r["progid"] == int(sys.argv[2])][0]
assert r["runcount"] >= 50, r
assert r["runtime"] > 0 and r["total_runtime"] >= r["runtime"], r
assert r["used_maps"] >= 2, r
# the iterator itself is a program too
assert any(x["name"] == "walk_progs" and x["type"] == "tracing" for x in rows), rows
PY
}

# BPF_ENABLE_STATS holds a reference while the run lasts: the sysctl is
# never written, and the counting stops when the run ends.
@test "top_ebpf: BPF statistics are on only while it runs, kernel.bpf_stats_enabled untouched" {
	start_helper
	id=$(bpftool prog show -j | python3 -c '
import json, sys
print(max(p["id"] for p in json.load(sys.stdin) if p.get("name") == "open_enter_at"))')
	before=$(cat /proc/sys/kernel/bpf_stats_enabled)
	[ "$before" = 0 ]
	gadget_start top_ebpf -t 3 --interval 1
	during=$(cat /proc/sys/kernel/bpf_stats_enabled)
	gadget_wait
	[ "$during" = 0 ]
	[ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = 0 ]
	# every interval prints the table again
	run grep -c '^ *PROGID NAME' "$GOUT"
	[ "$output" -ge 2 ]
	# counted while it ran, no longer counted after it
	cnt() { bpftool prog show id "$id" -j | python3 -c 'import json,sys; print(json.load(sys.stdin).get("run_cnt", 0))'; }
	c1=$(cnt)
	[ "$c1" -gt 0 ]
	for i in $(seq 20); do cat /etc/hostname >/dev/null; done
	[ "$(cnt)" = "$c1" ]
}
