#!/usr/bin/env bats
# A hostile neighbour on the same machine: folders named like images in the
# working directory, symlinks planted at temp-file names in shared folders,
# FIFOs where a gadget object is expected.  Each must change nothing.

bats_require_minimum_version 1.5.0
load helpers
load packager

setup() {
	common_setup
	export SOURCE_DATE_EPOCH=1700000000
	cd "$BATS_TEST_TMPDIR"
}

# A clang plugin that leaves $1 behind when anything loads it: a build
# file's "cflags": ["-fplugin=..."] is code run by whoever builds the folder.
make_plugin() {
	printf '#include <stdio.h>\n__attribute__((constructor)) static void pwn(void)\n{ FILE *f = fopen("%s", "w"); if (f) fclose(f); }\n' "$1" >plugin.c
	cc -shared -fPIC -o plugin.so plugin.c
}

# bats test_tags=sanitize
@test "a folder named like a signed image does not stand in for it" {
	ref=127.0.0.1:5050/demo:v1
	digest=$(pack_image "$ref")
	gadget key generate --output-key-prefix k >/dev/null
	gadget sign --key k.key "$ref"
	export GADGET_VERIFY_KEY=$BATS_TEST_TMPDIR/k.pub
	make_plugin "$BATS_TEST_TMPDIR/pwned"
	gadget init demo >/dev/null
	mkdir -p 127.0.0.1:5050
	mv demo "$ref"
	jq --arg p "-fplugin=$BATS_TEST_TMPDIR/plugin.so" '.cflags = [$p]' "$ref/gadget.json" >g.json
	mv g.json "$ref/gadget.json"

	# the reference is the store's signed image; the folder is never built
	run_probe "$ref"
	run cat run.err
	assert_line --partial "gadget: execsnoop (tracer) from image $ref $digest, signature verified with $GADGET_VERIFY_KEY: attached 1 program"
	[ ! -e pwned ]
	# written as a path it is the folder, which has no signature to check
	run gadget run "./$ref" -t 1
	assert_failure 1
	assert_output "gadget: error: refusing to run the folder ./$ref: a verification key is configured ($GADGET_VERIFY_KEY) and a folder carries no signature (--insecure-skip-verify runs it anyway)"
	[ ! -e pwned ]
	# an object file neither
	compile_fixture fixture.o
	run gadget run fixture.o -t 1
	assert_failure 1
	assert_output --partial "refusing to run the file fixture.o"
	run_probe fixture.o --insecure-skip-verify
	run cat run.err
	assert_line --partial "gadget: fixture (tracer) from file fixture.o, signature not checked (--insecure-skip-verify): attached"
}

@test "without a key: a name that is a folder here and no image says how to run the folder" {
	gadget init demo >/dev/null
	run gadget run demo -t 1 -F comm=no-such-comm
	assert_failure 1
	assert_output --partial "demo names an image; to use the folder of that name here, write ./demo: no image demo:latest in the store"
	run gadget run ./demo -t 1 -F comm=no-such-comm
	assert_success
	assert_output --regexp "gadget: demo \(tracer\) from folder $BATS_TEST_TMPDIR/demo: attached 1 program"
	run gadget run 'No Such Thing' -t 1
	assert_failure 1
	assert_output --partial "'No Such Thing' is not a folder, an object file or an image reference: invalid repository name"
}

@test "a FIFO named like an object file is refused at once by run and validate" {
	mkfifo pipe.o
	run timeout 10 "$GADGET" run pipe.o -t 1
	assert_failure 1
	assert_output "gadget: error: pipe.o is not a folder or a regular file"
	run timeout 10 "$GADGET" validate pipe.o
	assert_failure 1
	assert_output --partial "pipe.o is not a folder or a regular file"
}

# plant NAME TARGET: a symlink a neighbour leaves at a name gadget once used
plant() {
	ln -s "$2" "$1"
	echo precious >"$2"
}

# bats test_tags=sanitize
@test "symlinks planted at the old temp names of export, build -o and logout are left untouched" {
	mkdir shared
	digest=$(pack_image execsnoop:v1)
	# export wrote FILE.tar.tmp.<pid>: the exec keeps the pid the shell had
	plant "shared/out.tar.tmp.$BASHPID" victim1
	# shellcheck disable=SC2016
	run bash -c 'ln -sfn "$1" "$2.tmp.$$" && exec "$GADGET" export execsnoop:v1 "$2"' bash \
		"$BATS_TEST_TMPDIR/victim1" shared/out.tar
	assert_success
	assert_equal "$(cat victim1)" precious
	run find shared -name 'out.tar.tmp.*' -type l
	assert_output --regexp "out.tar.tmp.[0-9]+$"
	run tar tf shared/out.tar
	assert_line "index.json"

	# build -o wrote FILE.o.tmp.<pid> (file_write_atomic, also the build cache's writer)
	gadget init demo >/dev/null
	plant victim2-link victim2
	run bash -c 'ln -sfn "$1" "$2.tmp.$$" && exec "$GADGET" build demo -o "$2"' bash \
		"$BATS_TEST_TMPDIR/victim2" shared/demo.o
	assert_success
	assert_equal "$(cat victim2)" precious
	run gadget validate shared/demo.o
	assert_success

	# logout rewrote config.json through config.json.tmp<pid>
	export DOCKER_CONFIG=$BATS_TEST_TMPDIR/shared/docker
	mkdir -p "$DOCKER_CONFIG"
	echo '{"auths":{"reg.example":{"auth":"dXNlcjpwYXNz"}}}' >"$DOCKER_CONFIG/config.json"
	plant victim3-link victim3
	run bash -c 'ln -sfn "$1" "$2/config.json.tmp$$" && exec "$GADGET" logout reg.example' bash \
		"$BATS_TEST_TMPDIR/victim3" "$DOCKER_CONFIG"
	assert_success
	assert_equal "$(cat victim3)" precious
	assert_equal "$(jq -c .auths "$DOCKER_CONFIG/config.json")" "{}"
	assert_equal "$(stat -c %a "$DOCKER_CONFIG/config.json")" 600
}

# no_escapes FILE: not one ESC, BEL or CSI byte reaches the terminal
no_escapes() {
	run grep -c -P '[\x1b\x07\x9b]' "$1"
	assert_output 0
}

@test "escape sequences in annotations, descriptions and section names are neutralised" {
	gadget init demo >/dev/null
	# ESC ] 0 ; ... BEL retitles a terminal, ESC [ 2 J clears it
	jq '.description = "desc \u001b[2J" | .params.targ_pid.description = "pid \u001b]0;pwned\u0007"
	    | .annotations = {"org.example.note": "note \u001b]0;pwned\u0007"}' demo/gadget.json >g.json
	mv g.json demo/gadget.json
	sed -i 's|SEC("tracepoint/syscalls/sys_enter_openat")|SEC("tracepoint/syscalls/sys_enter_openat")\nint other(void *ctx) { return 0; }\nSEC("tracepont/\\x1b[2J")|' demo/demo.bpf.c
	run gadget validate demo
	assert_failure 1
	assert_output --partial 'section "tracepont/?[2J" is not a known program type'
	sed -i '/^int other/,+1d' demo/demo.bpf.c
	gadget build demo -t esc:v1 >/dev/null 2>&1

	gadget inspect esc:v1 >inspect.out
	no_escapes inspect.out
	run grep -F 'note ?]0;pwned?' inspect.out
	assert_success
	run grep -F 'pid ?]0;pwned?' inspect.out
	assert_success
	gadget run esc:v1 --help >help.out
	no_escapes help.out
	run grep -F 'pid ?]0;pwned?' help.out
	assert_success
	gadget validate demo >validate.out
	no_escapes validate.out
	run grep -F 'Description: desc ?[2J' validate.out
	assert_success
}

# bats test_tags=sanitize
@test "a big-endian object: libbpf's own error by name, and nothing leaks when run fails" {
	PACK_SRC=$GADGET_SRC/tests/fixtures/packager/execsnoop.bpf.c
	clang -target bpfeb -O2 -g -D__TARGET_ARCH_x86 -I"$GADGET_SRC/bpf-headers/x86" \
		-I"$GADGET_SRC/bpf-headers" -c "$PACK_SRC" -o be.o
	# under make sanitize, a leak report at exit would be in the output and change the status
	run gadget run be.o -t 1
	assert_failure 1
	assert_output "gadget: error: be.o: libbpf cannot open the object: Endian mismatch"
	run gadget validate be.o
	assert_failure 1
	assert_output --partial "libbpf cannot open the object: Endian mismatch"
	refute_output --partial "Unknown error"
}
