# Network namespaces for the packet-side catalogue tests:
#   load ../tools/netns
# netns_create sets NETNS (a unique name, /run/netns/$NETNS) with lo up;
# netns_delete (for teardown) removes it, the processes started in it with
# netns_spawn and its /etc/netns/$NETNS files (ip netns exec bind-mounts
# them over /etc: a resolv.conf of its own).

netns_create() {
	NETNS="gadget-$(basename "$BATS_TEST_FILENAME" .bats | tr -c 'a-zA-Z0-9\n' -)-$$-$RANDOM"
	NETNS=${NETNS:0:60}
	NETNS_PIDS=()
	ip netns add "$NETNS"
	ip -n "$NETNS" link set lo up
}

# netns_spawn OUT CMD...: run CMD in the namespace in the background,
# stdout+stderr to OUT; its pid is appended to NETNS_PIDS and set in SPAWN_PID.
netns_spawn() {
	local out=$1
	shift
	ip netns exec "$NETNS" "$@" >"$out" 2>&1 &
	SPAWN_PID=$!
	NETNS_PIDS+=("$SPAWN_PID")
}

# netns_etc FILE CONTENT: /etc/FILE as processes in the namespace see it
netns_etc() {
	[ -d /etc/netns ] || NETNS_ETC_CREATED=1
	mkdir -p "/etc/netns/$NETNS"
	printf '%s\n' "$2" >"/etc/netns/$NETNS/$1"
}

netns_delete() {
	local p
	for p in "${NETNS_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	NETNS_PIDS=()
	if [ -n "${NETNS:-}" ]; then
		ip netns del "$NETNS" 2>/dev/null || true
		rm -rf "/etc/netns/$NETNS"
		[ -z "${NETNS_ETC_CREATED:-}" ] || rmdir /etc/netns 2>/dev/null || true
		NETNS=
	fi
}
