#!/usr/bin/env bats
# gadget build --image-format ig: Inspektor Gadget's layout written by us,
# checked field by field (media types, platforms, artifactType, the
# gadget.yaml config, annotations) and run back.

load helpers
load registry
load ig-image

setup() {
	common_setup
	export SOURCE_DATE_EPOCH=1700000000
	cd "$BATS_TEST_TMPDIR"
	cp -r "$GADGET_SRC/gadgets/trace_open" src
}

# python over the store: the blob of a digest, the tagged descriptor of a name
store_py() {
	python3 - "$GADGET_STORE" "$@" <<-'PY'
	import json, sys, yaml
	store, name, expr = sys.argv[1], sys.argv[2], sys.argv[3]
	blob = lambda d: open(f"{store}/blobs/sha256/{d[7:]}", "rb").read()
	top = [m for m in json.load(open(store + "/index.json"))["manifests"]
	       if m["annotations"]["org.opencontainers.image.ref.name"] == name][0]
	index = json.loads(blob(top["digest"]))
	mans = [json.loads(blob(m["digest"])) for m in index["manifests"]]
	config = yaml.safe_load(blob(mans[0]["config"]["digest"]))
	exec(expr)
	PY
}

@test "build --image-format ig writes IG's layout, field by field, and runs back" {
	run gadget build src --image-format ig --platform linux/amd64,linux/arm64 -o obj.o -t reg.example/ig/opens:v1
	assert_success
	store_py reg.example/ig/opens:v1 '
print(top["mediaType"])
print(index["schemaVersion"], index["mediaType"])
for m in index["manifests"]:
    print(m["mediaType"], m["platform"]["os"] + "/" + m["platform"]["architecture"], m["annotations"] == index["annotations"])
for man in mans:
    print(man["schemaVersion"], man["mediaType"], man["artifactType"], man["config"]["mediaType"],
          [l["mediaType"] for l in man["layers"]], man["annotations"] == man["config"]["annotations"])
print(json.dumps(index["annotations"], sort_keys=True))
print(config["name"], "|", config["description"])
print(list(config["datasources"]), list(config["datasources"]["open"]["fields"]))
print(json.dumps(config["params"], sort_keys=True))
for i, man in enumerate(mans):
    open(f"layer.{i}", "wb").write(blob(man["layers"][0]["digest"]))
' >fields
	run cat fields
	assert_output 'application/vnd.oci.image.index.v1+json
2 application/vnd.oci.image.index.v1+json
application/vnd.oci.image.manifest.v1+json linux/amd64 True
application/vnd.oci.image.manifest.v1+json linux/arm64 True
2 application/vnd.oci.image.manifest.v1+json application/vnd.gadget.v1+binary application/vnd.gadget.config.v1+yaml ['"'"'application/vnd.gadget.ebpf.program.v1+binary'"'"'] True
2 application/vnd.oci.image.manifest.v1+json application/vnd.gadget.v1+binary application/vnd.gadget.config.v1+yaml ['"'"'application/vnd.gadget.ebpf.program.v1+binary'"'"'] True
{"org.opencontainers.image.created": "2023-11-14T22:13:20Z", "org.opencontainers.image.description": "Trace open(2) and openat(2): path, flags, file descriptor or error", "org.opencontainers.image.title": "trace_open"}
trace_open | Trace open(2) and openat(2): path, flags, file descriptor or error
['"'"'open'"'"'] ['"'"'timestamp'"'"', '"'"'mntns_id'"'"', '"'"'pid'"'"', '"'"'tid'"'"', '"'"'uid'"'"', '"'"'fd'"'"', '"'"'error'"'"', '"'"'flags'"'"', '"'"'mode'"'"', '"'"'comm'"'"', '"'"'path'"'"']
{"ebpf": {"failed_only": {"defaultValue": "false", "description": "only show failed opens", "key": "failed_only"}, "targ_pid": {"defaultValue": "0", "description": "only show opens by this process id (0: every process)", "key": "targ_pid"}}}'
	# the layers are the objects build wrote
	cmp layer.0 obj.amd64.o
	cmp layer.1 obj.arm64.o

	run gadget inspect reg.example/ig/opens:v1
	assert_line "Format:      ig (Inspektor Gadget)"
	ig_probe_run reg.example/ig/opens:v1
	run cat "$IG_ERR"
	assert_line --regexp "^gadget: trace_open \(tracer\) from Inspektor Gadget image reg.example/ig/opens:v1 sha256:[0-9a-f]{64}: attached 4 programs"
	run ig_probe_event
	assert_output "igprobe $BATS_TEST_TMPDIR/ig-marker.missing ENOENT -1 0 True"

	# the same sources give the same digest; the default format is still ours
	d1=$(python3 -c 'import json,sys; print([m["digest"] for m in json.load(open(sys.argv[1] + "/index.json"))["manifests"]][0])' "$GADGET_STORE")
	gadget build src --image-format ig --platform linux/amd64,linux/arm64 -o obj.o -t reg.example/ig/again:v1 >/dev/null
	run gadget inspect reg.example/ig/again:v1
	assert_line "Digest:      $d1"
	gadget build src -o obj.o -t reg.example/ours:v1 >/dev/null
	run gadget inspect reg.example/ours:v1
	assert_line "Format:      gadget (bumblebee layout)"
}

@test "the author's gadget.yaml is merged: URLs, field annotations, fields the object lacks" {
	cat >src/gadget.yaml <<-'YAML'
	name: trace open
	description: Trace open files
	homepageURL: https://example.com/home
	documentationURL: https://example.com/docs
	sourceURL: https://example.com/src
	datasources:
	  open:
	    fields:
	      path:
	        annotations:
	          description: the path given to open
	          columns.width: 64
	      k8s.node:
	        annotations:
	          columns.hidden: true
	params:
	  ebpf:
	    targ_pid:
	      key: pid
	      description: only this process
	YAML
	echo '{"imageFormat": "ig"}' >src/gadget.json
	run gadget build src -o obj.o -t ig/merged:v1
	assert_success
	store_py ig/merged:v1 '
a = mans[0]["annotations"]
for k in sorted(a): print(k, "=", a[k])
print(config["name"], "|", config["description"], "|", config["homepageURL"], config["documentationURL"], config["sourceURL"])
f = config["datasources"]["open"]["fields"]
print(json.dumps(f["path"], sort_keys=True), json.dumps(f["k8s.node"], sort_keys=True), list(f)[-2:])
print(json.dumps(config["params"]["ebpf"]["targ_pid"], sort_keys=True))
' >fields
	run cat fields
	assert_output 'org.opencontainers.image.created = 2023-11-14T22:13:20Z
org.opencontainers.image.description = Trace open files
org.opencontainers.image.documentation = https://example.com/docs
org.opencontainers.image.source = https://example.com/src
org.opencontainers.image.title = trace open
org.opencontainers.image.url = https://example.com/home
trace open | Trace open files | https://example.com/home https://example.com/docs https://example.com/src
{"annotations": {"columns.width": 64, "description": "the path given to open"}} {"annotations": {"columns.hidden": true}} ['"'"'path'"'"', '"'"'k8s.node'"'"']
{"defaultValue": "0", "description": "only this process", "key": "pid"}'

	echo '{"imageFormat": "oras"}' >src/gadget.json
	run gadget build src -o obj.o -t ig/merged:v2
	assert_failure 1
	assert_output --partial "image format 'oras': use gadget or ig"
	run gadget build src -o obj.o --image-format ig --platform windows/amd64
	assert_failure 2
	assert_output --partial "--platform: expected linux/ARCH[,linux/ARCH]"
}
