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

# skip_if_runs SECTION: these tests are about a kernel that lacks the feature
skip_if_runs() {
	if gadget validate --program-types | grep -Eq "^$1 .* yes\$"; then
		skip "this kernel can run $1 programs"
	fi
}

expected() {
	sed "s#OBJDIR/#$OBJDIR/#" "tests/fixtures/$1/expected"
}

# bats test_tags=sanitize
@test "a typo in SEC() is an error at the SEC line with a did-you-mean" {
	compile_fixture bad_section
	run --separate-stderr gadget validate "$OBJDIR/bad_section.o"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "$(expected bad_section)" ]
	[ "$stderr" = 'tests/fixtures/bad_section/bad_section.bpf.c:13:1: error: section "tracepont/syscalls/sys_enter_openat" is not a known program type; did you mean "tracepoint/"?' ]
}

@test "an _output variable no program references is an error at its declaration" {
	compile_fixture unref_output
	run --separate-stderr gadget validate "$OBJDIR/unref_output.o"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "$(expected unref_output)" ]
	[[ "$stderr" == "tests/fixtures/unref_output/unref_output.bpf.c:12:1: error: 'procs_output' is not referenced by any program"* ]]
	[[ "$stderr" == *"gadget_snapshot_write(ctx->meta->seq, procs, &row)"* ]]
}

@test "a pointer in the event is an error at the member's line" {
	compile_fixture pointer_member
	run --separate-stderr gadget validate "$OBJDIR/pointer_member.o"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "$(expected pointer_member)" ]
	[[ "$stderr" == "tests/fixtures/pointer_member/pointer_member.bpf.c:9:14: error: struct event member 'ptr': pointer type cannot be decoded in user space"* ]]
}

@test "no print_ map and no iterator: the error says what to declare" {
	compile_fixture no_category
	run --separate-stderr gadget validate "$OBJDIR/no_category.o"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "$(expected no_category)" ]
	[[ "$stderr" == *"no print_ map and no iter/ program; declare GADGET_TRACER(name, struct event)"* ]]
}

@test "a kprobe gadget validates with a warning that this kernel has no kprobes" {
	skip_if_runs kprobe/
	compile_fixture kprobe
	run --separate-stderr gadget validate "$OBJDIR/kprobe.o"
	echo "stderr: $stderr"
	assert_success
	[ "$stderr" = "$(expected kprobe)" ]
	[[ "$stderr" == "tests/fixtures/kprobe/kprobe.bpf.c:13:1: warning: program 'trace_open' (kprobe/do_sys_openat2) builds and validates, but cannot run here: kprobes are not available on this kernel"* ]]
	assert_line --regexp '^  trace_open +kprobe/do_sys_openat2 +BPF_PROG_TYPE_KPROBE +kernel-function +no$'
}

@test "--werror turns the kprobe warning into an error" {
	skip_if_runs kprobe/
	compile_fixture kprobe
	run --separate-stderr gadget validate --werror "$OBJDIR/kprobe.o"
	echo "stderr: $stderr"
	assert_failure 1
	[[ "$stderr" == "tests/fixtures/kprobe/kprobe.bpf.c:13:1: error: program 'trace_open' (kprobe/do_sys_openat2) builds and validates, but cannot run here: kprobes are not available"* ]]
}

# bats test_tags=sanitize
@test "a tracer: category, programs, maps, every event field with offset, size and kind" {
	compile_fixture tracer
	run --separate-stderr gadget validate "$OBJDIR/tracer.o"
	echo "stderr: $stderr"
	assert_success
	[ -z "$stderr" ]
	assert_line "$(expected tracer)"
	assert_line --regexp '^  trace_openat +tracepoint/syscalls/sys_enter_openat +BPF_PROG_TYPE_TRACEPOINT +none +yes$'
	assert_line --regexp '^  print_open +ringbuf +print +0 +120 +1048576$'
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
	echo "stderr: $stderr"
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
	echo "stderr: $stderr"
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
	echo "stderr: $stderr"
	assert_success
	[ -z "$stderr" ]
	assert_line "$(expected metrics)"
	assert_line --regexp '^  counter_calls +hash +counter +4 +8 +512$'
	assert_line 'Labels of counter_calls: struct labels (4 bytes)'
	assert_line --regexp '^  syscall +0 +4 uint +- +__u32$'
}

# bats test_tags=sanitize
@test "--json: one object with the gadget metadata and the diagnostics" {
	skip_if_runs kprobe/
	compile_fixture kprobe
	run --separate-stderr gadget validate --json "$OBJDIR/kprobe.o"
	echo "stderr: $stderr"
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
	echo "stderr: $stderr"
	assert_failure 1
	echo "$output" > "$BATS_TEST_TMPDIR/out.json"
	run python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); d=j["diagnostics"][0]; print(d["level"], d["line"], d["message"]); print(j["gadget"]["programs"][0]["runnable"])' "$BATS_TEST_TMPDIR/out.json"
	assert_line --index 0 'error 13 section "tracepont/syscalls/sys_enter_openat" is not a known program type; did you mean "tracepoint/"?'
	assert_line --index 1 False
}

@test "a file that is not an ELF object is a clear error" {
	echo "hello" > "$BATS_TEST_TMPDIR/x.o"
	run --separate-stderr gadget validate "$BATS_TEST_TMPDIR/x.o"
	echo "stderr: $stderr"
	assert_failure 1
	[[ "$stderr" == "gadget: error: not an ELF object"* ]]
	run --separate-stderr gadget validate "$BATS_TEST_TMPDIR/missing.o"
	echo "stderr: $stderr"
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
	assert_output --partial "Usage: gadget validate [OPTIONS] FILE.o|DIR"
	for opt in "-o, --output columns,json,jsonpretty,yaml" "  --json" "  --werror" "  --program-types" "-h, --help"; do
		assert_output --partial "$opt"
	done
}

@test "--program-types lists every seed row with its libbpf type and whether it runs here" {
	run gadget validate --program-types
	assert_success
	assert_line --regexp '^socket +BPF_PROG_TYPE_SOCKET_FILTER +- +socket +yes$'
	assert_line --regexp '^kprobe/ +BPF_PROG_TYPE_KPROBE +- +kernel-function +(yes|no)$'
	assert_line --regexp '^fentry/ +BPF_PROG_TYPE_TRACING +trace_fentry +kernel-function +(yes|no)$'
	assert_line --regexp '^tracepoint/ +BPF_PROG_TYPE_TRACEPOINT +- +none +yes$'
	assert_line --regexp '^cgroup/connect4 +BPF_PROG_TYPE_CGROUP_SOCK_ADDR +cgroup_inet4_connect +cgroup +yes$'
	assert_line --regexp '^kretprobe.multi/ +BPF_PROG_TYPE_KPROBE +trace_kprobe_multi +kernel-function +(yes|no)$'
	assert_line --regexp '^seccomp +BPF_PROG_TYPE_UNSPEC +- +unsupported +no$'
}

# bats test_tags=sanitize
@test "validate DIR builds the folder and takes name, description and param docs from gadget.json" {
	mkdir -p "$BATS_TEST_TMPDIR/opensnoop"
	cp tests/fixtures/tracer/tracer.bpf.c "$BATS_TEST_TMPDIR/opensnoop/opensnoop.bpf.c"
	cat > "$BATS_TEST_TMPDIR/opensnoop/gadget.json" <<'JSON'
{
	"name": "opensnoop",
	"description": "Trace openat(2) calls",
	"params": { "target_pid": { "description": "only this process" } }
}
JSON
	run --separate-stderr gadget validate "$BATS_TEST_TMPDIR/opensnoop"
	echo "stderr: $stderr"
	assert_success
	[ -z "$stderr" ]
	assert_line 'Name:        opensnoop'
	assert_line 'Description: Trace openat(2) calls'
	assert_line 'Category:    tracer'
	assert_line --regexp '^  target_pid +__u32 +0 +only this process$'
	run --separate-stderr gadget validate --json "$BATS_TEST_TMPDIR/opensnoop"
	echo "stderr: $stderr"
	assert_success
	run python3 -c 'import json,sys; g=json.loads(sys.stdin.read())["gadget"]; print(g["name"], g["params"][0]["description"], g["programs"][0]["source"]["line"])' <<< "$output"
	assert_output "opensnoop only this process 33"
}

@test "validate DIR: a diagnostic points at the folder's source file" {
	mkdir -p "$BATS_TEST_TMPDIR/g"
	cp tests/fixtures/bad_section/bad_section.bpf.c "$BATS_TEST_TMPDIR/g/"
	run --separate-stderr gadget validate "$BATS_TEST_TMPDIR/g"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "$BATS_TEST_TMPDIR/g/bad_section.bpf.c:13:1: error: section \"tracepont/syscalls/sys_enter_openat\" is not a known program type; did you mean \"tracepoint/\"?" ]
	# run from inside the folder, the path is relative like a compiler's
	cd "$BATS_TEST_TMPDIR/g"
	run --separate-stderr gadget validate .
	echo "stderr: $stderr"
	assert_failure 1
	[[ "$stderr" == 'bad_section.bpf.c:13:1: error: section "tracepont/'* ]]
}

@test "GPL-only helpers under a non-GPL license and over-long names are warnings" {
	compile_fixture non_gpl
	run --separate-stderr gadget validate "$OBJDIR/non_gpl.o"
	echo "stderr: $stderr"
	assert_success
	[ "$stderr" = "$(expected non_gpl)" ]
	[[ "$stderr" == *"non_gpl.bpf.c:15:5: warning: program name 'trace_process_exec' is longer than the 15 characters the kernel keeps; bpftool will show it as 'trace_process_e'"* ]]
	[[ "$stderr" == *"non_gpl.bpf.c:14:1: warning: program 'trace_process_exec' calls bpf_get_current_task, bpf_probe_read_kernel, which the kernel only allows under a GPL-compatible license, but this object's license is \"MIT\""* ]]
	run --separate-stderr gadget validate --werror "$OBJDIR/non_gpl.o"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$(grep -c ': error: ' <<< "$stderr")" -eq 2 ]
}

@test "a gadget without a license section gets a warning" {
	sed '/SEC("license")/d' tests/fixtures/tracer/tracer.bpf.c > "$BATS_TEST_TMPDIR/nolic.bpf.c"
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -Ibpf-headers/x86 -Ibpf-headers \
		-c "$BATS_TEST_TMPDIR/nolic.bpf.c" -o "$OBJDIR/nolic.o"
	run --separate-stderr gadget validate "$OBJDIR/nolic.o"
	echo "stderr: $stderr"
	assert_success
	[[ "$stderr" == "$OBJDIR/nolic.o: warning: no license: add 'char LICENSE[] SEC(\"license\") = \"GPL\";'"* ]]
	[[ "$stderr" == *"calls bpf_probe_read_user_str, which the kernel only allows under a GPL-compatible license, but this object's license is missing"* ]]
	assert_line 'License:     (none)'
}

# variant_of FIXTURE NAME SECTION: the fixture with its SEC() replaced, compiled to $OBJDIR/NAME.o
variant_of() {
	sed "s|^SEC(\"[^\"]*\")\$|SEC(\"$3\")|" "tests/fixtures/$1/$1.bpf.c" > "$BATS_TEST_TMPDIR/$2.bpf.c"
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -Ibpf-headers/x86 -Ibpf-headers \
		-c "$BATS_TEST_TMPDIR/$2.bpf.c" -o "$OBJDIR/$2.o"
}

@test "fentry and lsm programs validate with a warning naming the missing kernel feature" {
	skip_if_runs fentry/
	skip_if_runs lsm/
	variant_of kprobe fentry "fentry/do_unlinkat"
	run --separate-stderr gadget validate "$OBJDIR/fentry.o"
	echo "stderr: $stderr"
	assert_success
	[[ "$stderr" == "$BATS_TEST_TMPDIR/fentry.bpf.c:13:1: warning: program 'trace_open' (fentry/do_unlinkat) builds and validates, but cannot run here: BPF trampolines (fentry/fexit/fmod_ret/freplace) are not available on this kernel"* ]]
	assert_line --regexp '^  trace_open +fentry/do_unlinkat +BPF_PROG_TYPE_TRACING +kernel-function +no$'
	variant_of kprobe lsm "lsm/file_open"
	run --separate-stderr gadget validate "$OBJDIR/lsm.o"
	echo "stderr: $stderr"
	assert_success
	[[ "$stderr" == *"cannot run here: BPF LSM programs are not available on this kernel"* ]]
}

@test "sections libbpf 1.1 cannot load are errors that say why" {
	variant_of kprobe seccomp "seccomp"
	run --separate-stderr gadget validate "$OBJDIR/seccomp.o"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "$BATS_TEST_TMPDIR/seccomp.bpf.c:13:1: error: section \"seccomp\" cannot be loaded: seccomp filters are classic BPF installed with seccomp(2), not an eBPF program type libbpf can load" ]
	variant_of kprobe xdpfoo "xdp/foo"
	run --separate-stderr gadget validate "$OBJDIR/xdpfoo.o"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "$BATS_TEST_TMPDIR/xdpfoo.bpf.c:13:1: error: section \"xdp/foo\" is not a known program type; did you mean \"xdp\"?" ]
	variant_of kprobe nothing "my_section"
	run --separate-stderr gadget validate "$OBJDIR/nothing.o"
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "$BATS_TEST_TMPDIR/nothing.bpf.c:13:1: error: section \"my_section\" is not a known program type ('gadget validate --program-types' lists them)" ]
}

# bats test_tags=sanitize
@test "params: every const volatile global but *_output and gadget_*, with its default" {
	compile_fixture params
	run --separate-stderr gadget validate "$OBJDIR/params.o"
	echo "stderr: $stderr"
	assert_success
	[ -z "$stderr" ]
	assert_line "$(expected params)"
	assert_line --regexp '^  min_ret +__s32 +-2 *$'
	assert_line --regexp '^  max_bytes +__u64 +1048576 *$'
	assert_line --regexp '^  mode +enum fixture_mode +MODE_WRITE *$'
	assert_line --regexp '^  verbose +bool +false *$'
	assert_line --regexp '^  prefix +char\[8\] +tmp *$'
	refute_line --partial gadget_internal
	refute_line --partial folded
	run --separate-stderr gadget validate --json "$OBJDIR/params.o"
	echo "stderr: $stderr"
	run python3 -c 'import json,sys; print(" ".join("%s@%d:%s=%s" % (p["name"], p["field"]["offset"], p["field"]["kind"], p["default"]) for p in json.loads(sys.stdin.read())["gadget"]["params"]))' <<< "$output"
	assert_output "min_ret@0:int=-2 max_bytes@8:uint=1048576 mode@16:enum=MODE_WRITE verbose@20:bool=false prefix@21:string=tmp"
}

@test "an _output variable named after no iterator is a warning" {
	sed 's/^int procs(/int proc_iter(/' tests/fixtures/snapshotter/snapshotter.bpf.c > "$BATS_TEST_TMPDIR/misnamed.bpf.c"
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -Ibpf-headers/x86 -Ibpf-headers \
		-c "$BATS_TEST_TMPDIR/misnamed.bpf.c" -o "$OBJDIR/misnamed.o"
	run --separate-stderr gadget validate "$OBJDIR/misnamed.o"
	echo "stderr: $stderr"
	assert_success
	[ "$stderr" = "$BATS_TEST_TMPDIR/misnamed.bpf.c:13:1: warning: 'procs_output' names no iter/ program: the runtime decodes the rows of the iterator 'procs' with it; name it after the iterator" ]
	assert_line 'Category:    snapshotter'
	refute_line --partial 'Event:'
}

# bats test_tags=sanitize
@test "a malformed object is refused before libbpf sees it; --json still prints an object" {
	run --separate-stderr gadget validate tests/fixtures/malformed/bad_type_id.o
	echo "stderr: $stderr"
	assert_failure 1
	[ "$stderr" = "gadget: error: tests/fixtures/malformed/bad_type_id.o: malformed BTF: type [12] refers to type 1056964619, which does not exist" ]
	run --separate-stderr gadget validate --json tests/fixtures/malformed/misaligned_btf.o
	echo "stderr: $stderr"
	assert_failure 1
	run python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); d=j["diagnostics"][0]; print(j["gadget"], d["level"], d["message"])' <<< "$output"
	assert_output "None error tests/fixtures/malformed/misaligned_btf.o: malformed .BTF section: Invalid argument"
}
