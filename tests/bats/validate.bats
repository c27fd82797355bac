#!/usr/bin/env bats
# gadget validate: the fixtures in tests/fixtures/<name>/ are compiled with
# clang directly (no `gadget build`), then validated; each fixture's
# "expected" file holds the exact line validate must print.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	common_setup
	cd "$GADGET_SRC"
	OBJDIR="$BATS_TEST_TMPDIR/obj"
	mkdir -p "$OBJDIR"
}

# compile_fixture NAME: tests/fixtures/NAME/NAME.bpf.c -> $OBJDIR/NAME.o
compile_fixture() {
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -Ibpf-headers/x86 -Ibpf-headers \
		-c "tests/fixtures/$1/$1.bpf.c" -o "$OBJDIR/$1.o"
}

expected() {
	sed "s#OBJDIR/#$OBJDIR/#" "tests/fixtures/$1/expected"
}

@test "a typo in SEC() is an error at the SEC line with a did-you-mean" {
	compile_fixture bad_section
	run --separate-stderr gadget validate "$OBJDIR/bad_section.o"
	assert_failure 1
	[ "$stderr" = "$(expected bad_section)" ]
	[ "$stderr" = 'tests/fixtures/bad_section/bad_section.bpf.c:13:1: error: section "tracepont/syscalls/sys_enter_openat" is not a known program type; did you mean "tracepoint/"?' ]
}

@test "an _output variable no program references is an error at its declaration" {
	compile_fixture unref_output
	run --separate-stderr gadget validate "$OBJDIR/unref_output.o"
	assert_failure 1
	[ "$stderr" = "$(expected unref_output)" ]
	[[ "$stderr" == "tests/fixtures/unref_output/unref_output.bpf.c:12:1: error: 'procs_output' is not referenced by any program"* ]]
	[[ "$stderr" == *"gadget_snapshot_write(ctx->meta->seq, procs, &row)"* ]]
}

@test "a pointer in the event is an error at the member's line" {
	compile_fixture pointer_member
	run --separate-stderr gadget validate "$OBJDIR/pointer_member.o"
	assert_failure 1
	[ "$stderr" = "$(expected pointer_member)" ]
	[[ "$stderr" == "tests/fixtures/pointer_member/pointer_member.bpf.c:9:14: error: struct event member 'ptr': pointer type cannot be decoded in user space"* ]]
}

@test "no print_ map and no iterator: the error says what to declare" {
	compile_fixture no_category
	run --separate-stderr gadget validate "$OBJDIR/no_category.o"
	assert_failure 1
	[ "$stderr" = "$(expected no_category)" ]
	[[ "$stderr" == *"no print_ map and no iter/ program; declare GADGET_TRACER(name, struct event)"* ]]
}

@test "a kprobe gadget validates with a warning that this kernel has no kprobes" {
	compile_fixture kprobe
	run --separate-stderr gadget validate "$OBJDIR/kprobe.o"
	assert_success
	[ "$stderr" = "$(expected kprobe)" ]
	[[ "$stderr" == "tests/fixtures/kprobe/kprobe.bpf.c:13:1: warning: program 'trace_open' (kprobe/do_sys_openat2) builds and validates, but cannot run here: kprobes are not available on this kernel"* ]]
	assert_line --regexp '^  trace_open +kprobe/do_sys_openat2 +BPF_PROG_TYPE_KPROBE +kernel-function +no$'
}

@test "--werror turns the kprobe warning into an error" {
	compile_fixture kprobe
	run --separate-stderr gadget validate --werror "$OBJDIR/kprobe.o"
	assert_failure 1
	[[ "$stderr" == "tests/fixtures/kprobe/kprobe.bpf.c:13:1: error: program 'trace_open' (kprobe/do_sys_openat2) builds and validates, but cannot run here: kprobes are not available"* ]]
}

@test "a tracer: category, programs, maps, every event field with offset, size and kind" {
	compile_fixture tracer
	run --separate-stderr gadget validate "$OBJDIR/tracer.o"
	assert_success
	[ -z "$stderr" ]
	assert_line "$(expected tracer)"
	assert_line --regexp '^  trace_openat +tracepoint/syscalls/sys_enter_openat +BPF_PROG_TYPE_TRACEPOINT +none +yes$'
	assert_line --regexp '^  print_open +ringbuf +print +0 +120 +262144$'
	assert_line 'Event: struct event (120 bytes)'
	assert_line --regexp '^  mntns_id +0 +8 uint +mntns_id +gadget_mntns_id$'
	assert_line --regexp '^  comm +24 +16 string +comm +gadget_comm$'
	assert_line --regexp '^  fname +40 +64 string +- +char\[64\]$'
	assert_line --regexp '^  mode +104 +4 enum +- +enum fixture_mode$'
	assert_line --regexp '^  flags +108 +4 flags +- +enum fixture_open_flags$'
	assert_line --regexp '^  bits\.a +112:0 +1 uint +- +__u8 :3$'
	assert_line --regexp '^  bits\.b +112:3 +1 uint +- +__u8 :5$'
	assert_line --regexp '^  ok +113 +1 bool +- +bool$'
	assert_line --regexp '^  raw +114 +6 bytes +- +__u8\[6\]$'
	assert_line --regexp '^  target_pid +__u32 +0 *$'
	assert_line --regexp '^  failed_only +bool +true *$'
}

@test "a topper: key and value types" {
	compile_fixture topper
	run --separate-stderr gadget validate "$OBJDIR/topper.o"
	assert_success
	[ -z "$stderr" ]
	assert_line "$(expected topper)"
	assert_line 'Key: struct top_key (20 bytes)'
	assert_line 'Value: struct stats (16 bytes)'
	assert_line --regexp '^  comm +4 +16 string +- +char\[16\]$'
	assert_line --regexp '^  calls +8 +8 uint +- +__u64$'
}

@test "a snapshotter: the iterator's _output type is the event" {
	compile_fixture snapshotter
	run --separate-stderr gadget validate "$OBJDIR/snapshotter.o"
	assert_success
	[ -z "$stderr" ]
	assert_line "$(expected snapshotter)"
	assert_line --regexp '^  procs +iter/task +BPF_PROG_TYPE_TRACING +iterator +yes$'
	assert_line 'Event: struct proc_row (24 bytes)'
	assert_line --regexp '^  ppid +4 +4 uint'
}

@test "a metrics gadget: counter_ maps and no print_ map" {
	compile_fixture metrics
	run --separate-stderr gadget validate "$OBJDIR/metrics.o"
	assert_success
	[ -z "$stderr" ]
	assert_line "$(expected metrics)"
	assert_line --regexp '^  counter_calls +hash +counter +4 +8 +512$'
}

@test "--json: one object with the gadget metadata and the diagnostics" {
	compile_fixture kprobe
	run --separate-stderr gadget validate --json "$OBJDIR/kprobe.o"
	assert_success
	echo "$output" > "$BATS_TEST_TMPDIR/out.json"
	run python3 - "$BATS_TEST_TMPDIR/out.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
g = j["gadget"]
p = g["programs"][0]
print(g["category"], g["name"], p["name"], p["section"], p["program_type"], p["runnable"])
print(p["why_not"].split(" (")[0])
print(p["source"]["file"].endswith("tests/fixtures/kprobe/kprobe.bpf.c"), p["source"]["line"] > 13)
m = [m for m in g["maps"] if m["name"] == "print_opens"][0]
print(m["role"], m["type"], [(f["name"], f["offset"], f["size"], f["kind"]) for f in m["value"]["fields"]])
d = j["diagnostics"][0]
print(d["level"], d["file"], d["line"], d["column"])
EOF
	assert_success
	assert_line --index 0 "tracer kprobe trace_open kprobe/do_sys_openat2 BPF_PROG_TYPE_KPROBE False"
	assert_line --index 1 "kprobes are not available on this kernel"
	assert_line --index 2 "True True"
	assert_line --index 3 "print ringbuf [('pid', 0, 4, 'uint')]"
	assert_line --index 4 "warning tests/fixtures/kprobe/kprobe.bpf.c 13 1"
}

@test "--json on an invalid gadget still prints the analysis, exits 1" {
	compile_fixture bad_section
	run --separate-stderr gadget validate --json "$OBJDIR/bad_section.o"
	assert_failure 1
	echo "$output" > "$BATS_TEST_TMPDIR/out.json"
	run python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); d=j["diagnostics"][0]; print(d["level"], d["line"], d["message"]); print(j["gadget"]["programs"][0]["runnable"])' "$BATS_TEST_TMPDIR/out.json"
	assert_line --index 0 'error 13 section "tracepont/syscalls/sys_enter_openat" is not a known program type; did you mean "tracepoint/"?'
	assert_line --index 1 False
}

@test "a file that is not an ELF object is a clear error" {
	echo "hello" > "$BATS_TEST_TMPDIR/x.o"
	run --separate-stderr gadget validate "$BATS_TEST_TMPDIR/x.o"
	assert_failure 1
	[[ "$stderr" == "gadget: error: not an ELF object"* ]]
	run --separate-stderr gadget validate "$BATS_TEST_TMPDIR/missing.o"
	assert_failure 1
	[[ "$stderr" == "gadget: error: cannot open $BATS_TEST_TMPDIR/missing.o: No such file or directory" ]]
}

@test "usage errors exit 2, --help documents every option" {
	run gadget validate
	assert_failure 2
	assert_output --partial "missing FILE.o or DIR"
	run gadget validate --bogus x.o
	assert_failure 2
	run gadget validate --help
	assert_success
	assert_output --partial "Usage: gadget validate [--json] [--werror] FILE.o|DIR"
	for opt in "  --json" "  --werror" "  --program-types" "-h, --help"; do
		assert_output --partial "$opt"
	done
}

@test "--program-types lists every seed row with its libbpf type and whether it runs here" {
	run gadget validate --program-types
	assert_success
	assert_line --regexp '^socket +BPF_PROG_TYPE_SOCKET_FILTER +- +socket +yes$'
	assert_line --regexp '^kprobe/ +BPF_PROG_TYPE_KPROBE +- +kernel-function +no$'
	assert_line --regexp '^fentry/ +BPF_PROG_TYPE_TRACING +trace_fentry +kernel-function +no$'
	assert_line --regexp '^tracepoint/ +BPF_PROG_TYPE_TRACEPOINT +- +none +yes$'
	assert_line --regexp '^cgroup/connect4 +BPF_PROG_TYPE_CGROUP_SOCK_ADDR +cgroup_inet4_connect +cgroup +yes$'
	assert_line --regexp '^kretprobe.multi/ +BPF_PROG_TYPE_KPROBE +trace_kprobe_multi +kernel-function +no$'
	assert_line --regexp '^seccomp +BPF_PROG_TYPE_UNSPEC +- +unsupported +no$'
}
