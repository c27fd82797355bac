# Memory cgroups for the tests: a cgroup of the test's own with a memory
# limit, on whichever hierarchy has the memory controller (cgroup v2 if its
# root offers "memory", else the v1 memory hierarchy).
#   load ../tools/memcg
#   memcg_create NAME BYTES   -> sets MEMCG (the directory)
#   memcg_run CMD...          -> runs CMD inside it (in a child shell)
#   memcg_remove              -> for teardown()

memcg_create() {
	local name=$1 bytes=$2 v2 v1
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
	if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
		MEMCG="$v2/$name"
		mkdir "$MEMCG"
		echo "$bytes" >"$MEMCG/memory.max"
		echo 0 >"$MEMCG/memory.swap.max" 2>/dev/null || true
	elif [ -n "$v1" ]; then
		MEMCG="$v1/$name"
		mkdir "$MEMCG"
		echo "$bytes" >"$MEMCG/memory.limit_in_bytes"
		# no swapping out instead of an OOM kill
		echo 0 >"$MEMCG/memory.swappiness" 2>/dev/null || true
	else
		echo "no memory cgroup controller (neither cgroup v2 nor v1)" >&2
		return 1
	fi
}

memcg_run() {
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$MEMCG" "$@"
}

memcg_remove() {
	[ -n "${MEMCG:-}" ] && [ -d "$MEMCG" ] || return 0
	local p
	for p in $(cat "$MEMCG/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
	for _ in $(seq 50); do rmdir "$MEMCG" 2>/dev/null && return 0; sleep 0.1; done
	rmdir "$MEMCG"
}
