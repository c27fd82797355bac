#!/usr/bin/env bats
# gadget build's precompiled header (PCH) and parallel compiles: made once
# in the background, used by later builds, skipped where it would not be
# sound, and the objects always the same bytes as without it.

load helpers

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
}

# Wait until no process is making a PCH in this test's cache.
pch_wait() {
	local lock
	for lock in "$GADGET_CACHE_DIR"/pch/*.lock; do
		[ -e "$lock" ] || continue
		timeout 300 flock "$lock" true
	done
}

# The PCH files in this test's cache, one per line.
pch_files() {
	ls "$GADGET_CACHE_DIR"/pch/*.pch 2>/dev/null || true
}

# A gadget whose first build has made the PCH (and waited for it).
pch_warm() {
	gadget init warm >/dev/null
	gadget build warm >/dev/null 2>&1
	pch_wait
	[ "$(pch_files | wc -l)" -eq 1 ]
}

# Build DIR with -v into with.o (PCH as it decides) and, without any PCH or
# cache, into without.o; both must succeed.
build_both() {
	run gadget build "$1" -v -o with.o "${@:2}"
	assert_success
	with_output=$output
	gadget build "$1" --no-pch --no-cache -o without.o "${@:2}"
	output=$with_output
}

# bats test_tags=sanitize
@test "the first build makes the PCH in the background; an edit then compiles with it, to the same bytes" {
	gadget init demo
	run gadget build demo -v
	assert_success
	assert_output --regexp "pch: making $GADGET_CACHE_DIR/pch/[0-9a-f]{64}\.pch in the background \(pid [0-9]+\); this build compiles without it"
	refute_output --partial "-include-pch"
	pch_wait
	pch=$(pch_files)
	assert [ "$(wc -l <<<"$pch")" -eq 1 ]
	assert [ "$(stat -c %s "$pch")" -gt 1000000 ]
	# what it covers, hashed: vmlinux.h and libbpf's headers
	run jq -r '.headers[].path' "${pch%.pch}.json"
	assert_line --regexp "/bpf-headers/x86/vmlinux\.h$"
	assert_line "/usr/include/bpf/bpf_helpers.h"
	assert_line "/usr/include/bpf/bpf_tracing.h"
	assert_line "/usr/include/bpf/bpf_core_read.h"

	echo "// an edit" >> demo/demo.bpf.c
	build_both demo
	assert_output --partial "pch: used $pch"
	assert_output --partial "-include-pch $pch -"
	refute_output --partial "[cached]"
	cmp with.o without.o
	# The unchanged rebuild is a cache hit, and the hit does not depend on the PCH.
	rm -f "$GADGET_CACHE_DIR"/pch/*
	run gadget build demo -v -o again.o
	assert_output --partial "[cached]"
	cmp with.o again.o
}

@test "the PCH maker starts only once the build's own compile is done" {
	# A clang that logs when each of its runs starts and ends, and what it made.
	cat > log-clang <<SH
#!/bin/sh
what=source
for a in "\$@"; do [ "\$a" = c-header ] && what=pch; done
echo "start \$what \$(date +%s%N)" >> "$BATS_TEST_TMPDIR/clang.log"
clang "\$@"; rc=\$?
echo "end \$what \$(date +%s%N)" >> "$BATS_TEST_TMPDIR/clang.log"
exit \$rc
SH
	chmod +x log-clang
	gadget init order
	GADGET_CLANG="$BATS_TEST_TMPDIR/log-clang" run gadget build order -v
	assert_success
	assert_output --partial "pch: making"
	pch_wait
	assert [ -n "$(pch_files)" ]
	run awk '{ print $1, $2 }' clang.log
	assert_output "$(printf 'start source\nend source\nstart pch\nend pch')"
	source_end=$(awk '$1 == "end" && $2 == "source" { print $3 }' clang.log)
	pch_start=$(awk '$1 == "start" && $2 == "pch" { print $3 }' clang.log)
	assert [ "$pch_start" -ge "$source_end" ]
}

@test "every catalogue gadget builds to the same bytes with and without the PCH (make gadgets, in parallel)" {
	pch_warm
	run make -C "$GADGET_SRC" -s -o "$GADGET" gadgets GADGET="$GADGET" \
		GADGETS_OUT="$BATS_TEST_TMPDIR/with" GADGET_BUILD_FLAGS=-v
	assert_success
	names=$(cd "$GADGET_SRC/gadgets" && ls -d */gadget.json | cut -d/ -f1)
	assert [ "$(wc -l <<<"$names")" -ge 27 ]
	for g in $names; do
		grep -q "pch: used $GADGET_CACHE_DIR/pch/" "with/$g.log" || fail "$g did not use the PCH: $(cat "with/$g.log")"
		grep -q -- "-include-pch" "with/$g.log" || fail "$g: no -include-pch in $(cat "with/$g.log")"
	done
	mkdir without
	xargs -P "$(nproc)" -I{} "$GADGET" build "$GADGET_SRC/gadgets/{}" --no-pch --no-cache \
		-o "$BATS_TEST_TMPDIR/without/{}.o" <<<"$names" 2>/dev/null
	for g in $names; do
		cmp "with/$g.o" "without/$g.o" || fail "$g: the objects differ"
	done
}

@test "a source that includes something before vmlinux.h skips the PCH and builds the same bytes" {
	gadget init early
	echo '#define TASK_LEN 16' > early/sizes.h
	sed -i 's|^#include "vmlinux.h"|#include "sizes.h"\n&|' early/early.bpf.c
	# No source can use it: the first build does not make it either.
	run gadget build early -v
	assert_success
	assert_output --partial 'pch: skipped for early.bpf.c: early.bpf.c:3: includes "sizes.h" before vmlinux.h'
	refute_output --partial "pch: making"
	assert [ -z "$(pch_files)" ]

	pch_warm
	echo "// an edit" >> early/early.bpf.c
	build_both early
	assert_output --partial 'pch: skipped for early.bpf.c: early.bpf.c:3: includes "sizes.h" before vmlinux.h'
	refute_output --partial "-include-pch"
	cmp with.o without.o
}

@test "a source that includes a covered header after its own code skips the PCH" {
	pch_warm
	gadget init late
	sed -i 's|^#include <bpf/bpf_tracing.h>||; s|^#define NAME_MAX 255|&\n#include <bpf/bpf_tracing.h>|' late/late.bpf.c
	build_both late
	assert_output --regexp "pch: skipped for late.bpf.c: late.bpf.c:[0-9]+: includes <bpf/bpf_tracing.h> after other code"
	refute_output --partial "-include-pch"
	cmp with.o without.o
}

# bats test_tags=sanitize
@test "a source that clashes with a header the PCH adds compiles again without it, to the same bytes" {
	pch_warm
	gadget init clash
	# Its own bpf_htons: a function where libbpf's bpf_endian.h (which the PCH covers) has a macro.
	sed -i 's|^#define NAME_MAX 255|&\nstatic __always_inline __u16 bpf_htons(__u16 x) { return __builtin_bswap16(x); }|' \
		clash/clash.bpf.c
	build_both clash
	assert_output --partial "pch: used"
	assert_output --partial "pch: clash.bpf.c did not compile with the PCH; compiled again without it"
	# The failed try's diagnostics are not the user's.
	refute_output --partial "error:"
	cmp with.o without.o
}

@test "the PCH is made again when a covered header changes, and one per clang and per set of defines" {
	cp -r "$GADGET_SRC/bpf-headers" hdrs
	export GADGET_BPF_HEADERS="$BATS_TEST_TMPDIR/hdrs"
	gadget init inv
	gadget build inv >/dev/null 2>&1
	pch_wait
	first=$(pch_files)
	echo "// 1" >> inv/inv.bpf.c
	run gadget build inv -v
	assert_output --partial "pch: used $first"

	# A touched header that hashes the same keeps it (clang checks no mtime in it).
	touch hdrs/x86/vmlinux.h
	echo "// 2" >> inv/inv.bpf.c
	run gadget build inv -v
	assert_success
	assert_output --partial "pch: used $first"
	refute_output --partial "did not compile with the PCH"

	# An edited one makes it stale: made again under the same name.
	echo '/* regenerated */' >> hdrs/x86/vmlinux.h
	echo "// 3" >> inv/inv.bpf.c
	run gadget build inv -v
	assert_success
	assert_output --partial "pch: making $first in the background"
	pch_wait
	echo "// 4" >> inv/inv.bpf.c
	run gadget build inv -v
	assert_output --partial "pch: used $first"

	# A define reaches the preprocessor: another PCH.
	echo '{"name": "inv", "cflags": ["-DPCH_TEST_DEFINE=1"]}' > inv/gadget.json
	run gadget build inv -v
	assert_success
	assert_output --partial "pch: making"
	refute_output --partial "pch: making $first"
	pch_wait

	# So does another clang.
	printf '#!/bin/sh\nexec clang "$@"\n' > other-clang
	chmod +x other-clang
	GADGET_CLANG="$BATS_TEST_TMPDIR/other-clang" run gadget build inv -v
	assert_success
	assert_output --partial "pch: making"
	pch_wait
	assert [ "$(pch_files | wc -l)" -eq 3 ]
}

@test "concurrent first builds: one makes the PCH, none waits for it, all build the same bytes" {
	gadget init c0
	for i in 1 2 3 4 5; do cp -r c0 "c$i"; done
	for i in 0 1 2 3 4 5; do
		gadget build "c$i" -v -o "c$i.o" >"c$i.log" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	assert [ "$(cat c?.log | grep -c "pch: making")" -eq 1 ]
	for i in 0 1 2 3 4 5; do
		grep -Eq "pch: (making|used|skipped: .* is being made by another build)" "c$i.log" || fail "$(cat "c$i.log")"
		cmp c0.o "c$i.o"
	done
	pch_wait
	assert [ "$(pch_files | wc -l)" -eq 1 ]
	assert [ -z "$(ls "$GADGET_CACHE_DIR"/pch | grep tmp)" ]
}

@test "a PCH changed in place or cut short is made again, never used" {
	pch_warm
	pch=$(pch_files)
	gadget init dmg
	printf 'XXXX' | dd of="$pch" bs=1 seek=100 conv=notrunc status=none
	build_both dmg
	assert_output --partial "pch: making $pch in the background"
	cmp with.o without.o
	pch_wait
	truncate -s 4096 "$pch"
	echo "// an edit" >> dmg/dmg.bpf.c
	build_both dmg
	assert_output --partial "pch: making $pch in the background"
	cmp with.o without.o
	pch_wait
	echo "// another" >> dmg/dmg.bpf.c
	run gadget build dmg -v
	assert_output --partial "pch: used $pch"
}

@test "a PCH clang cannot make is not tried again by every build; its messages are kept" {
	printf '#!/bin/sh\ncase " $* " in *" c-header "*) echo "no PCH today" >&2; exit 1;; esac\nexec clang "$@"\n' > no-pch-clang
	chmod +x no-pch-clang
	export GADGET_CLANG="$BATS_TEST_TMPDIR/no-pch-clang"
	gadget init nopch
	run gadget build nopch -v
	assert_success
	assert_output --partial "pch: making"
	pch_wait
	assert [ -z "$(pch_files)" ]
	echo "// an edit" >> nopch/nopch.bpf.c
	run gadget build nopch -v
	assert_success
	assert_output --regexp "pch: skipped: making $GADGET_CACHE_DIR/pch/[0-9a-f]{64}\.pch failed \($BATS_TEST_TMPDIR/no-pch-clang exited with status 1; clang's messages in $GADGET_CACHE_DIR/pch/[0-9a-f]{64}\.log\)"
	refute_output --partial "pch: making"
	run cat "$GADGET_CACHE_DIR"/pch/*.log
	assert_output "no PCH today"
}

@test "the cache keeps to GADGET_CACHE_MAX_SIZE: the least recently used PCH goes first" {
	export GADGET_CACHE_MAX_SIZE=25M
	pch_warm
	first=$(pch_files)
	echo '{"name": "warm", "cflags": ["-DPCH_TEST_DEFINE=1"]}' > warm/gadget.json
	gadget build warm >/dev/null 2>&1
	pch_wait
	# two PCHs (~30 MB) passed the limit: the older went, with its manifest and header
	second=$(pch_files)
	assert [ "$(wc -l <<<"$second")" -eq 1 ]
	assert [ "$second" != "$first" ]
	assert [ ! -e "${first%.pch}.json" ]
	assert [ ! -e "${first%.pch}.h" ]
	run du -sb "$GADGET_CACHE_DIR"
	assert [ "${output%%[[:space:]]*}" -le $((25 * 1024 * 1024)) ]

	GADGET_CACHE_MAX_SIZE=lots run gadget build warm
	assert_failure 1
	assert_output --partial "GADGET_CACHE_MAX_SIZE='lots' is not a size"
}

@test "--no-pch and --no-cache neither make nor use a PCH" {
	gadget init off
	run gadget build off -v --no-pch
	assert_output --partial "pch: skipped: --no-pch"
	run gadget build off -v --no-cache -o x.o
	assert_output --partial "pch: skipped: no build cache"
	refute_output --partial "-include-pch"
	assert [ -z "$(pch_files)" ]
	# cflags that put a header before the PCH's: skipped, the same bytes
	pch_warm
	printf '#define PCH_TEST_EXTRA 1\n' > off/extra.h
	echo '{"name": "off", "cflags": ["-include", "extra.h"]}' > off/gadget.json
	build_both off
	assert_output --partial "pch: skipped: cflags has -include"
	cmp with.o without.o
}

# bats test_tags=sanitize
@test "several sources compile in parallel; their diagnostics come in source order" {
	mkdir par
	for s in a b c; do
		cat > "par/$s.bpf.c" <<C
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#warning "from $s"
SEC("tracepoint/syscalls/sys_enter_dup")
int on_dup_$s(void *ctx)
{
	return 0;
}
C
	done
	cat >> par/a.bpf.c <<'C'
#include "gadget/gadget.h"
struct event { gadget_pid pid; };
GADGET_TRACER(ev, struct event);
SEC("tracepoint/syscalls/sys_enter_close")
int on_close(void *ctx)
{
	struct event *e = gadget_reserve_buf(ev);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	gadget_submit_buf(ctx, ev, e);
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
C
	run gadget build par -j 3 --no-cache
	assert_success
	run grep -o 'warning: "from [abc]"' <<<"$output"
	assert_output $'warning: "from a"\nwarning: "from b"\nwarning: "from c"'

	# A failed source: its error, in order, and the build names it.
	sed -i 's/return 0;/return undefined_thing;/' par/b.bpf.c
	run gadget build par -j 3 --no-cache
	assert_failure 1
	assert_output --partial "b.bpf.c:7:9: error: use of undeclared identifier 'undefined_thing'"
	assert_output --partial "par/b.bpf.c: compilation failed"
	run gadget build par -j 0
	assert_failure 2
	assert_output "gadget build: error: --jobs: '0' is not a number from 1 to 1024 (see 'gadget help build')"
}
