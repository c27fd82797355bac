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
