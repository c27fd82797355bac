#!/usr/bin/env bats
# gadget init: scaffold from templates; make install: an installed gadget works.

load helpers

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
}

# bats test_tags=sanitize
@test "init copies the template and puts the name in" {
	run gadget init opensnoop
	assert_success
	assert_output "created tracer gadget opensnoop in opensnoop/ (build it: gadget build opensnoop)"
	assert [ -f opensnoop/opensnoop.bpf.c ]
	assert [ -f opensnoop/README.md ]
	run jq -r .name opensnoop/gadget.json
	assert_output "opensnoop"
	run grep -c '{{name}}' -r opensnoop
	assert_output --regexp "^(0|.*:0)"
	run head -3 opensnoop/opensnoop.bpf.c
	assert_output --partial "opensnoop: a tracer"
}

@test "init --type topper|snapshotter --dir PATH" {
	run gadget init rwtop --type topper --dir sub/where
	assert_success
	assert [ -f sub/where/rwtop.bpf.c ]
	assert grep -q "GADGET_TOPPER" sub/where/rwtop.bpf.c
	run gadget build sub/where
	assert_success
	assert_output --regexp "^built rwtop \(topper, 2 programs\)"
	gadget init procs --type snapshotter
	assert grep -q "GADGET_SNAPSHOTTER" procs/procs.bpf.c
	run gadget build procs
	assert_output --regexp "^built procs \(snapshotter, 1 program\)"
}

@test "init refuses a non-empty folder and leaves it alone" {
	mkdir taken
	echo keep > taken/file
	run gadget init taken
	assert_failure 1
	assert_output --partial "taken already exists and is not an empty folder"
	assert [ "$(ls taken)" = file ]
	# An empty folder is fine.
	mkdir fresh
	run gadget init fresh
	assert_success
	assert [ -f fresh/fresh.bpf.c ]
}

@test "init usage errors exit 2" {
	run gadget init
	assert_failure 2
	assert_output --partial "missing NAME"
	run gadget init Bad/Name
	assert_failure 2
	assert_output --partial "invalid name 'Bad/Name'"
	run gadget init ok --type kprober
	assert_failure 2
	assert_output "gadget init: error: --type: unknown value 'kprober' (one of tracer,topper,snapshotter) (see 'gadget help init')"
	run gadget init ok --type toper
	assert_failure 2
	assert_output --partial "--type: unknown value 'toper'; did you mean 'topper'?"
	assert [ ! -e ok ]
}

@test "make install: the installed binary finds its headers and templates anywhere" {
	dest="$BATS_TEST_TMPDIR/dest"
	unset GADGET_BPF_HEADERS GADGET_TEMPLATES
	# -o: install the binary under test as it is, never rebuild it here.
	run make -s -C "$GADGET_SRC" -o "$GADGET" install DESTDIR="$dest" PREFIX=/opt/gd GADGET="$GADGET"
	assert_success
	assert [ -x "$dest/opt/gd/bin/gadget" ]
	assert [ -f "$dest/opt/gd/share/gadget/bpf-headers/gadget/gadget.h" ]
	assert [ -f "$dest/opt/gd/share/gadget/bpf-headers/x86/vmlinux.h" ]
	assert [ -f "$dest/opt/gd/share/gadget/templates/tracer/gadget.json" ]
	# man pages and completions, from the binary's option tables
	assert [ -s "$dest/opt/gd/share/man/man1/gadget.1" ]
	assert [ -s "$dest/opt/gd/share/man/man1/gadget-run.1" ]
	assert [ -s "$dest/opt/gd/share/bash-completion/completions/gadget" ]
	assert [ -s "$dest/opt/gd/share/zsh/vendor-completions/_gadget" ]
	assert [ -s "$dest/opt/gd/share/fish/vendor_completions.d/gadget.fish" ]
	mkdir -p away && cd away
	run "$dest/opt/gd/bin/gadget" init far --type topper
	assert_success
	run "$dest/opt/gd/bin/gadget" build far -v
	assert_success
	assert_output --partial "-I$dest/opt/gd/share/gadget/bpf-headers/x86 "
	refute_output --partial "$GADGET_SRC"
	assert_output --regexp "built far \(topper, 2 programs\)"
	# Same bytes as the source-tree binary: header paths do not leak.
	GADGET_BPF_HEADERS="$GADGET_SRC/bpf-headers" "$GADGET" build far --no-cache -o ../tree.o
	cmp ../tree.o far/far.o
}
