#!/usr/bin/env bats
# The store survives SIGKILL at any moment of a pull, an import and a build
# -t: `gadget store check` passes afterwards (leftover temp files are
# reported, harmless, and `--repair` removes them; flock locks die with
# their process, so there are no stale locks), and a retry succeeds.  Two
# pulls of the same image at once both succeed.

bats_require_minimum_version 1.5.0
load helpers
load registry

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	BG_PIDS=()
}

teardown() {
	bg_stop_all
	faultproxy_stop
	registry_stop
}

# A registry holding fault/img:v1 with a layer of $1 random bytes; its
# manifest digest in DIGEST, the layer's in LAYER.
registry_with_image() {
	registry_start
	FIX="$BATS_TEST_TMPDIR/fixture"
	DIGEST=$(make_oci_fixture "$FIX" v1 "$1")
	skopeo_push_fixture "$FIX" v1 "$REGISTRY/fault/img:v1"
	LAYER=$(jq -r '.layers[0].digest' "$FIX/blobs/sha256/${DIGEST#sha256:}")
}

# The store is sound: check exits 0 and finds no corrupt or missing blob
# and no broken name (leftover temp files may be listed).
assert_store_sound() {
	run gadget store check
	assert_success
	assert_line --regexp ": [0-9]+ blobs, 0 corrupt, 0 missing, 0 broken names, [0-9]+ temporary files"
	refute_output --partial "content has digest"
	refute_output --partial "is missing"
}

# ... and after --repair nothing at all is left to report.
assert_store_repaired() {
	run gadget store check --repair
	assert_success
	run gadget store check
	assert_success
	assert_output --regexp "^[^ ]+: [0-9]+ blobs, 0 corrupt, 0 missing, 0 broken names, 0 temporary files$"
	assert_equal "$(ls -A "$GADGET_STORE/tmp")" ""
}

# kill_after SECONDS ARGS...: start gadget ARGS (the binary itself, not the
# helper function: a background function is a subshell, and SIGKILL would
# hit the subshell, not gadget), SIGKILL it after SECONDS if still running.
kill_after() {
	local d=$1; shift
	"$GADGET" "$@" >/dev/null 2>&1 &
	local pid=$!
	sleep "$d"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Bytes of the blob file in the store's tmp/ that process $1 is writing
# (an unnamed O_TMPFILE file shows as "tmp/#INODE (deleted)"), or nothing.
partial_blob_size() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in
		"$GADGET_STORE/tmp/"*) stat -L -c %s "$fd" 2>/dev/null && return ;;
		esac
	done
}

# interrupt_pull_mid_blob SIGNAL: a pull is stopped by SIGNAL in the middle
# of its 8 MB layer; nothing of it may be left anywhere in the store.
interrupt_pull_mid_blob() {
	registry_with_image 8000000
	# 8 MB at 1 MB/s through the proxy: the pull is mid-blob for seconds
	faultproxy_start --rate 1000000
	"$GADGET" pull --quiet "$PROXY/fault/img:v1" >/dev/null 2>&1 &
	local pid=$! i size=
	BG_PIDS+=("$pid")
	for ((i = 0; i < 100; i++)); do
		size=$(partial_blob_size "$pid")
		[ -n "$size" ] && [ "$size" -gt 100000 ] && break
		sleep 0.1
	done
	assert [ "${size:-0}" -gt 100000 ]
	kill -"$1" "$pid"
	wait "$pid" || true
	# the partial blob had no name: it is gone with the process, tmp/ is empty
	assert_equal "$(ls -A "$GADGET_STORE/tmp")" ""
	[ ! -e "$(store_blob "$LAYER")" ]
	run gadget images
	refute_output --partial "fault/img"
	assert_store_sound
	assert_output --regexp ", 0 temporary files$"
	assert_store_repaired
	run gadget pull --quiet "$REGISTRY/fault/img:v1"
	assert_success
	run gadget images
	assert_output --partial "$REGISTRY/fault/img"
	[ "$(sha256sum "$(store_blob "$LAYER")" | cut -c1-64)" = "${LAYER#sha256:}" ]
	assert_store_repaired
}

@test "SIGKILL mid-blob during a pull: nothing tagged, no partial blob left, store check passes, a retry succeeds" {
	interrupt_pull_mid_blob KILL
}

@test "SIGTERM mid-blob during a pull: the partial blob is not left behind" {
	interrupt_pull_mid_blob TERM
}

@test "SIGKILL at many moments of a pull: the store always checks sound, then a pull succeeds" {
	registry_with_image 3000000
	faultproxy_start --rate 3000000
	local d
	for d in 0.05 0.15 0.3 0.5 0.7 0.9 1.2; do
		kill_after "$d" pull --quiet "$PROXY/fault/img:v1"
		assert_store_sound
		# a tag only ever names a whole image
		if gadget images | grep -q fault/img; then
			[ "$(sha256sum "$(store_blob "$LAYER")" | cut -c1-64)" = "${LAYER#sha256:}" ]
		fi
		gadget rmi "$PROXY/fault/img:v1" >/dev/null 2>&1 || true
	done
	run gadget pull --quiet "$PROXY/fault/img:v1"
	assert_success
	assert_store_repaired
}

@test "SIGKILL at many moments of an import of a big archive: store check passes, then the import succeeds" {
	FIX="$BATS_TEST_TMPDIR/layout"
	DIGEST=$(make_oci_fixture "$FIX" big:v1 64000000)
	tar -C "$FIX" -cf big.tar .
	local d
	for d in 0.05 0.1 0.2 0.3 0.4 0.5 0.6; do	# the whole import takes ~0.6 s
		kill_after "$d" import big.tar
		assert_store_sound
		gadget rmi big:v1 >/dev/null 2>&1 || true
	done
	run gadget import big.tar
	assert_success
	assert_output --partial "Imported: big:v1"
	run gadget images
	assert_line --regexp "^big +v1 +$(cut -c1-19 <<<"$DIGEST") "
	assert_store_repaired
}

@test "SIGKILL at many moments of a build -t: store check passes, then the build succeeds" {
	"$GADGET" init demo >/dev/null
	local d
	for d in 0.1 0.3 0.5 0.7 0.9 1.2; do
		kill_after "$d" build demo -t demo:v1 --no-cache
		assert_store_sound
	done
	run gadget build demo -t demo:v1 --no-cache
	assert_success
	run gadget images
	assert_line --regexp "^demo +v1 +sha256:"
	assert_store_repaired
}

@test "two pulls of the same image at once both succeed and the store checks clean" {
	registry_with_image 6000000
	# slowed so that the two transfers overlap
	faultproxy_start --rate 6000000
	"$GADGET" pull --quiet "$PROXY/fault/img:v1" >a.out 2>&1 &
	local a=$! ra=0 rb=0
	"$GADGET" pull --quiet "$PROXY/fault/img:v1" >b.out 2>&1 &
	local b=$!
	BG_PIDS+=("$a" "$b")
	wait "$a" || ra=$?
	wait "$b" || rb=$?
	assert_equal "$ra $rb" "0 0"
	# both transferred the layer: they really ran side by side
	run grep -c "GET /v2/fault/img/blobs/$LAYER 200" <(faultproxy_requests)
	assert_output 2
	run gadget images
	assert_equal "$(grep -c "fault/img" <<<"$output")" 1
	[ "$(sha256sum "$(store_blob "$LAYER")" | cut -c1-64)" = "${LAYER#sha256:}" ]
	assert_store_repaired
}
