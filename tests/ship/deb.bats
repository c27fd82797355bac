#!/usr/bin/env bats
# The Debian package (make deb): what it holds, what it depends on, lintian,
# and the unpacked package building and running a gadget with nothing from
# the source tree.

bats_require_minimum_version 1.5.0
load ship

setup() {
	common_setup
	DEB=$(ship_deb)
	cd "$BATS_TEST_TMPDIR"
}

@test "the package holds exactly what make install installs, under /usr" {
	make -s -C "$GADGET_SRC" install PREFIX=/usr DESTDIR="$BATS_TEST_TMPDIR/inst" >/dev/null
	(cd inst && find . -type f | sed 's|^\./|/|' | sort) >want
	dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' |
		grep -v '^/usr/share/doc/' | sort >got
	run diff -u want got
	assert_success
	# the data the issue names, in the place the binary looks
	for f in /usr/bin/gadget /usr/share/gadget/bpf-headers/x86/vmlinux.h \
		/usr/share/gadget/bpf-headers/arm64/vmlinux.h /usr/share/gadget/bpf-headers/gadget/gadget.h \
		/usr/share/gadget/templates/tracer/gadget.json /usr/share/gadget/templates/topper/gadget.json \
		/usr/share/gadget/templates/snapshotter/gadget.json; do
		grep -qx -- "$f" got || fail "$f is not in the package"
	done
	dpkg-deb -c "$DEB" | grep -q ' ./usr/share/doc/gadget/copyright$'
}

@test "the package depends on Debian's libraries, the dlopen()ed ones included, and recommends clang" {
	run dpkg-deb -f "$DEB" Package Architecture Depends Recommends
	assert_success
	assert_line "Package: gadget"
	assert_line "Architecture: $(dpkg --print-architecture)"
	local d
	for d in libbpf1 libelf1 libjansson4 libssl3 libc6 libcurl4 libarchive13 libmicrohttpd12 libpcap0.8; do
		assert_line --regexp "^Depends: .*\\b$d\\b"
	done
	assert_line --regexp '^Recommends: clang \(>= 1:14\), libbpf-dev$'
	# the file name make deb promised
	assert_equal "$(basename "$DEB")" \
		"gadget_$(dpkg-deb -f "$DEB" Version)_$(dpkg --print-architecture).deb"
}

@test "lintian finds no error in the package" {
	run lintian --fail-on error "$DEB"
	assert_success
	refute_line --regexp '^E: '
}

@test "the unpacked package inits, builds and runs a tracer; its events carry the file the test opened" {
	dpkg-deb -x "$DEB" root
	local g=$PWD/root/usr/bin/gadget comm="debcat$RANDOM"
	"$g" --version | grep -q "$(dpkg-deb -f "$DEB" Version)"
	"$g" init demo >/dev/null
	run "$g" build demo -v
	assert_success
	# headers from the package, not from the source tree
	assert_output --partial "$PWD/root/usr/share/gadget/bpf-headers"
	refute_output --partial "$GADGET_SRC/bpf-headers"
	cp /bin/cat "./$comm"
	echo hi >"target-$comm"
	"$g" run ./demo/demo.o -o json -F "comm=$comm" >out 2>err &
	local gp=$!
	wait_for_line err attached 20
	"./$comm" "$PWD/target-$comm" >/dev/null
	sleep 0.5
	kill -INT "$gp"
	wait "$gp"
	run python3 -c '
import json, sys
for line in open("out"):
    e = json.loads(line)
    if e.get("comm") == sys.argv[1] and e["fname"].startswith(sys.argv[2]):
        print(e["comm"], e["pid"] > 0, e["fname"])' "$comm" "$PWD/"
	assert_output "$comm True $PWD/target-$comm"
}

@test "the packaged binary looks for its data in /usr/share/gadget" {
	dpkg-deb -x "$DEB" root
	# alone in a folder with no share/gadget next to it: only the compiled-in path is left
	mkdir lone && cp root/usr/bin/gadget lone/
	[ ! -d /usr/share/gadget/bpf-headers ] || skip "a package is installed on this machine"
	"$GADGET" init demo >/dev/null
	run env -u GADGET_BPF_HEADERS lone/gadget build demo
	assert_failure
	assert_output --partial "in /usr/share/gadget; set GADGET_BPF_HEADERS"
}
