# Shared setup for the end-to-end tests: load with `load helpers`.
# One place for: the gadget binary, a private store per test, bpffs/tracefs,
# the cgroup2 mount, temp dirs.  Registry/CA helpers live in registry.bash.

bats_load_library bats-support
bats_load_library bats-assert

: "${GADGET_SRC:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${GADGET:=$GADGET_SRC/build/gadget}"
export GADGET GADGET_SRC

gadget() { "$GADGET" "$@"; }

# Every test gets its own store and HOME so tests never see each other.
common_setup() {
	export GADGET_STORE="$BATS_TEST_TMPDIR/store"
	export GADGET_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	mount_kernel_fs
}

# Background processes a test started: add their pids to BG_PIDS and call
# bg_stop_all [SIGNAL] (KILL by default) from teardown.
bg_stop_all() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill -"${1:-KILL}" "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	BG_PIDS=()
}

mount_kernel_fs() {
	"$GADGET_SRC/tests/tools/kernel-fs.sh"
}

# The cgroup2 mount point (hybrid hosts mount it at .../unified).
cgroup2_mount() {
	awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts
}

# Ids of loaded BPF programs whose name starts with $1 (bpftool's view).
bpf_prog_ids_named() {
	bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
pre = sys.argv[1]
for p in json.load(sys.stdin):
    if p.get("name", "").startswith(pre):
        print(p["id"])' "$1"
}

# Wait until file $1 contains pattern $2 (up to $3 seconds, default 10).
wait_for_line() {
	local f=$1 pat=$2 t=${3:-10} i
	for ((i = 0; i < t * 10; i++)); do
		grep -q -- "$pat" "$f" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$pat' in $f:" >&2
	cat "$f" >&2 || true
	return 1
}
