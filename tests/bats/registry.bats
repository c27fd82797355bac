#!/usr/bin/env bats
# gadget push / pull against Debian's docker-registry on 127.0.0.1 (anonymous,
# plain http the way docker treats loopback registries), with skopeo as the
# witness client.

load helpers
load registry
load packager

setup() {
	common_setup
	registry_start
	FIX="$BATS_TEST_TMPDIR/fixture"
}

teardown() {
	faultproxy_stop
	registry_stop
}

# An image in our store: a fixture skopeo pushed, pulled by gadget.
seed_store() {
	local size=${1:-4096}
	make_oci_fixture "$FIX" v1 "$size" >"$BATS_TEST_TMPDIR/seed.digest"
	skopeo_push_fixture "$FIX" v1 "$REGISTRY/seed/img:v1"
	run gadget pull -q "$REGISTRY/seed/img:v1"
	assert_success
}

@test "pull resolves a tag, verifies it and stores it under the reference" {
	digest=$(make_oci_fixture "$FIX" v1 10000)
	skopeo_push_fixture "$FIX" v1 "$REGISTRY/team/probe:v1"

	run gadget pull "$REGISTRY/team/probe:v1"
	assert_success
	assert_output --regexp "^pulled $REGISTRY/team/probe:v1 $digest \(2 blobs received, 0 already there, 10.[0-9] kB"
	# every blob the manifest names is in the store, byte for byte
	for b in "$FIX"/blobs/sha256/*; do
		cmp "$b" "$GADGET_STORE/blobs/sha256/$(basename "$b")"
	done
	grep -q "\"$REGISTRY/team/probe:v1\"" "$GADGET_STORE/index.json"
}

# bats test_tags=sanitize
@test "push then pull into an empty store gives the same digests" {
	seed_store 20000
	digest=$(cat "$BATS_TEST_TMPDIR/seed.digest")

	run gadget push "$REGISTRY/seed/img:v1" "$REGISTRY/ci/copy:1"
	assert_success
	assert_output --partial "pushed $REGISTRY/ci/copy:1 $digest"

	first_store=$GADGET_STORE
	export GADGET_STORE="$BATS_TEST_TMPDIR/empty-store"
	run gadget pull "$REGISTRY/ci/copy:1"
	assert_success
	assert_output --partial "pulled $REGISTRY/ci/copy:1 $digest"
	diff <(cd "$first_store/blobs/sha256" && ls) <(cd "$GADGET_STORE/blobs/sha256" && ls)
	# the registry serves back exactly the manifest bytes we sent
	skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/ci/copy:1" >"$BATS_TEST_TMPDIR/raw"
	cmp "$BATS_TEST_TMPDIR/raw" "$(store_blob "$digest")"
}

@test "skopeo accepts what gadget pushed" {
	seed_store 5000
	digest=$(cat "$BATS_TEST_TMPDIR/seed.digest")
	gadget push -q "$REGISTRY/seed/img:v1" "$REGISTRY/witness/img:2"

	# (plain "skopeo inspect" refuses non-container artifacts; --raw is the manifest)
	run skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/witness/img:2"
	assert_success
	[ "sha256:$(printf '%s' "$output" | sha256sum | cut -d' ' -f1)" = "$digest" ]
	# skopeo checks every digest while copying: a full copy is the stronger witness
	run skopeo copy --quiet --src-tls-verify=false "docker://$REGISTRY/witness/img:2" "oci:$BATS_TEST_TMPDIR/back:2"
	assert_success
	run skopeo inspect --raw "oci:$BATS_TEST_TMPDIR/back:2"
	assert_output "$(cat "$(store_blob "$digest")")"
}

# bats test_tags=sanitize
@test "pushing the same image twice sends no blob the second time" {
	seed_store 300000
	digest=$(cat "$BATS_TEST_TMPDIR/seed.digest")
	faultproxy_start --match '^$'
	gadget push -q "$REGISTRY/seed/img:v1" "$PROXY/twice/img:1"

	faultproxy_stop
	faultproxy_start --match '^$'
	run gadget push "$REGISTRY/seed/img:v1" "$PROXY/twice/img:1"
	assert_success
	assert_output --regexp "^pushed $PROXY/twice/img:1 $digest \(up to date, 2 requests, [0-9.]+s\)$"
	# the tag already names our digest: one HEAD proves the whole image is there
	run faultproxy_requests
	assert_output "GET /v2/ 200
HEAD /v2/twice/img/manifests/1 200"

	# a changed tag is pushed again, and blobs the registry has are skipped by HEAD
	make_oci_fixture "$FIX" v2 1000 >/dev/null
	skopeo_push_fixture "$FIX" v2 "$REGISTRY/twice/img:1"
	faultproxy_stop
	faultproxy_start --match '^$'
	run gadget push "$REGISTRY/seed/img:v1" "$PROXY/twice/img:1"
	assert_success
	assert_output --partial "(0 blobs sent, 2 already there, 0 B,"
	run faultproxy_requests
	refute_output --partial "POST"
	refute_output --regexp "PUT /v2/twice/img/blobs"
	assert_output --partial "PUT /v2/twice/img/manifests/1 201"
}

@test "a blob already in another repository of the registry is mounted, not uploaded" {
	seed_store 100000
	faultproxy_start --match '^$'
	run gadget push "$REGISTRY/seed/img:v1" "$PROXY/seed/img:v1"
	assert_success
	gadget pull -q "$PROXY/seed/img:v1"
	run gadget push "$PROXY/seed/img:v1" "$PROXY/other/repo:v1"
	assert_success
	assert_output --partial "(0 blobs sent, 0 already there, 2 mounted,"
	run faultproxy_requests
	assert_output --regexp "POST /v2/other/repo/blobs/uploads/\?mount=sha256:[0-9a-f]{64}&from=seed/img 201"
	refute_output --regexp "PUT /v2/other/repo/blobs/uploads"
}

# bats test_tags=sanitize
@test "big blobs go up in PATCH chunks and come back intact" {
	seed_store 1000000
	digest=$(cat "$BATS_TEST_TMPDIR/seed.digest")
	faultproxy_start --match '^$'
	run gadget push --chunk-size 300000 "$REGISTRY/seed/img:v1" "$PROXY/chunky/img:1"
	assert_success
	run faultproxy_requests
	[ "$(grep -c '^PATCH /v2/chunky/img/blobs/uploads/.* 202$' <<<"$output")" -eq 4 ]

	export GADGET_STORE="$BATS_TEST_TMPDIR/empty-store"
	run gadget pull "$REGISTRY/chunky/img:1"
	assert_success
	assert_output --partial "$digest"
}

@test "an index is followed to this machine's architecture, and kept whole" {
	digest=$(make_oci_fixture "$FIX" multi 2000 arm64,amd64)
	skopeo_push_fixture "$FIX" multi "$REGISTRY/multi/img:1"

	run gadget pull "$REGISTRY/multi/img:1"
	assert_success
	assert_output --partial "pulled $REGISTRY/multi/img:1 $digest (4 blobs received"
	index=$(store_blob "$digest")
	amd=$(jq -r '.manifests[] | select(.platform.architecture=="amd64") | .digest' "$index")
	arm=$(jq -r '.manifests[] | select(.platform.architecture=="arm64") | .digest' "$index")
	amd_layer=$(jq -r '.layers[0].digest' "$(store_blob "$amd")")
	arm_layer=$(jq -r '.layers[0].digest' "$(store_blob "$arm")")
	# the index is kept whole: every platform's blobs, so the store can push it again
	cmp "$FIX/blobs/sha256/${amd_layer#sha256:}" "$(store_blob "$amd_layer")"
	cmp "$FIX/blobs/sha256/${arm_layer#sha256:}" "$(store_blob "$arm_layer")"

	run gadget pull --arch riscv64 "$REGISTRY/multi/img:1"
	assert_failure
	assert_output --partial "has no manifest for linux/riscv64"
}

@test "pulling by digest checks the digest" {
	digest=$(make_oci_fixture "$FIX" v1 3000)
	skopeo_push_fixture "$FIX" v1 "$REGISTRY/bydigest/img:v1"
	run gadget pull "$REGISTRY/bydigest/img@$digest"
	assert_success
	assert_output --partial "$digest"
}

@test "an unknown tag shows the registry's OCI error code" {
	run gadget pull "$REGISTRY/nothing/here:v9"
	assert_failure 1
	assert_output --partial "registry $REGISTRY: manifest nothing/here:v9: 404 MANIFEST_UNKNOWN: manifest unknown"
	[ ! -e "$GADGET_STORE/index.json" ] || ! grep -q nothing "$GADGET_STORE/index.json"
}

@test "a reference without a registry is refused" {
	run gadget pull "just-a-name:1"
	assert_failure
	assert_output --partial "names no registry"
}

@test "progress is silent on a pipe and with --quiet" {
	seed_store 200000
	run gadget push "$REGISTRY/seed/img:v1" "$REGISTRY/quiet/img:1"
	assert_success
	[ "$(grep -c '^' <<<"$output")" -eq 1 ]
	refute_output --partial $'\r'
}

@test "a progress bar per blob on a terminal" {
	seed_store 200000
	export GADGET_STORE="$BATS_TEST_TMPDIR/empty-store"
	# script(1) gives gadget a terminal
	run script -qec "$GADGET pull $REGISTRY/seed/img:v1" /dev/null
	assert_success
	assert_output --regexp $'\rsha256:[0-9a-f]{12} +200.0 kB / 200.0 kB +[0-9.]+ [kMG]?B/s  done'
}

# bats test_tags=sanitize
@test "a cosign signature travels with the image and verifies after pull" {
	digest=$(make_oci_fixture "$FIX" v1 4000)
	sigtag=$(make_cosign_signature "$FIX" "$digest" "$REGISTRY/signed/img" "$BATS_TEST_TMPDIR/keys")
	[ "$sigtag" = "sha256-${digest#sha256:}.sig" ]
	skopeo_push_fixture "$FIX" v1 "$REGISTRY/signed/img:v1"
	skopeo_push_fixture "$FIX" "$sigtag" "$REGISTRY/signed/img:$sigtag"

	run gadget pull "$REGISTRY/signed/img:v1"
	assert_success
	assert_output --partial ", signature,"
	grep -q "\"$REGISTRY/signed/img:$sigtag\"" "$GADGET_STORE/index.json"

	# pushed elsewhere, the signature tag goes along, byte for byte
	run gadget push "$REGISTRY/signed/img:v1" "$REGISTRY/moved/img:1"
	assert_success
	assert_output --partial ", signature,"
	diff <(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/signed/img:$sigtag") \
	     <(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/moved/img:$sigtag")

	# into an empty store, then checked with the public key from the store's blobs
	export GADGET_STORE="$BATS_TEST_TMPDIR/empty-store"
	run gadget pull "$REGISTRY/moved/img:1"
	assert_success
	assert_output --partial ", signature,"
	sigman=$(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/moved/img:$sigtag")
	payload=$(jq -r '.layers[0].digest' <<<"$sigman")
	jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' <<<"$sigman" | base64 -d >"$BATS_TEST_TMPDIR/sig.der"
	run openssl dgst -sha256 -verify "$BATS_TEST_TMPDIR/keys/pub.pem" -signature "$BATS_TEST_TMPDIR/sig.der" "$(store_blob "$payload")"
	assert_output "Verified OK"
	grep -q "\"docker-manifest-digest\":\"$digest\"" "$(store_blob "$payload")"
}

@test "an image without a signature pulls fine" {
	seed_store 1000
	refute_output --partial "signature"
}

@test "gadget sign, push, pull into an empty store, gadget verify" {
	seed_store 3000
	ref="$REGISTRY/seed/img:v1"
	cd "$BATS_TEST_TMPDIR"
	gadget key generate --output-key-prefix k
	run gadget sign --key k.key "$ref"
	assert_success

	run gadget push "$ref" "$REGISTRY/seed/img:2"
	assert_success
	assert_output --partial ", signature,"
	run gadget push "$ref" "$REGISTRY/signed/gadget:1"
	assert_success
	assert_output --partial ", signature,"

	export GADGET_STORE="$BATS_TEST_TMPDIR/empty-store"
	run gadget pull "$REGISTRY/seed/img:2"
	assert_success
	assert_output --partial ", signature,"
	run gadget verify --key k.pub "$REGISTRY/seed/img:2"
	assert_success
	# and a key that did not sign it is refused
	gadget key generate --output-key-prefix other
	run gadget verify --key other.pub "$REGISTRY/seed/img:2"
	assert_failure
	# the signature names the repository it was made for (docker-reference):
	# the copy pushed under another name does not verify as that name
	run gadget pull "$REGISTRY/signed/gadget:1"
	assert_success
	assert_output --partial ", signature,"
	run gadget verify --key k.pub "$REGISTRY/signed/gadget:1"
	assert_failure 1
	assert_output --partial "the signature valid for key k.pub is for $REGISTRY/seed/img, not $REGISTRY/signed/gadget"
}

@test "a real gadget image: pack, push, pull into an empty store, same analysis" {
	export SOURCE_DATE_EPOCH=1700000000
	compile_fixture "$BATS_TEST_TMPDIR/x.o"
	digest=$(pack_image "$REGISTRY/gadgets/execsnoop:v1" "amd64=$BATS_TEST_TMPDIR/x.o" "arm64=$BATS_TEST_TMPDIR/x.o")
	run gadget push "$REGISTRY/gadgets/execsnoop:v1"
	assert_success
	assert_output --partial "pushed $REGISTRY/gadgets/execsnoop:v1 $digest"
	gadget inspect "$REGISTRY/gadgets/execsnoop:v1" >"$BATS_TEST_TMPDIR/before"

	export GADGET_STORE="$BATS_TEST_TMPDIR/empty-store"
	run gadget pull "$REGISTRY/gadgets/execsnoop:v1"
	assert_success
	assert_output --partial "pulled $REGISTRY/gadgets/execsnoop:v1 $digest"
	run gadget inspect "$REGISTRY/gadgets/execsnoop:v1"
	assert_success
	assert_line "Digest:      $digest"
	assert_line "Category:    tracer"
	assert_line --regexp "^  trace_exec +tracepoint/syscalls/sys_enter_execve$"
	diff "$BATS_TEST_TMPDIR/before" <(echo "$output")
	run gadget store check
	assert_success
}

@test "gadget build -t, push, pull into an empty store, run: the same image" {
	mkdir -p "$BATS_TEST_TMPDIR/execsnoop"
	cp "$GADGET_SRC/tests/fixtures/packager/execsnoop.bpf.c" "$BATS_TEST_TMPDIR/execsnoop/"
	ref="$REGISTRY/gadgets/execsnoop:v1"
	gadget build "$BATS_TEST_TMPDIR/execsnoop" -t "$ref"
	run gadget push "$ref"
	assert_success
	digest=$(awk '{ print $3 }' <<<"$output")
	[[ $digest == sha256:* ]]
	gadget inspect "$ref" >"$BATS_TEST_TMPDIR/built"

	export GADGET_STORE="$BATS_TEST_TMPDIR/empty-store"
	run gadget pull "$ref"
	assert_success
	assert_output --partial "pulled $ref $digest"
	run gadget inspect "$ref"
	assert_success
	assert_line "Category:    tracer"
	diff "$BATS_TEST_TMPDIR/built" <(echo "$output")

	# and the pulled image runs: it sees an exec we make
	gadget run "$ref" -o json --timeout 4 >"$BATS_TEST_TMPDIR/events" 2>"$BATS_TEST_TMPDIR/run.err" &
	runner=$!
	wait_for_line "$BATS_TEST_TMPDIR/run.err" "attached 1 program"
	sh -c 'echo $$ >"$1"; exec true' sh "$BATS_TEST_TMPDIR/marker.pid"
	wait "$runner"
	grep -q "\"pid\":$(cat "$BATS_TEST_TMPDIR/marker.pid")," "$BATS_TEST_TMPDIR/events"
}

# bats test_tags=sanitize
@test "push refuses a blob changed in the store: the registry never gets it" {
	digest=$(pack_image local/corrupt:v1)
	layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' "$(store_blob "$digest")")
	# same size, other bytes: only hashing what is sent can tell
	printf 'X' | dd of="$(store_blob "$layer")" bs=1 seek=100 conv=notrunc status=none
	run gadget push local/corrupt:v1 "$REGISTRY/pushed/corrupt:1"
	assert_failure 1
	assert_output --partial "blob $layer in the store is corrupt (its content has digest sha256:"
	assert_output --partial "run 'gadget store check'"
	run curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/pushed/corrupt/blobs/$layer"
	assert_output 404
	run skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/pushed/corrupt:1"
	assert_failure
}
