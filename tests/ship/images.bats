#!/usr/bin/env bats
# The images of make runner-image / toolchain-image: sizes, a build in the
# toolchain image with no network, byte-identical to the host's; the runner
# pulling a gadget from the test registry and decoding its events; and
# enrichment naming a second podman container from inside the runner.

bats_require_minimum_version 1.5.0
load ship

setup() {
	common_setup
	RUNNER=$(ship_image gadget-runner runner-image)
	registry_start
	cd "$BATS_TEST_TMPDIR"
	BG_PIDS=()
	SUBJECT=
}

teardown() {
	bg_stop_all
	[ -z "$SUBJECT" ] || podman rm -f -t 0 "$SUBJECT" >/dev/null 2>&1 || true
	registry_stop
}

@test "both images are OCI archives from Debian's packages; the runner has no compiler" {
	TOOLCHAIN=$(ship_image gadget-toolchain toolchain-image)
	local img
	for img in gadget-runner gadget-toolchain; do
		run skopeo inspect --raw "oci-archive:$SHIP_O/images/$img.oci.tar"
		assert_success
		# one layer: the rootfs mmdebstrap made, nothing from a base image
		run python3 -c 'import json, sys; m = json.loads(sys.argv[1]); print(m["config"]["mediaType"], [l["mediaType"] for l in m["layers"]])' "$output"
		assert_output "application/vnd.oci.image.config.v1+json ['application/vnd.oci.image.layer.v1.tar+gzip']"
	done
	run podman run --rm --entrypoint sh "$RUNNER" -c \
		'for p in gadget libbpf1 clang libbpf-dev; do echo "$p $(dpkg-query -W -f "\${db:Status-Status}" $p 2>/dev/null)"; done; command -v clang; gadget --version'
	assert_output --regexp "^gadget installed
libbpf1 installed
clang (not-installed)?
libbpf-dev (not-installed)?
gadget [0-9]"
	run podman run --rm --entrypoint sh "$TOOLCHAIN" -c \
		'for p in gadget clang libbpf-dev; do echo "$p $(dpkg-query -W -f "\${db:Status-Status}" $p)"; done'
	assert_output "gadget installed
clang installed
libbpf-dev installed"
}

@test "the toolchain image builds with no network, the same bytes as the host, into a store the host pushes" {
	TOOLCHAIN=$(ship_image gadget-toolchain toolchain-image)
	"$GADGET" init demo >/dev/null
	mkdir store
	run podman run --rm --network=none -v "$PWD/demo:/src" -v "$PWD/store:/var/lib/gadget/store" \
		"$TOOLCHAIN" build /src -o /src/in-container.o -t "$REGISTRY/ship/demo:v1"
	assert_success
	assert_output --partial "built demo (tracer, 1 program) -> /src/in-container.o"
	"$GADGET" build demo -o host.o >/dev/null 2>&1
	cmp host.o demo/in-container.o
	GADGET_STORE=$PWD/store run "$GADGET" push -q --digest-file d "$REGISTRY/ship/demo:v1"
	assert_success
	[[ $(cat d) == sha256:* ]]
}

@test "the runner pulls a gadget from the registry and prints its decoded events as JSON" {
	"$GADGET" init demo >/dev/null
	"$GADGET" build demo -t "$REGISTRY/ship/demo:v1" >/dev/null 2>&1
	"$GADGET" push -q --digest-file pushed.digest "$REGISTRY/ship/demo:v1" >/dev/null
	local comm="shipcat$RANDOM"
	cp /bin/cat "./$comm"
	echo hi >"target-$comm"
	runner_run run "$REGISTRY/ship/demo:v1" -o json -F "comm=$comm" >out 2>err &
	BG_PIDS+=($!)
	wait_for_line err attached 60
	"./$comm" "$PWD/target-$comm" >/dev/null &
	local pid=$!
	wait "$pid"
	sleep 1
	run events_with_fname out "$PWD/target-$comm" pid comm uid container
	assert_output "$pid $comm 0 "
	# pulled by the runner (its store was empty), the digest the host pushed
	grep -qF "from image $REGISTRY/ship/demo:v1 $(cat pushed.digest) (pulled): attached 1 program" err
}

@test "enrichment from inside the runner names a second podman container" {
	"$GADGET" init demo >/dev/null
	"$GADGET" build demo -t "$REGISTRY/ship/demo:v1" >/dev/null 2>&1
	"$GADGET" push -q "$REGISTRY/ship/demo:v1" >/dev/null
	runner_run run "$REGISTRY/ship/demo:v1" -o json -F comm=cat >out 2>err &
	BG_PIDS+=($!)
	wait_for_line err attached 60
	SUBJECT=shipsubject$RANDOM
	local id
	id=$(podman run -d --name "$SUBJECT" --entrypoint sh "$RUNNER" \
		-c 'while :; do cat /etc/shipsubject-marker 2>/dev/null; sleep 0.2; done')
	sleep 2
	run events_with_fname out /etc/shipsubject-marker comm container runtime container_id
	assert_line "cat ${id:0:12} podman $id"
}
