# Shared setup of the shipping tests (make shiptest): the package file and
# the images made by make deb / runner-image / toolchain-image.
load ../bats/helpers
load ../bats/registry

: "${SHIP_O:=$GADGET_SRC/build}"
# The newest gadget_*.deb of make deb (not the -dbgsym one).
ship_deb() {
	local f
	f=$(ls -t "$SHIP_O"/deb/gadget_*_*.deb 2>/dev/null | grep -v -- '-dbgsym_' | head -1)
	[ -n "$f" ] || { echo "no package in $SHIP_O/deb: run make deb" >&2; return 1; }
	echo "$f"
}

# podman's image by name, or a failure that says which make target makes it.
ship_image() {
	podman image exists "localhost/$1:latest" || { echo "no image $1: run make $2" >&2; return 1; }
	echo "localhost/$1:latest"
}

# Wait until the registry has tag $2 of repository $1 (skopeo as witness).
wait_for_tag() {
	skopeo list-tags --tls-verify=false "docker://$REGISTRY/$1" 2>/dev/null | grep -q "\"$2\""
}

# podman with the settings this host needs (tests/ship/containers.conf).
export CONTAINERS_CONF="$GADGET_SRC/tests/ship/containers.conf"

# The runner the way the README shows it: privileged, the host's pids, the
# kernel's folders; --network=host reaches the test registry on 127.0.0.1.
runner_run() {
	podman run --rm --privileged --pid=host --network=host \
		-v /sys/kernel:/sys/kernel -v /sys/fs/bpf:/sys/fs/bpf "$RUNNER" "$@"
}

# JSON events of file $1 whose "fname" is $2: the fields $3... (space separated).
events_with_fname() {
	python3 - "$@" <<'PY'
import json, sys
path, fname, fields = sys.argv[1], sys.argv[2], sys.argv[3:]
for line in open(path):
    if not line.startswith("{"):
        continue
    e = json.loads(line)
    if e.get("fname") == fname:
        print(" ".join(str(e.get(f)) for f in fields))
PY
}
