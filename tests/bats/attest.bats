#!/usr/bin/env bats
# build --attest, push --attest, verify --attestations: an SPDX 2.3 SBOM and
# an SLSA v1 provenance in DSSE envelopes, attached as OCI 1.1 referrers to
# Debian's docker-registry (no referrers API: the sha256-<hex> tag index).
# skopeo lists and copies them, python decodes them, openssl checks the
# signature over DSSE's PAE bytes with the public key.

load helpers
load registry

DSSE=application/vnd.dsse.envelope.v1+json

setup() {
	common_setup
	registry_start
	export SOURCE_DATE_EPOCH=1700000000 GADGET_KEY_PASSWORD=attest-pw
	cd "$BATS_TEST_TMPDIR"
	gadget key generate --output-key-prefix k >/dev/null
	gadget init demo >/dev/null
	REF="$REGISTRY/att/demo:v1"
}

teardown() {
	registry_stop
}

# build_push: build demo with --attest as $REF, push it with --attest; sets DIGEST.
build_push() {
	run gadget build demo --attest -t "$REF"
	assert_success
	run gadget push "$REF" --attest --key k.key
	assert_success
	assert_output --regexp "^pushed $REF sha256:[0-9a-f]{64} \(.*, 2 attestations, "
	DIGEST=$(echo "$output" | awk '{print $3}')
}

# referrers: the fallback index of $DIGEST, as skopeo reads it.
referrers() {
	skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/att/demo:sha256-${DIGEST#sha256:}"
}

# fetch_attestation TYPE: skopeo copies the referrer whose predicateType is
# TYPE into an OCI layout; statement.json gets its decoded payload, pae.bin
# the PAE bytes and sig.der the signature; prints the referrer's digest.
fetch_attestation() {
	local d
	d=$(referrers | python3 -c '
import json, sys
idx = json.load(sys.stdin)
print([m["digest"] for m in idx["manifests"] if m["annotations"]["predicateType"] == sys.argv[1]][0])' "$1")
	rm -rf layout
	skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/att/demo@$d" oci:layout:x >&2
	python3 - "$d" <<'PY'
import base64, json, sys
blob = lambda d: open(f"layout/blobs/sha256/{d[7:]}", "rb").read()
man = json.loads(blob(sys.argv[1]))
assert man["artifactType"] == "application/vnd.dsse.envelope.v1+json", man
layer = man["layers"][0]
assert layer["mediaType"] == "application/vnd.dsse.envelope.v1+json", layer
env = json.loads(blob(layer["digest"]))
assert env["payloadType"] == "application/vnd.in-toto+json", env
payload = base64.b64decode(env["payload"])
open("statement.json", "wb").write(payload)
t = env["payloadType"].encode()
open("pae.bin", "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload))
open("sig.der", "wb").write(base64.b64decode(env["signatures"][0]["sig"]))
print(sys.argv[1])
PY
}

# jq-less field access: py EXPR over statement.json as s
st() {
	python3 -c "import json; s = json.load(open('statement.json')); print($1)"
}

@test "push --attest lists an SBOM and a provenance at the sha256-<hex> tag" {
	build_push
	run referrers
	assert_success
	run python3 -c '
import json, sys
for m in json.loads(sys.argv[1])["manifests"]:
    print(m["artifactType"], m["mediaType"], m["annotations"]["predicateType"],
          m["annotations"]["org.opencontainers.image.created"])' "$output"
	assert_output "$DSSE application/vnd.oci.image.manifest.v1+json https://spdx.dev/Document 2023-11-14T22:13:20Z
$DSSE application/vnd.oci.image.manifest.v1+json https://slsa.dev/provenance/v1 2023-11-14T22:13:20Z"
	# pushing again adds nothing: the same statements keep their envelopes
	run gadget push "$REF" --attest --key k.key -o json
	assert_success
	assert_output --partial '"attestations":2'
	run python3 -c 'import json, sys; print(len(json.loads(sys.argv[1])["manifests"]))' "$(referrers)"
	assert_output 2
}

@test "the SBOM: SPDX 2.3, each source with its sha256, headers digest, tools, kernel hooks" {
	build_push
	fetch_attestation https://spdx.dev/Document
	run st 's["_type"], s["predicateType"], s["subject"][0]["name"], "sha256:" + s["subject"][0]["digest"]["sha256"]'
	assert_output "https://in-toto.io/Statement/v1 https://spdx.dev/Document $REGISTRY/att/demo $DIGEST"
	run st 's["predicate"]["spdxVersion"], s["predicate"]["dataLicense"], s["predicate"]["creationInfo"]["created"]'
	assert_output "SPDX-2.3 CC0-1.0 2023-11-14T22:13:20Z"
	src=$(sha256sum demo/demo.bpf.c | cut -d' ' -f1)
	bf=$(sha256sum demo/gadget.json | cut -d' ' -f1)
	run st '"\n".join(f["fileName"] + " " + [c["checksumValue"] for c in f["checksums"] if c["algorithm"] == "SHA256"][0] for f in s["predicate"]["files"])'
	assert_output "./demo.bpf.c $src
./gadget.json $bf"
	headers=$(cd "$GADGET_SRC/bpf-headers" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
	run st '"\n".join(p["name"] + " " + p.get("versionInfo", "-") + " " + ",".join(c["checksumValue"] for c in p.get("checksums", [])) for p in s["predicate"]["packages"])'
	assert_line "demo - ${DIGEST#sha256:}"
	assert_line "bpf-headers - $headers"
	assert_line "clang $(clang --version | head -1) "
	assert_line --regexp "^libbpf v[0-9.]+ $"
	run st '[a["comment"] for p in s["predicate"]["packages"] for a in p.get("annotations", [])]'
	assert_output "['kernel hook: SEC(\"tracepoint/syscalls/sys_enter_openat\") program trace_openat']"
	run st '" ".join(r["spdxElementId"] + ":" + r["relationshipType"] + ":" + r["relatedSpdxElement"] for r in s["predicate"]["relationships"][:3])'
	assert_output "SPDXRef-DOCUMENT:DESCRIBES:SPDXRef-Package-gadget SPDXRef-Package-gadget:GENERATED_FROM:SPDXRef-File-1 SPDXRef-Package-gadget:GENERATED_FROM:SPDXRef-File-2"
	# the signature is ECDSA P-256 over SHA-256 of the PAE bytes, as cosign makes it
	run openssl dgst -sha256 -verify k.pub -signature sig.der pae.bin
	assert_success
	assert_output "Verified OK"
}

@test "the provenance: SLSA v1, builder, build file, flags, arches, SOURCE_DATE_EPOCH, sources by digest" {
	echo '{"name": "demo", "cflags": ["-DMAX_ENTRIES=64"], "arch": ["amd64", "arm64"]}' >demo/gadget.json
	build_push
	fetch_attestation https://slsa.dev/provenance/v1 >/dev/null
	run st 's["predicateType"], "sha256:" + s["subject"][0]["digest"]["sha256"]'
	assert_output "https://slsa.dev/provenance/v1 $DIGEST"
	run st 's["predicate"]["buildDefinition"]["buildType"], s["predicate"]["runDetails"]["builder"]["id"].split("@")[0]'
	assert_output "https://example.org/gadget/attestation/build/v1 https://example.org/gadget/builder/gadget"
	run st 'json.dumps(s["predicate"]["buildDefinition"]["externalParameters"], sort_keys=True)'
	assert_output '{"archs": ["amd64", "arm64"], "buildFile": "gadget.json", "cflags": ["-DMAX_ENTRIES=64"], "sources": ["demo.bpf.c"]}'
	run st 's["predicate"]["buildDefinition"]["internalParameters"]["sourceDateEpoch"], s["predicate"]["runDetails"]["metadata"]["finishedOn"]'
	assert_output "1700000000 2023-11-14T22:13:20Z"
	run st '"\n".join(d["name"] + " " + d["digest"]["sha256"] for d in s["predicate"]["buildDefinition"]["resolvedDependencies"])'
	assert_line "demo.bpf.c $(sha256sum demo/demo.bpf.c | cut -d' ' -f1)"
	assert_line "gadget.json $(sha256sum demo/gadget.json | cut -d' ' -f1)"
	assert_line --regexp "^bpf-headers [0-9a-f]{64}$"
	run openssl dgst -sha256 -verify k.pub -signature sig.der pae.bin
	assert_success
}

# bats test_tags=sanitize
@test "verify --attestations passes in the store and in the registry; another key fails" {
	build_push
	run gadget verify --attestations --key k.pub "$REF"
	assert_success
	assert_line --regexp "^Attestation https://spdx.dev/Document sha256:[0-9a-f]{64}: verified$"
	assert_line --regexp "^Attestation https://slsa.dev/provenance/v1 sha256:[0-9a-f]{64}: verified$"
	assert_line "Verified OK: $REF ($DIGEST) has 2 attestations signed by k.pub"
	run gadget verify --attestations --remote --key k.pub "$REF"
	assert_success
	assert_line "Verified OK: $REF ($DIGEST) has 2 attestations signed by k.pub (checked in the registry, not stored)"
	gadget key generate --output-key-prefix other >/dev/null
	run gadget verify --attestations --remote --key other.pub "$REF"
	assert_failure 1
	assert_line "Attestation https://spdx.dev/Document $(fetch_attestation https://spdx.dev/Document): FAILED: no DSSE signature over it is valid for the key"
	assert_line "gadget: error: $REF ($DIGEST): 2 of 2 attestations failed verification with key other.pub"
}

# replace_attestation TYPE MODE: push, in place of TYPE's referrer, one whose
# payload has a byte changed (MODE=payload: the signature no longer matches)
# or whose statement names another digest, properly signed (MODE=subject).
replace_attestation() {
	fetch_attestation "$1" >old.digest
	python3 - "$REGISTRY" "$(cat old.digest)" "$2" "${DIGEST#sha256:}" <<'PY'
import base64, hashlib, json, subprocess, sys, urllib.request
reg, old, mode, image_hex = sys.argv[1:]
repo = "att/demo"
blob = lambda d: open(f"layout/blobs/sha256/{d[7:]}", "rb").read()
man = json.loads(blob(old))
env = json.loads(blob(man["layers"][0]["digest"]))
payload = base64.b64decode(env["payload"])
if mode == "payload":
    payload = payload.replace(b"demo.bpf.c", b"evil.bpf.c", 1)
else:
    s = json.loads(payload)
    s["subject"][0]["digest"]["sha256"] = "0" * 64
    payload = json.dumps(s, separators=(",", ":"), sort_keys=True).encode()
    t = env["payloadType"].encode()
    open("new.pae", "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload))
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", "k.key", "-passin",
                          "env:GADGET_KEY_PASSWORD", "new.pae"], check=True,
                         capture_output=True).stdout
    open("new.sig", "wb").write(sig)
    env["signatures"] = [{"keyid": "", "sig": base64.b64encode(sig).decode()}]
env["payload"] = base64.b64encode(payload).decode()
def put_blob(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    r = urllib.request.urlopen(urllib.request.Request(f"http://{reg}/v2/{repo}/blobs/uploads/", method="POST"))
    loc = r.headers["Location"]
    loc = loc if loc.startswith("http") else f"http://{reg}{loc}"
    urllib.request.urlopen(urllib.request.Request(f"{loc}{'&' if '?' in loc else '?'}digest={d}",
                           data=data, method="PUT", headers={"Content-Type": "application/octet-stream"}))
    return d, len(data)
def put_manifest(ref, data, mt):
    urllib.request.urlopen(urllib.request.Request(f"http://{reg}/v2/{repo}/manifests/{ref}",
                           data=data, method="PUT", headers={"Content-Type": mt}))
    return "sha256:" + hashlib.sha256(data).hexdigest(), len(data)
edata = json.dumps(env, separators=(",", ":"), sort_keys=True).encode()
man["layers"][0]["digest"], man["layers"][0]["size"] = put_blob(edata)
mdata = json.dumps(man, separators=(",", ":"), sort_keys=True).encode()
new, size = put_manifest("sha256:" + hashlib.sha256(mdata).hexdigest(), mdata, man["mediaType"])
# the referrers tag's index: the new one where the old one was
tag = "sha256-" + image_hex
idx = json.loads(urllib.request.urlopen(urllib.request.Request(
    f"http://{reg}/v2/{repo}/manifests/{tag}",
    headers={"Accept": "application/vnd.oci.image.index.v1+json"})).read())
for m in idx["manifests"]:
    if m["digest"] == old:
        m["digest"], m["size"] = new, size
put_manifest(tag, json.dumps(idx).encode(), "application/vnd.oci.image.index.v1+json")
print(new)
PY
}

@test "a tampered attestation fails verify: a payload byte changed, or a subject of another digest" {
	build_push
	new=$(replace_attestation https://spdx.dev/Document payload)
	run gadget verify --attestations --remote --key k.pub "$REF"
	assert_failure 1
	assert_line "Attestation https://spdx.dev/Document $new: FAILED: no DSSE signature over it is valid for the key"
	assert_line --regexp "^Attestation https://slsa.dev/provenance/v1 sha256:[0-9a-f]{64}: verified$"
	assert_line "gadget: error: $REF ($DIGEST): 1 of 2 attestations failed verification with key k.pub"

	new=$(replace_attestation https://slsa.dev/provenance/v1 subject)
	# the replacement's signature is good: openssl accepts it, verify still refuses it
	run openssl dgst -sha256 -verify k.pub -signature new.sig new.pae
	assert_success
	run gadget verify --attestations --remote --key k.pub "$REF"
	assert_failure 1
	assert_line "Attestation https://slsa.dev/provenance/v1 $new: FAILED: its statement is about sha256:$(printf '0%.0s' {1..64}), not this image ($DIGEST)"
	assert_line "gadget: error: $REF ($DIGEST): 2 of 2 attestations failed verification with key k.pub"
}

@test "two builds give the same statements; an image built without --attest is refused" {
	build_push
	fetch_attestation https://spdx.dev/Document >/dev/null
	mv statement.json first.json
	# a fresh store and cache: built again, pushed under the same name
	export GADGET_STORE="$BATS_TEST_TMPDIR/store2" GADGET_CACHE_DIR="$BATS_TEST_TMPDIR/cache2"
	gadget build demo --attest -t "$REF" 2>/dev/null
	run gadget push "$REF" --attest --key k.key
	assert_success
	assert_output --partial "$DIGEST"
	run gadget verify --attestations --key k.pub "$REF"
	assert_success
	python3 - "$GADGET_STORE" "$REF" <<'PY'
import base64, json, sys
store, ref = sys.argv[1:]
blob = lambda d: open(f"{store}/blobs/sha256/{d[7:]}", "rb").read()
idx = json.load(open(store + "/index.json"))
att = [e for e in idx["manifests"] if e["annotations"]["org.opencontainers.image.ref.name"].endswith(".att")][0]
spdx = [m for m in json.loads(blob(att["digest"]))["manifests"] if m["annotations"]["predicateType"] == "https://spdx.dev/Document"][0]
env = json.loads(blob(json.loads(blob(spdx["digest"]))["layers"][0]["digest"]))
open("second.json", "wb").write(base64.b64decode(env["payload"]))
PY
	cmp first.json second.json

	gadget build demo -t "$REGISTRY/att/plain:v1" 2>/dev/null
	run gadget push "$REGISTRY/att/plain:v1" --attest --key k.key
	assert_failure 1
	assert_output --partial "has no build record to attest: build it with 'gadget build --attest -t $REGISTRY/att/plain:v1'"
	run gadget push "$REF" --attest
	assert_failure 2
	assert_output --partial "--attest needs --key KEY"
	run gadget build demo --attest
	assert_failure 2
	assert_output --partial "--attest records the build in the image: give -t REF"
	run gadget verify --attestations --key k.pub "$REGISTRY/att/plain:v1"
	assert_failure 1
	assert_output --partial "has no attestations in the store"
}
