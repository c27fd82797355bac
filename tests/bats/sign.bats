#!/usr/bin/env bats
# gadget key / sign / verify: cosign's key-based format, checked by openssl.

load helpers
load packager

setup() {
	common_setup
	export SOURCE_DATE_EPOCH=1700000000
	cd "$BATS_TEST_TMPDIR"
	digest=$(pack_image execsnoop:v1)
}

# The payload and DER signature of $1's signature image, read from the layout with python.
extract_signature() {
	python3 - "$GADGET_STORE" "$1" <<'PY'
import base64, json, sys
store, name = sys.argv[1:]
blob = lambda d: open(f"{store}/blobs/sha256/{d[7:]}", "rb").read()
idx = json.load(open(store + "/index.json"))
m = [e for e in idx["manifests"] if e["annotations"]["org.opencontainers.image.ref.name"] == name][0]
man = json.loads(blob(m["digest"]))
layer = man["layers"][0]
assert layer["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json", layer
open("payload.json", "wb").write(blob(layer["digest"]))
open("sig.der", "wb").write(base64.b64decode(layer["annotations"]["dev.cosignproject.cosign/signature"]))
PY
}

@test "key generate writes a P-256 key pair, the private key mode 0600" {
	run gadget key generate
	assert_success
	assert_line "Private key written to cosign.key"
	assert_equal "$(stat -c %a cosign.key)" 600
	run openssl pkey -in cosign.key -noout -text
	assert_success
	assert_output --partial "NIST CURVE: P-256"
	run openssl pkey -pubin -in cosign.pub -noout -text
	assert_output --partial "NIST CURVE: P-256"
	run gadget key generate
	assert_failure
	assert_output --partial "refusing to overwrite a key"
}

# bats test_tags=sanitize
@test "sign -> verify passes; openssl accepts the signature over the payload" {
	gadget key generate --output-key-prefix k
	run gadget sign --key k.key execsnoop:v1
	assert_success
	run gadget verify --key k.pub execsnoop:v1
	assert_success
	assert_output "Verified OK: execsnoop:v1 is signed by k.pub"
	run gadget inspect execsnoop:v1
	assert_line "Signature:   execsnoop:sha256-${digest#sha256:}.sig"

	extract_signature "execsnoop:sha256-${digest#sha256:}.sig"
	run python3 -c 'import json; c = json.load(open("payload.json"))["critical"]; print(c["image"]["docker-manifest-digest"], c["type"], c["identity"]["docker-reference"])'
	assert_output "$digest cosign container image signature execsnoop"
	run openssl dgst -sha256 -verify k.pub -signature sig.der payload.json
	assert_success
	assert_output "Verified OK"
}

@test "verify with another key fails" {
	gadget key generate --output-key-prefix k
	gadget key generate --output-key-prefix other
	gadget sign --key k.key execsnoop:v1
	run gadget verify --key other.pub execsnoop:v1
	assert_failure
	assert_output --partial "no signature valid for key other.pub"
	extract_signature "execsnoop:sha256-${digest#sha256:}.sig"
	run openssl dgst -sha256 -verify other.pub -signature sig.der payload.json
	assert_failure
}

@test "a changed manifest fails verification" {
	gadget key generate --output-key-prefix k
	gadget sign --key k.key execsnoop:v1
	# Same name, different content (another build time): a new digest with no signature.
	new=$(SOURCE_DATE_EPOCH=1700000999 pack_image execsnoop:v1)
	[ "$new" != "$digest" ]
	run gadget verify --key k.pub execsnoop:v1
	assert_failure
	assert_output --partial "execsnoop:v1 ($new) is not signed"
	# A signature image copied onto the new digest still names the old one.
	sig=$(layout_digest "$GADGET_STORE" "execsnoop:sha256-${digest#sha256:}.sig")
	gadget tag "$sig" "execsnoop:sha256-${new#sha256:}.sig"
	run gadget verify --key k.pub execsnoop:v1
	assert_failure
	assert_output --partial "no signature valid for key k.pub"
}

# bats test_tags=sanitize
@test "a tampered payload fails verification" {
	gadget key generate --output-key-prefix k
	gadget sign --key k.key execsnoop:v1
	sig=$(layout_digest "$GADGET_STORE" "execsnoop:sha256-${digest#sha256:}.sig")
	# Rewrite the signature layer's payload (and its descriptor) keeping the signature.
	python3 - "$GADGET_STORE" "$sig" <<'PY'
import hashlib, json, sys
store, sig = sys.argv[1:]
path = lambda d: f"{store}/blobs/sha256/{d[7:]}"
man = json.load(open(path(sig)))
layer = man["layers"][0]
p = json.loads(open(path(layer["digest"])).read())
p["optional"] = {"evil": "yes"}
data = json.dumps(p).encode()
d = "sha256:" + hashlib.sha256(data).hexdigest()
open(path(d), "wb").write(data)
layer["digest"], layer["size"] = d, len(data)
mdata = json.dumps(man).encode()
md = "sha256:" + hashlib.sha256(mdata).hexdigest()
open(path(md), "wb").write(mdata)
idx = json.load(open(store + "/index.json"))
for e in idx["manifests"]:
    if e["digest"] == sig:
        e["digest"], e["size"] = md, len(mdata)
json.dump(idx, open(store + "/index.json", "w"))
PY
	run gadget verify --key k.pub execsnoop:v1
	assert_failure
	assert_output --partial "no signature valid"
}

@test "an encrypted key needs its passphrase" {
	GADGET_KEY_PASSWORD=s3cret gadget key generate --output-key-prefix enc
	run head -1 enc.key
	assert_output "-----BEGIN ENCRYPTED PRIVATE KEY-----"
	run gadget sign --key enc.key execsnoop:v1
	assert_failure
	assert_output --partial "wrong passphrase"
	GADGET_KEY_PASSWORD=s3cret gadget sign --key enc.key execsnoop:v1
	run gadget verify --key enc.pub execsnoop:v1
	assert_success
}

@test "signatures travel with export/import and go with rmi" {
	gadget key generate --output-key-prefix k
	gadget sign --key k.key execsnoop:v1
	gadget export execsnoop:v1 img.tar
	run env GADGET_STORE="$BATS_TEST_TMPDIR/s2" "$GADGET" import img.tar
	assert_line "Imported: execsnoop:sha256-${digest#sha256:}.sig"
	run env GADGET_STORE="$BATS_TEST_TMPDIR/s2" "$GADGET" verify --key k.pub execsnoop:v1
	assert_success
	gadget rmi execsnoop:v1
	run gadget images -a
	refute_output --partial ".sig"
	assert_equal "$(ls "$GADGET_STORE/blobs/sha256" | wc -l)" 0
}

@test "run verifies before loading when a key is configured" {
	gadget key generate --output-key-prefix k
	gadget key generate --output-key-prefix other
	export GADGET_VERIFY_KEY=$BATS_TEST_TMPDIR/k.pub
	run gadget run execsnoop:v1 -t 1
	assert_failure
	assert_output --partial "refusing to run execsnoop:v1"
	assert_output --partial "is not signed"
	assert_output --partial "--insecure-skip-verify"
	run_probe execsnoop:v1 --insecure-skip-verify

	gadget sign --key other.key execsnoop:v1
	run gadget run execsnoop:v1 -t 1
	assert_failure
	assert_output --partial "no signature valid for key $BATS_TEST_TMPDIR/k.pub"

	gadget sign --key k.key execsnoop:v1
	run_probe execsnoop:v1
	# The key can also come from the user's config directory.
	unset GADGET_VERIFY_KEY
	mkdir -p "$HOME/.config/gadget"
	cp other.pub "$HOME/.config/gadget/verify.pub"
	SOURCE_DATE_EPOCH=1700000555 pack_image execsnoop:v1 >/dev/null
	run gadget run execsnoop:v1 -t 1
	assert_failure
	assert_output --partial "$HOME/.config/gadget/verify.pub"
}

# The store file of blob $1.
blob_file() {
	echo "$GADGET_STORE/blobs/sha256/${1#sha256:}"
}

# refused_everywhere BLOB MESSAGE: verify, run (with the key and without
# checking), inspect and export of execsnoop:v1 all fail with MESSAGE, which
# names BLOB; nothing is loaded or written.
refused_everywhere() {
	local blob=$1 msg=$2
	run gadget verify --key k.pub execsnoop:v1
	assert_failure 1
	assert_output --regexp "$msg"
	refute_output --partial "Verified OK"
	GADGET_VERIFY_KEY=$BATS_TEST_TMPDIR/k.pub run gadget run execsnoop:v1 -t 1
	assert_failure 1
	assert_output --partial "blob $blob in the store is corrupt"
	refute_output --partial "attached"
	run gadget run execsnoop:v1 -t 1 --insecure-skip-verify
	assert_failure 1
	assert_output --partial "blob $blob in the store is corrupt"
	run gadget inspect execsnoop:v1
	assert_failure 1
	assert_output --partial "blob $blob in the store is corrupt"
	run gadget export execsnoop:v1 out.tar
	assert_failure 1
	assert_output --partial "blob $blob in the store is corrupt"
	[ ! -e out.tar ]
}

# bats test_tags=sanitize
@test "a signed image's manifest replaced in the store: verify, run, inspect and export refuse it" {
	gadget key generate --output-key-prefix k
	gadget sign --key k.key execsnoop:v1
	# other bytes under the manifest's name: another build of the same gadget
	other=$(SOURCE_DATE_EPOCH=1700000999 pack_image other:v1)
	cp "$(blob_file "$other")" "$(blob_file "$digest")"

	refused_everywhere "$digest" \
		"blob $digest in the store is corrupt \(its content has digest $other\): run 'gadget store check'"
	run gadget store check
	assert_failure 1
	assert_line "blobs/sha256/${digest#sha256:}: content has digest $other"
}

# bats test_tags=sanitize
@test "a signed image's layer replaced in the store: verify, run, inspect and export refuse it" {
	gadget key generate --output-key-prefix k
	gadget sign --key k.key execsnoop:v1
	layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' "$(blob_file "$digest")")
	# another program under the layer's name
	PACK_SRC=$GADGET_SRC/tests/fixtures/enrich/execs.bpf.c compile_fixture other.o
	run cmp -s other.o "$(blob_file "$layer")"
	assert_failure
	cp other.o "$(blob_file "$layer")"

	refused_everywhere "$layer" \
		"blob $layer in the store is corrupt \(its content has digest sha256:[0-9a-f]{64}\): run 'gadget store check'"
}

@test "a signature names its repository: a retagged copy with the signature copied too does not verify" {
	gadget key generate --output-key-prefix k
	gadget sign --key k.key execsnoop:v1
	gadget tag execsnoop:v1 other.example/notdemo:v1
	gadget tag "execsnoop:sha256-${digest#sha256:}.sig" "other.example/notdemo:sha256-${digest#sha256:}.sig"
	run gadget verify --key k.pub other.example/notdemo:v1
	assert_failure 1
	assert_output "gadget: error: other.example/notdemo:v1 ($digest): the signature valid for key k.pub is for execsnoop, not other.example/notdemo"
	GADGET_VERIFY_KEY=$BATS_TEST_TMPDIR/k.pub run gadget run other.example/notdemo:v1 -t 1
	assert_failure 1
	assert_output --partial "is for execsnoop, not other.example/notdemo"
	run gadget verify --key k.pub execsnoop:v1
	assert_success
}

@test "run sha256:DIGEST with a key: verified under the names the store gives it" {
	gadget key generate --output-key-prefix k
	export GADGET_VERIFY_KEY=$BATS_TEST_TMPDIR/k.pub
	run gadget run "$digest" -t 1
	assert_failure 1
	assert_output "gadget: error: refusing to run $digest: signature check with $GADGET_VERIFY_KEY failed (--insecure-skip-verify runs it anyway): $digest is not signed: no name the store gives it has a signature"
	gadget sign --key k.key execsnoop:v1
	run_probe "$digest"
	run cat run.err
	assert_line --partial "gadget: execsnoop (tracer) from image $digest $digest, signature verified with $GADGET_VERIFY_KEY: attached 1 program"
	run gadget verify --key k.pub "$digest"
	assert_success
}
