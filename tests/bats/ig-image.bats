#!/usr/bin/env bats
# Inspektor Gadget's image format, read: an OCI layout written by hand from
# IG's spec (tests/tools/ig_layout.py) imported, inspected, run, verified and
# exported; the same image through the test registry with skopeo.

load helpers
load registry
load packager
load ig-image

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	ig_object
	ig_gadget_yaml gadget.yaml
}

teardown() {
	registry_stop
}

@test "an IG layout imports, inspects as IG's format and runs with exact decoded values" {
	digest=$(python3 "$IG_LAYOUT" lay --ref ig/trace_open:v1 --ebpf "amd64=$IG_OBJ" \
		--ebpf "arm64=$IG_OBJ" --yaml gadget.yaml --tar ig.tar)
	run gadget import ig.tar
	assert_success
	assert_output "Imported: ig/trace_open:v1"

	run gadget inspect ig/trace_open:v1
	assert_success
	assert_line "Digest:      $digest"
	assert_line "Platforms:   amd64,arm64"
	assert_line "Format:      ig (Inspektor Gadget)"
	assert_line "IG layers:   ebpf; gadget.yaml: yes"
	assert_line --regexp "^  org.opencontainers.image.title +trace open$"
	assert_line --regexp "^  org.opencontainers.image.source +https://example.com/src/trace_open$"
	assert_line --regexp "^Category: +tracer$"
	assert_line --regexp "^  path +char\[256\] +off 60 +size 256 +string"
	# -o json carries the format and the gadget.yaml bytes as they are in the image
	gadget inspect -o json ig/trace_open:v1 >inspect.json
	run python3 -c 'import json; j = json.load(open("inspect.json")); print(j["format"]); print(j["config"] == open("gadget.yaml").read()); print(j["manifest"]["artifactType"])'
	assert_output "ig
True
application/vnd.gadget.v1+binary"

	ig_probe_run ig/trace_open:v1
	run cat "$IG_ERR"
	assert_line --regexp "^gadget: trace open \(tracer\) from Inspektor Gadget image ig/trace_open:v1 $digest: attached 4 programs"
	run ig_probe_event
	assert_output "igprobe $BATS_TEST_TMPDIR/ig-marker.missing ENOENT -1 0 True"
}

@test "an IG image without gadget.yaml (OCI empty config) takes its name from the reference" {
	python3 "$IG_LAYOUT" lay --ref reg.example/team/opens:v2 --ebpf "amd64=$IG_OBJ" --tar ig.tar >/dev/null
	# the config is the OCI empty descriptor, its 2 bytes inline as "data"
	man=$(python3 -c 'import json; i = json.load(open("lay/index.json"))["manifests"][0]["digest"][7:]; x = json.load(open("lay/blobs/sha256/" + i)); print(x["manifests"][0]["digest"][7:])')
	run python3 -c "import json; c = json.load(open('lay/blobs/sha256/$man'))['config']; print(c['mediaType'], c['digest'], c['size'], c['data'])"
	assert_output "application/vnd.oci.empty.v1+json sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a 2 e30="
	gadget import ig.tar
	run gadget inspect reg.example/team/opens:v2
	assert_line "IG layers:   ebpf; gadget.yaml: none (empty config)"
	ig_probe_run reg.example/team/opens:v2
	run cat "$IG_ERR"
	assert_line --regexp "^gadget: opens \(tracer\) from Inspektor Gadget image reg.example/team/opens:v2 sha256:"
	run ig_probe_event
	assert_output "igprobe $BATS_TEST_TMPDIR/ig-marker.missing ENOENT -1 0 True"
}

@test "a wasm layer: the eBPF part runs alone when it has output, else a clear refusal" {
	printf '\0asm\1\0\0\0' >mod.wasm
	python3 "$IG_LAYOUT" lay --ref ig/withwasm:v1 --ebpf "amd64=$IG_OBJ" --yaml gadget.yaml \
		--wasm mod.wasm --tar ig.tar >/dev/null
	gadget import ig.tar
	run gadget inspect ig/withwasm:v1
	assert_line "IG layers:   ebpf, wasm; gadget.yaml: yes"
	ig_probe_run ig/withwasm:v1
	run cat "$IG_ERR"
	assert_line --regexp "^gadget: trace open \(tracer\) from Inspektor Gadget image ig/withwasm:v1 sha256:[0-9a-f]{64}, its wasm module not run \(no wasm runtime here\): attached 4 programs"
	run ig_probe_event
	assert_output "igprobe $BATS_TEST_TMPDIR/ig-marker.missing ENOENT -1 0 True"

	# an ELF whose only output is a map a wasm module would read: nothing to show without it
	cat >nooutput.bpf.c <<-'C'
	#include "vmlinux.h"
	#include <bpf/bpf_helpers.h>
	struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u64); } seen SEC(".maps");
	SEC("tracepoint/syscalls/sys_enter_openat")
	int count_open(void *ctx) { __u32 k = 0; __u64 one = 1; bpf_map_update_elem(&seen, &k, &one, BPF_ANY); return 0; }
	char LICENSE[] SEC("license") = "GPL";
	C
	clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -I"$GADGET_SRC/bpf-headers/x86" \
		-I"$GADGET_SRC/bpf-headers" -c nooutput.bpf.c -o nooutput.o
	rm -rf lay2
	python3 "$IG_LAYOUT" lay2 --ref ig/needswasm:v1 --ebpf amd64=nooutput.o --wasm mod.wasm --tar ig2.tar >/dev/null
	gadget import ig2.tar
	run gadget run ig/needswasm:v1 -t 1
	assert_failure 1
	assert_output "gadget: error: ig/needswasm:v1: this Inspektor Gadget image has a wasm module (layer application/vnd.gadget.wasm.program.v1+binary) and its eBPF program has no output of its own (no print_ map, iterator or metrics map): it needs the module, and gadget has no wasm runtime; run it with ig"
	# inspecting and exporting it is fine
	run gadget inspect ig/needswasm:v1
	assert_success
	assert_line "IG layers:   ebpf, wasm; gadget.yaml: none (empty config)"
	assert_line --regexp "^Cannot run:  its eBPF program does not validate: cannot tell what this gadget produces: it has no print_ map and no iter/ program"
	# without a wasm layer the same ELF is refused for what the validator found
	rm -rf lay3
	python3 "$IG_LAYOUT" lay3 --ref ig/nooutput:v1 --ebpf amd64=nooutput.o --tar ig3.tar >/dev/null
	gadget import ig3.tar
	run gadget run ig/nooutput:v1 -t 1
	assert_failure 1
	assert_output --regexp "^gadget: error: ig/nooutput:v1: its eBPF program does not validate: cannot tell what this gadget produces"
}

@test "IG manifests that break the spec are refused with what is wrong" {
	python3 "$IG_LAYOUT" lay --ref ig/bad:v1 --ebpf "amd64=$IG_OBJ" >/dev/null
	idx=$(python3 -c 'import json; print(json.load(open("lay/index.json"))["manifests"][0]["digest"][7:])')
	man=$(python3 -c "import json; print(json.load(open('lay/blobs/sha256/$idx'))['manifests'][0]['digest'][7:])")
	# rewrite the manifest: two eBPF layers (the spec allows one of each media type)
	python3 - lay "$idx" "$man" <<-'PY'
	import hashlib, json, sys
	d, idx, man = sys.argv[1:]
	def put(b):
	    h = hashlib.sha256(b).hexdigest(); open(f"{d}/blobs/sha256/{h}", "wb").write(b); return h
	m = json.load(open(f"{d}/blobs/sha256/{man}"))
	m["layers"].append(dict(m["layers"][0]))
	b = json.dumps(m).encode(); h = put(b)
	i = json.load(open(f"{d}/blobs/sha256/{idx}"))
	i["manifests"][0].update(digest="sha256:" + h, size=len(b))
	b = json.dumps(i).encode(); h = put(b)
	top = json.load(open(f"{d}/index.json"))
	top["manifests"][0].update(digest="sha256:" + h, size=len(b))
	json.dump(top, open(f"{d}/index.json", "w"))
	print("sha256:" + man)
	PY
	(cd lay && tar cf ../bad.tar oci-layout index.json blobs)
	gadget import bad.tar
	run gadget run ig/bad:v1 -t 1
	assert_failure 1
	assert_output --regexp "^gadget: error: ig/bad:v1: manifest sha256:[0-9a-f]{64} has two application/vnd.gadget.ebpf.program.v1\+binary layers$"
}

@test "an IG image signed with cosign's format verifies; export gives back its bytes" {
	digest=$(python3 "$IG_LAYOUT" lay --ref ig/trace_open:v1 --ebpf "amd64=$IG_OBJ" --yaml gadget.yaml)
	sigtag=$(make_cosign_signature lay "$digest" ig/trace_open "$BATS_TEST_TMPDIR/keys")
	# the layout names it by tag alone; in a store it lives beside the image's repository
	sed -i "s|\"$sigtag\"|\"ig/trace_open:$sigtag\"|" lay/index.json
	(cd lay && tar cf ../ig.tar oci-layout index.json blobs)
	run gadget import ig.tar
	assert_success
	assert_line "Imported: ig/trace_open:v1"
	assert_line "Imported: ig/trace_open:$sigtag"
	run gadget verify --key keys/pub.pem ig/trace_open:v1
	assert_success
	assert_output "Verified OK: ig/trace_open:v1 is signed by keys/pub.pem"
	GADGET_VERIFY_KEY=keys/pub.pem ig_probe_run ig/trace_open:v1
	run cat "$IG_ERR"
	assert_line --regexp "^gadget: trace open \(tracer\) from Inspektor Gadget image ig/trace_open:v1 $digest, signature verified with keys/pub.pem: attached"

	# export: every blob of the hand-written layout comes back byte for byte
	run gadget export ig/trace_open:v1 out.tar
	assert_success
	mkdir out && tar xf out.tar -C out
	for b in lay/blobs/sha256/*; do
		cmp "$b" "out/blobs/sha256/$(basename "$b")"
	done
	# and imports into an empty store that runs it
	GADGET_STORE=$BATS_TEST_TMPDIR/store2 run gadget import out.tar
	assert_success
	assert_line "Imported: ig/trace_open:v1"
}

@test "the same IG image pushed with skopeo is pulled and run from the registry into an empty store" {
	registry_start
	digest=$(python3 "$IG_LAYOUT" lay --ref v1 --ebpf "amd64=$IG_OBJ" --ebpf "arm64=$IG_OBJ" --yaml gadget.yaml)
	skopeo_push_fixture lay v1 "$REGISTRY/ig/trace_open:v1"
	run gadget pull "$REGISTRY/ig/trace_open:v1"
	assert_success
	assert_output --partial "pulled $REGISTRY/ig/trace_open:v1 $digest"
	for b in lay/blobs/sha256/*; do
		cmp "$b" "$(store_blob "sha256:$(basename "$b")")"
	done
	ig_probe_run "$REGISTRY/ig/trace_open:v1"
	run ig_probe_event
	assert_output "igprobe $BATS_TEST_TMPDIR/ig-marker.missing ENOENT -1 0 True"
}
