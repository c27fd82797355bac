#!/usr/bin/env bats
# gadgets/trace_oomkill: OOM kills, from oom:mark_victim.  libbpf-tools'
# oomkill uses a kprobe (oom_kill_process) and cannot run on this kernel:
# the tests check the events against the processes they made instead.

load helpers
load ../tools/gadgets
load ../tools/memcg

setup() { common_setup; }
teardown() {
	gadget_stop
	[ -z "${FAT:-}" ] || kill -9 "$FAT" 2>/dev/null || true
	wait 2>/dev/null || true
	memcg_remove
}

@test "trace_oomkill names a process killed for going past its cgroup's memory limit" {
	memcg_create "gadget-oomkill-$$-$RANDOM" $((48 << 20))
	gadget_start trace_oomkill -o json -t 6
	run memcg_run python3 "$GADGET_SRC/tests/tools/memhog.py" oomhog 256
	# killed by SIGKILL: 128 + 9
	[ "$status" -eq 137 ]
	gadget_wait

	run json_events "e['tcomm'] == 'oomhog'"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	# it ran out of memory itself: trigger and victim are the same process
	assert_line --partial '"fcomm": "oomhog"'
	ev=$output
	run python3 -c '
import json, sys
e = json.loads(sys.argv[1])
assert e["fpid"] == e["tpid"] > 0, e
# about the 48 MiB limit is resident, most of it anonymous memory
assert 30000 < e["anon_rss_kb"] <= 49152 + 1024, e
assert e["pages"] * 4 >= e["anon_rss_kb"], e
assert e["tuid"] == 0 and e["total_vm_kb"] > e["anon_rss_kb"], e
print("ok")' "$ev"
	assert_output ok
}

@test "trace_oomkill tells the trigger from the victim" {
	memcg_create "gadget-oomkill-$$-$RANDOM" $((64 << 20))
	# the victim: holding 40 MiB, the first choice (oom_score_adj 1000)
	FIFO="$BATS_TEST_TMPDIR/fat"
	mkfifo "$FIFO"
	memcg_run python3 "$GADGET_SRC/tests/tools/memhog.py" oomfat 40 60 1000 >"$FIFO" &
	read -r word FAT <"$FIFO"
	[ "$word" = allocated ]
	gadget_start trace_oomkill -o json -t 6
	# the trigger: its allocation goes past the limit; once the victim is
	# gone it gets its 40 MiB
	run memcg_run python3 "$GADGET_SRC/tests/tools/memhog.py" oomthin 40
	assert_success
	gadget_wait

	run json_events "e['tcomm'] == 'oomfat'"
	assert_success
	assert_line --partial "\"tpid\": $FAT"
	assert_line --partial '"fcomm": "oomthin"'
	refute_line --partial "\"fpid\": $FAT,"
	# the victim's record carries its own oom_score_adj, not the trigger's
	assert_line --partial '"oom_score_adj": 1000'
}
