#!/usr/bin/env bats
# OCI 1.1 referrers through the API (distribution-spec v1.1 "Pushing
# Manifests with Subject", "Listing Referrers").  Debian's docker-registry
# (distribution 2.8) has no referrers API, so tests/tools/faultproxy.py
# --referrers-api adds it in front of the registry: OCI-Subject on a
# manifest PUT with a subject, GET /v2/<repo>/referrers/<digest>.  The tag
# fallback (sha256-<hex>) is covered against the bare registry in
# ig-image-pull.bats.

load helpers
load registry
load packager

COSIGN_SIG=application/vnd.dev.cosign.artifact.sig.v1+json
INDEX=application/vnd.oci.image.index.v1+json
MANIFEST=application/vnd.oci.image.manifest.v1+json

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	registry_start
	faultproxy_start --match '^$' --referrers-api
	# signed under the name it is pushed to (the signature names its repository)
	digest=$(pack_image "$PROXY/ref/img:v1")
	gadget key generate --output-key-prefix k >/dev/null
	gadget sign --key k.key "$PROXY/ref/img:v1"
	run gadget push "$PROXY/ref/img:v1"
	assert_success
	assert_output --partial ", signature,"
}

teardown() {
	faultproxy_stop
	registry_stop
}

# referrers_of DIGEST [QUERY]: the proxy's referrers answer, headers in
# headers.txt and the body on stdout.
referrers_of() {
	curl -sf -D headers.txt "http://$PROXY/v2/ref/img/referrers/$1${2:+?$2}"
}

# Delete the .sig tag's manifest on the registry: then (with no fallback
# tag either) only the referrers API knows the signature.
drop_sig_tag() {
	local sigdigest
	sigdigest=$(curl -sfI -H "Accept: $MANIFEST" \
		"http://$REGISTRY/v2/ref/img/manifests/sha256-${digest#sha256:}.sig" |
		tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }')
	run curl -s -X DELETE -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/ref/img/manifests/$sigdigest"
	assert_output 202
	run curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/ref/img/manifests/sha256-${digest#sha256:}.sig"
	assert_output 404
}

@test "push: the registry answers OCI-Subject, so no sha256-<hex> fallback tag is written" {
	run faultproxy_requests
	# the referrer went up by digest and nothing read or wrote the fallback tag
	assert_line --regexp "^PUT /v2/ref/img/manifests/sha256:[0-9a-f]{64} 201$"
	refute_output --partial "manifests/sha256-${digest#sha256:} "
	refute_output --partial "/referrers/"

	# the registry itself holds the image, its .sig tag, and no referrers tag
	run skopeo list-tags --tls-verify=false "docker://$REGISTRY/ref/img"
	assert_success
	assert_equal "$(jq -r '.Tags | sort | join(" ")' <<<"$output")" "sha256-${digest#sha256:}.sig v1"

	# pushing again lists the referrer once and still writes no tag
	gadget push -q "$PROXY/ref/img:v1" >/dev/null
	run skopeo list-tags --tls-verify=false "docker://$REGISTRY/ref/img"
	assert_equal "$(jq -r '.Tags | length' <<<"$output")" 2
	assert_equal "$(referrers_of "$digest" | jq '.manifests | length')" 1
}

@test "the API lists the signature referrer: an image index of its descriptor" {
	referrers_of "$digest" >index.json
	run bash -c "tr -d '\r' <headers.txt | grep -i '^content-type:'"
	assert_output "Content-Type: $INDEX"
	run jq -r '.schemaVersion, .mediaType, (.manifests | length),
		.manifests[0].mediaType, .manifests[0].artifactType' index.json
	assert_output "2
$INDEX
1
$MANIFEST
$COSIGN_SIG"
	# the descriptor is the referrer as the registry stores it: digest, size, subject
	ref=$(jq -r '.manifests[0].digest' index.json)
	curl -sf -H "Accept: $MANIFEST" "http://$REGISTRY/v2/ref/img/manifests/$ref" >referrer.json
	assert_equal "sha256:$(sha256sum referrer.json | cut -d' ' -f1)" "$ref"
	assert_equal "$(stat -c %s referrer.json)" "$(jq -r '.manifests[0].size' index.json)"
	run jq -r '.artifactType, .subject.digest, .layers[0].mediaType' referrer.json
	assert_output "$COSIGN_SIG
$digest
application/vnd.dev.cosign.simplesigning.v1+json"
}

@test "pull, verify and verify --remote find the signature through the API alone" {
	drop_sig_tag
	run curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/ref/img/manifests/sha256-${digest#sha256:}"
	assert_output 404

	export GADGET_STORE=$BATS_TEST_TMPDIR/store2
	run gadget verify --key k.pub "$PROXY/ref/img:v1"
	assert_success
	assert_output "Verified OK: $PROXY/ref/img:v1 is signed by k.pub (checked in the registry, not stored)"
	run faultproxy_requests
	assert_line "REFERRERS ref/img $digest $COSIGN_SIG 1"
	[ ! -e "$GADGET_STORE/index.json" ] || ! grep -q "ref/img" "$GADGET_STORE/index.json"

	run gadget pull "$PROXY/ref/img:v1"
	assert_success
	assert_output --partial ", signature,"
	run gadget verify --key k.pub "$PROXY/ref/img:v1"
	assert_success
	assert_output "Verified OK: $PROXY/ref/img:v1 is signed by k.pub"
	run gadget verify --remote --key k.pub "$PROXY/ref/img:v1"
	assert_success
	assert_output "Verified OK: $PROXY/ref/img:v1 is signed by k.pub (checked in the registry, not stored)"
	# another key does not verify what the API pointed at
	gadget key generate --output-key-prefix other >/dev/null
	run gadget verify --remote --key other.pub "$PROXY/ref/img:v1"
	assert_failure
}

@test "artifactType filters the list; an unknown digest has an empty one, a bad digest is a 400" {
	# a second referrer of another type, pushed by hand: an SBOM-like artifact
	# whose config and only layer are the empty descriptor (already in the repository)
	empty='{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}'
	size=$(curl -sfI -H "Accept: $MANIFEST" "http://$REGISTRY/v2/ref/img/manifests/v1" |
		tr -d '\r' | awk -F': ' 'tolower($1) == "content-length" { print $2 }')
	mt=$(curl -sfI -H "Accept: $MANIFEST" -H "Accept: $INDEX" "http://$REGISTRY/v2/ref/img/manifests/v1" |
		tr -d '\r' | awk -F': ' 'tolower($1) == "content-type" { print $2 }')
	printf '{"schemaVersion":2,"mediaType":"%s","artifactType":"application/vnd.example.sbom.v1+json","config":%s,"layers":[%s],"subject":{"mediaType":"%s","digest":"%s","size":%s},"annotations":{"org.example.sbom.format":"json"}}' \
		"$MANIFEST" "$empty" "$empty" "$mt" "$digest" "$size" >sbom.json
	sbom="sha256:$(sha256sum sbom.json | cut -d' ' -f1)"
	run curl -s -D - -o /dev/null -X PUT -H "Content-Type: $MANIFEST" --data-binary @sbom.json \
		"http://$PROXY/v2/ref/img/manifests/$sbom"
	assert_line --regexp "^HTTP/1.1 201"
	assert_line "OCI-Subject: $digest"$'\r'

	referrers_of "$digest" >all.json
	run bash -c "jq -r '.manifests[].artifactType' all.json | sort"
	assert_output "$COSIGN_SIG
application/vnd.example.sbom.v1+json"
	refute grep -qi '^oci-filters-applied' headers.txt

	# the query percent-encoded, '+' as %2B: a raw '+' reads as a space (Go's url.ParseQuery)
	referrers_of "$digest" "artifactType=application/vnd.example.sbom.v1%2Bjson" >sbom-index.json
	run bash -c "tr -d '\r' <headers.txt | grep -i '^oci-filters-applied:'"
	assert_output "OCI-Filters-Applied: artifactType"
	run jq -r '(.manifests | length), .manifests[0].digest, .manifests[0].annotations["org.example.sbom.format"]' sbom-index.json
	assert_output "1
$sbom
json"
	referrers_of "$digest" "artifactType=${COSIGN_SIG/+/%2B}" >sig-index.json
	run jq -r '.manifests[].artifactType' sig-index.json
	assert_output "$COSIGN_SIG"
	referrers_of "$digest" "artifactType=$COSIGN_SIG" >raw-plus.json
	run jq -c .manifests raw-plus.json
	assert_output "[]"
	referrers_of "$digest" "artifactType=application/x-none" >none.json
	run jq -c .manifests none.json
	assert_output "[]"

	# a digest nothing refers to: 200 and an empty index; a malformed one: 400
	referrers_of "sha256:$(printf '%064d' 0)" >zero.json
	run jq -c '[.mediaType, .manifests]' zero.json
	assert_output "[\"$INDEX\",[]]"
	run curl -s -o /dev/null -w '%{http_code}' "http://$PROXY/v2/ref/img/referrers/not-a-digest"
	assert_output 400

	# the client asks for its own type and finds its signature among both
	drop_sig_tag
	seen=$(faultproxy_requests | wc -l)
	run gadget verify --remote --key k.pub "$PROXY/ref/img:v1"
	assert_success
	run bash -c "curl -s http://$PROXY/__faultproxy/log | tail -n +$((seen + 1))"
	assert_line "REFERRERS ref/img $digest $COSIGN_SIG 1"
	assert_line "GET /v2/ref/img/referrers/$digest?artifactType=application%2Fvnd.dev.cosign.artifact.sig.v1%2Bjson 200"
}
