#!/usr/bin/env bats
# Gadget images in the local store: pack, list, inspect, tag, rmi, store check,
# and two witnesses no one here wrote: skopeo reading our layout.

load helpers
load packager

setup() {
	common_setup
	export SOURCE_DATE_EPOCH=1700000000
}

teardown() {
	if mountpoint -q "$BATS_TEST_TMPDIR/ro"; then
		umount "$BATS_TEST_TMPDIR/ro"
	fi
}

# bats test_tags=sanitize
@test "pack -> images -> inspect shows the gadget's analysis" {
	digest=$(pack_image execsnoop:v1)
	[[ $digest == sha256:* ]]

	run gadget images
	assert_success
	assert_line --regexp "^NAME +TAG +DIGEST +CATEGORY +SIZE +CREATED$"
	assert_line --regexp "^execsnoop +v1 +${digest:0:19} +tracer +[0-9.]+kB +2023-11-14T22:13:20Z$"

	run gadget inspect execsnoop:v1
	assert_success
	assert_line "Digest:      $digest"
	assert_line "MediaType:   application/vnd.oci.image.manifest.v1+json"
	assert_line "Category:    tracer"
	assert_line "Signature:   none"
	assert_line --regexp "^  trace_exec +tracepoint/syscalls/sys_enter_execve$"
	assert_line --regexp "^  print_exec +print "
	assert_line --regexp "^  comm +gadget_comm +off 20 +size 16 "
	assert_line --regexp "^  target_pid +default 0"

	run gadget inspect -o json execsnoop:v1
	assert_success
	echo "$output" | python3 -c '
import json, sys
j = json.load(sys.stdin)
m = j["manifest"]
assert m["config"]["mediaType"] == "application/ebpf.oci.image.config.v1+json", m
assert [l["mediaType"] for l in m["layers"]] == ["application/ebpf.oci.image.program.v1+binary"]
a = m["annotations"]
assert a["org.opencontainers.image.created"] == "2023-11-14T22:13:20Z", a
assert a["org.opencontainers.image.title"] == "execsnoop", a
assert j["config"]["gadget"]["category"] == "tracer"
assert j["config"]["architecture"] == "amd64"
'
}

@test "gadget build -t packs into the store; a rebuild gives the same digest" {
	cd "$BATS_TEST_TMPDIR"
	gadget init opentrace >/dev/null
	run gadget build opentrace -t opentrace:v1 --no-cache
	assert_success
	assert_line "tagged opentrace:v1"
	run gadget images
	assert_line --regexp "^opentrace +v1 +sha256:[0-9a-f]{12} +tracer +.* 2023-11-14T22:13:20Z$"
	run gadget inspect -o json opentrace:v1
	assert_success
	d1=$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
	# The layer is the object gadget build wrote, byte for byte.
	layer=$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["layers"][0]["digest"][7:])')
	cmp "$GADGET_STORE/blobs/sha256/$layer" opentrace/opentrace.o

	# From scratch, in another store and without the build cache: same manifest.
	rm -f opentrace/opentrace.o
	GADGET_STORE="$BATS_TEST_TMPDIR/other" GADGET_CACHE_DIR="$BATS_TEST_TMPDIR/c2" \
		gadget build opentrace -t opentrace:v1 --no-cache
	assert_equal "$(layout_digest "$BATS_TEST_TMPDIR/other" opentrace:v1)" "$d1"
	run skopeo inspect --raw "oci:$BATS_TEST_TMPDIR/other:opentrace:v1"
	assert_success
	assert_output --partial '"org.opencontainers.image.created":"2023-11-14T22:13:20Z"'
}

@test "gadget run REF runs the image from the store" {
	pack_image execsnoop:v1
	run_probe execsnoop:v1
	run gadget run nothing:here -t 1
	assert_failure
	assert_output --partial "no image nothing:here in the store"
}

@test "the stored layer is the object, byte for byte" {
	compile_fixture "$BATS_TEST_TMPDIR/x.o"
	pack_image execsnoop:v1 amd64="$BATS_TEST_TMPDIR/x.o"
	layer=$(gadget inspect -o json execsnoop:v1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["layers"][0]["digest"][7:])')
	cmp "$GADGET_STORE/blobs/sha256/$layer" "$BATS_TEST_TMPDIR/x.o"
}

@test "rebuilding from the same source gives the same manifest digest" {
	compile_fixture "$BATS_TEST_TMPDIR/a.o"
	d1=$(pack_image one:v1 amd64="$BATS_TEST_TMPDIR/a.o")
	compile_fixture "$BATS_TEST_TMPDIR/b.o"
	d2=$(GADGET_STORE="$BATS_TEST_TMPDIR/other" pack_image one:v1 amd64="$BATS_TEST_TMPDIR/b.o")
	assert_equal "$d1" "$d2"
	# ... and a different SOURCE_DATE_EPOCH is a different image.
	d3=$(SOURCE_DATE_EPOCH=1700000001 pack_image one:v2 amd64="$BATS_TEST_TMPDIR/a.o")
	[ "$d3" != "$d1" ]
}

@test "skopeo reads our layout and copies it to a fresh oci: directory" {
	digest=$(pack_image execsnoop:v1)
	run skopeo inspect --raw "oci:$GADGET_STORE:execsnoop:v1"
	assert_success
	assert_output --partial '"application/ebpf.oci.image.program.v1+binary"'
	run skopeo copy "oci:$GADGET_STORE:execsnoop:v1" "oci:$BATS_TEST_TMPDIR/copy:execsnoop:v1"
	assert_success
	assert_equal "$(layout_digest "$BATS_TEST_TMPDIR/copy" execsnoop:v1)" "$digest"
	# And back: the copy is a store gadget can read.
	run env GADGET_STORE="$BATS_TEST_TMPDIR/copy" "$GADGET" inspect execsnoop:v1
	assert_success
	assert_line "Category:    tracer"
}

@test "several architectures make an image index skopeo copies whole" {
	compile_fixture "$BATS_TEST_TMPDIR/x86.o"
	compile_fixture "$BATS_TEST_TMPDIR/arm.o" -U__TARGET_ARCH_x86 -D__TARGET_ARCH_arm64
	digest=$(pack_image multi:v1 amd64="$BATS_TEST_TMPDIR/x86.o" arm64="$BATS_TEST_TMPDIR/arm.o")
	run gadget inspect multi:v1
	assert_success
	assert_line "MediaType:   application/vnd.oci.image.index.v1+json"
	assert_line "Platforms:   amd64,arm64"
	run gadget inspect --arch arm64 -o json multi:v1
	assert_success
	assert_equal "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["config"]["architecture"])' <<<"$output")" arm64
	run gadget inspect --arch riscv64 multi:v1
	assert_failure
	assert_output --partial "multi:v1 has no image for architecture riscv64"
	run skopeo copy --all "oci:$GADGET_STORE:multi:v1" "oci:$BATS_TEST_TMPDIR/copy:m"
	assert_success
	assert_equal "$(layout_digest "$BATS_TEST_TMPDIR/copy" m)" "$digest"
}

# bats test_tags=sanitize
@test "tag and rmi: blobs go when nothing references them, shared ones stay" {
	compile_fixture "$BATS_TEST_TMPDIR/a.o"
	pack_image first:v1 amd64="$BATS_TEST_TMPDIR/a.o"
	run gadget tag first:v1 localhost:5000/team/first:stable
	assert_success
	run gadget images
	assert_line --regexp "^localhost:5000/team/first +stable +"
	SOURCE_DATE_EPOCH=1 pack_image second:v1 amd64="$BATS_TEST_TMPDIR/a.o"
	nblobs=$(ls "$GADGET_STORE/blobs/sha256" | wc -l)
	assert_equal "$nblobs" 4	# 2 manifests, 1 config, 1 shared layer

	run gadget rmi first:v1
	assert_success
	assert_output "Untagged: first:v1"
	assert_equal "$(ls "$GADGET_STORE/blobs/sha256" | wc -l)" 4	# still tagged as :stable
	run gadget rmi localhost:5000/team/first:stable
	assert_success
	assert_equal "$(ls "$GADGET_STORE/blobs/sha256" | wc -l)" 3
	run gadget inspect second:v1
	assert_success
	run gadget rmi second:v1
	assert_equal "$(ls "$GADGET_STORE/blobs/sha256" | wc -l)" 0
	run gadget rmi second:v1
	assert_failure
	assert_output --partial "no image second:v1 in the store"
}

@test "concurrent packs into one store lose no tag" {
	compile_fixture "$BATS_TEST_TMPDIR/a.o"
	for i in 1 2 3 4 5 6; do
		SOURCE_DATE_EPOCH=$i "$PACK_OBJ" "par:v$i" amd64="$BATS_TEST_TMPDIR/a.o" >/dev/null &
	done
	wait
	run gadget images -o json
	assert_success
	n=$(echo "$output" | python3 -c 'import json,sys; print(len([i for i in json.load(sys.stdin) if i["name"] == "par"]))')
	assert_equal "$n" 6
	run gadget store check
	assert_success
	assert_output --partial "0 corrupt, 0 missing"
}

@test "store check finds a corrupt blob and a leftover temp file; --repair fixes them" {
	digest=$(pack_image execsnoop:v1)
	layer=$(gadget inspect -o json execsnoop:v1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["layers"][0]["digest"][7:])')
	printf 'X' | dd of="$GADGET_STORE/blobs/sha256/$layer" bs=1 seek=100 conv=notrunc status=none
	touch "$GADGET_STORE/tmp/blob.abandoned"
	run gadget store check
	assert_failure
	assert_line --partial "blobs/sha256/$layer: content has digest sha256:"
	assert_line "tmp/blob.abandoned: leftover temporary file"
	run gadget store check --repair
	assert_line --partial "(removed)"
	[ ! -e "$GADGET_STORE/blobs/sha256/$layer" ]
	[ ! -e "$GADGET_STORE/tmp/blob.abandoned" ]
	run gadget store check
	assert_failure
	assert_line "execsnoop:v1: blob sha256:$layer is missing"
}

@test "bad references are refused with a reason" {
	run gadget inspect 'Bad:Name'
	assert_failure
	assert_output --partial "invalid repository name 'Bad'"
	run gadget inspect nothing:here
	assert_failure
	assert_output --partial "no image nothing:here in the store"
}

@test "rmi and store gc while another process uses the store: they wait, then say nothing was deleted" {
	pack_image execsnoop:v1 >/dev/null
	other=$(SOURCE_DATE_EPOCH=1700000999 pack_image other:v1)
	# another gadget process holds the store (its shared lock) for a second: gc waits for it
	flock -s "$GADGET_STORE/.gc.lock" sleep 1 &
	sleep 0.2
	run gadget rmi other:v1
	assert_success
	assert_output "Untagged: other:v1"
	[ ! -e "$GADGET_STORE/blobs/sha256/${other#sha256:}" ]
	wait
	# held for longer than gc waits: the name goes, the blobs stay, and it says so
	gadget tag execsnoop:v1 third:v1
	exec {lockfd}<"$GADGET_STORE/.gc.lock"
	flock -s "$lockfd"
	before=$(ls "$GADGET_STORE/blobs/sha256" | wc -l)
	run gadget rmi execsnoop:v1 third:v1
	assert_success
	assert_line "Untagged: third:v1"
	assert_line "gadget: warning: store $GADGET_STORE is in use by another gadget process: no blob was deleted (run 'gadget store gc' once it is done)"
	assert_equal "$(ls "$GADGET_STORE/blobs/sha256" | wc -l)" "$before"
	run gadget store gc
	assert_failure 1
	assert_output "gadget: error: store $GADGET_STORE is in use by another gadget process: no blob was deleted (run 'gadget store gc' once it is done)"
	exec {lockfd}<&-
	run gadget store gc
	assert_success
	assert_equal "$(ls "$GADGET_STORE/blobs/sha256" | wc -l)" 0
}

@test "a truncated index.json: commands point at store check --repair, which rebuilds it from the blobs" {
	digest=$(pack_image execsnoop:v1)
	gadget key generate --output-key-prefix "$BATS_TEST_TMPDIR/k" >/dev/null
	gadget sign --key "$BATS_TEST_TMPDIR/k.key" execsnoop:v1
	truncate -s 100 "$GADGET_STORE/index.json"
	run gadget images
	assert_failure 1
	assert_output --partial "index.json:1:100: error: "
	assert_output --partial "'gadget store check --repair' rebuilds it from the blobs"
	run gadget store check
	assert_failure 1
	assert_output --partial ", index.json damaged (--repair to fix)"
	run gadget store check --repair
	assert_success
	assert_line --partial "index.json was damaged: rebuilt from the blobs with 2 names"
	[ -e "$GADGET_STORE/index.json.broken" ]
	run gadget images -a
	assert_success
	# the signature names its image's repository: both come back under it
	assert_line --regexp "^execsnoop +recovered-${digest:7:12} +${digest:0:19} +tracer "
	assert_line --regexp "^execsnoop +sha256-${digest:7:64}.sig "
	run gadget verify --key "$BATS_TEST_TMPDIR/k.pub" "execsnoop:recovered-${digest:7:12}"
	assert_success
	run gadget store check
	assert_success
	assert_output --regexp ": 6 blobs, 0 corrupt, 0 missing, 0 broken names, 0 temporary files$"
}

@test "a read-only store can be listed, inspected, run and exported" {
	digest=$(pack_image execsnoop:v1)
	mkdir "$BATS_TEST_TMPDIR/ro"
	mount --bind "$GADGET_STORE" "$BATS_TEST_TMPDIR/ro"
	mount -o remount,bind,ro "$BATS_TEST_TMPDIR/ro"
	export GADGET_STORE=$BATS_TEST_TMPDIR/ro
	run gadget images
	assert_success
	assert_line --regexp "^execsnoop +v1 +${digest:0:19} "
	run gadget inspect execsnoop:v1
	assert_success
	run gadget export execsnoop:v1 "$BATS_TEST_TMPDIR/out.tar"
	assert_success
	run gadget run execsnoop:v1 -t 1
	assert_success
	assert_output --partial "from image execsnoop:v1 $digest: attached 1 program"
	# changing it is a clear error
	run gadget rmi execsnoop:v1
	assert_failure 1
	assert_output --partial "Read-only file system"
	umount "$BATS_TEST_TMPDIR/ro"
}
