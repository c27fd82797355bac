# Helpers for the network gadget tests: load ../tools/net after helpers.
# Workloads come from tests/tools/sockets.py; anything that changes network
# behaviour runs in a network namespace of the test's own (netns_new), never
# on the host's interfaces, which other tests share.

SOCKETS_PY="$GADGET_SRC/tests/tools/sockets.py"

# sockets CMD ARGS...: run a workload, its "k=v ..." line in $SOCK_OUT.
sockets() {
	SOCK_OUT=$(python3 "$SOCKETS_PY" "$@")
}

# kv KEY [LINE]: the value of KEY in a "k=v k=v" line (default $SOCK_OUT).
kv() {
	local line=${2-$SOCK_OUT} w
	for w in $line; do
		[ "${w%%=*}" = "$1" ] && { echo "${w#*=}"; return 0; }
	done
	return 1
}

# netns_new NAME: a fresh network namespace with lo up; NETNS_LIST keeps
# what netns_cleanup deletes.
netns_new() {
	ip netns add "$1"
	ip -n "$1" link set lo up
	NETNS_LIST="${NETNS_LIST:-} $1"
}

netns_cleanup() {
	local ns
	for ns in ${NETNS_LIST:-}; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	NETNS_LIST=
}

# A name no other test (or helper) running at the same time uses.
netns_name() {
	echo "gt-$1-$$-$RANDOM"
}
