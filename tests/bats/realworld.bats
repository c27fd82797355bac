#!/usr/bin/env bats
# Programs written in other projects' styles build and run unchanged:
# Inspektor Gadget's API and folder layout (tests/fixtures/realworld/ig_*),
# and the defects found on the way.  Every fixture is ours, written in
# their style.

bats_require_minimum_version 1.5.0
load helpers
load ../tools/gadgets

FIX="$GADGET_SRC/tests/fixtures/realworld"

setup() { common_setup; }
teardown() {
	gadget_stop
	bg_stop_all
	! mountpoint -q "$BATS_TEST_TMPDIR/mnt" || umount "$BATS_TEST_TMPDIR/mnt"
}

# rw_start DIR [run options...]: run fixture folder DIR (built on the fly,
# with its gadget.yaml) in the background (GOUT, GERR, GPID as gadget_start).
rw_start() {
	local dir=$1
	shift
	GOUT="$BATS_TEST_TMPDIR/run.out"
	GERR="$BATS_TEST_TMPDIR/run.err"
	"$GADGET" run "$dir" "$@" >"$GOUT" 2>"$GERR" &
	GPID=$!
	wait_for_line "$GERR" "attached" 30
}

# A process named $1 that opens $2 $3 times (each fails: ENOENT); prints its pid.
named_opener() {
	python3 -c '
import ctypes, os, sys
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)
print(os.getpid(), flush=True)
for i in range(int(sys.argv[3])):
    try: os.open(sys.argv[2], os.O_RDONLY)
    except OSError: pass' "$@"
}

# bats test_tags=sanitize
@test "an IG-style tracer (build.yaml, gadget.yaml, GADGET_TRACER(name, map, struct)) decodes its events map" {
	run "$GADGET" build "$FIX/ig_tracer" -o "$BATS_TEST_TMPDIR/ig.o"
	assert_success
	assert_output --partial "built ig_tracer (tracer, 2 programs)"
	run "$GADGET" validate "$BATS_TEST_TMPDIR/ig.o"
	assert_success
	assert_line --regexp '^  events +ringbuf +print '
	assert_line --regexp '^  start +hash +none '

	rw_start "$FIX/ig_tracer" -o json -t 5 --param comm=rwigopen
	marker="/nonexistent/rw-ig-$RANDOM"
	pid=$(named_opener rwigopen "$marker" 1)
	gadget_wait

	run json_events "e['fname'] == '$marker'"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	# x_raw members print decoded as x; nested structs flatten to proc.*
	assert_output --partial '"error": "ENOENT"'
	assert_output --partial '"fd": -1'
	assert_output --partial '"syscall": "openat"'
	assert_output --partial '"proc.comm": "rwigopen"'
	assert_output --partial "\"proc.pid\": $pid,"
	assert_output --partial "\"proc.tid\": $pid,"
	assert_output --partial "\"proc.parent.comm\": \"bash\""
	assert_output --partial '"proc.creds.uid": 0'
	assert_output --regexp '"timestamp": "[0-9]{4}-[0-9]{2}-[0-9]{2}T'
	refute_output --partial 'error_raw'
	# targ_comm (gadget.yaml key "comm") filtered in the kernel: only rwigopen's events
	run json_events "e['proc.comm'] != 'rwigopen'"
	assert_output ""
}

@test "gadget.yaml: descriptions, param keys and columns annotations are honoured" {
	run "$GADGET" validate "$FIX/ig_tracer"
	assert_success
	assert_line "Description: Files opened, an IG-style tracer written for gadget's tests"
	assert_line --regexp '^  targ_comm +gadget_comm\[16\] +.*Only processes of this name$'

	rw_start "$FIX/ig_tracer" -t 4 --param comm=rwigcols
	marker="/nonexistent/rw-igcols-$RANDOM"
	named_opener rwigcols "$marker" 1 >/dev/null
	gadget_wait
	header=$(grep -m1 FNAME "$GOUT")
	# columns.hidden: flags and proc.tid are not shown by default
	[[ "$header" != *FLAGS* ]]
	[[ "$header" != *PROC.TID* ]]
	# columns.width 4, alignment right: fd is "  -1" before ERROR's 40-wide neighbour
	run grep -- "$marker" "$GOUT"
	assert_output --regexp ' ENOENT +  -1 +openat +/nonexistent/rw-igcols-[0-9]+'
	# hidden columns are still there when asked for
	rw_start "$FIX/ig_tracer" -t 4 --param comm=rwigcols --fields fname,flags,proc.tid
	pid=$(named_opener rwigcols "$marker" 1)
	gadget_wait
	# python's os.open: O_RDONLY|O_CLOEXEC
	run grep -- "$marker" "$GOUT"
	assert_output --regexp "^$marker +524288 +$pid\$"
}

# defaults_run REF [run options...]: which of rwigdef's two opens (one
# that fails, one that does not) REF reports, as "FNAME ERROR" lines
defaults_run() {
	local ref=$1 missing="/nonexistent/rw-igdef-$RANDOM"
	shift
	rw_start "$ref" -o json -t 4 --param targ_comm=rwigdef "$@"
	named_opener rwigdef "$missing" 1 >/dev/null
	named_opener rwigdef /etc/hostname 1 >/dev/null
	gadget_wait
	json_events "e['proc.comm'] == 'rwigdef'" |
		python3 -c 'import json, sys; [print(e["fname"].replace(sys.argv[1], "MISSING"), e["error"]) for e in map(json.loads, sys.stdin)]' "$missing"
}

@test "gadget.yaml's defaultValue is the param's default: shown, set at run, overridden by --param; in an image too" {
	run "$GADGET" run "$FIX/ig_tracer" --help
	assert_success
	# the object's initial value is false; gadget.yaml says "true"
	assert_line --regexp '^  targ_failed +bool +default true +Only failed opens$'
	run defaults_run "$FIX/ig_tracer"
	assert_output "MISSING ENOENT"
	# --param (by gadget.yaml's key) overrides it
	run defaults_run "$FIX/ig_tracer" --param failed=false
	assert_output "MISSING ENOENT
/etc/hostname 0"

	# an image of ours (its config has the analysis) and one in IG's layout (its gadget.yaml)
	"$GADGET" build "$FIX/ig_tracer" -o "$BATS_TEST_TMPDIR/d.o" -t rw.example/igdef:ours >/dev/null
	"$GADGET" build "$FIX/ig_tracer" --image-format ig -o "$BATS_TEST_TMPDIR/d.o" -t rw.example/igdef:ig >/dev/null
	for ref in rw.example/igdef:ours rw.example/igdef:ig; do
		run "$GADGET" run "$ref" --help
		assert_line --regexp '^  targ_failed +bool +default true +Only failed opens$'
		run defaults_run "$ref"
		assert_output "MISSING ENOENT"
		run defaults_run "$ref" --param targ_failed=0
		assert_output "MISSING ENOENT
/etc/hostname 0"
	done
	# the object file alone has no gadget.yaml: its own initial value
	run defaults_run "$BATS_TEST_TMPDIR/d.o"
	assert_output "MISSING ENOENT
/etc/hostname 0"
}

@test "build.yaml naming a wasm module: the eBPF part builds and a note says what is missing" {
	cp -r "$FIX/ig_tracer" "$BATS_TEST_TMPDIR/w"
	echo "wasm: go/program.go" >>"$BATS_TEST_TMPDIR/w/build.yaml"
	run "$GADGET" build "$BATS_TEST_TMPDIR/w"
	assert_success
	assert_output --partial "note: build.yaml names the wasm module 'go/program.go': not built and not run"
	assert_output --partial "the eBPF part runs alone"
	[ -s "$BATS_TEST_TMPDIR/w/w.o" ]
}

@test "an IG-style snapshotter: GADGET_SNAPSHOTTER(name, struct, prog) decodes binary rows" {
	bash -c 'exec -a rwsnapsleep sleep 30' &
	BG_PIDS+=($!)
	sleeper=$!
	sleep 0.3
	run "$GADGET" build "$FIX/ig_snapshot" -o "$BATS_TEST_TMPDIR/s.o"
	assert_success
	assert_output --partial "(snapshotter, 1 program)"
	run "$GADGET" run "$BATS_TEST_TMPDIR/s.o" -o json
	assert_success
	line=$(grep "\"pid\":$sleeper," <<<"$output")
	[[ "$line" == *"\"comm\":\"sleep\""* ]]
	[[ "$line" == *"\"ppid\":$$,"* ]]
	# mntns_id_raw is decoded (a gadget_mntns_id) and shown as mntns_id
	[[ "$line" == *"\"mntns_id\":$(stat -Lc %i /proc/self/ns/mnt),"* ]]
}

@test "an IG-style map iterator: GADGET_MAPITER(name, map) is a table read every interval" {
	rw_start "$FIX/ig_mapiter" --interval 2 -t 3 -F comm=rwmapiter
	named_opener rwmapiter /nonexistent/rw-mapiter 7 >/dev/null
	gadget_wait
	run grep rwmapiter "$GOUT"
	assert_output --regexp '^rwmapiter +[0-9]+ +7 *$'
}

@test "a snapshotter writing binary rows with no struct for them is a validation error" {
	run --separate-stderr "$GADGET" build "$FIX/binrows"
	assert_failure 1
	[ "${stderr_lines[0]}" = "tests/fixtures/realworld/binrows/binrows.bpf.c:13:34: error: iterator 'binrows' writes binary rows with bpf_seq_write(), but no struct describes them, so nothing could be printed: it most likely writes struct row; add 'GADGET_SNAPSHOTTER(binrows, row, binrows);' (#include <gadget/macros.h>)" ]

	# with that line (libbpf-bootstrap's task_iter needs the same) the rows decode
	cp -r "$FIX/binrows" "$BATS_TEST_TMPDIR/br"
	sed -i 's/^SEC("iter\/task")/#include <gadget\/macros.h>\nGADGET_SNAPSHOTTER(binrows, row, binrows);\n&/' \
		"$BATS_TEST_TMPDIR/br/binrows.bpf.c"
	run "$GADGET" run "$BATS_TEST_TMPDIR/br" -o json
	assert_success
	assert_line '{"pid":2}'
	assert_line "{\"pid\":$$}"
}

@test "a libbpf-bootstrap style ring buffer with no metadata: one error naming the map, its struct and the line to add" {
	run --separate-stderr "$GADGET" build "$FIX/libbpf_ringbuf"
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "tests/fixtures/realworld/libbpf_ringbuf/bootstrap.bpf.c:24:1: error: ring buffer 'rb' sends events, but nothing says how to decode them: it most likely carries struct event; add after the map: 'GADGET_TRACER(rb, rb, event);' (#include <gadget/macros.h>)" ]

	# with that one line the same program runs and decodes
	cp -r "$FIX/libbpf_ringbuf" "$BATS_TEST_TMPDIR/lb"
	sed -i 's/^} rb SEC(".maps");/&\n#include <gadget\/macros.h>\nGADGET_TRACER(rb, rb, event);/' \
		"$BATS_TEST_TMPDIR/lb/bootstrap.bpf.c"
	victim="$BATS_TEST_TMPDIR/rw-unlink-$RANDOM"
	rw_start "$BATS_TEST_TMPDIR/lb" -o json -t 4 -F filename="$victim"
	touch "$victim"
	read -r pid ppid < <(python3 -c '
import ctypes, os, sys
ctypes.CDLL(None).prctl(15, b"rwunlinker", 0, 0, 0)
print(os.getpid(), os.getppid(), flush=True)
os.unlink(sys.argv[1], dir_fd=os.open("/", os.O_RDONLY))  # unlinkat(2)' "$victim")
	gadget_wait
	run cat "$GOUT"
	assert_output "{\"pid\":$pid,\"ppid\":$ppid,\"exit_code\":0,\"comm\":\"rwunlinker\",\"filename\":\"$victim\"}"
}

@test "a ring buffer whose struct is in a local header: the error names that struct, not a map value the source defines, and the line works" {
	run --separate-stderr "$GADGET" build "$FIX/libbpf_header"
	assert_failure 1
	[ "${stderr_lines[0]}" = "tests/fixtures/realworld/libbpf_header/sidsnoop.bpf.c:25:1: error: ring buffer 'rb' sends events, but nothing says how to decode them: it most likely carries struct sid_event; add after the map: 'GADGET_TRACER(rb, rb, sid_event);' (#include <gadget/macros.h>)" ]

	cp -r "$FIX/libbpf_header" "$BATS_TEST_TMPDIR/lh"
	sed -i 's/^} rb SEC(".maps");/&\n#include <gadget\/macros.h>\nGADGET_TRACER(rb, rb, sid_event);/' \
		"$BATS_TEST_TMPDIR/lh/sidsnoop.bpf.c"
	rw_start "$BATS_TEST_TMPDIR/lh" -o json -t 4 -F comm=rwsid
	pid=$(python3 -c '
import ctypes, os
ctypes.CDLL(None).prctl(15, b"rwsid", 0, 0, 0)
print(os.getpid(), flush=True)
os.getsid(0); os.getsid(0)')
	gadget_wait
	run cat "$GOUT"
	assert_output "{\"pid\":$pid,\"calls\":1,\"comm\":\"rwsid\"}
{\"pid\":$pid,\"calls\":2,\"comm\":\"rwsid\"}"
}

@test "a program whose only output is bpf_printk() is one error saying so, at the program" {
	run --separate-stderr "$GADGET" build "$FIX/libbpf_printk"
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "tests/fixtures/realworld/libbpf_printk/hello.bpf.c:11:12: error: program 'hello' prints with bpf_printk(), to the kernel's trace log (/sys/kernel/tracing/trace_pipe, shared by every program), and the gadget has no other output, so it would show nothing: send the values as events instead, a ring buffer with GADGET_TRACER(name, map, struct) (bpf-headers/gadget/macros.h)" ]
}

@test "newer libbpf macros, kfunc declarations and the multiarch asm/ headers come from our headers" {
	run "$GADGET" build "$FIX/libbpf_compat" -o "$BATS_TEST_TMPDIR/c.o"
	assert_success
	assert_output --partial "built libbpf_compat (tracer, 4 programs)"
	run "$GADGET" validate "$BATS_TEST_TMPDIR/c.o"
	assert_success
	assert_line --regexp '^  uprobe_add +uprobe '
	assert_line --regexp '^  uretprobe_add +uretprobe '
	assert_line --regexp '^  fork_seen +tp_btf/sched_process_fork '
	assert_line --regexp '^  events +ringbuf +print '
	# this kernel has no kprobes: the ksyscall program is refused before anything loads
	run "$GADGET" run "$BATS_TEST_TMPDIR/c.o" -t 1
	assert_failure 1
	assert_output "gadget: error: program 'mmap_enter' (ksyscall/mmap): kprobes are not available on this kernel (no kprobe PMU in /sys/bus/event_source/devices and no kprobe_events in tracefs; the kernel needs CONFIG_KPROBES and CONFIG_KPROBE_EVENTS)"
}

@test "libbpf 1.2+ loops: bpf_for, bpf_repeat, bpf_for_each(num), an __arg_nonnull global function and bpf_core_cast() load and compute" {
	cp -r "$FIX/libbpf_iters" "$BATS_TEST_TMPDIR/it"
	rw_start "$BATS_TEST_TMPDIR/it" -o json -t 4 -F comm=rwiters
	pid=$(python3 -c '
import ctypes, os
ctypes.CDLL(None).prctl(15, b"rwiters", 0, 0, 0)
print(os.getpid(), flush=True)
os.getppid()')
	gadget_wait
	run cat "$GOUT"
	assert_output "{\"pid\":$pid,\"comm\":\"rwiters\",\"sum_for\":42,\"repeats\":5,\"sum_each\":45,\"sum_slots\":36,\"tgid_cast\":$pid}"
}

@test "a bare SEC(\"uprobe\") (libbpf-bootstrap's, attached by its own loader) fails the run saying what the section lacks; named, it decodes" {
	cp -r "$FIX/libbpf_uprobe" "$BATS_TEST_TMPDIR/up"
	run "$GADGET" run "$BATS_TEST_TMPDIR/up" -t 1
	assert_failure 1
	assert_output "gadget: error: program 'getsid_call' (uprobe): the section names no binary, so nothing says where to attach it (a libbpf loader attaches such a program from its own code); name it in the section: SEC(\"uprobe/BINARY:FUNCTION\")"

	sed -i 's|^SEC("uprobe")|SEC("uprobe/libc.so.6:getsid")|' "$BATS_TEST_TMPDIR/up/getsid.bpf.c"
	rw_start "$BATS_TEST_TMPDIR/up" -o json -t 4 -F comm=rwsid
	pid=$(python3 -c '
import ctypes, os
ctypes.CDLL(None).prctl(15, b"rwsid", 0, 0, 0)
print(os.getpid(), flush=True)
os.getsid(os.getpid())')
	gadget_wait
	run cat "$GOUT"
	assert_output "{\"pid\":$pid,\"sid_of\":$pid,\"comm\":\"rwsid\"}"
}

# A process named $1 calling getcwd(2) once.
named_getcwd() {
	python3 -c '
import ctypes, os, sys
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)
print(os.getpid(), flush=True)
os.getcwd()' "$1"
}

@test "bumblebee style: probe.c builds with no *.bpf.c, solo_types.h members print as addresses and durations" {
	cp -r "$FIX/bee_solo" "$BATS_TEST_TMPDIR/bee"
	run "$GADGET" build "$BATS_TEST_TMPDIR/bee"
	assert_success
	assert_output --partial "built bee (tracer, 1 program)"

	rw_start "$BATS_TEST_TMPDIR/bee" -t 4 -F comm=rwbee
	pid=$(named_getcwd rwbee)
	gadget_wait
	run cat "$GOUT"
	assert_line --index 0 --regexp '^DADDR +SADDR6 +TOOK +PID COMM$'
	assert_line --index 1 --regexp "^10\.0\.1\.2 +fe80::7 +1\.234ms +$pid rwbee\$"

	rw_start "$BATS_TEST_TMPDIR/bee" -o json -t 4 -F comm=rwbee
	pid=$(named_getcwd rwbee)
	gadget_wait
	run cat "$GOUT"
	assert_output "{\"daddr\":\"10.0.1.2\",\"saddr6\":\"fe80::7\",\"took\":1234567,\"pid\":$pid,\"comm\":\"rwbee\"}"
}

@test "bumblebee's map sections load unchanged: a .maps.print ring buffer or hash, .maps.counter beside .maps; a counter ring buffer is refused with the reason" {
	# a ring buffer in ".maps.print", the only map section (bee's exitsnoop, oomkill, kprobetcp)
	rw_start "$FIX/bee_sections" -o json -t 4
	pid=$(named_getcwd rwbee)
	gadget_wait
	run cat "$GOUT"
	assert_line "{\"daddr\":\"0.0.0.0\",\"pid\":$pid}"

	# a hash in ".maps.print" (bee's tcpconnect): a table read every interval
	rw_start "$FIX/bee_table" -o json -t 3
	pid=$(python3 -c 'import os; print(os.getpid(), flush=True); [os.getsid(0) for i in range(3)]')
	gadget_wait
	run cat "$GOUT"
	assert_output --regexp "\"pid\":$pid,\"value\":3\}"

	# ".maps" beside ".maps.print" and ".maps.counter" (bee's opensnoop and activeconn mix them)
	run "$GADGET" validate "$FIX/bee_mixed"
	assert_success
	assert_line --regexp '^  start +hash +none +4 +8 +1024$'
	assert_line --regexp '^  getcwd_calls +hash +counter +4 +8 +1024$'
	assert_line --regexp '^  events +ringbuf +print +0 +16 +16777216$'
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	rw_start "$FIX/bee_mixed" -o json -t 4 --metrics-addr "127.0.0.1:$port"
	pid=$(python3 -c 'import os; print(os.getpid(), flush=True); [os.getcwd() for i in range(3)]')
	run curl -sf "http://127.0.0.1:$port/metrics"
	assert_line "bee_mixed_getcwd_calls_total{pid=\"$pid\"} 3"
	gadget_wait
	run grep -c "^{\"pid\":$pid,\"took\":[1-9][0-9]*}\$" "$GOUT"
	assert_output 3

	# a section bee does not know either: the error is at its line
	cp -r "$FIX/bee_sections" "$BATS_TEST_TMPDIR/bs"
	sed -i 's/SEC(".maps.print")/SEC(".maps.stream")/' "$BATS_TEST_TMPDIR/bs/probe.c"
	run --separate-stderr "$GADGET" build "$BATS_TEST_TMPDIR/bs"
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = "$BATS_TEST_TMPDIR/bs/probe.c:16:10: error: map section \".maps.stream\" gives its maps no role (bumblebee's sections are \".maps.print\", \".maps.counter\" and \".maps.gauge\"): use one of those, or declare the map in SEC(\".maps\")" ]

	run --separate-stderr "$GADGET" build "$FIX/bee_counter"
	assert_failure 1
	[ "${stderr_lines[0]}" = "tests/fixtures/realworld/bee_counter/probe.c:14:1: error: map 'counter_getcwd' is a ring buffer: bumblebee counts the events of such a map per distinct field values, gadget does not; declare GADGET_COUNTER(getcwd, struct key, max) and update it where the event is sent (gadget/macros.h)" ]
}

@test "a C library header in a probe (bee's activeconn includes unistd.h) fails the build saying what clang's errors inside it mean" {
	run --separate-stderr "$GADGET" build "$FIX/bee_libc"
	assert_failure 1
	[[ "$stderr" == *"/usr/include/unistd.h:"*": error: typedef redefinition with different types"* ]]
	[ "${stderr_lines[-1]}" = "gadget: error: $FIX/bee_libc/probe.c: compilation failed: a C library header was included (<unistd.h>, <stdio.h>, <string.h>, ...), and a BPF program has no C library: include vmlinux.h or <linux/*.h> and <bpf/*.h> only, and use __builtin_memcpy() or BPF helpers instead of libc calls" ]
}

@test "a folder with no source names the build file's \"sources\"" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	run "$GADGET" build "$BATS_TEST_TMPDIR/empty"
	assert_failure 1
	assert_output "gadget: error: $BATS_TEST_TMPDIR/empty: no *.bpf.c source (nor *.c) in this folder: name the sources in gadget.json's \"sources\", or create a gadget with 'gadget init NAME'"
}

@test "variable-length records (shorter than the struct) decode zero-padded, and no 'lost' status" {
	rw_start "$FIX/varlen" -o json -t 4 -F comm=rwvarlen
	pid=$(named_getcwd rwvarlen)
	gadget_wait
	run cat "$GOUT"
	assert_output "{\"pid\":$pid,\"comm\":\"rwvarlen\",\"args_size\":5,\"args\":\"hello\",\"container\":\"\",\"container_id\":\"\",\"runtime\":\"\",\"pod_uid\":\"\",\"container_comm\":\"\"}"
	run cat "$GERR"
	refute_output --partial "lost"
}

@test "a 64-bit enum (values cut to 32 bits by clang 14) is a warning and prints as a number, never a wrong name" {
	run --separate-stderr "$GADGET" build "$FIX/enum64" -o "$BATS_TEST_TMPDIR/e.o"
	assert_success
	[ "${stderr_lines[0]}" = "$BATS_TEST_TMPDIR/e.o: warning: struct event member 'state': enum big_state is 64 bits wide and clang 14 writes its values cut to 32 bits in BTF, so they cannot be named: printed as a number (clang 15 or later writes them whole)" ]
	"$GADGET" run "$BATS_TEST_TMPDIR/e.o" -o json -t 4 -F comm=rwenum >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	GPID=$!
	wait_for_line "$BATS_TEST_TMPDIR/err" attached 30
	named_getcwd rwenum >/dev/null
	gadget_wait
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output '{"comm":"rwenum","state":0}'
}

@test "an unresolved extern names the symbol and the fix, with libbpf's own words, never 'No such file or directory'" {
	run --separate-stderr "$GADGET" build "$FIX/extern_libc" -o "$BATS_TEST_TMPDIR/l.o"
	assert_failure 1
	# libbpf's words name the BTF id of the declaration
	[[ "$stderr" =~ ^"gadget: error: $BATS_TEST_TMPDIR/l.o: the programs call 'memcmp', which nothing defines: BPF programs cannot call libc; use __builtin_memcmp() with a constant size, or a loop (libbpf: failed to find BTF for extern 'memcmp' ["[0-9]+"] section: -2)"$ ]]

	run "$GADGET" build "$FIX/extern_kfunc" -o "$BATS_TEST_TMPDIR/k.o"
	assert_success
	run "$GADGET" run "$BATS_TEST_TMPDIR/k.o" -t 1
	assert_failure 1
	assert_line --index 0 "gadget: error: loading the gadget failed: it uses 'bpf_gadget_no_such_kfunc' (declared __ksym), which this kernel does not have: guard the call with bpf_ksym_exists(bpf_gadget_no_such_kfunc) and declare it __weak, or run on a kernel that has it"
	assert_line "libbpf: extern (func ksym) 'bpf_gadget_no_such_kfunc': not found in kernel or module BTFs"
	refute_output --partial "No such file or directory"
}

@test "--buffer-size sizes the ring buffer an IG marker names" {
	rw_start "$FIX/ig_tracer" -t 4 --buffer-size 4M
	run bpftool -j map show name events
	assert_success
	[[ "$output" == *'"max_entries":4194304'* ]]
	gadget_wait
}

# sockets_fixture_start NAME PORT: build socket-owner fixture NAME (its
# program and the 6 of the socket tracker), then run it for PORT (rw_start).
sockets_fixture_start() {
	run "$GADGET" build "$FIX/$1" -o "$BATS_TEST_TMPDIR/$1.o"
	assert_success
	assert_output --partial "built $1 (tracer, 7 programs)"
	rw_start "$FIX/$1" -o json -t 4 --param port="$2"
}

# named_dns_query NAME PORT: a process named NAME (set before its socket
# exists) sends one DNS query to 127.0.0.1:PORT and waits for the answer;
# prints "PID PPID" once done.
named_dns_query() {
	python3 -c '
import ctypes, os, runpy, sys
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)
sys.argv = ["dns_query.py", "127.0.0.1", sys.argv[2], "example.com"]
try:
    runpy.run_path(os.environ["GADGET_SRC"] + "/tests/tools/dns_query.py", run_name="__main__")
except SystemExit as e:
    if e.code:
        raise
print(os.getpid(), os.getppid())' "$@" | tail -1
}

# dns_exchange FIXTURE COMM: a DNS server on a random port (its socket made
# before the gadget starts: the start-up iterator must find it), the
# fixture run on that port, then one query from a process named COMM (its
# socket made after: sock_create, then its first packet, give its owner);
# sets port, spid (the server), qpid and qppid (the client and its parent).
dns_exchange() {
	port=$((20000 + RANDOM % 20000))
	python3 "$GADGET_SRC/tests/tools/dns_server.py" 127.0.0.1 "$port" 10.1.2.3 >"$BATS_TEST_TMPDIR/srv" &
	spid=$!
	BG_PIDS+=("$spid")
	wait_for_line "$BATS_TEST_TMPDIR/srv" ready 10
	sockets_fixture_start "$1" "$port"
	read -r qpid qppid < <(named_dns_query "$2" "$port")
	gadget_wait
}

@test "IG's <gadget/sockets-map.h>: a socket1 filter's gadget_socket_lookup(skb) names the process owning each side" {
	local port spid qpid qppid
	dns_exchange ig_sockets rwdnsq
	# the query and the answer, each seen going out and coming in (loopback)
	run json_events "e['egress'] == 1 and e['dport'] == $port"
	assert_output --partial "\"proc.comm\": \"rwdnsq\", \"proc.creds.gid\": 0, \"proc.creds.uid\": 0, \"proc.mntns_id\": $(stat -L -c %i /proc/self/ns/mnt), \"proc.parent.comm\": \"bash\", \"proc.parent.pid\": $qppid, \"proc.pid\": $qpid, \"proc.tid\": $qpid,"
	run json_events "e['egress'] == 0 and e['dport'] == $port"
	assert_output --partial "\"proc.comm\": \"python3\","
	assert_output --partial "\"proc.pid\": $spid, \"proc.tid\": $spid,"
	run json_events "e['egress'] == 1 and e['sport'] == $port"
	assert_output --partial "\"proc.pid\": $spid,"
	run json_events "e['egress'] == 0 and e['sport'] == $port"
	assert_output --partial "\"proc.pid\": $qpid,"
	# the value's own members: ptid and uid
	run json_events "e['proc.pid'] == $qpid and e['ptid_uid_gid'] == ($qppid << 32)"
	[ "${#lines[@]}" -eq 2 ]

	# gadget_should_discard_data_by_skb(): IG's filters apply to the owner
	rw_start "$FIX/ig_sockets" -o json -t 4 --param port="$port" --param targ_comm=rwdnsq
	read -r qpid qppid < <(named_dns_query rwdnsq "$port")
	gadget_wait
	run json_events "True"
	[ "${#lines[@]}" -eq 2 ]
	run json_events "e['proc.pid'] != $qpid"
	assert_output ""
}

@test "IG's <gadget/sockets-map.h>: the tracing form gadget_socket_lookup(sk, netns) names the owner of a TCP socket's local port" {
	local port=$((20000 + RANDOM % 20000)) spid cpid cppid netns
	netns=$(stat -L -c %i /proc/self/ns/net)
	# the listener exists before the gadget starts: the start-up iterator finds it
	python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
print("ready", flush=True)
c, _ = s.accept()
c.recv(1)
c.close()' "$port" >"$BATS_TEST_TMPDIR/srv" &
	spid=$!
	BG_PIDS+=("$spid")
	wait_for_line "$BATS_TEST_TMPDIR/srv" ready 10
	sockets_fixture_start ig_sockets_trace "$port"
	# the client's socket is made after the gadget started: its first packet names its owner
	read -r cpid cppid < <(python3 -c '
import ctypes, os, socket, sys
ctypes.CDLL(None).prctl(15, b"rwtcpc", 0, 0, 0)
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.send(b"x")
c.recv(1)
print(os.getpid(), os.getppid())' "$port")
	gadget_wait
	# TCP_ESTABLISHED (1) on both ends, each with its own owner
	run json_events "e['newstate'] == 1 and e['dport'] == $port"
	assert_output --partial "\"proc.comm\": \"rwtcpc\", \"proc.creds.gid\": 0, \"proc.creds.uid\": 0, \"proc.mntns_id\": $(stat -L -c %i /proc/self/ns/mnt), \"proc.parent.comm\": \"bash\", \"proc.parent.pid\": $cppid, \"proc.pid\": $cpid, \"proc.tid\": $cpid,"
	assert_output --partial "\"netns\": $netns, \"newstate\": 1, \"owner_known\": 1,"
	[ "${#lines[@]}" -eq 1 ]
	run json_events "e['newstate'] == 1 and e['sport'] == $port"
	assert_output --partial "\"proc.comm\": \"python3\","
	assert_output --partial "\"proc.pid\": $spid, \"proc.tid\": $spid,"
	[ "${#lines[@]}" -eq 1 ]
	# TCP_SYN_RECV (3): the server's new socket, owned through the listener's port
	run json_events "e['newstate'] == 3"
	assert_output --partial "\"proc.pid\": $spid,"
	# TCP_SYN_SENT (2): no local port yet, so no owner (as in IG)
	run json_events "e['newstate'] == 2"
	assert_output --partial "\"owner_known\": 0,"
	assert_output --partial "\"proc.pid\": 0,"
}

@test "IG's <gadget/filesystem.h>: the full path of an open fd, across mount points, both ways it offers" {
	run "$GADGET" build "$FIX/ig_fspath" -o "$BATS_TEST_TMPDIR/f.o"
	assert_success
	# a tmpfs mounted in a folder on the root file system: the walk crosses it
	mkdir -p "$BATS_TEST_TMPDIR/mnt"
	mount -t tmpfs rwfspath "$BATS_TEST_TMPDIR/mnt"
	mkdir -p "$BATS_TEST_TMPDIR/mnt/deep/er"
	rw_start "$FIX/ig_fspath" -o json -t 4 --param comm=rwfsync
	# the fds it fsyncs, on stdout: the file, /dev/null, one not open
	local fds
	fds=($(python3 -c '
import ctypes, os, sys
ctypes.CDLL(None).prctl(15, b"rwfsync", 0, 0, 0)
for p in (sys.argv[1], "/dev/null"):
    fd = os.open(p, os.O_CREAT | os.O_WRONLY, 0o644)
    print(fd, flush=True)
    try: os.fsync(fd)
    except OSError: pass
try: os.fsync(999)
except OSError: pass' "$BATS_TEST_TMPDIR/mnt/deep/er/the-file.txt"))
	gadget_wait
	umount "$BATS_TEST_TMPDIR/mnt"
	run python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    print(e["fd"], e["path_len"], e["path"], e["path_str"] == e["path"])' "$GOUT"
	local want="$BATS_TEST_TMPDIR/mnt/deep/er/the-file.txt"
	assert_output "${fds[0]} $((${#want} + 1)) $want True
${fds[1]} 10 /dev/null True
999 -1  True"
}

@test "IG's struct gadget_user_stack (gadget_get_user_stack) prints symbolised, like our gadget_user_stack" {
	clang -g -O0 -fno-omit-frame-pointer -o "$BATS_TEST_TMPDIR/rwustack" "$GADGET_SRC/tests/tools/spin.c"
	"$BATS_TEST_TMPDIR/rwustack" &
	BG_PIDS+=($!)
	run "$GADGET" validate "$FIX/ig_ustack"
	assert_line --regexp '^  ustack +64 +40 bytes +ig_user_stack +gadget_user_stack$'
	rw_start "$FIX/ig_ustack" -o json -t 3 --sample-freq 49 --param targ_comm=rwustack
	gadget_wait
	# every sample: the spinner's pid, its stack innermost first, the struct's pid used
	run python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(len(rows) >= 10, {(r["proc.pid"], tuple(r["ustack"][:3])) for r in rows})' "$GOUT"
	assert_output "True {(${BG_PIDS[0]}, ('gadget_busy_spin_here', 'spin_outer_caller', 'main'))}"
	rw_start "$FIX/ig_ustack" -t 2 --sample-freq 49 --param targ_comm=rwustack --fields proc.pid,ustack
	gadget_wait
	run grep -c "^ *${BG_PIDS[0]} gadget_busy_spin_here;spin_outer_caller;main" "$GOUT"
	assert [ "$output" -ge 5 ]
}

@test "IG's gadgets that include gadget/types.h first or alone: a folder in IG's layout gets IG's types, and their older names build" {
	# macros.h and types.h before mntns_filter.h failed with "gadget/types.h ... was included
	# before an Inspektor Gadget header"; gadget_fill_current_process, MAX_STRING_SIZE, an
	# endpoint's .proto, gadget_file_flags and bpf_core_unreachable were missing
	run "$GADGET" build "$FIX/ig_layout" -o "$BATS_TEST_TMPDIR/l.o"
	assert_success
	assert_output --partial "built ig_layout (tracer, 1 program)"
	refute_output --partial "warning"

	mkdir "$BATS_TEST_TMPDIR/cwd-here"
	rw_start "$FIX/ig_layout" -o json -t 5 --param name=rwlayout
	pid=$(cd "$BATS_TEST_TMPDIR/cwd-here" && python3 -c '
import ctypes, os
ctypes.CDLL(None).prctl(15, b"rwlayout", 0, 0, 0)
print(os.getpid(), flush=True)
os.getcwd()')
	gadget_wait
	run json_events "e['proc.comm'] == 'rwlayout'"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	netns=$(readlink /proc/self/ns/net | tr -dc 0-9)
	assert_output --partial "\"proc.pid\": $pid,"
	assert_output --partial '"proc.parent.comm": "bash"'
	assert_output --partial "\"cwd\": \"$BATS_TEST_TMPDIR/cwd-here\""
	assert_output --partial '"ep": "127.0.0.1:8080"'
	assert_output --partial "\"netns_id\": $netns,"
	# IG's gadget_file_flags and gadget_file_mode print as open(2) flags and ls(1) modes
	assert_output --partial '"flags": "O_WRONLY|O_CREAT|O_CLOEXEC",'
	assert_output --partial '"mode": "-rw-r-----",'
	refute_output --partial '_raw'
}

@test "__builtin_memcmp() of a constant size links and compares under clang 14 (IG's trace_tcp), both ways" {
	run "$GADGET" build "$FIX/ig_memcmp" -o "$BATS_TEST_TMPDIR/m.o"
	assert_success
	refute_output --partial "memcmp'"
	rw_start "$FIX/ig_memcmp" -o json -t 4
	python3 -c '
import ctypes, os
ctypes.CDLL(None).prctl(15, b"rwmemcmp", 0, 0, 0)
os.getcwd()'
	gadget_wait
	run grep -c '^{' "$GOUT"
	assert_output 1
	run grep '^{' "$GOUT"
	assert_output '{"comm":"rwmemcmp","same":0,"before":-1}'
}

@test "a call to a function nothing declares names the function and the fix, never 'No such file or directory'" {
	run --separate-stderr "$GADGET" build "$FIX/ig_undeclared" -o "$BATS_TEST_TMPDIR/u.o"
	assert_failure 1
	# clang's warning names the line, our error the function and what to do
	[[ "$stderr" == *"program.bpf.c:28:2: warning: implicit declaration of function 'gadget_fill_curent_process'"* ]]
	[ "${stderr_lines[-1]}" = "gadget: error: the programs call 'gadget_fill_curent_process', which no header declares and nothing defines (clang's 'implicit declaration' warning above names the line): include the header that defines it or correct the name; a BPF program calls only its own functions, BPF helpers and kernel functions declared __ksym (libbpf: failed to find BTF info for global/extern symbol 'gadget_fill_curent_process')" ]
	[[ "$stderr" != *"No such file or directory"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/u.o" ]
}

@test "bpf_core_type_matches() on clang 14 is an error at its line saying why, not a backend crash (IG's profile_blockio)" {
	clang_major=$(clang -dumpversion | cut -d. -f1)
	[ "$clang_major" -lt 15 ] || skip "clang $clang_major emits BPF_TYPE_MATCHES"
	run --separate-stderr "$GADGET" build "$FIX/ig_typematches" -o "$BATS_TEST_TMPDIR/t.o"
	assert_failure 1
	[ "${stderr_lines[0]}" = 'program.bpf.c:23:6: error: static_assert failed "bpf_core_type_matches() needs clang 15 or later: clang 14 cannot emit its BPF_TYPE_MATCHES relocation (LLVM 15 added it); use bpf_core_type_exists() or bpf_core_field_exists() here"' ]
	[[ "$stderr" != *"error in backend"* ]]
	[[ "$stderr" != *"Stack dump"* ]]
}

@test "BPF_KPROBE() with six arguments (IG's fsnotify): the sixth is read from r9; run names the missing kprobes" {
	[ "$(uname -m)" = x86_64 ] || skip "checks x86_64 registers"
	run --separate-stderr "$GADGET" build "$FIX/ig_kprobe6" -o "$BATS_TEST_TMPDIR/k.o"
	assert_success
	[[ "$stderr" != *"implicit declaration"* ]]
	# struct pt_regs on x86_64: r9 (6th argument) at 64, rsi (2nd) at 104
	run llvm-objdump -d --no-show-raw-insn "$BATS_TEST_TMPDIR/k.o"
	assert_line --regexp '^ +1:	r8 = \*\(u64 \*\)\(r6 \+ 64\)$'
	assert_line --regexp '^ +2:	r7 = \*\(u64 \*\)\(r6 \+ 104\)$'
	assert_line --regexp '\*\(u32 \*\)\(r0 \+ 4\) = r8$'
	if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
		run "$GADGET" run "$BATS_TEST_TMPDIR/k.o" -t 1
		assert_failure 1
		assert_output "gadget: error: program 'ig_kp6_inotify' (kprobe/inotify_handle_inode_event): kprobes are not available on this kernel (no kprobe PMU in /sys/bus/event_source/devices and no kprobe_events in tracefs; the kernel needs CONFIG_KPROBES and CONFIG_KPROBE_EVENTS)"
	fi
}

@test "a program on UAPI and libc headers that includes <sys/socket.h> (IG's tcpdump) builds: no gnu/stubs-32.h error" {
	run --separate-stderr "$GADGET" build "$FIX/ig_syssocket" -o "$BATS_TEST_TMPDIR/s.o"
	assert_success
	[[ "$stderr" != *"stubs-32.h"* ]]
	rw_start "$FIX/ig_syssocket" -o json -t 4
	# 10 bytes of UDP on lo: 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + 10 = 52 bytes, AF_INET
	python3 -c '
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x" * 10, ("127.0.0.1", 9))'
	gadget_wait
	run grep -c '^{"len":52,"family":2}$' "$GOUT"
	[ "$output" -ge 1 ]
}

@test "IG's <gadget/sockets-map.h> in a socket filter built on UAPI headers, without vmlinux.h (IG's trace_dns, trace_sni, tcpdump)" {
	local port spid qpid qppid
	dns_exchange ig_sockets_uapi rwdnsu
	run json_events "e['egress'] == 1 and e['dport'] == $port"
	assert_output --partial "\"cwd_recorded\": 0,"
	assert_output --partial "\"proc.comm\": \"rwdnsu\", \"proc.creds.gid\": 0, \"proc.creds.uid\": 0, \"proc.mntns_id\": $(stat -L -c %i /proc/self/ns/mnt), \"proc.parent.comm\": \"bash\", \"proc.parent.pid\": $qppid, \"proc.pid\": $qpid, \"proc.tid\": $qpid,"
	run json_events "e['egress'] == 1 and e['sport'] == $port"
	assert_output --partial "\"proc.pid\": $spid, \"proc.tid\": $spid,"
}

@test "a lone gadget_comm member (older IG releases: char[16]; IG's API now: one char) is a warning at its line with the fix" {
	run --separate-stderr "$GADGET" build "$FIX/ig_oldcomm" -o "$BATS_TEST_TMPDIR/o.o"
	assert_success
	[ "${stderr_lines[0]}" = "tests/fixtures/realworld/ig_oldcomm/program.bpf.c:17:2: warning: struct key_t member 'comm' is one gadget_comm, a single char in Inspektor Gadget's API (older IG releases made gadget_comm itself char[16]): declare it 'gadget_comm comm[TASK_COMM_LEN]', or a 16-byte name written there overruns the members after it" ]
	[[ "${stderr_lines[1]}" == "built ig_oldcomm (topper, 1 program) -> "* ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
	# the catalogue's IG-style fixtures declare comm arrays: no such warning
	run "$GADGET" build "$FIX/ig_layout" -o "$BATS_TEST_TMPDIR/l.o"
	refute_output --partial "gadget_comm"
}

@test "IG's uprobe/libc:FUNC sections (trace_malloc, deadlock) attach to the libc library, entry and return" {
	[ -e /sys/bus/event_source/devices/uprobe ] || skip "no uprobes on this kernel"
	rw_start "$FIX/ig_uprobe_libc" -o json -t 4
	pid=$(python3 -c '
import ctypes
ctypes.CDLL(None).prctl(15, b"rwuprobe", 0, 0, 0)
print(ctypes.CDLL("libc.so.6").getpid(), flush=True)')
	gadget_wait
	run json_events "e['proc.pid'] == $pid"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 0 --partial '"proc.comm": "rwuprobe",'
	assert_line --index 0 --partial '"ret": 0,'
	assert_line --index 0 --partial '"value": 0}'
	assert_line --index 1 --partial '"ret": 1,'
	assert_line --index 1 --partial "\"value\": $pid}"
}

@test "a uprobe on a library name gadget has not mapped says what IG's shorthand means and what to write" {
	mkdir "$BATS_TEST_TMPDIR/nolib"
	sed 's|uprobe/libc:|uprobe/libgadgetnosuchlib:|' "$FIX/ig_uprobe_libc/program.bpf.c" >"$BATS_TEST_TMPDIR/nolib/program.bpf.c"
	run "$GADGET" run "$BATS_TEST_TMPDIR/nolib" -t 1
	assert_failure 1
	assert_output --partial "gadget: error: program 'ig_getpid_e' (uprobe/libgadgetnosuchlib:getpid): 'libgadgetnosuchlib' is Inspektor Gadget's name for a library the traced processes load, and gadget has no libgadgetnosuchlib.so* mapped to stand for it: write the library's path in the section (uprobe/PATH:getpid)"
	refute_output --partial "No such file or directory"
}

@test "a map of perf buffers picked at run time (IG's traceloop) is one error at the map saying what gadget reads instead" {
	run --separate-stderr "$GADGET" build "$FIX/ig_mapofbufs" -o "$BATS_TEST_TMPDIR/m.o"
	assert_failure 1
	[ "${stderr_lines[0]}" = "tests/fixtures/realworld/ig_mapofbufs/program.bpf.c:22:1: error: map 'mntns_bufs' holds a perf event array per key, which the program picks at run time (Inspektor Gadget's traceloop keeps one per container and reads them with its own operator); gadget reads events from one ring buffer or perf event array: send them to one declared with GADGET_TRACER_MAP(name, size) and GADGET_TRACER(name, map, struct) (#include <gadget/buffer.h>)" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[[ "$stderr" != *"cannot tell what this gadget produces"* ]]
}
