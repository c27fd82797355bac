#!/usr/bin/env bats
# gadget build: compile, link, validate, cache, reproducible bytes.

load helpers

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
}

# A gadget folder with one tracepoint program that includes a local header.
make_hdr_gadget() {
	mkdir -p "$1"
	cat > "$1/common.h" <<'H'
#define EXTRA_PID_SHIFT 32
H
	cat > "$1/prog.bpf.c" <<'C'
#include "vmlinux.h"
#include "gadget/gadget.h"
#include "common.h"

struct event {
	gadget_pid pid;
	gadget_comm comm;
};

GADGET_TRACER(ev, struct event);

SEC("tracepoint/syscalls/sys_enter_close")
int on_close(void *ctx)
{
	struct event *e = gadget_reserve_buf(ev);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> EXTRA_PID_SHIFT;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	gadget_submit_buf(ctx, ev, e);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
C
}

# bats test_tags=sanitize
@test "each template builds into a linked, validated object with BTF and no DWARF" {
	for t in tracer topper snapshotter; do
		gadget init "my-$t" --type "$t"
		run gadget build "my-$t"
		assert_success
		case $t in
		tracer)      assert_output --regexp "^built my-tracer \(tracer, 1 program\) -> .*/my-tracer/my-tracer.o in [0-9.]+s$" ;;
		topper)      assert_output --regexp "^built my-topper \(topper, 2 programs\) -> .*/my-topper/my-topper.o in [0-9.]+s$" ;;
		snapshotter) assert_output --regexp "^built my-snapshotter \(snapshotter, 1 program\) -> .*/my-snapshotter/my-snapshotter.o in [0-9.]+s$" ;;
		esac
		run llvm-objdump -h "my-$t/my-$t.o"
		assert_success
		assert_output --partial " .BTF "
		assert_output --partial " .BTF.ext "
		refute_output --partial ".debug_"
	done
	run llvm-objdump -h my-tracer/my-tracer.o
	assert_output --partial "tracepoint/syscalls/sys_enter_openat"
	run llvm-objdump -h my-topper/my-topper.o
	assert_output --partial "tracepoint/syscalls/sys_exit_read"
	assert_output --partial "tracepoint/syscalls/sys_exit_write"
	run bpftool btf dump file my-tracer/my-tracer.o
	assert_output --partial "STRUCT 'event'"
	assert_output --partial "'fname'"
	assert_output --partial "TYPEDEF 'gadget_mntns_id'"
	assert_output --partial "VAR 'targ_pid'"
	run bpftool btf dump file my-snapshotter/my-snapshotter.o
	assert_output --partial "VAR 'procs_output'"
	run gadget validate my-topper/my-topper.o
	assert_success
	assert_output --partial "Category:    topper"
}

@test "the snapshotter template runs on this kernel: its iterator writes rows" {
	gadget init snap --type snapshotter
	gadget build snap
	pin=/sys/fs/bpf/gadget-test-$$
	bpftool iter pin snap/snap.o "$pin"
	# Rows are struct proc_row (48 bytes); the reader itself is one of them.
	run python3 - "$pin" <<'PY'
import os, struct, sys
data = open(sys.argv[1], "rb").read()
rows = [struct.unpack_from("<QIIIII16s", data, o) for o in range(0, len(data) - 47, 48)]
me = [r for r in rows if r[1] == os.getpid()]
print(len(data) % 48, len(rows) > 10, me[0][3] == os.getppid(), me[0][6].split(b"\0")[0].decode())
PY
	rm -f "$pin"
	assert_success
	assert_output "0 True True python3"
}

@test "a clang error passes through unchanged with file:line, exit 1, nothing written" {
	mkdir broken
	printf '#include "vmlinux.h"\nint f(void)\n{\n\treturn undeclared_thing;\n}\n' > broken/broken.bpf.c
	run gadget build broken
	assert_failure 1
	assert_output --partial "broken.bpf.c:4:9: error: use of undeclared identifier 'undeclared_thing'"
	assert [ ! -e broken/broken.o ]
}

@test "validation errors stop the build: exit 1, diagnostics located, nothing written" {
	mkdir typo
	cat > typo/typo.bpf.c <<'C'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tracepont/syscalls/sys_enter_openat")
int typo_prog(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
C
	run gadget build typo
	assert_failure 1
	assert_output --regexp "typo.bpf.c:[0-9]+:[0-9]+: error: .*tracepont"
	assert [ ! -e typo/typo.o ]
}

# bats test_tags=sanitize
@test "several sources are linked into one object" {
	mkdir multi
	cat > multi/shared.h <<'H'
#include "vmlinux.h"
#include "gadget/gadget.h"
struct event { gadget_pid pid; __u32 which; };
H
	cat > multi/a.bpf.c <<'C'
#include "shared.h"
GADGET_TRACER(ev, struct event);
SEC("tracepoint/syscalls/sys_enter_close")
int on_close(void *ctx)
{
	struct event *e = gadget_reserve_buf(ev);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->which = 1;
	gadget_submit_buf(ctx, ev, e);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
C
	# gadget/filter.h defines globals: include gadget.h from one source only.
	cat > multi/b.bpf.c <<'C'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
SEC("tracepoint/syscalls/sys_enter_dup")
int on_dup(void *ctx)
{
	return 0;
}
C
	run gadget build multi -v
	assert_success
	assert_output --partial " -c a.bpf.c "
	assert_output --partial " -c b.bpf.c "
	assert_output --regexp "built multi \(tracer, 2 programs\)"
	run llvm-objdump -h multi/multi.o
	assert_output --partial "tracepoint/syscalls/sys_enter_close"
	assert_output --partial "tracepoint/syscalls/sys_enter_dup"
	# gadget.json "sources" picks and orders the files.
	echo '{"name": "only-a", "sources": ["a.bpf.c"]}' > multi/gadget.json
	run gadget build multi
	assert_success
	assert_output --regexp "built only-a \(tracer, 1 program\) -> .*/multi/only-a.o"
}

@test "same inputs give the same bytes, also from a copy in another folder" {
	gadget init repro
	gadget build repro --no-cache -o first.o
	gadget build repro --no-cache -o second.o
	cmp first.o second.o
	mkdir -p elsewhere/deeper
	cp -r repro elsewhere/deeper/other-place
	gadget build elsewhere/deeper/other-place --no-cache -o third.o
	cmp first.o third.o
	# No temp or absolute build paths leak into the object.
	run strings third.o
	refute_output --partial "$BATS_TEST_TMPDIR"
	refute_output --partial "/tmp/gadget-build"
	refute_output --partial "$GADGET_SRC"
}

# bats test_tags=sanitize
@test "an unchanged rebuild comes from the cache without running clang" {
	gadget init cached
	run gadget build cached -v
	assert_success
	assert_output --partial "clang -target bpf"
	refute_output --partial "[cached]"
	cp cached/cached.o fresh.o
	run gadget build cached -v
	assert_success
	refute_output --partial "clang -target bpf"
	assert_output --partial "cache hit"
	assert_output --regexp "built cached \(tracer, 1 program\) -> .* \[cached\]$"
	cmp fresh.o cached/cached.o
	assert [ -n "$(ls "$GADGET_CACHE_DIR"/objects/*.o)" ]
	# --no-cache compiles again.
	run gadget build cached -v --no-cache
	assert_output --partial "clang -target bpf"
	refute_output --partial "[cached]"
}

@test "changing an included header or a source invalidates the cache" {
	make_hdr_gadget hdr
	gadget build hdr -o one.o
	run gadget build hdr -v -o two.o
	assert_output --partial "[cached]"
	sed -i 's/EXTRA_PID_SHIFT 32/EXTRA_PID_SHIFT 31/' hdr/common.h
	run gadget build hdr -v -o three.o
	assert_success
	assert_output --partial "clang -target bpf"
	refute_output --partial "[cached]"
	run cmp -s one.o three.o
	assert_failure
	echo '// a comment' >> hdr/prog.bpf.c
	run gadget build hdr -v
	refute_output --partial "[cached]"
	# A damaged cached object is a miss, never a wrong build.
	for o in "$GADGET_CACHE_DIR"/objects/*.o; do printf 'junk' > "$o"; done
	run gadget build hdr -v
	assert_success
	refute_output --partial "[cached]"
}

@test "remembered header digests: an edit that keeps the size and the mtime still misses" {
	make_hdr_gadget memo
	touch -d '2 hours ago' memo/common.h
	sleep 1.1	# its ctime too is then more than a second old
	gadget build memo -o one.o
	# Remembered: older than a second, with its identity.
	run grep " $BATS_TEST_TMPDIR/memo/common.h\$" "$GADGET_CACHE_DIR/digests-v1"
	assert_success
	assert_output --regexp "^[0-9a-f]{64} [0-9]+ [0-9]+ 27 "
	run gadget build memo -v -o two.o
	assert_output --partial "[cached]"
	# Written in place (same inode), same size, mtime put back: the ctime still moved.
	stamp=$(stat -c %y memo/common.h)
	ino=$(stat -c %i memo/common.h)
	echo '#define EXTRA_PID_SHIFT 31' > memo/common.h
	touch -d "$stamp" memo/common.h
	assert [ "$(stat -c %i.%s.%y memo/common.h)" = "$ino.27.$stamp" ]
	run gadget build memo -v -o three.o
	assert_success
	refute_output --partial "[cached]"
	run cmp -s one.o three.o
	assert_failure
	# A header just written is hashed on every build until it is a second old.
	echo '#define EXTRA_PID_SHIFT 30' > memo/common.h
	run gadget build memo -o four.o
	run grep " $BATS_TEST_TMPDIR/memo/common.h\$" "$GADGET_CACHE_DIR/digests-v1"
	refute_output --partial " $(stat -c %.9Z memo/common.h) "
	echo '#define EXTRA_PID_SHIFT 29' > memo/common.h
	run gadget build memo -v -o five.o
	refute_output --partial "[cached]"
	run cmp -s four.o five.o
	assert_failure
	# A damaged index costs a miss, never a wrong build.
	sed -i 's/^[0-9a-f]\{8\}/deadbeef/' "$GADGET_CACHE_DIR/digests-v1"
	echo 'junk line' >> "$GADGET_CACHE_DIR/digests-v1"
	run gadget build memo -v -o six.o
	assert_success
	refute_output --partial "[cached]"
	cmp five.o six.o
}

@test "-o writes where asked; the build file name sets the default" {
	gadget init outs
	run gadget build outs -o "$BATS_TEST_TMPDIR/custom.o"
	assert_success
	assert_output --partial "-> $BATS_TEST_TMPDIR/custom.o"
	assert [ -s custom.o ]
	assert [ ! -e outs/outs.o ]
	(cd outs && gadget build)
	assert [ -s outs/outs.o ]
	cmp custom.o outs/outs.o
}

# bats test_tags=sanitize
@test "a bad build file gives a located error" {
	gadget init badjson
	printf '{\n  "name": "badjson",\n  "sources": ["badjson.bpf.c",]\n}\n' > badjson/gadget.json
	run gadget build badjson
	assert_failure 1
	assert_output --regexp "badjson/gadget.json:3:[0-9]+: error: "
	printf '{\n  "name": "badjson",\n    "srcs": []\n}\n' > badjson/gadget.json
	run gadget build badjson
	assert_failure 1
	assert_output --partial 'badjson/gadget.json:3:5: error: unknown key "srcs"; did you mean "sources"?'
	printf '{\n  "name": 3\n}\n' > badjson/gadget.json
	run gadget build badjson
	assert_failure 1
	assert_output --partial 'badjson/gadget.json:2:3: error: "name" must be a non-empty string'
}

@test "exit codes: 0 built, 1 errors, 2 usage" {
	gadget init codes
	run gadget build codes
	assert_success
	run gadget build does-not-exist
	assert_failure 1
	assert_output --partial "does-not-exist"
	mkdir empty
	run gadget build empty
	assert_failure 1
	assert_output --partial "no *.bpf.c source"
	run gadget build --frobnicate codes
	assert_failure 2
	assert_output --partial "unknown option '--frobnicate'"
	run gadget build codes other
	assert_failure 2
	run gadget build --arch sparc codes
	assert_failure 2
	assert_output --partial "unknown architecture 'sparc'"
	run gadget build --help
	assert_success
	assert_output --partial "Usage: gadget build"
}

@test "--arch arm64 without an arm64 vmlinux.h is a clear error" {
	# headers with no arm64/ (the checkout's has one: make vmlinux-arm64)
	mkdir hdrs
	ln -s "$GADGET_SRC/bpf-headers/gadget" hdrs/gadget
	ln -s "$GADGET_SRC/bpf-headers/x86" hdrs/x86
	export GADGET_BPF_HEADERS="$BATS_TEST_TMPDIR/hdrs"
	gadget init cross
	run gadget build cross --arch amd64,arm64
	assert_failure 1
	assert_output --partial "--arch arm64 needs"
	assert_output --partial "arm64/vmlinux.h, which is missing"
	assert [ ! -e cross/cross.amd64.o ]
}

@test "-t packs the object into the local store" {
	gadget init packed
	run gadget build packed -t packed:v1
	assert_success
	assert_output --partial "tagged packed:v1"
	run gadget images
	assert_success
	assert_output --regexp "packed +v1 "
	assert [ -s packed/packed.o ]
}

@test "a header edited while clang runs is not cached with the new header's hash" {
	make_hdr_gadget racy
	# A clang that edits the header once, right after compiling against it.
	cat > clang-then-edit <<SH
#!/bin/sh
clang "\$@" || exit
case " \$* " in *" -c "*) ;; *) exit 0 ;; esac
[ -e "$BATS_TEST_TMPDIR/edited" ] && exit 0
touch "$BATS_TEST_TMPDIR/edited"
sed -i 's/EXTRA_PID_SHIFT 32/EXTRA_PID_SHIFT 31/' "$BATS_TEST_TMPDIR/racy/common.h"
SH
	chmod +x clang-then-edit
	GADGET_CLANG="$BATS_TEST_TMPDIR/clang-then-edit" run gadget build racy -v -o stale.o
	assert_success
	assert_output --partial "not cached: an input changed during the build"
	# The next build must compile the edited header, not reuse stale.o.
	GADGET_CLANG="$BATS_TEST_TMPDIR/clang-then-edit" run gadget build racy -v -o fresh.o
	assert_success
	refute_output --partial "[cached]"
	run cmp -s stale.o fresh.o
	assert_failure
}

@test "validator warnings are printed and pass; --werror makes them fail" {
	cp -r "$GADGET_SRC/tests/fixtures/kprobe" kp
	rm -f kp/expected
	run gadget build kp
	assert_success
	assert_output --regexp "kprobe.bpf.c:13:1: warning: program 'trace_open' .*cannot run here"
	assert_output --regexp "built kp \(tracer, 1 program\)"
	rm kp/kp.o
	run gadget build kp --werror
	assert_failure 1
	assert_output --regexp "kprobe.bpf.c:13:1: error: program 'trace_open'"
	assert_output --partial "validation failed with 1 error(s); nothing written"
	assert [ ! -e kp/kp.o ]
}

@test "the tracer template runs and reports the file a process opens" {
	run gadget run --help
	if [[ $output == *"not implemented"* ]]; then
		skip "gadget run is not implemented yet"
	fi
	gadget init opens
	gadget build opens
	gadget run opens/opens.o -o json --timeout 4 > events.json 2> run.err &
	runner=$!
	sleep 2
	for i in 1 2 3; do cat /etc/hostname > /dev/null; sleep 0.2; done
	wait "$runner"
	run grep -c '"fname": *"/etc/hostname"' events.json
	assert_output --regexp "^[1-9]"
}

@test "several architectures: one object each and one image index" {
	# Plumbing only: a stand-in arm64/vmlinux.h (the x86 one) so both arches build.
	mkdir -p hdrs/arm64
	ln -s "$GADGET_SRC/bpf-headers/gadget" hdrs/gadget
	ln -s "$GADGET_SRC/bpf-headers/x86" hdrs/x86
	ln -s ../x86/vmlinux.h hdrs/arm64/vmlinux.h
	export GADGET_BPF_HEADERS="$BATS_TEST_TMPDIR/hdrs"
	gadget init two
	run gadget build two --arch amd64,arm64 -v -t two:multi
	assert_success
	assert_output --partial "-D__TARGET_ARCH_x86 "
	assert_output --partial "-D__TARGET_ARCH_arm64 "
	assert_output --regexp "-> .*/two/two.amd64.o ..."
	assert [ -s two/two.amd64.o ]
	assert [ -s two/two.arm64.o ]
	run gadget build two --arch amd64,arm64 -o out.o
	assert_output --partial "[cached]"
	assert [ -s out.amd64.o ]
	assert [ -s out.arm64.o ]
	run gadget inspect -o json two:multi
	assert_success
	assert_output --partial "application/vnd.oci.image.index.v1+json"
	assert_output --partial '"arm64"'
}
