#!/usr/bin/env bats
# Faults between gadget and the registry, injected by tests/tools/faultproxy.py:
# each ends in a clear error or a successful retry, and the store is never
# left holding a partial or unverified image.

load helpers
load registry

setup() {
	common_setup
	registry_start
	FIX="$BATS_TEST_TMPDIR/fixture"
	digest=$(make_oci_fixture "$FIX" v1 2000000)
	skopeo_push_fixture "$FIX" v1 "$REGISTRY/fault/img:v1"
	layer=$(jq -r '.layers[0].digest' "$FIX/blobs/sha256/${digest#sha256:}")
}

teardown() {
	faultproxy_stop
	registry_stop
}

# Nothing tagged, not the image's manifest nor the faulty layer, no temp
# file left behind, and whatever blob is there is whole: it hashes to its name.
assert_store_clean() {
	if [ -e "$GADGET_STORE/index.json" ]; then
		run grep -c "fault/img" "$GADGET_STORE/index.json"
		assert_output 0
	fi
	[ ! -e "$(store_blob "$layer")" ]
	[ ! -e "$(store_blob "$digest")" ]
	for f in "$GADGET_STORE"/blobs/sha256/*; do
		[ -e "$f" ] || continue
		[ "$(sha256sum "$f" | cut -d' ' -f1)" = "$(basename "$f")" ]
	done
	# the store's own files only: no temp blob left in tmp/ or elsewhere
	run find "$GADGET_STORE" -type f ! -path "*/blobs/sha256/*" ! -name index.json ! -name oci-layout ! -name ".*lock"
	assert_output ""
}

# bats test_tags=sanitize
@test "a blob with a wrong digest is refused and nothing is stored" {
	faultproxy_start --match "$layer" --corrupt
	run gadget pull "$PROXY/fault/img:v1"
	assert_failure 1
	assert_output --regexp "registry $PROXY: refusing blob $layer: blob digest mismatch: expected $layer, got sha256:[0-9a-f]{64}"
	assert_store_clean
}

# bats test_tags=sanitize
@test "a connection cut mid-blob is retried and the pull completes" {
	faultproxy_start --match "$layer" --cut 1
	run gadget pull "$PROXY/fault/img:v1"
	assert_success
	assert_output --partial "pulled $PROXY/fault/img:v1 $digest"
	cmp "$FIX/blobs/sha256/${layer#sha256:}" "$(store_blob "$layer")"
	run faultproxy_requests
	[ "$(grep -c "GET /v2/fault/img/blobs/$layer" <<<"$output")" -eq 2 ]
}

@test "a connection cut every time ends in a clear error, store untouched" {
	faultproxy_start --match "$layer" --cut 100
	run gadget pull --retries 2 "$PROXY/fault/img:v1"
	assert_failure 1
	assert_output --regexp "GET /v2/fault/img/blobs/$layer: .*(reset|transfer closed|Recv failure).*after retries"
	assert_store_clean
}

@test "500s then success: pull and push retry with backoff" {
	faultproxy_start --match "/v2/fault/img/(blobs|manifests)" --status 500 --times 2
	run gadget pull "$PROXY/fault/img:v1"
	assert_success
	assert_output --partial "$digest"
	src="$PROXY/fault/img:v1"
	faultproxy_stop

	faultproxy_start --match "/blobs/uploads/" --status 503 --times 2
	run gadget push "$src" "$PROXY/fault/copy:1"
	assert_success
	run faultproxy_requests
	[ "$(grep -c ' 503$' <<<"$output")" -eq 2 ]
}

@test "a registry that keeps failing shows its OCI error" {
	faultproxy_start --match "/blobs/" --status 500 --times 100
	run gadget pull --retries 1 "$PROXY/fault/img:v1"
	assert_failure 1
	assert_output --partial "500 UNAVAILABLE: injected failure"
	assert_store_clean
}

@test "slow responses past the timeout end in a clear error" {
	faultproxy_start --match "/blobs/" --delay 4
	SECONDS=0
	run gadget pull --timeout 1 --retries 1 "$PROXY/fault/img:v1"
	assert_failure 1
	assert_output --partial "no progress for 1s (--timeout), after retries"
	[ "$SECONDS" -lt 10 ]
	assert_store_clean
}

@test "credentials are not sent to another host after a redirect" {
	registry_stop
	registry_start --auth
	skopeo copy --quiet --dest-tls-verify=false --dest-creds "$REGISTRY_USER:$REGISTRY_PASSWORD" \
		"oci:$FIX:v1" "docker://$REGISTRY/fault/img:v1"
	faultproxy_start --match "/blobs/sha256:" --redirect --upstream-auth "$REGISTRY_USER:$REGISTRY_PASSWORD"
	echo "$REGISTRY_PASSWORD" | gadget login -u "$REGISTRY_USER" --password-stdin "$PROXY"

	run gadget pull "$PROXY/fault/img:v1"
	assert_success
	assert_output --partial "pulled $PROXY/fault/img:v1 $digest"
	run faultproxy_requests
	# both blobs went through the storage redirect, without the registry's credentials
	[ "$(grep -c "^GET /v2/fault/img/blobs/sha256:[0-9a-f]* 307$" <<<"$output")" -eq 2 ]
	[ "$(grep -c "^REDIRECTED GET /v2/fault/img/blobs/sha256:[0-9a-f]* noauth$" <<<"$output")" -eq 2 ]
	refute_output --regexp "REDIRECTED .* auth$"
}

@test "Bearer token auth: the realm/service/scope flow, and a wrong password refused" {
	faultproxy_start --match '^$' --bearer "alice:tok-pass"
	run bash -c "echo wrong | $GADGET login -u alice --password-stdin $PROXY"
	assert_failure 1
	assert_output "gadget: error: token server http://$PROXY/__faultproxy/token: 401: authentication failed"

	echo tok-pass | gadget login -u alice --password-stdin "$PROXY"
	run gadget pull "$PROXY/fault/img:v1"
	assert_success
	assert_output --partial "pulled $PROXY/fault/img:v1 $digest"
	run faultproxy_requests
	assert_line "TOKEN scope= service=faultproxy denied 127.0.0.1 auth"
	assert_line "TOKEN scope= service=faultproxy ok 127.0.0.1 auth"
	# the pull asks for a token scoped to the repository, once
	[ "$(grep -c '^TOKEN scope=repository:fault/img:pull service=faultproxy ok 127.0.0.1 auth$' <<<"$output")" -eq 1 ]
	refute_output --regexp "^GET /v2/fault/img/blobs/.* 401$"
}

@test "a 401 from the host a redirect led to gets no credentials, nor does the realm it names" {
	registry_stop
	registry_start --auth
	skopeo copy --quiet --dest-tls-verify=false --dest-creds "$REGISTRY_USER:$REGISTRY_PASSWORD" \
		"oci:$FIX:v1" "docker://$REGISTRY/fault/img:v1"
	faultproxy_start --match "/blobs/sha256:" --redirect --redirect-401
	echo "$REGISTRY_PASSWORD" | gadget login -u "$REGISTRY_USER" --password-stdin "$PROXY"

	run gadget pull --retries 0 "$PROXY/fault/img:v1"
	assert_failure 1
	assert_output --regexp "registry $PROXY: GET /v2/fault/img/blobs/sha256:[0-9a-f]{64}: http://localhost:[0-9]+/__faultproxy/redirected/v2/fault/img/blobs/sha256:[0-9a-f]{64}, where the registry redirected it, asks for credentials: they only go to $PROXY"
	run faultproxy_requests
	assert_line --regexp "^REDIRECTED GET /v2/fault/img/blobs/sha256:[0-9a-f]* noauth$"
	# the second host's realm was never asked, with or without the registry's password
	refute_output --partial "TOKEN"
	assert_store_clean
}

@test "Bearer: credentials go only to the realm the registry named first" {
	faultproxy_start --match '^$' --bearer "alice:tok-pass" --switch-realm
	echo tok-pass | gadget login -u alice --password-stdin "$PROXY"
	run gadget pull --retries 0 "$PROXY/fault/img:v1"
	assert_failure 1
	assert_output --partial "token server http://localhost:${PROXY##*:}/__faultproxy/token: 401: authentication failed (credentials are only sent to http://$PROXY/__faultproxy/token, the realm the registry named first)"
	run faultproxy_requests
	assert_line "TOKEN scope= service=faultproxy ok 127.0.0.1 auth"
	assert_line "TOKEN scope=repository:fault/img:pull service=faultproxy denied localhost noauth"
	refute_output --partial "localhost auth"
	assert_store_clean
}

# hostile_pull MESSAGE PROXY-ARGS...: a pull against a proxy sending a
# hostile body must end with MESSAGE within twice its --timeout of 5 s.
hostile_pull() {
	local msg=$1
	shift
	faultproxy_stop
	faultproxy_start "$@"
	SECONDS=0
	run timeout 60 "$GADGET" pull --timeout 5 --retries 0 "$PROXY/fault/img:v1"
	assert_failure 1
	assert_output --partial "$msg"
	[ "$SECONDS" -le 10 ]
	assert_store_clean
}

# bats test_tags=sanitize
@test "endless manifest, /v2/, error and token bodies are refused at once" {
	hostile_pull "GET /v2/fault/img/manifests/v1: a 200 answer larger than 4096 KiB: refusing it" \
		--match "/manifests/v1" --endless
	hostile_pull "GET /v2/: a 200 answer larger than 64 KiB: refusing it" --match "^/v2/$" --endless
	hostile_pull "GET /v2/fault/img/manifests/v1: a 404 answer larger than 64 KiB: refusing it" \
		--match "/manifests/v1" --endless --body-status 404 --body-type application/json
	hostile_pull "/__faultproxy/token: a 200 answer larger than 64 KiB: refusing it" \
		--match "^/__faultproxy/token" --endless --body-type application/json --bearer "alice:tok-pass"
}

@test "an oversized manifest is refused from its Content-Length; 3 B/s drips end within the timeout" {
	hostile_pull "GET /v2/fault/img/manifests/v1: a 200 answer larger than 4096 KiB: refusing it" \
		--match "/manifests/v1" --oversized 5000000
	hostile_pull "GET /v2/fault/img/manifests/v1: slower than 1024 bytes/s for 5s (--timeout)" \
		--match "/manifests/v1" --drip 3
	hostile_pull "GET /v2/fault/img/blobs/$layer: slower than 1024 bytes/s for 5s (--timeout)" \
		--match "/blobs/$layer" --drip 3 --body-type application/octet-stream
}

# The headers read are the final answer's (curl_easy_header, CURLH_HEADER):
# a 100 Continue's digest, type and Location before it are not.
@test "an interim 100 Continue's headers are not taken for the answer's" {
	faultproxy_start --match "^/v2/fault/" --interim
	run gadget pull "$PROXY/fault/img:v1"
	assert_success
	assert_output --partial "pulled $PROXY/fault/img:v1 $digest"
	# push (from another registry's name: an upload, not a mount): the
	# upload's Locations, chunk after chunk, and the manifest's digest
	gadget pull -q "$REGISTRY/fault/img:v1"
	run gadget push --chunk-size 300000 "$REGISTRY/fault/img:v1" "$PROXY/fault/copy:1"
	assert_success
	run skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/fault/copy:1"
	assert_success
	[ "$(printf %s "$output" | sha256sum | cut -d' ' -f1)" = "${digest#sha256:}" ]
	run faultproxy_requests
	assert_line --regexp "^POST /v2/fault/copy/blobs/uploads/ 202$"
	assert_line --regexp "^PATCH /v2/fault/copy/blobs/uploads/[-0-9a-f]+\?_state=.* 202$"
	assert_line "PUT /v2/fault/copy/manifests/1 201"
}

@test "a 401 offering several challenges: the one gadget can answer is taken" {
	faultproxy_start --match '^$' --bearer "alice:tok-pass" --extra-challenge 'Negotiate'
	echo tok-pass | gadget login -u alice --password-stdin "$PROXY"
	run gadget pull "$PROXY/fault/img:v1"
	assert_success
	assert_output --partial "pulled $PROXY/fault/img:v1 $digest"
	run faultproxy_requests
	[ "$(grep -c '^TOKEN scope=repository:fault/img:pull service=faultproxy ok 127.0.0.1 auth$' <<<"$output")" -eq 1 ]
}
