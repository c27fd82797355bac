#!/usr/bin/env bats
# gadget run on the real kernel: decoded events of a tracer, a topper and a
# snapshotter, params, output formats, filters, signals and errors.
# Each test starts the gadget in the background with its output in a file,
# waits for the "attached" line, causes the activity, stops it and asserts
# on what was decoded.

bats_require_minimum_version 1.5.0
load helpers

FIX="$GADGET_SRC/tests/fixtures/run"

# Build the fixtures and the three templates once for the whole file.
setup_file() {
	export GADGET_CACHE_DIR="$BATS_FILE_TMPDIR/cache" HOME="$BATS_FILE_TMPDIR/home"
	mkdir -p "$HOME"
	cd "$BATS_FILE_TMPDIR"
	local g
	for g in allkinds kprobe ppidtop; do
		"$GADGET" build "$FIX/$g" -o "$BATS_FILE_TMPDIR/$g.o" 2>/dev/null
	done
	for g in tracer topper snapshotter; do
		"$GADGET" init "rt$g" --type "$g" >/dev/null
		"$GADGET" build "rt$g" -o "$BATS_FILE_TMPDIR/$g.o" >/dev/null 2>&1
	done
}

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	OBJ="$BATS_FILE_TMPDIR"
	BG_PIDS=()
}

teardown() {
	bg_stop_all
}

# start_gadget ARGS...: gadget run ARGS in the background, stdout in out,
# stderr in err; returns once it reports that its programs are attached.
start_gadget() {
	"$GADGET" run "$@" >out 2>err &
	GPID=$!
	BG_PIDS+=("$GPID")
	wait_for_line err "attached" 20
}

# stop_gadget [SIG]: stop it (SIGINT by default); its exit code in GRC.
stop_gadget() {
	kill -"${1:-INT}" "$GPID"
	GRC=0
	wait "$GPID" || GRC=$?
}

# A python process that writes its pid to $1, waits for the file go, then
# calls getppid(2) $2 times (1 by default) and exits.
start_getppid() {
	python3 -c '
import os, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
while not os.path.exists("go"):
    time.sleep(0.02)
for _ in range(int(sys.argv[2])):
    os.getppid()' "$1" "${2:-1}" &
	TRIGGER=$!
	BG_PIDS+=("$TRIGGER")
	local i
	for ((i = 0; i < 100; i++)); do [ -s "$1" ] && break; sleep 0.05; done
}

# run_allkinds ARGS...: run the allkinds fixture for one triggered event;
# output in out, exit code in GRC.
run_allkinds() {
	rm -f go pidf
	start_getppid pidf
	start_gadget "$OBJ/allkinds.o" --param targ_pid="$(cat pidf)" "$@"
	touch go
	wait "$TRIGGER"
	sleep 0.3
	stop_gadget INT
}

# bats test_tags=sanitize
@test "a tracer reports a file the test opens, with its pid, comm and path" {
	local comm="rtcat$RANDOM"
	cp /bin/cat "./$comm"
	echo hello > "target-$comm.txt"
	start_gadget "$OBJ/tracer.o" -o json -F "comm=$comm"
	"./$comm" "$PWD/target-$comm.txt" > /dev/null &
	local pid=$!
	wait "$pid"
	sleep 0.5
	stop_gadget INT
	assert_equal "$GRC" 0
	run python3 -c '
import json, sys
for line in open("out"):
    e = json.loads(line)
    if e["comm"] == sys.argv[1] and e["fname"] == sys.argv[3]:
        print("pid=%s comm=%s fname=%s" % (e["pid"], e["comm"], e["fname"]))' "$comm" "$pid" "$PWD/target-$comm.txt"
	assert_output "pid=$pid comm=$comm fname=$PWD/target-$comm.txt"
}

@test "a tracer param (targ_pid) changes what is reported" {
	mkfifo fifo
	# this shell's pid is known before it opens anything: it blocks on the fifo
	sh -c 'read x < fifo; exec cat "$0" > /dev/null' "$PWD/mine.txt" &
	local pid=$!
	BG_PIDS+=("$pid")
	touch mine.txt other.txt
	start_gadget "$OBJ/tracer.o" -o json --param targ_pid="$pid"
	cat other.txt > /dev/null
	echo go > fifo
	wait "$pid"
	sleep 0.5
	stop_gadget INT
	assert_equal "$GRC" 0
	run python3 -c '
import json, sys
pids, names = set(), set()
for line in open("out"):
    e = json.loads(line)
    pids.add(e["pid"]); names.add(e["fname"])
print(sorted(pids), sys.argv[1] in names, sys.argv[2] in names)' "$PWD/mine.txt" "$PWD/other.txt"
	assert_output "[$pid] True False"
}

@test "a snapshotter lists the test's own process" {
	local comm="rtsleep$RANDOM"
	cp /bin/sleep "./$comm"
	"./$comm" 30 &
	local pid=$!
	BG_PIDS+=("$pid")
	run --separate-stderr gadget run "$OBJ/snapshotter.o" -o json
	assert_success
	[[ "$stderr" == *"attached 1 program; taking a snapshot"* ]]
	run python3 -c '
import json, sys
for line in sys.stdin:
    if not line.startswith("{"):
        continue    # the status line on stderr ("attached 1 program")
    e = json.loads(line)
    if e["comm"] == sys.argv[1]:
        print(e["pid"], e["tid"], e["ppid"], e["nr_threads"])' "$comm" <<< "$output"
	assert_output "$pid $pid $$ 1"
}

@test "a topper counts the calls the test makes" {
	rm -f go
	start_getppid pidf 123
	local pid
	pid=$(cat pidf)
	start_gadget "$OBJ/ppidtop.o" -o json --interval 0.3
	touch go
	wait "$TRIGGER"
	sleep 0.8
	stop_gadget INT
	assert_equal "$GRC" 0
	# the map is cleared every interval: sum this pid's rows
	run python3 -c '
import json, sys
n = sum(e["calls"] for e in map(json.loads, open("out")) if e["pid"] == int(sys.argv[1]))
print(n)' "$pid"
	assert_output "123"
}

@test "every member kind decodes to its exact value" {
	run_allkinds -o json
	assert_equal "$GRC" 0
	run python3 -c '
import json, time
lines = open("out").read().splitlines()
assert len(lines) == 1, lines
e = json.loads(lines[0])
# ts is 0 ns after boot: the wall-clock boot time, to the second
btime = [int(l.split()[1]) for l in open("/proc/stat") if l.startswith("btime")][0]
ts = time.mktime(time.strptime(e.pop("ts")[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
assert abs(ts - btime) <= 2, (ts, btime)
print(json.dumps(e, separators=(",", ":")))'
	assert_output '{"u8v":255,"s8v":-128,"u16v":65535,"s16v":-32768,"u32v":4294967295,"s32v":-2147483648,"u64v":18446744073709551615,"s64v":-9223372036854775808,"flag":true,"known":"BLUE","unknown":"7","perms":"PERM_READ|PERM_EXEC","perms_extra":"PERM_WRITE|0x10","name":"a\"b\\c","raw":"deadbeef","outer.id":42,"outer.inner.a":7,"outer.inner.b":-2,"bf_lo":5,"bf_neg":-3,"bf_hi":11259375,"ip4":"127.0.0.1","ip6":"fe80::1","mapped":"10.0.0.2","ep4":"192.168.1.1:8080","ep6":"[::1]:53","ifidx":"lo","err":"ENOENT","sig":"SIGTERM","sc":"openat","qname":"www.example.com"}'
}

@test "columns: a header and aligned cells, --fields picks and orders" {
	run_allkinds --fields name,s32v,known,u8v,ep4
	assert_equal "$GRC" 0
	run cat out
	assert_line --index 0 "NAME            S32V KNOWN         U8V EP4"
	assert_line --index 1 'a"b\c    -2147483648 BLUE          255 192.168.1.1:8080'
	assert_equal "${#lines[@]}" 2
}

@test "json: --fields picks and orders the keys" {
	run_allkinds -o json --fields sig,outer.inner.b,qname
	assert_equal "$GRC" 0
	run cat out
	assert_output '{"sig":"SIGTERM","outer.inner.b":-2,"qname":"www.example.com"}'
}

@test "an unknown --fields name is an error that lists the fields" {
	run gadget run "$OBJ/allkinds.o" --fields u8v,nope -t 1
	assert_failure 1
	assert_output --partial "--fields: unknown field 'nope' (fields: u8v, s8v,"
	refute_output --partial attached
}

@test "filters: =, !=, >, <, >=, <=, ~regex and enums by name" {
	local f expect
	# each filter with whether the constant event passes it
	while read -r f expect; do
		run_allkinds -o json --fields u8v -F "$f"
		assert_equal "$GRC" 0
		if [ "$expect" = yes ]; then
			assert_equal "$(cat out)" '{"u8v":255}'
		else
			assert_equal "$(cat out)" ""
		fi
	done <<-'EOF'
	u8v=255 yes
	u8v!=255 no
	s32v<0 yes
	s64v>0 no
	u32v>=4294967295 yes
	s16v<=-32769 no
	known=BLUE yes
	known=RED no
	unknown=7 yes
	name~^a"b yes
	qname~example\.org no
	err=ENOENT yes
	u8v==255 yes
	u8v==254 no
	known!~^B no
	known!~^R yes
	sig~TERM,u8v==255 yes
	sig~TERM,u8v==1 no
	name!~x\,y yes
	name~^a.*c$,qname==www.example.com,s32v<=0 yes
	EOF
}

@test "filters: ig's syntax is never read as a value, a bad term is an error" {
	# "==" once read as "=" with the value "=255": matched nothing, exit 0
	run gadget run "$OBJ/allkinds.o" -F 'u8v==255,' -t 1
	assert_failure 1
	assert_output --partial "-F 'u8v==255,': an empty condition"
	run gadget run "$OBJ/allkinds.o" -F 'u8v==255,nope!=1' -t 1
	assert_failure 1
	assert_output --partial "-F 'nope!=1': unknown field 'nope'"
	run gadget run "$OBJ/allkinds.o" -F 'u8v==255,sig' -t 1
	assert_failure 1
	assert_output --partial "-F 'sig': expected FIELD==VALUE"
	refute_output --partial attached
}

@test "several filters are ANDed" {
	run_allkinds -o json --fields u8v -F u8v=255 -F sig=SIGKILL
	assert_equal "$GRC" 0
	assert_equal "$(cat out)" ""
}

@test "a bad regex and an unknown filter field are errors" {
	run gadget run "$OBJ/allkinds.o" -F 'name~(' -t 1
	assert_failure 1
	assert_output --partial "-F 'name~(': bad regular expression"
	run gadget run "$OBJ/allkinds.o" -F 'nope=1' -t 1
	assert_failure 1
	assert_output --partial "-F 'nope=1': unknown field 'nope' (fields: u8v,"
	run gadget run "$OBJ/allkinds.o" -F 'u8v>abc' -t 1
	assert_failure 1
	assert_output --partial "'abc' is not a number"
}

@test "a kprobe gadget fails on this kernel, naming kprobes, with nothing loaded" {
	run gadget run "$OBJ/kprobe.o" -t 2
	assert_failure 1
	assert_output --partial "program 'rt_kprobe' (kprobe/do_sys_openat2): kprobes are not available"
	refute_output --partial attached
	assert_equal "$(bpf_prog_ids_named rt_kprobe)" ""
}

# unshare_without_tracefs CMD...: CMD in a private mount namespace (the
# host keeps its mounts) where tracefs and debugfs are unmounted.
unshare_without_tracefs() {
	unshare -m --propagation private sh -c '
		for d in /sys/kernel/debug/tracing /sys/kernel/tracing /sys/kernel/debug; do
			while mountpoint -q "$d"; do umount -l "$d" || exit 9; done
		done
		"$@"' sh "$@"
}

@test "without tracefs, gadget run mounts it, says so and runs the tracepoint gadget" {
	run unshare_without_tracefs sh -c '
		mountpoint -q /sys/kernel/tracing && echo still-mounted
		"$0" run "$1" -o json -t 2 & pid=$!
		sleep 1; cat /etc/hostname >/dev/null
		wait $pid' "$GADGET" "$OBJ/tracer.o"
	assert_success
	refute_output --partial still-mounted
	assert_output --partial "gadget: tracefs was not mounted: mounted it on /sys/kernel/tracing"
	assert_output --partial "attached 1 program"
	assert_output --partial '"fname":"/etc/hostname"'
}

@test "without tracefs and no way to mount it, a tracepoint gadget says what to mount, before loading anything" {
	# /sys/kernel hidden under an empty read-only tmpfs: no /sys/kernel/tracing to mount on
	run unshare_without_tracefs sh -c '
		mount -t tmpfs -o ro,size=4k none /sys/kernel || exit 9
		exec "$0" run "$1" -t 2' "$GADGET" "$OBJ/tracer.o"
	assert_failure 1
	assert_output --partial "program 'trace_openat' (tracepoint/syscalls/sys_enter_openat): tracefs is not mounted"
	assert_output --partial "mount -t tracefs tracefs /sys/kernel/tracing"
	refute_output --partial attached
}

@test "after SIGINT no program of the gadget is loaded and the exit code is 0" {
	start_gadget "$OBJ/allkinds.o" --param targ_pid=1
	assert [ -n "$(bpf_prog_ids_named allkinds)" ]
	stop_gadget INT
	assert_equal "$GRC" 0
	assert_equal "$(bpf_prog_ids_named allkinds)" ""
}

@test "after SIGTERM no program of the gadget is loaded and the exit code is 0" {
	start_gadget "$OBJ/ppidtop.o"
	assert [ -n "$(bpf_prog_ids_named ppidtop)" ]
	stop_gadget TERM
	assert_equal "$GRC" 0
	assert_equal "$(bpf_prog_ids_named ppidtop)" ""
}

@test "--timeout ends the run with exit 0" {
	local t0=$SECONDS
	run gadget run "$OBJ/allkinds.o" --param targ_pid=1 -t 1
	assert_success
	assert_output --partial "attached 1 program; running until the timeout"
	assert [ $((SECONDS - t0)) -le 6 ]
	assert_equal "$(bpf_prog_ids_named allkinds)" ""
}

@test "--count: a tracer stops after N events shown (after -F), a topper after N tables, a snapshotter after N snapshots" {
	rm -f go
	python3 -c '
import os, time
while not os.path.exists("go"):
    time.sleep(0.02)
for i in range(20):
    for name in ("cntskip%d" % i, "cnt%d" % i):
        open(name, "w").close()' &
	BG_PIDS+=($!)
	start_gadget "$OBJ/tracer.o" -o json -F 'fname~^cnt[0-9]+$' -c 5 -t 60
	grep -q "stopping after 5 events or the timeout" err
	touch go
	GRC=0
	timeout 20 tail --pid="$GPID" -f /dev/null || GRC=$?
	assert_equal "$GRC" 0	# it ended by itself, long before -t 60
	wait "$GPID"
	run jq -r .fname out
	assert_output "$(printf 'cnt%d\n' 0 1 2 3 4)"

	run --separate-stderr timeout 20 "$GADGET" run "$OBJ/ppidtop.o" --interval 0.2 -c 2
	assert_success
	[[ "$stderr" == *"stopping after 2 tables"* ]]
	assert_equal "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' <<<"$output")" 2

	run --separate-stderr timeout 20 "$GADGET" run "$OBJ/snapshotter.o" --interval 0.2 -c 3
	assert_success
	[[ "$stderr" == *"stopping after 3 snapshots"* ]]
	assert_equal "$(grep -c ' PID ' <<<"$output")" 3
	run gadget run "$OBJ/tracer.o" -c 0
	assert_failure 2
	assert_output --partial -- "--count"
}

@test "a closed pipe ends the run cleanly and quickly" {
	# keep opens coming so there is always a next event to write
	(while :; do cat /etc/hostname > /dev/null; sleep 0.01; done) &
	BG_PIDS+=($!)
	local t0=$SECONDS
	run bash -c '"$GADGET" run "$1" -o json -t 30 2>/dev/null | head -1; echo "rc=${PIPESTATUS[0]}"' _ "$OBJ/tracer.o"
	assert_success
	assert [ $((SECONDS - t0)) -le 10 ]
	assert_line --index 0 --regexp '^\{"timestamp":'
	assert_line --index 1 "rc=0"
}

@test "an unknown --param and a bad value are errors" {
	run gadget run "$OBJ/allkinds.o" --param nope=1 -t 1
	assert_failure 1
	assert_output --partial "--param nope: this gadget has no such parameter (targ_pid)"
	run gadget run "$OBJ/allkinds.o" --param targ_pid=abc -t 1
	assert_failure 1
	assert_output --partial "--param targ_pid=abc: expected an integer from 0 to 4294967295"
	refute_output --partial attached
}

@test "gadget run X --help lists the gadget's params" {
	run gadget run "$FIX/allkinds" --help
	assert_success
	assert_line --partial "Usage: gadget run"
	assert_line --regexp '^  targ_pid +__u32 +default 0 +the process whose getppid\(2\) fills an event$'
}

# snap_json ARGS...: the snapshotter template's rows as "pid comm" lines (stdout of -o json)
snap_rows() {
	"$GADGET" run "$OBJ/snapshotter.o" -o json "$@" 2>/dev/null |
		python3 -c 'import json, sys; [print(e["pid"], e["tid"]) for e in map(json.loads, sys.stdin)]'
}

@test "--pid keeps that process only: in the kernel (targ_pid) or on its gadget_pid field" {
	# the tracer has targ_pid: the kernel filters
	mkfifo fifo
	sh -c 'read x < fifo; exec cat "$0" > /dev/null' "$PWD/mine.txt" &
	local pid=$!
	BG_PIDS+=("$pid")
	touch mine.txt other.txt
	start_gadget "$OBJ/tracer.o" -o json --pid "$pid"
	cat other.txt > /dev/null
	echo go > fifo
	wait "$pid"
	sleep 0.5
	stop_gadget INT
	assert_equal "$GRC" 0
	run python3 -c '
import json, sys
pids = {json.loads(l)["pid"] for l in open("out")}
print(sorted(pids))'
	assert_output "[$pid]"
	# the snapshotter has no targ_pid: rows are kept by their pid (the old --pid
	# kept every process of the host's mount namespace)
	run snap_rows --pid $$
	assert_success
	assert_output "$$ $$"
	sleep 30 &
	local other=$!
	BG_PIDS+=("$other")
	run snap_rows --pid $$ --pid "$other"
	assert_output "$(printf '%s %s\n%s %s' $$ $$ "$other" "$other" | sort -n)"
}

@test "--mntns-of keeps the mount namespace of a process" {
	sleep 30 &
	BG_PIDS+=($!)
	run snap_rows --mntns-of $$
	assert_success
	# more processes than this one, all in this mount namespace (the kernel filtered)
	assert_line "$! $!"
	[ "${#lines[@]}" -gt 2 ]
	run python3 -c '
import os, sys
mine = os.stat("/proc/self/ns/mnt").st_ino
other = [p for p in (l.split()[0] for l in sys.stdin)
         if os.path.exists("/proc/%s/ns/mnt" % p) and os.stat("/proc/%s/ns/mnt" % p).st_ino != mine]
print(other)' <<<"$output"
	assert_output "[]"
	run snap_rows --pid $$
	assert_output "$$ $$"
}

@test "--pid with thousands of pids, and on a gadget with neither targ_pid nor a pid field" {
	local args=() i
	for ((i = 100000; i < 101500; i++)); do args+=(--pid "$i"); done
	run snap_rows "${args[@]}" --pid $$
	assert_success
	assert_output "$$ $$"
	run --separate-stderr gadget run "$OBJ/allkinds.o" --pid 1 --pid 2 -t 1
	assert_failure 1
	assert_equal "$stderr" "gadget: error: --pid: this gadget has no process id field (gadget_pid); --mntns-of PID keeps the events of PID's mount namespace"
}

@test "a snapshotter honours --sort and --max-rows" {
	all=$(snap_rows)
	run snap_rows --sort pid:asc --max-rows 3
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 "$(sort -n <<<"$all" | head -1)"
	run python3 -c 'import sys; p = [int(l.split()[0]) for l in sys.stdin]; print(p == sorted(p))' <<<"$output"
	assert_output True
	# descending by tid: the 2 biggest thread ids of the whole listing.  Threads
	# come and go between two listings: every thread of the first one still
	# alive after the second must rank below its two rows.
	run snap_rows --sort tid:desc --max-rows 2
	assert_equal "${#lines[@]}" 2
	local t1 t2 t
	read -r _ t1 <<<"${lines[0]}"
	read -r _ t2 <<<"${lines[1]}"
	assert [ "$t1" -gt "$t2" ]
	for t in $(awk '{ print $2 }' <<<"$all"); do
		[ -e "/proc/$t" ] || continue
		[ "$t" -eq "$t1" ] || [ "$t" -eq "$t2" ] || assert [ "$t" -lt "$t2" ]
	done
	run --separate-stderr gadget run "$OBJ/snapshotter.o" --sort nope
	assert_failure 1
	[[ "$stderr" == *"--sort: unknown field 'nope'"* ]]
}

@test "run -o yaml and -o jsonpretty: every record parses back" {
	run_allkinds -o yaml --fields u8v,name,known
	assert_equal "$GRC" 0
	run python3 -c 'import yaml; print(yaml.safe_load(open("out")))'
	assert_output "[{'u8v': 255, 'name': 'a\"b\\\\c', 'known': 'BLUE'}]"
	run_allkinds -o jsonpretty --fields u8v,sig
	assert_equal "$GRC" 0
	run python3 -c '
import json
s = open("out").read()
print(json.loads(s), s.count("\n"))'
	assert_output "{'u8v': 255, 'sig': 'SIGTERM'} 4"
}

@test "without CAP_BPF+CAP_PERFMON (nor CAP_SYS_ADMIN) run says so before trying anything" {
	run --separate-stderr setpriv --bounding-set -sys_admin,-bpf,-perfmon --inh-caps -all \
		"$GADGET" run "$OBJ/tracer.o" -t 1
	assert_failure 1
	assert_equal "$stderr" "gadget: error: gadget run needs root or CAP_BPF+CAP_PERFMON (this process has neither CAP_SYS_ADMIN nor both): run it with sudo"
	# CAP_BPF and CAP_PERFMON without CAP_SYS_ADMIN pass this check
	run --separate-stderr setpriv --bounding-set -sys_admin --inh-caps -all \
		"$GADGET" run "$OBJ/tracer.o" -t 1
	refute_output --partial "needs root"
	[[ "$stderr" != *"needs root"* ]]
}

# open_long COLS [ARGS...]: the tracer's columns for one open of a 120-character path
open_long() {
	local cols=$1; shift
	local comm="rtlong$RANDOM" path
	path="$PWD/$(printf 'd%.0s' {1..100})-$comm.txt"
	cp /bin/cat "./$comm"
	echo x > "$path"
	COLUMNS=$cols start_gadget "$OBJ/tracer.o" --fields fname,comm -F "comm==$comm" "$@"
	"./$comm" "$path" > /dev/null
	sleep 0.5
	stop_gadget INT
	LONG_PATH=$path
}

@test "columns fit the line: a wide line shows a long path whole, a cut one ends with …" {
	open_long 300
	run cat out
	assert_line --regexp "^$LONG_PATH +rtlong[0-9]+$"
	open_long 0
	run cat out
	# the column's own width, and the cut is marked
	assert_line --regexp "^${LONG_PATH:0:20}[^ ]*… rtlong[0-9]+$"
	refute_output --partial "$LONG_PATH"
	open_long 0 --no-trunc
	run cat out
	assert_line --regexp "^$LONG_PATH rtlong[0-9]+$"
}

@test "a topper stamps each interval: a time member in JSON, a time line above the columns" {
	rm -f go
	start_getppid pidf 50
	start_gadget "$OBJ/ppidtop.o" -o json --interval 0.3
	touch go
	wait "$TRIGGER"
	sleep 0.8
	stop_gadget INT
	run python3 -c '
import json, re
recs = [json.loads(l) for l in open("out")]
print(len(recs) > 0, all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["time"]) for e in recs),
      list(recs[0])[0])'
	assert_output "True True time"
	start_gadget "$OBJ/ppidtop.o" --interval 0.3
	sleep 1
	stop_gadget INT
	run cat out
	assert_line --index 0 --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
	assert_line --index 1 --regexp '^ *PID'
}
