#!/usr/bin/env bats
# Inspektor Gadget's btfgen layer: an IG image of a tracer whose values come
# from CO-RE reads of task_struct (tests/fixtures/btfgen), with a tar.gz of
# minimal BTFs laid out like btfhub-archive made here with bpftool gen
# min_core_btf, run in a mount namespace where the kernel's BTF is hidden.

load helpers
load ig-image

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	"$GADGET" build "$GADGET_SRC/tests/fixtures/btfgen" -o prog.o >/dev/null
	cp /bin/cat btfprobe
	no_kernel_btf_script
}

# The host's entry as IG's btfgen operator names it, arch as btfhub does.
host_entry() {
	local arch
	arch=$(uname -m)
	[ "$arch" = aarch64 ] && arch=arm64
	(. /etc/os-release 2>/dev/null || . /usr/lib/os-release; echo "$ID/$VERSION_ID/$arch/$(uname -r).btf")
}

# btfgen_tarball OUT ENTRY...: a tar.gz as IG's builder makes it (cd btfs/ARCH; tar c --gz *),
# each entry the minimal BTF of $OBJ (default prog.o).
btfgen_tarball() {
	local out=$1 e
	shift
	rm -rf btfs && mkdir btfs
	bpftool gen min_core_btf /sys/kernel/btf/vmlinux min.btf "${OBJ:-prog.o}"
	for e in "$@"; do
		mkdir -p "btfs/$(dirname "$e")"
		cp min.btf "btfs/$e"
	done
	(cd btfs && tar c --gz --sort=name -f "../$out" *)
}

# ig_btfgen_image REF [TARBALL]: $OBJ (default prog.o) as an IG image (a platform per architecture).
ig_btfgen_image() {
	rm -rf lay
	python3 "$IG_LAYOUT" lay --ref "$1" --ebpf "amd64=${OBJ:-prog.o}" \
		--ebpf "arm64=${OBJ:-prog.o}" \
		--yaml "$GADGET_SRC/tests/fixtures/btfgen/gadget.yaml" ${2:+--btfgen "$2"} \
		--tar ig.tar >/dev/null
	gadget import ig.tar >/dev/null
}

# $NO_KERNEL_BTF CMD...: CMD in a mount namespace where /sys/kernel/btf is
# an empty tmpfs, and every other place libbpf 1.1 looks for a vmlinux BTF
# (btf__load_vmlinux_btf) is /dev/null.  A script that ends in exec: the
# pid of a background run is the gadget's, and its signals reach it.
no_kernel_btf_script() {
	NO_KERNEL_BTF=$BATS_TEST_TMPDIR/no-kernel-btf
	cat >"$NO_KERNEL_BTF" <<-'SH'
	#!/bin/sh
	exec unshare -m --propagation private sh -c '
		mount -t tmpfs gadget-no-btf /sys/kernel/btf || exit 97
		r=$(uname -r)
		for f in /boot/vmlinux-$r /lib/modules/$r/vmlinux-$r /lib/modules/$r/build/vmlinux \
			 /usr/lib/modules/$r/kernel/vmlinux /usr/lib/debug/boot/vmlinux-$r \
			 /usr/lib/debug/boot/vmlinux-$r.debug /usr/lib/debug/lib/modules/$r/vmlinux; do
			[ ! -e "$f" ] || mount --bind /dev/null "$f" || exit 97
		done
		exec "$@"' sh "$@"
	SH
	chmod +x "$NO_KERNEL_BTF"
}

# probe_run no_kernel_btf|host [run args...]: run ig/btfgen:v1 for a few
# seconds, without or with the kernel's BTF, while btfprobe, as uid 65534,
# fails to open btf-marker.missing; events in $OUT, status lines in $ERR.
probe_run() {
	local pid prefix=()
	[ "$1" = host ] || prefix=("$NO_KERNEL_BTF")
	shift
	OUT=$BATS_TEST_TMPDIR/run.out ERR=$BATS_TEST_TMPDIR/run.err
	"${prefix[@]}" "$GADGET" run ig/btfgen:v1 -o json -t 8 "$@" >"$OUT" 2>"$ERR" &
	pid=$!
	wait_for_line "$ERR" "attached" 20 || { kill "$pid"; wait "$pid"; cat "$ERR"; return 1; }
	sh -c 'echo $$ >probe.pid; exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		./btfprobe btf-marker.missing' 2>/dev/null || true
	PROBE_PPID=$BASHPID
	wait_for_line "$OUT" '"comm":"btfprobe"' 5 || { kill "$pid"; wait "$pid"; return 1; }
	kill -TERM "$pid"
	wait "$pid" || true
}

# The probe's event: "pid-is-the-probe ppid-is-the-shell uid comm fname".
probe_event() {
	python3 - "$OUT" "$(cat probe.pid)" "$PROBE_PPID" <<-'PY'
	import json, sys
	for line in open(sys.argv[1]):
	    if not line.startswith("{"):
	        continue
	    e = json.loads(line)
	    if e.get("fname") == "btf-marker.missing":
	        print(e["pid"] == int(sys.argv[2]), e["ppid"] == int(sys.argv[3]), e["uid"],
	              e["comm"], e["fname"])
	PY
}

@test "btfgen: on a kernel without BTF the host's entry is what CO-RE relocates against (exact values)" {
	[ -e /sys/kernel/btf/vmlinux ] || skip "making the btfgen BTF needs this kernel's BTF"
	entry=$(host_entry)
	btfgen_tarball btfgen.tar.gz ubuntu/20.04/x86_64/5.4.0-26-generic.btf "$entry" \
		amzn/2/arm64/4.14.268-205.500.amzn2.aarch64.btf
	ig_btfgen_image ig/btfgen:v1 btfgen.tar.gz

	# the namespace really has no kernel BTF: libbpf finds none
	run "$NO_KERNEL_BTF" sh -c 'ls -A /sys/kernel/btf | wc -l'
	assert_output "0"

	run "$NO_KERNEL_BTF" "$GADGET" inspect ig/btfgen:v1
	assert_success
	assert_line "IG layers:   ebpf, btfgen; gadget.yaml: yes"
	assert_line "BTFgen:      3 BTFs; this host's $entry: yes; used here (this kernel has no BTF)"

	probe_run no_kernel_btf
	run cat "$ERR"
	assert_line "gadget: this kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE relocations use $entry from the image's btfgen layer"
	assert_line --regexp "^gadget: btfgen open \(tracer\) from Inspektor Gadget image ig/btfgen:v1 sha256:[0-9a-f]{64}: attached 1 program"
	run probe_event
	assert_output "True True 65534 btfprobe btf-marker.missing"
	# the extracted BTF was removed after the load
	run sh -c 'ls -A "${TMPDIR:-/tmp}" | grep -c "^\.gadget-btfgen" || true'
	assert_output "0"
}

@test "btfgen: a layer without this host's entry fails naming the entry it looked for" {
	[ -e /sys/kernel/btf/vmlinux ] || skip "making the btfgen BTF needs this kernel's BTF"
	entry=$(host_entry)
	btfgen_tarball other.tar.gz ubuntu/20.04/x86_64/5.4.0-26-generic.btf \
		ubuntu/22.04/x86_64/5.15.0-25-generic.btf centos/8/x86_64/4.18.0-348.el8.x86_64.btf \
		fedora/34/x86_64/5.11.12-300.fc34.x86_64.btf
	ig_btfgen_image ig/btfgen:v1 other.tar.gz

	run "$NO_KERNEL_BTF" "$GADGET" inspect ig/btfgen:v1
	assert_line "BTFgen:      4 BTFs; this host's $entry: no; this kernel has no BTF: cannot run here"

	run "$NO_KERNEL_BTF" "$GADGET" run ig/btfgen:v1 -t 1
	assert_failure 1
	assert_output "gadget: error: this kernel has no BTF (/sys/kernel/btf/vmlinux is absent) and the image's btfgen layer has no BTF for this host: looked for $entry; the layer holds 4 entries: centos/8/x86_64/4.18.0-348.el8.x86_64.btf, fedora/34/x86_64/5.11.12-300.fc34.x86_64.btf, ubuntu/20.04/x86_64/5.4.0-26-generic.btf, ..."
	refute_output --partial "No such file"
}

@test "btfgen: with the kernel's BTF present the layer is ignored (-v says so) and the run is the same" {
	[ -e /sys/kernel/btf/vmlinux ] || skip "this kernel has no BTF"
	entry=$(host_entry)
	btfgen_tarball btfgen.tar.gz "$entry"
	ig_btfgen_image ig/btfgen:v1 btfgen.tar.gz

	run gadget inspect ig/btfgen:v1
	assert_line "BTFgen:      1 BTF; this host's $entry: yes; not used here (this kernel has BTF)"
	gadget inspect -o json ig/btfgen:v1 >inspect.json
	run python3 -c 'import json; print(json.load(open("inspect.json"))["btfgen"])'
	assert_output "{'entries': 1, 'hostEntry': '$entry', 'hostMatch': True, 'kernelBtf': True}"

	probe_run host -v
	run cat "$ERR"
	assert_line "gadget: this kernel has BTF (/sys/kernel/btf/vmlinux): the image's btfgen layer is not used"
	refute_line --partial "CO-RE relocations use"
	run probe_event
	assert_output "True True 65534 btfprobe btf-marker.missing"
}

@test "btfgen: no kernel BTF and no layer: the CO-RE load and tp_btf programs say what is missing" {
	[ -e /sys/kernel/btf/vmlinux ] || skip "this kernel has no BTF"
	ig_btfgen_image ig/btfgen:v1

	run "$NO_KERNEL_BTF" "$GADGET" run ig/btfgen:v1 -t 1
	assert_failure 1
	assert_line --partial "gadget: error: loading the gadget failed: this kernel has no BTF (/sys/kernel/btf/vmlinux is absent: built without CONFIG_DEBUG_INFO_BTF), and the gadget's CO-RE relocations or __ksym externs need it; run an image with a btfgen layer for this kernel"

	# an iterator is attached by BTF id: no layer can stand in for the kernel's
	gadget init snap --type snapshotter >/dev/null
	gadget build snap -o snap.o >/dev/null
	run "$NO_KERNEL_BTF" "$GADGET" run ./snap.o -t 1
	assert_failure 1
	assert_output --regexp "^gadget: error: program '[a-z_]+' \(iter/task\): BPF_PROG_TYPE_TRACING programs are attached by the kernel's BTF ids, and this kernel has no BTF \(/sys/kernel/btf/vmlinux is absent: built without CONFIG_DEBUG_INFO_BTF\); a btfgen layer serves CO-RE reads only$"
}

@test "btfgen: without kernel BTF a pid-only gadget is enriched through /proc (the tp_btf pid tracker cannot load)" {
	[ -e /sys/kernel/btf/vmlinux ] || skip "this kernel has no BTF"
	mkdir pidonly
	cp "$GADGET_SRC/tests/fixtures/enrich/execs_pid.bpf.c" pidonly/
	gadget build pidonly -o pid.o >/dev/null
	# its buffer calls ask CO-RE whether the kernel has ring buffers: it needs a btfgen layer too
	OBJ=pid.o btfgen_tarball pid.tar.gz "$(host_entry)"
	OBJ=pid.o ig_btfgen_image ig/pidonly:v1 pid.tar.gz

	"$NO_KERNEL_BTF" "$GADGET" run ig/pidonly:v1 -o json -t 8 >out 2>err &
	pid=$!
	wait_for_line err "attached" 20 || { kill "$pid"; wait "$pid"; cat err; false; }
	./btfprobe /dev/null
	wait_for_line out '"comm":"btfprobe"' 5 || { kill "$pid"; wait "$pid"; false; }
	kill -TERM "$pid"
	wait "$pid"
	run cat err
	assert_line "gadget: this kernel has no BTF (/sys/kernel/btf/vmlinux): pids are matched to containers through /proc only (a process that exits before its event is read shows none)"
	run python3 -c 'import json, sys; print(*[e["comm"] for e in map(json.loads, open("out")) if e["comm"] == "btfprobe"][:1], sep="")'
	assert_output "btfprobe"
}
