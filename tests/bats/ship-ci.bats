#!/usr/bin/env bats
# deploy/ci/: the steps of the GitHub Actions workflow and of the GitLab CI
# template, taken out of the YAML and run as they are (each GitHub step in
# its own `bash -eo pipefail`, GitLab's script in one), against Debian's
# docker-registry on 127.0.0.1 with htpasswd auth: build for amd64 and
# arm64 with --attest, log in, sign, push with attestations (-o json,
# --digest-file), pull into an empty store and verify the signature and
# (in the registry) the attestations.  `gadget` on PATH is the build under test (in CI it is
# the toolchain image's: tests/ship/images.bats runs that one).

bats_require_minimum_version 1.5.0
load helpers
load registry

CI="$GADGET_SRC/deploy/ci"

setup() {
	common_setup
	registry_start --auth
	cd "$BATS_TEST_TMPDIR"
	mkdir bin tmp
	ln -s "$GADGET" bin/gadget
	export PATH="$PWD/bin:$PATH"
	export GADGET_KEY_PASSWORD=ci-key-pass
	gadget key generate --output-key-prefix signing >/dev/null
	"$GADGET" init repo >/dev/null
	cp signing.pub repo/gadget.pub
	export IMAGE="$REGISTRY/ci/repo:v1" REGISTRY_USER REGISTRY_PASSWORD
	export RUNNER_TEMP="$PWD/tmp" CI_PROJECT_DIR="$PWD/repo"
}

teardown() {
	registry_stop
}

# steps FILE: the commands of the recipe, one NUL-terminated script per shell.
steps() {
	python3 - "$1" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
if "jobs" in doc:  # GitHub Actions: one shell per step
    job = doc["jobs"]["gadget"]
    assert job["container"]["image"].split("/")[-1].startswith("gadget-toolchain:")
    scripts = [s["run"] for s in job["steps"] if "run" in s]
    env = job["env"]
else:  # GitLab CI: the script's lines in one shell
    job = doc["gadget"]
    assert job["image"].split("/")[-1].startswith("gadget-toolchain:")
    scripts = ["\n".join(job["script"])]
    env = job["variables"]
# literal values of the recipe's environment (not the CI system's expressions)
pre = "".join(f"export {k}={v!r}\n" for k, v in env.items() if "$" not in v)
for s in scripts:
    sys.stdout.write(pre + s + "\0")
PY
}

# run_recipe FILE: every script of FILE in order, in the gadget's repository;
# stops at the first that fails.
run_recipe() {
	local s
	while IFS= read -r -d '' s; do
		(cd repo && bash --noprofile --norc -eo pipefail -c "$s") || return 1
	done < <(steps "$1")
}

registry_digest() {
	skopeo inspect --raw --tls-verify=false --creds "$REGISTRY_USER:$REGISTRY_PASSWORD" "docker://$1" |
		sha256sum | sed 's/^/sha256:/; s/ .*//'
}

# What both recipes must leave behind: a signed two-architecture index whose
# digest the JSON and the digest file name, with an SBOM and a provenance as
# referrers (the sha256-<hex> tag's index).
check_pushed() {
	local json=$1 digestf=$2 want
	want=$(registry_digest "$IMAGE")
	assert_equal "$(cat "$digestf")" "$want"
	run python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); print(o["reference"], o["digest"], o["signature"], o["attestations"])' "$json"
	assert_output "$IMAGE $want True 2"
	run skopeo inspect --raw --tls-verify=false --creds "$REGISTRY_USER:$REGISTRY_PASSWORD" "docker://$IMAGE"
	run python3 -c 'import json, sys; print(sorted(m["platform"]["architecture"] for m in json.loads(sys.argv[1])["manifests"]))' "$output"
	assert_output "['amd64', 'arm64']"
	run skopeo list-tags --tls-verify=false --creds "$REGISTRY_USER:$REGISTRY_PASSWORD" "docker://$REGISTRY/ci/repo"
	assert_output --partial "\"sha256-${want#sha256:}.sig\""
	run skopeo inspect --raw --tls-verify=false --creds "$REGISTRY_USER:$REGISTRY_PASSWORD" "docker://$REGISTRY/ci/repo:sha256-${want#sha256:}"
	run python3 -c 'import json, sys; print(sorted(m["annotations"]["predicateType"] for m in json.loads(sys.argv[1])["manifests"] if m["artifactType"] == "application/vnd.dsse.envelope.v1+json"))' "$output"
	assert_output "['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document']"
}

@test "the GitHub Actions workflow's steps build both architectures, sign, push and verify" {
	export GADGET_SIGNING_KEY="$(cat signing.key)"
	run run_recipe "$CI/github-actions.yml"
	assert_success
	assert_output --partial "Login succeeded: $REGISTRY"
	assert_output --partial "Verified OK"
	assert_output --regexp "Verified OK: $IMAGE \(sha256:[0-9a-f]{64}\) has 2 attestations signed by gadget.pub \(checked in the registry"
	check_pushed tmp/push.json tmp/digest
	# the signing key did not stay behind
	[ ! -e tmp/gadget.key ]
}

@test "the GitLab CI template's script builds both architectures, sign, push and verify" {
	export GADGET_SIGNING_KEY="$PWD/signing.key"
	run run_recipe "$CI/gitlab-ci.yml"
	assert_success
	assert_output --partial "Verified OK"
	assert_output --regexp "Verified OK: $IMAGE \(sha256:[0-9a-f]{64}\) has 2 attestations signed by gadget.pub \(checked in the registry"
	check_pushed repo/push.json repo/digest
}

@test "the recipes fail at verify when the committed key did not sign the image" {
	export GADGET_SIGNING_KEY="$PWD/signing.key"
	GADGET_KEY_PASSWORD= gadget key generate --output-key-prefix other >/dev/null
	cp other.pub repo/gadget.pub
	run run_recipe "$CI/gitlab-ci.yml"
	assert_failure
	refute_output --partial "Verified OK"
	assert_output --partial "no signature valid for key gadget.pub"
	# it got as far as the push: the failure is the verification's
	[ -s repo/digest ]
}
