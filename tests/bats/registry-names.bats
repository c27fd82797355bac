#!/usr/bin/env bats
# Which registries may speak plain http: those whose name resolves to
# loopback (127.0.0.0/8, ::1) or is "localhost", decided from the address,
# not the spelling.  Names are mapped in a private network namespace
# (its own /etc/hosts) to an address that is not loopback.

load helpers
load registry
load ../tools/netns

setup() {
	common_setup
	netns_create
	# an address that is not loopback, on the namespace's own lo: reachable, private
	ip -n "$NETNS" addr add 10.231.0.1/32 dev lo
	netns_etc hosts "$(printf '127.0.0.1 localhost\n10.231.0.1 localhost.evil.example 127.evil.example\n')"
	PORT=5000
	# a registry front demanding Basic credentials, logging whether it got them
	netns_spawn "$BATS_TEST_TMPDIR/proxy.log" python3 "$GADGET_SRC/tests/tools/faultproxy.py" \
		--listen "10.231.0.1:$PORT" --basic "alice:s3cret" --lifetime 120
	for _ in $(seq 50); do
		in_ns curl -s -o /dev/null "http://10.231.0.1:$PORT/__faultproxy/health" && break
		sleep 0.1
	done
	export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker
	mkdir -p "$DOCKER_CONFIG"
	auth=$(printf alice:s3cret | base64)
	printf '{"auths":{"localhost.evil.example:%s":{"auth":"%s"},"127.evil.example:%s":{"auth":"%s"}}}\n' \
		"$PORT" "$auth" "$PORT" "$auth" >"$DOCKER_CONFIG/config.json"
}

teardown() {
	netns_delete
}

in_ns() {
	ip netns exec "$NETNS" "$@"
}

proxy_log() {
	in_ns curl -s "http://10.231.0.1:$PORT/__faultproxy/log"
}

@test "names that only look like loopback get https, never plain http with credentials" {
	local name
	for name in localhost.evil.example 127.evil.example; do
		run in_ns "$GADGET" pull --timeout 5 --retries 0 "$name:$PORT/x/y:v1"
		assert_failure 1
		# the far end speaks plain http: the TLS handshake fails, nothing falls back
		assert_output --partial "registry $name:$PORT: GET /v2/: "
		assert_output --partial "SSL"
	done
	run proxy_log
	assert_output ""
	# --insecure is how a user allows plain http (and here the password goes out)
	run in_ns "$GADGET" pull --insecure --timeout 5 --retries 0 "127.evil.example:$PORT/x/y:v1"
	assert_failure 1
	run proxy_log
	assert_line "BASIC /v2/ auth"
}
