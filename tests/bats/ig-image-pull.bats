#!/usr/bin/env bats
# gadget run REF straight from a registry: the pull policy, the verify key on
# what was pulled, the default registry for short names, mirrors, the allow
# list and --platform.  Images are IG's format, written by hand
# (tests/tools/ig_layout.py) and pushed with skopeo.

load helpers
load registry
load packager
load ig-image

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	ig_object
	ig_gadget_yaml gadget.yaml
	registry_start
	digest=$(python3 "$IG_LAYOUT" lay --ref v1 --ebpf "amd64=$IG_OBJ" --ebpf "arm64=$IG_OBJ" --yaml gadget.yaml)
	skopeo_push_fixture lay v1 "$REGISTRY/ig/trace_open:v1"
}

teardown() {
	registry_stop
}

@test "run REF pulls into an empty store once; --pull always follows a moved tag" {
	ig_probe_run "$REGISTRY/ig/trace_open:v1"
	run cat "$IG_ERR"
	assert_line --regexp "^gadget: trace open \(tracer\) from Inspektor Gadget image $REGISTRY/ig/trace_open:v1 $digest \(pulled\): attached 4 programs"
	run ig_probe_event
	assert_output "igprobe $BATS_TEST_TMPDIR/ig-marker.missing ENOENT -1 0 True"
	run gadget images
	assert_line --regexp "^$REGISTRY/ig/trace_open +v1 +${digest:0:19} "

	# the tag moves to another image: missing keeps the store's, always follows
	sed -i 's/^description: .*/description: Trace open files, v2/' gadget.yaml
	digest2=$(python3 "$IG_LAYOUT" lay2 --ref v1 --ebpf "amd64=$IG_OBJ" --yaml gadget.yaml)
	skopeo_push_fixture lay2 v1 "$REGISTRY/ig/trace_open:v1"
	run gadget run "$REGISTRY/ig/trace_open:v1" -t 0.5
	assert_success
	assert_line --regexp "^gadget: trace open \(tracer\) from Inspektor Gadget image $REGISTRY/ig/trace_open:v1 $digest: attached"
	run gadget run --pull always "$REGISTRY/ig/trace_open:v1" -t 0.5
	assert_success
	assert_line --regexp "^gadget: trace open \(tracer\) from Inspektor Gadget image $REGISTRY/ig/trace_open:v1 $digest2 \(pulled\): attached"
	run gadget inspect "$REGISTRY/ig/trace_open:v1"
	assert_line --regexp "^  org.opencontainers.image.description +Trace open files, v2$"
}

@test "--pull never on an empty store fails clearly and fetches nothing" {
	run gadget run --pull never "$REGISTRY/ig/trace_open:v1" -t 1
	assert_failure 1
	assert_output "gadget: error: $REGISTRY/ig/trace_open:v1 is not in the store $GADGET_STORE and --pull never forbids pulling it (gadget pull $REGISTRY/ig/trace_open:v1, or --pull missing)"
	[ ! -e "$GADGET_STORE/blobs/sha256" ] || [ -z "$(ls "$GADGET_STORE/blobs/sha256")" ]
	run gadget run --pull sometimes "$REGISTRY/ig/trace_open:v1"
	assert_failure 2
	assert_output --partial "--pull sometimes: use missing, always or never"
	# an unknown name without a registry says where it looked
	run gadget run nosuch:v1 -t 1
	assert_failure 1
	assert_output "gadget: error: no image nosuch:v1 in the store $GADGET_STORE, and the name has no registry to pull it from (REGISTRY/REPO:TAG, or set GADGET_DEFAULT_REGISTRY)"
}

@test "the verify key applies to what run pulled: unsigned refused, cosign-signed runs" {
	# an unsigned image: pulled, then refused before anything is loaded
	openssl ecparam -name prime256v1 -genkey -noout -out other.pem
	openssl ec -in other.pem -pubout -out other.pub 2>/dev/null
	GADGET_VERIFY_KEY=other.pub run gadget run "$REGISTRY/ig/trace_open:v1" -t 1
	assert_failure 1
	assert_output "gadget: error: refusing to run $REGISTRY/ig/trace_open:v1: signature check with other.pub failed (--insecure-skip-verify runs it anyway): $REGISTRY/ig/trace_open:v1 ($digest) is not signed: no signature $REGISTRY/ig/trace_open:sha256-${digest#sha256:}.sig in the store"

	# signed in cosign's format and pushed beside it: a fresh store pulls both and runs
	sigtag=$(make_cosign_signature lay "$digest" "$REGISTRY/ig/trace_open" keys)
	skopeo_push_fixture lay "$sigtag" "$REGISTRY/ig/trace_open:$sigtag"
	export GADGET_STORE=$BATS_TEST_TMPDIR/store2
	GADGET_VERIFY_KEY=keys/pub.pem run gadget run "$REGISTRY/ig/trace_open:v1" -t 0.5
	assert_success
	assert_line --regexp "^gadget: trace open \(tracer\) from Inspektor Gadget image $REGISTRY/ig/trace_open:v1 $digest \(pulled\), signature verified with keys/pub.pem: attached"
	GADGET_VERIFY_KEY=other.pub run gadget run "$REGISTRY/ig/trace_open:v1" -t 0.5
	assert_failure 1
	assert_output --partial "no signature valid for key other.pub"
}

@test "short names come from the default registry; a mirror serves a registry's images" {
	GADGET_DEFAULT_REGISTRY=$REGISTRY/ig run gadget run trace_open:v1 -t 0.5
	assert_success
	assert_line --regexp "^gadget: trace open \(tracer\) from Inspektor Gadget image $REGISTRY/ig/trace_open:v1 $digest \(pulled\): attached"
	GADGET_DEFAULT_REGISTRY=$REGISTRY/ig run gadget pull trace_open:v1
	assert_success
	assert_output --partial "pulled $REGISTRY/ig/trace_open:v1 $digest"

	# the config file says the same; a local image of the short name wins over it
	mkdir -p "$HOME/.config/gadget"
	printf '{"defaultRegistry": "%s/ig/", "mirrors": {"ghcr.example": "%s"}}\n' "$REGISTRY" "$REGISTRY" \
		>"$HOME/.config/gadget/config.json"
	export GADGET_STORE=$BATS_TEST_TMPDIR/store2
	run gadget run trace_open:v1 -t 0.5
	assert_success
	assert_line --regexp "from Inspektor Gadget image $REGISTRY/ig/trace_open:v1 $digest \(pulled\)"
	gadget tag "$REGISTRY/ig/trace_open:v1" trace_open:local
	run gadget run trace_open:local -t 0.5
	assert_line --regexp "from Inspektor Gadget image trace_open:local $digest: attached"

	# ghcr.example is never contacted: its mirror has the same repository
	run gadget run ghcr.example/ig/trace_open:v1 -t 0.5
	assert_success
	assert_line --regexp "from Inspektor Gadget image ghcr.example/ig/trace_open:v1 $digest \(pulled\)"
	run gadget images
	assert_line --regexp "^ghcr.example/ig/trace_open +v1 +${digest:0:19} "
	# a mirror without the image: gadget pull warns and goes to the registry itself
	GADGET_REGISTRY_MIRRORS="$REGISTRY=127.0.0.1:1" run gadget pull --retries 0 "$REGISTRY/ig/trace_open:v1"
	assert_success
	assert_line --partial "gadget: warning: mirror 127.0.0.1:1 of $REGISTRY failed ("
	assert_line --partial "pulled $REGISTRY/ig/trace_open:v1 $digest"

	echo '{"defaultRegistri": "x"}' >"$HOME/.config/gadget/config.json"
	run gadget run trace_open:v1 -t 0.5
	assert_failure 1
	assert_output "gadget: error: $HOME/.config/gadget/config.json: error: unknown key \"defaultRegistri\" (known: defaultRegistry, mirrors, allowed)"
}

@test "an allow list runs only the images it names: prefix, REPO@DIGEST, nothing else" {
	run gadget run --allowed "$REGISTRY/other/*" "$REGISTRY/ig/trace_open:v1" -t 0.5
	assert_failure 1
	assert_output "gadget: error: refusing to run $REGISTRY/ig/trace_open:v1 ($digest): the allow list ($REGISTRY/other/*) names neither the reference nor the digest"
	run gadget run --allowed "$REGISTRY/other/*,$REGISTRY/ig/*" "$REGISTRY/ig/trace_open:v1" -t 0.5
	assert_success
	run gadget run --allowed "$REGISTRY/ig/trace_open@$digest" "$REGISTRY/ig/trace_open:v1" -t 0.5
	assert_success
	run gadget run --allowed "$REGISTRY/ig/trace_open@sha256:$(printf '0%.0s' {1..64})" "$REGISTRY/ig/trace_open:v1" -t 0.5
	assert_failure 1
	# from the environment; folders and object files carry no name: refused
	GADGET_ALLOWED="$REGISTRY/ig/*" run gadget run "$IG_OBJ" -t 0.5
	assert_failure 1
	assert_output "gadget: error: refusing to run the file $IG_OBJ: an allow list of images is configured ($REGISTRY/ig/*)"
}

@test "--platform linux/ARCH is accepted where --arch is" {
	run gadget pull --platform linux/arm64 "$REGISTRY/ig/trace_open:v1"
	assert_success
	run gadget inspect --platform linux/arm64 "$REGISTRY/ig/trace_open:v1"
	assert_line --regexp "^Manifest:    sha256:[0-9a-f]{64} \(arm64\)$"
	run gadget pull --platform linux/vax "$REGISTRY/ig/trace_open:v1"
	assert_failure 2
	assert_output --partial "--platform linux/vax: unknown architecture 'vax'"
	run gadget run --platform windows/amd64 "$REGISTRY/ig/trace_open:v1"
	assert_failure 2
	assert_output --partial "--platform windows/amd64: expected linux/ARCH (linux/amd64, linux/arm64)"
}
