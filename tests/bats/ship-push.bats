#!/usr/bin/env bats
# gadget push for pipelines: --digest-file and -o json (what the CI recipes
# in deploy/ci/ read), against Debian's docker-registry on 127.0.0.1, with
# skopeo as the witness of which digest the registry holds.

bats_require_minimum_version 1.5.0
load helpers
load registry

setup() {
	common_setup
	registry_start
	cd "$BATS_TEST_TMPDIR"
	mkdir execsnoop
	cp "$GADGET_SRC/tests/fixtures/packager/execsnoop.bpf.c" execsnoop/
	REF="$REGISTRY/ci/execsnoop:v1"
	gadget build execsnoop -t "$REF" >/dev/null 2>&1
}

teardown() {
	registry_stop
}

# The digest the registry serves for a tag, as skopeo computes it.
registry_digest() {
	skopeo inspect --raw --tls-verify=false "docker://$1" | sha256sum | sed 's/^/sha256:/; s/ .*//'
}

@test "push --digest-file writes the digest the registry serves, and nothing else" {
	run gadget push --digest-file out.digest "$REF"
	assert_success
	assert_equal "$(cat out.digest)" "$(registry_digest "$REF")"
	# podman/buildah form: the digest alone, no newline
	assert_equal "$(wc -c <out.digest)" 71
	# the human summary still says the same digest
	assert_output --partial "pushed $REF $(cat out.digest) ("
}

# bats test_tags=sanitize
@test "push -o json prints one object a pipeline can read" {
	gadget key generate --output-key-prefix k >/dev/null
	gadget sign --key k.key "$REF" >/dev/null
	run gadget push -q -o json "$REF" "$REGISTRY/ci/copy:v2"
	assert_success
	assert_equal "${#lines[@]}" 1
	run python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
print(o["reference"], o["digest"], o["mediaType"], o["size"] > 0, o["signature"],
      o["blobs"]["sent"], o["upToDate"], o["bytes"] > 0, o["requests"] > 0, o["seconds"] >= 0)' <<<"$output"
	assert_output "$REGISTRY/ci/copy:v2 $(registry_digest "$REGISTRY/ci/copy:v2") application/vnd.oci.image.manifest.v1+json True True 4 False True True True"
	# 4 blobs: the image's config and program, the signature's config and payload
	# pushed again: up to date, nothing sent
	run gadget push -o json "$REF" "$REGISTRY/ci/copy:v2"
	assert_success
	run python3 -c 'import json, sys; o = json.loads(sys.stdin.read()); print(o["upToDate"], o["blobs"]["sent"])' <<<"$output"
	assert_output "True 0"
}

@test "push -o takes json only; pull takes neither option" {
	run gadget push -o yaml "$REF"
	assert_failure 2
	assert_output "gadget push: error: --output: unknown value 'yaml' (one of json) (see 'gadget help push')"
	run gadget pull --digest-file x "$REF"
	assert_failure 2
	assert_output --partial "gadget pull: error: unknown option '--digest-file'"
	[ ! -e x ]
}

@test "a failed push writes no digest file" {
	registry_stop
	run gadget push --retries 0 --timeout 2 --digest-file out.digest "$REF"
	assert_failure 1
	[ ! -e out.digest ]
}
