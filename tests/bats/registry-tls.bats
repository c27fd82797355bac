#!/usr/bin/env bats
# A registry with htpasswd auth over TLS, with a CA made here by openssl:
# verification, --ca-file, login/logout through Docker's config.json.

load helpers
load registry

setup() {
	common_setup
	BG_PIDS=()
	registry_start --tls --auth
	FIX="$BATS_TEST_TMPDIR/fixture"
	digest=$(make_oci_fixture "$FIX" v1 50000)
	skopeo copy --quiet --dest-cert-dir "$REGISTRY_CERT_DIR" \
		--dest-creds "$REGISTRY_USER:$REGISTRY_PASSWORD" "oci:$FIX:v1" "docker://$REGISTRY/fix/img:v1"
}

teardown() {
	bg_stop_all TERM
	registry_stop
}

login() {
	echo "$REGISTRY_PASSWORD" | gadget login --ca-file "$REGISTRY_CA" -u "$REGISTRY_USER" --password-stdin "$REGISTRY"
}

@test "TLS is verified: an unknown CA is an error, not a fallback to http" {
	run gadget pull "$REGISTRY/fix/img:v1"
	assert_failure 1
	assert_output --partial "TLS verification failed (use --ca-file for a private CA)"
	assert_output --partial "certificate"
}

@test "no credentials: a clear hint to log in" {
	run gadget pull --ca-file "$REGISTRY_CA" "$REGISTRY/fix/img:v1"
	assert_failure 1
	assert_output "gadget: error: registry $REGISTRY: authentication required: run 'gadget login $REGISTRY'"
}

@test "a wrong password gives a clear 401 error and stores nothing" {
	run bash -c "echo wrong-password | $GADGET login --ca-file $REGISTRY_CA -u $REGISTRY_USER --password-stdin $REGISTRY"
	assert_failure 1
	assert_output "gadget: error: registry $REGISTRY: login failed: 401 UNAUTHORIZED: authentication required: wrong username or password?"
	[ ! -e "$HOME/.docker/config.json" ]
}

# bats test_tags=sanitize
@test "login, push, pull into an empty store, logout" {
	run login
	assert_success
	assert_output "Login succeeded: $REGISTRY"
	refute_output --partial "$REGISTRY_PASSWORD"
	[ "$(stat -c %a "$HOME/.docker/config.json")" = 600 ]
	run jq -r --arg r "$REGISTRY" '.auths[$r].auth' "$HOME/.docker/config.json"
	assert_output "$(printf '%s:%s' "$REGISTRY_USER" "$REGISTRY_PASSWORD" | base64)"

	run gadget pull --ca-file "$REGISTRY_CA" "$REGISTRY/fix/img:v1"
	assert_success
	assert_output --partial "pulled $REGISTRY/fix/img:v1 $digest"
	run gadget push --ca-file "$REGISTRY_CA" "$REGISTRY/fix/img:v1" "$REGISTRY/ci/copy:1"
	assert_success
	refute_output --partial "$REGISTRY_PASSWORD"

	export GADGET_STORE="$BATS_TEST_TMPDIR/empty-store"
	run gadget pull --ca-file "$REGISTRY_CA" "$REGISTRY/ci/copy:1"
	assert_success
	assert_output --partial "pulled $REGISTRY/ci/copy:1 $digest"
	# skopeo reads the very same credentials file
	run skopeo inspect --raw --cert-dir "$REGISTRY_CERT_DIR" --authfile "$HOME/.docker/config.json" \
		"docker://$REGISTRY/ci/copy:1"
	assert_success

	run gadget logout "$REGISTRY"
	assert_success
	assert_output "Removed login credentials for $REGISTRY"
	run jq -r --arg r "$REGISTRY" '.auths[$r]' "$HOME/.docker/config.json"
	assert_output null
	run gadget pull --ca-file "$REGISTRY_CA" "$REGISTRY/ci/copy:1"
	assert_failure
	assert_output --partial "authentication required"
	# as docker: logging out twice is no error, it says so
	run gadget logout "$REGISTRY"
	assert_success
	assert_output "gadget: note: not logged in to $REGISTRY"
}

@test "credentials from \$DOCKER_CONFIG" {
	export DOCKER_CONFIG="$BATS_TEST_TMPDIR/dockercfg"
	mkdir -p "$DOCKER_CONFIG"
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" \
		"$(printf '%s:%s' "$REGISTRY_USER" "$REGISTRY_PASSWORD" | base64)" >"$DOCKER_CONFIG/config.json"
	run gadget pull --ca-file "$REGISTRY_CA" "$REGISTRY/fix/img:v1"
	assert_success
	assert_output --partial "$digest"
}

@test "credentials through a docker-credential-* helper (credsStore)" {
	bin="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$bin" "$HOME/.docker"
	# a helper keeping secrets in a file, speaking the get/store/erase protocol
	cat >"$bin/docker-credential-filetest" <<-'SH'
	#!/bin/sh
	db="$HOME/helper.db"
	case "$1" in
	store) cat >"$db" ;;
	get) read host; [ -s "$db" ] && grep -q "\"ServerURL\":\"$host\"" "$db" && cat "$db" || { echo "credentials not found in native keychain"; exit 1; } ;;
	erase) rm -f "$db" ;;
	esac
	SH
	chmod +x "$bin/docker-credential-filetest"
	export PATH="$bin:$PATH"
	echo '{"credsStore":"filetest"}' >"$HOME/.docker/config.json"

	run login
	assert_success
	# the secret went to the helper, not into config.json
	run grep -c "$REGISTRY_PASSWORD" "$HOME/.docker/config.json"
	assert_output 0
	grep -q "$REGISTRY_PASSWORD" "$HOME/helper.db"
	run gadget pull --ca-file "$REGISTRY_CA" "$REGISTRY/fix/img:v1"
	assert_success
	run gadget logout "$REGISTRY"
	assert_success
	[ ! -e "$HOME/helper.db" ]
}

@test "a plain-http token realm behind an https registry: a warning, and no password unless --insecure" {
	local realm_port front_port
	realm_port=$(free_port)
	front_port=$(free_port)
	# the token server, plain http, logging whether it was sent credentials
	python3 "$GADGET_SRC/tests/tools/faultproxy.py" --listen "127.0.0.1:$realm_port" \
		--bearer "$REGISTRY_USER:$REGISTRY_PASSWORD" --match '^$' >"$BATS_TEST_TMPDIR/realm.log" 2>&1 &
	BG_PIDS+=($!)
	# the registry, https, whose challenges name that realm
	python3 "$GADGET_SRC/tests/tools/faultproxy.py" --listen "127.0.0.1:$front_port" \
		--tls "$REGISTRY_DIR/ca/server.crt:$REGISTRY_DIR/ca/server.key" --bearer nobody:nothing \
		--realm "http://127.0.0.1:$realm_port/__faultproxy/token" --match '^$' >"$BATS_TEST_TMPDIR/front.log" 2>&1 &
	BG_PIDS+=($!)
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$realm_port/__faultproxy/health" &&
			curl -s -o /dev/null --cacert "$REGISTRY_CA" "https://127.0.0.1:$front_port/__faultproxy/health" && break
		sleep 0.1
	done
	export DOCKER_CONFIG=$BATS_TEST_TMPDIR/dockercfg
	mkdir -p "$DOCKER_CONFIG"
	printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "$front_port" \
		"$(printf '%s:%s' "$REGISTRY_USER" "$REGISTRY_PASSWORD" | base64)" >"$DOCKER_CONFIG/config.json"

	run gadget pull --ca-file "$REGISTRY_CA" --retries 0 "127.0.0.1:$front_port/fix/img:v1"
	assert_failure 1
	assert_line "gadget: warning: registry 127.0.0.1:$front_port names the plain-http token realm http://127.0.0.1:$realm_port/__faultproxy/token: asking it for a token without credentials (--insecure sends them)"
	assert_output --partial "(credentials are not sent to a plain-http realm behind an https registry: --insecure sends them)"
	run curl -s "http://127.0.0.1:$realm_port/__faultproxy/log"
	assert_line "TOKEN scope=repository:fix/img:pull service=faultproxy denied 127.0.0.1 noauth"
	refute_output --regexp " auth$"
	# --insecure is the user saying the password may go there
	run gadget pull --insecure --ca-file "$REGISTRY_CA" --retries 0 "127.0.0.1:$front_port/fix/img:v1"
	run curl -s "http://127.0.0.1:$realm_port/__faultproxy/log"
	assert_line "TOKEN scope=repository:fix/img:pull service=faultproxy ok 127.0.0.1 auth"
	bg_stop_all TERM
}
