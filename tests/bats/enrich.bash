# Helpers for enrich.bats / metrics.bats: fixtures, fake containers, free ports.

# Compile a fixture gadget to $BATS_TEST_TMPDIR/NAME.o.
compile_fixture() {
	local src=$GADGET_SRC/tests/fixtures/$1 out=$BATS_TEST_TMPDIR/$(basename "$1" .bpf.c).o
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -I"$GADGET_SRC/bpf-headers/x86" \
		-I"$GADGET_SRC/bpf-headers" -c "$src" -o "$out" || return 1
	echo "$out"
}

# `gadget run` exists (its owner may still be writing it).
require_run() {
	if gadget run --help 2>&1 | grep -q "not implemented"; then
		skip "gadget run is not implemented yet"
	fi
}

# A copy of true(1) whose comm says where it ran.
make_marker() {
	cp /bin/true "$BATS_TEST_TMPDIR/$1"
	echo "$BATS_TEST_TMPDIR/$1"
}

# The test's own cgroup subtree: nothing outside it is created or removed.
test_cgroup_root() {
	echo "$(cgroup2_mount)/gadget-test.$$.${BATS_TEST_NUMBER:-0}"
}

# start_container CGROUP_REL MARKER: a shell in a new mount namespace, moved
# into cgroup CGROUP_REL (created under test_cgroup_root), that runs MARKER
# every 100ms, the way a container's process would.  Prints its pid.
start_container() {
	local cg
	cg="$(test_cgroup_root)/$1"
	mkdir -p "$cg"
	unshare -m --propagation private sh -c '
		echo $$ > "$1/cgroup.procs" || exit 1
		while :; do "$2"; sleep 0.1; done' sh "$cg" "$2" </dev/null >/dev/null 2>&1 &
	echo $! >>"$BATS_TEST_TMPDIR/pids"
	# wait until it is in its cgroup
	for _ in $(seq 50); do grep -qx "$!" "$cg/cgroup.procs" 2>/dev/null && break; sleep 0.1; done
	echo $!
}

# Run MARKER every 100ms from the host, in the background.
start_host_loop() {
	(while :; do "$1"; sleep 0.1; done) </dev/null >/dev/null 2>&1 &
	echo $! >>"$BATS_TEST_TMPDIR/pids"
}

# Stop what start_container/start_host_loop started, remove the cgroups.
stop_all() {
	local p cg
	if [ -f "$BATS_TEST_TMPDIR/pids" ]; then
		while read -r p; do kill "$p" 2>/dev/null; done <"$BATS_TEST_TMPDIR/pids"
		while read -r p; do wait "$p" 2>/dev/null; done <"$BATS_TEST_TMPDIR/pids"
	fi
	cg=$(test_cgroup_root)
	if [ -d "$cg" ]; then
		# killed processes leave their cgroup a moment later
		for _ in $(seq 50); do
			find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$cg" ] || break
			sleep 0.1
		done
	fi
}

# A TCP port nobody listens on.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# 64 hex digits, like a container runtime's id.
random_id() {
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'
}
