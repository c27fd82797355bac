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

# Rules go first, so the connections still open can finish closing instead
# of retransmitting from a deleted namespace for minutes.
netns_cleanup() {
	local ns
	for ns in ${NETNS_LIST:-}; do
		ip netns exec "$ns" nft flush ruleset 2>/dev/null || true
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	done
	[ -z "${NETNS_LIST:-}" ] || sleep 0.3
	for ns in ${NETNS_LIST:-}; do
		ip netns del "$ns" 2>/dev/null || true
	done
	NETNS_LIST=
}

# A name no other test (or helper) running at the same time uses.
netns_name() {
	echo "gt-$1-$$-$RANDOM"
}

# netns_pair A B: two namespaces joined by a veth pair, A 10.254.1.1/24 and
# B 10.254.1.2/24 (the addresses exist only inside them).
netns_pair() {
	netns_new "$1"
	netns_new "$2"
	ip link add "veth$$a" netns "$1" type veth peer name "veth$$b" netns "$2"
	ip -n "$1" addr add 10.254.1.1/24 dev "veth$$a"
	ip -n "$2" addr add 10.254.1.2/24 dev "veth$$b"
	ip -n "$1" link set "veth$$a" up
	ip -n "$2" link set "veth$$b" up
}
