#!/usr/bin/env bats
# gadget export / import: an OCI layout in a tar.  Import refuses damaged or
# hostile archives and then leaves the store exactly as it was.

load helpers
load packager

setup() {
	common_setup
	export SOURCE_DATE_EPOCH=1700000000
	digest=$(pack_image execsnoop:v1)
	gadget export execsnoop:v1 "$BATS_TEST_TMPDIR/img.tar"
	export EMPTY="$BATS_TEST_TMPDIR/empty-store"
}

# Run import into $EMPTY, expecting a refusal mentioning $1; the store must not change.
refuse_import() {
	local tar=$1 msg=$2
	GADGET_STORE="$EMPTY" gadget images >/dev/null	# creates the empty layout
	before=$(store_snapshot "$EMPTY")
	run env GADGET_STORE="$EMPTY" "$GADGET" import "$tar"
	assert_failure
	assert_output --partial "$msg"
	assert_equal "$(store_snapshot "$EMPTY")" "$before"
	assert_equal "$(ls "$EMPTY/blobs/sha256" | wc -l)" 0
}

# Rewrite img.tar through python's tarfile, applying $1 (python code) to the member list.
mangle() {
	python3 - "$BATS_TEST_TMPDIR/img.tar" "$BATS_TEST_TMPDIR/bad.tar" "$1" <<'PY'
import io, sys, tarfile
src, dst, code = sys.argv[1:]
tin = tarfile.open(src)
members = [(m, tin.extractfile(m).read() if m.isfile() else None) for m in tin.getmembers()]
def add(tout, m, data):
    tout.addfile(m, io.BytesIO(data) if data is not None else None)
with tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as tout:
    exec(code)
PY
}

# bats test_tags=sanitize
@test "export -> import into an empty store -> same image, inspectable" {
	run env GADGET_STORE="$EMPTY" "$GADGET" import "$BATS_TEST_TMPDIR/img.tar"
	assert_success
	assert_output "Imported: execsnoop:v1"
	assert_equal "$(layout_digest "$EMPTY" execsnoop:v1)" "$digest"
	run env GADGET_STORE="$EMPTY" "$GADGET" inspect execsnoop:v1
	assert_success
	assert_line "Category:    tracer"
	run env GADGET_STORE="$EMPTY" "$GADGET" store check
	assert_success
	GADGET_STORE="$EMPTY" run_probe execsnoop:v1
}

@test "export is deterministic and a plain tar of a layout" {
	gadget export execsnoop:v1 "$BATS_TEST_TMPDIR/again.tar"
	cmp "$BATS_TEST_TMPDIR/img.tar" "$BATS_TEST_TMPDIR/again.tar"
	# A rebuild in another store exports the same bytes.
	GADGET_STORE="$BATS_TEST_TMPDIR/s2" pack_image execsnoop:v1 >/dev/null
	GADGET_STORE="$BATS_TEST_TMPDIR/s2" gadget export execsnoop:v1 "$BATS_TEST_TMPDIR/s2.tar"
	cmp "$BATS_TEST_TMPDIR/img.tar" "$BATS_TEST_TMPDIR/s2.tar"
	run tar tvf "$BATS_TEST_TMPDIR/img.tar"
	assert_line --regexp "^-rw-r--r-- 0/0 +30 1970-01-01 00:00 oci-layout$"
	assert_line --regexp "^-rw-r--r-- 0/0 .* blobs/sha256/${digest#sha256:}$"
	# skopeo reads it as an oci-archive.
	run skopeo copy "oci-archive:$BATS_TEST_TMPDIR/img.tar:execsnoop:v1" "oci:$BATS_TEST_TMPDIR/copy:x"
	assert_success
	assert_equal "$(layout_digest "$BATS_TEST_TMPDIR/copy" x)" "$digest"
}

# bats test_tags=sanitize
@test "import refuses a blob with a changed byte" {
	mangle '
for m, d in members:
    if d is not None and m.name.startswith("blobs/") and len(d) > 1000:
        d = d[:500] + bytes([d[500] ^ 1]) + d[501:]
    add(tout, m, d)'
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "has digest sha256:"
}

@test "import refuses ../ entries and absolute paths" {
	mangle '
for m, d in members: add(tout, m, d)
t = tarfile.TarInfo("blobs/../../escape"); t.size = 2; add(tout, t, b"hi")'
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "'..' refused"
	[ ! -e "$BATS_TEST_TMPDIR/escape" ]
	mangle '
for m, d in members: add(tout, m, d)
t = tarfile.TarInfo("/tmp/evil"); t.size = 2; add(tout, t, b"hi")'
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "absolute path refused"
}

# bats test_tags=sanitize
@test "import refuses symlinks and hard links" {
	mangle '
for m, d in members: add(tout, m, d)
t = tarfile.TarInfo("blobs/sha256/link"); t.type = tarfile.SYMTYPE; t.linkname = "/etc/passwd"; add(tout, t, None)'
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "links and devices refused"
	mangle '
for m, d in members: add(tout, m, d)
t = tarfile.TarInfo("index2.json"); t.type = tarfile.LNKTYPE; t.linkname = "index.json"; add(tout, t, None)'
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "links and devices refused"
}

@test "import refuses a truncated archive" {
	size=$(stat -c %s "$BATS_TEST_TMPDIR/img.tar")
	head -c $((size / 2)) "$BATS_TEST_TMPDIR/img.tar" > "$BATS_TEST_TMPDIR/bad.tar"
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "import $BATS_TEST_TMPDIR/bad.tar"
}

@test "import refuses a missing blob, a wrong size and an oversized entry" {
	mangle '
for m, d in members:
    if m.name.endswith("'"${digest#sha256:}"'"): continue
    add(tout, m, d)'
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "blob $digest is referenced but not in the archive"

	mangle '
import json
for m, d in members:
    if m.name == "index.json":
        j = json.loads(d); j["manifests"][0]["size"] += 1; d = json.dumps(j).encode(); m.size = len(d)
    add(tout, m, d)'
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "its descriptor says"

	# A header announcing 300 MB (and no data): refused before reading.
	python3 - "$BATS_TEST_TMPDIR/bad.tar" <<'PY'
import sys, tarfile
t = tarfile.TarInfo("blobs/sha256/" + "a" * 64); t.size = 300 << 20
open(sys.argv[1], "wb").write(t.tobuf(tarfile.USTAR_FORMAT))
PY
	refuse_import "$BATS_TEST_TMPDIR/bad.tar" "is too large"
}

@test "import stores only what index.json reaches" {
	mangle '
import hashlib
for m, d in members: add(tout, m, d)
data = b"nobody points at me"
t = tarfile.TarInfo("blobs/sha256/" + hashlib.sha256(data).hexdigest()); t.size = len(data); add(tout, t, data)'
	run env GADGET_STORE="$EMPTY" "$GADGET" import "$BATS_TEST_TMPDIR/bad.tar"
	assert_success
	assert_equal "$(ls "$EMPTY/blobs/sha256" | wc -l)" 3	# manifest, config, layer
	[ ! -e "$EMPTY/blobs/sha256/$(printf 'nobody points at me' | sha256sum | cut -d' ' -f1)" ]
}

@test "a failed export leaves no partial file" {
	run gadget export nothing:here "$BATS_TEST_TMPDIR/none.tar"
	assert_failure
	assert_output --partial "no image nothing:here"
	run gadget export execsnoop:v1 "$BATS_TEST_TMPDIR/no/such/dir/x.tar"
	assert_failure
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep -e none.tar -e '\.tmp\.')" ]
}

@test "random byte flips anywhere in the archive never get a bad image in" {
	for i in $(seq 40); do
		python3 - "$BATS_TEST_TMPDIR/img.tar" "$BATS_TEST_TMPDIR/bad.tar" "$i" <<'PY'
import random, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(src, "rb").read())
r = random.Random(seed)
# Flip inside the entries (not the zero blocks at the end) to hit headers and data.
pos = r.randrange(0, len(data) - 1024)
data[pos] ^= 1 << r.randrange(8)
open(dst, "wb").write(data)
PY
		rm -rf "$EMPTY"
		run env GADGET_STORE="$EMPTY" "$GADGET" import "$BATS_TEST_TMPDIR/bad.tar"
		# 0 (a flip in padding) or 1 with a message; never a crash or usage error.
		[ "$status" -le 1 ] || { echo "seed $i: status $status: $output"; false; }
		if [ "$status" -eq 0 ]; then
			assert_equal "$(layout_digest "$EMPTY" execsnoop:v1)" "$digest"
			GADGET_STORE="$EMPTY" gadget store check
		else
			assert_output --regexp "^gadget: error: import "
			assert_equal "$(ls "$EMPTY/blobs/sha256" | wc -l)" 0
		fi
	done
}

# bats test_tags=sanitize
@test "indexes listing the next one 60 times, 6 deep: import, check, export and rmi each walk 9 blobs, not 60^6 paths" {
	cd "$BATS_TEST_TMPDIR"
	python3 "$GADGET_SRC/tests/tools/oci_hostile.py" dag dag.tar dag:v1 60 6
	[ "$(stat -c %s dag.tar)" -lt 100000 ]
	# each would never end walking paths; one second each here, ten under load
	run timeout 10 "$GADGET" import dag.tar
	assert_success
	assert_output "Imported: dag:v1"
	run timeout 10 "$GADGET" store check
	assert_success
	assert_output --regexp ": 12 blobs, 0 corrupt, 0 missing, 0 broken names, 0 temporary files$"
	run timeout 10 "$GADGET" export dag:v1 dag-out.tar
	assert_success
	assert_equal "$(tar tf dag-out.tar | grep -c '^blobs/sha256/.')" 9
	run timeout 10 "$GADGET" rmi dag:v1
	assert_success
	# execsnoop:v1 keeps its 3 blobs; the DAG's 9 are collected
	assert_equal "$(ls "$GADGET_STORE/blobs/sha256" | wc -l)" 3
}

@test "3000 names in one archive: imported with one index.json update" {
	cd "$BATS_TEST_TMPDIR"
	python3 "$GADGET_SRC/tests/tools/oci_hostile.py" tags many.tar many 3000
	# one rename onto index.json, not one (and an fsync of a growing file) per name
	run timeout 20 strace -f -qq -e trace=rename,renameat,renameat2 -o rename.log "$GADGET" import many.tar
	assert_success
	assert_equal "$(grep -c '^Imported: many:' <<<"$output")" 3000
	assert_equal "$(grep -c 'store/index.json"' rename.log)" 1
	run gadget images
	assert_equal "$(grep -c '^many ' <<<"$output")" 3000
	assert_line --regexp "^execsnoop +v1 "
}
