# Helpers for the packager's tests (image.bats, export.bats, sign.bats):
# a small tracer compiled with clang and packed into the test's store.

: "${PACK_OBJ:=$(dirname "$GADGET")/tests/tools/pack_obj}"
PACK_SRC="$GADGET_SRC/tests/fixtures/packager/execsnoop.bpf.c"

# compile_fixture OUT.o [extra clang flags]
compile_fixture() {
	local out=$1; shift
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -I"$GADGET_SRC/bpf-headers/x86" \
		-I"$GADGET_SRC/bpf-headers" "$@" -c "$PACK_SRC" -o "$out"
}

# pack_image REF [ARCH=OBJ...]: pack (default: amd64 = the fixture) and print the digest.
pack_image() {
	local ref=$1; shift
	if [ $# -eq 0 ]; then
		[ -e "$BATS_TEST_TMPDIR/fixture.o" ] || compile_fixture "$BATS_TEST_TMPDIR/fixture.o"
		set -- "amd64=$BATS_TEST_TMPDIR/fixture.o"
	fi
	"$PACK_OBJ" "$ref" "$@"
}

# Digest stored in the layout $1 under name $2 (read with python, not with gadget).
layout_digest() {
	python3 - "$1" "$2" <<'PY'
import json, sys
idx = json.load(open(sys.argv[1] + "/index.json"))
for m in idx["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]:
        print(m["digest"])
PY
}

# Everything in a store that an import must not touch, as one listing.
store_snapshot() {
	(cd "$1" && find . -path ./tmp -prune -o -type f ! -name '*.lock' -print0 | sort -z |
		xargs -0 -r sha256sum)
}

# run_probe REF [run args...]: `gadget run REF` for a few seconds while a
# process named "pkgprobe" execs; succeeds when its event is printed.
run_probe() {
	local ref=$1; shift
	local out=$BATS_TEST_TMPDIR/run.out err=$BATS_TEST_TMPDIR/run.err pid
	cp /bin/sh "$BATS_TEST_TMPDIR/pkgprobe"
	"$GADGET" run "$ref" -o json -t 6 "$@" >"$out" 2>"$err" &
	pid=$!
	wait_for_line "$err" "attached" 10 || { kill "$pid" 2>/dev/null; wait "$pid"; return 1; }
	"$BATS_TEST_TMPDIR/pkgprobe" -c /bin/true
	wait_for_line "$out" '"comm":"pkgprobe"' 5 || { kill "$pid" 2>/dev/null; wait "$pid"; return 1; }
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" || true
}
