# Registry helpers for the push/pull tests: `load registry` after `load helpers`.
# Starts Debian's docker-registry (distribution 2.8) on a free 127.0.0.1 port
# with its own config and storage under $BATS_TEST_TMPDIR, optionally with
# htpasswd auth and TLS from a CA made here with openssl.  registry_stop in
# teardown kills exactly the process started.

REGISTRY_USER=gadgetci
REGISTRY_PASSWORD=s3cret-pass

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Make a CA and a server certificate for 127.0.0.1/localhost in $1.
make_test_ca() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=gadget test CA" \
		-keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$d/ext.cnf"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
}

# htpasswd file with a bcrypt hash (what distribution's htpasswd auth accepts).
make_htpasswd() {
	python3 - "$1" "$REGISTRY_USER" "$REGISTRY_PASSWORD" <<'PY'
import sys, warnings
warnings.simplefilter("ignore")
import crypt
path, user, pw = sys.argv[1:4]
# cost 4: the registry checks the hash on every request
h = crypt.crypt(pw, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16))
open(path, "w").write(f"{user}:{h}\n")
PY
}

# registry_start [--tls] [--auth]: sets REGISTRY (host:port), REGISTRY_PID,
# REGISTRY_CA and REGISTRY_CERT_DIR (with --tls), REGISTRY_DIR.
registry_start() {
	local tls= auth= port cfg
	for a in "$@"; do
		case $a in
		--tls) tls=1 ;;
		--auth) auth=1 ;;
		esac
	done
	REGISTRY_DIR="$BATS_TEST_TMPDIR/registry"
	mkdir -p "$REGISTRY_DIR/data"
	cfg="$REGISTRY_DIR/config.yml"
	port=$(free_port)
	cat >"$cfg" <<-YAML
	version: 0.1
	log:
	  level: error
	  accesslog:
	    disabled: true
	storage:
	  filesystem:
	    rootdirectory: $REGISTRY_DIR/data
	  delete:
	    enabled: true
	http:
	  addr: 127.0.0.1:$port
	YAML
	if [ -n "$tls" ]; then
		make_test_ca "$REGISTRY_DIR/ca"
		REGISTRY_CA="$REGISTRY_DIR/ca/ca.crt"
		# skopeo's --cert-dir wants the CA alone in a folder
		REGISTRY_CERT_DIR="$REGISTRY_DIR/certs.d"
		mkdir -p "$REGISTRY_CERT_DIR"
		cp "$REGISTRY_CA" "$REGISTRY_CERT_DIR/ca.crt"
		printf '  tls:\n    certificate: %s\n    key: %s\n' \
			"$REGISTRY_DIR/ca/server.crt" "$REGISTRY_DIR/ca/server.key" >>"$cfg"
	fi
	if [ -n "$auth" ]; then
		make_htpasswd "$REGISTRY_DIR/htpasswd"
		printf 'auth:\n  htpasswd:\n    realm: gadget-test\n    path: %s\n' "$REGISTRY_DIR/htpasswd" >>"$cfg"
	fi
	docker-registry serve "$cfg" >"$REGISTRY_DIR/log" 2>&1 &
	REGISTRY_PID=$!
	REGISTRY=127.0.0.1:$port
	export REGISTRY REGISTRY_PID REGISTRY_CA REGISTRY_CERT_DIR REGISTRY_DIR
	local scheme=http curlopt=()
	[ -n "$tls" ] && scheme=https curlopt=(--cacert "$REGISTRY_CA")
	for _ in $(seq 100); do
		code=$(curl -s -o /dev/null -w '%{http_code}' "${curlopt[@]}" "$scheme://$REGISTRY/v2/" || true)
		case $code in 200|401) return 0 ;; esac
		kill -0 "$REGISTRY_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "docker-registry did not start:" >&2
	cat "$REGISTRY_DIR/log" >&2
	return 1
}

registry_stop() {
	if [ -n "${REGISTRY_PID:-}" ]; then
		kill "$REGISTRY_PID" 2>/dev/null || true
		wait "$REGISTRY_PID" 2>/dev/null || true
		REGISTRY_PID=
	fi
}

# faultproxy_start MODE [ARGS...]: a fault-injecting proxy in front of
# $REGISTRY; sets PROXY (host:port) and PROXY_PID.
faultproxy_start() {
	local port
	port=$(free_port)
	python3 "$GADGET_SRC/tests/tools/faultproxy.py" --listen "127.0.0.1:$port" \
		--upstream "$REGISTRY" "$@" >"$BATS_TEST_TMPDIR/faultproxy.log" 2>&1 &
	PROXY_PID=$!
	PROXY=127.0.0.1:$port
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://$PROXY/__faultproxy/health" && return 0
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/faultproxy.log" >&2
	return 1
}

faultproxy_stop() {
	if [ -n "${PROXY_PID:-}" ]; then
		kill "$PROXY_PID" 2>/dev/null || true
		wait "$PROXY_PID" 2>/dev/null || true
		PROXY_PID=
	fi
}

# Requests the proxy saw, one "METHOD PATH STATUS" line each.
faultproxy_requests() {
	curl -s "http://$PROXY/__faultproxy/log"
}

# make_oci_fixture DIR TAG SIZE [ARCHS]: an OCI layout (what skopeo reads
# with oci:DIR:TAG) holding a gadget-shaped image: config of the eBPF
# config type, one program layer of SIZE random bytes per architecture; with
# several ARCHS (comma separated) an index over one manifest each.  Prints
# the top digest.
make_oci_fixture() {
	python3 - "$@" <<'PY'
import hashlib, json, os, sys
d, tag, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
archs = sys.argv[4].split(",") if len(sys.argv) > 4 else None
os.makedirs(f"{d}/blobs/sha256", exist_ok=True)
def put(b):
    h = hashlib.sha256(b).hexdigest()
    with open(f"{d}/blobs/sha256/{h}", "wb") as f:
        f.write(b)
    return {"digest": "sha256:" + h, "size": len(b)}
def manifest(arch):
    cfg = json.dumps({"architecture": arch, "os": "linux",
                      "gadget": {"name": "fixture"}}).encode()
    layer = os.urandom(size)
    m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": dict(put(cfg), mediaType="application/ebpf.oci.image.config.v1+json"),
         "layers": [dict(put(layer), mediaType="application/ebpf.oci.image.program.v1+binary")]}
    return json.dumps(m).encode()
if archs:
    idx = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
           "manifests": [dict(put(manifest(a)), mediaType="application/vnd.oci.image.manifest.v1+json",
                              platform={"architecture": a, "os": "linux"}) for a in archs]}
    top = dict(put(json.dumps(idx).encode()), mediaType="application/vnd.oci.image.index.v1+json")
else:
    top = dict(put(manifest("amd64")), mediaType="application/vnd.oci.image.manifest.v1+json")
index_path = f"{d}/index.json"
index = json.load(open(index_path)) if os.path.exists(index_path) else {"schemaVersion": 2, "manifests": []}
top["annotations"] = {"org.opencontainers.image.ref.name": tag}
index["manifests"].append(top)
json.dump(index, open(index_path, "w"))
open(f"{d}/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
print(top["digest"])
PY
}

# Put a fixture into the registry with skopeo (the witness client).
skopeo_push_fixture() {
	local dir=$1 tag=$2 dest=$3
	skopeo copy --quiet --all --dest-tls-verify=false "oci:$dir:$tag" "docker://$dest"
}

# Layer digests of a manifest blob in the store.
store_blob() {
	echo "$GADGET_STORE/blobs/sha256/${1#sha256:}"
}

# make_cosign_signature DIR DIGEST IDENTITY KEYDIR: add to the OCI layout DIR a
# cosign-format signature of DIGEST (sigstore/cosign SIGNATURE_SPEC: simple
# signing payload layer, base64 DER ECDSA P-256 signature annotation) tagged
# sha256-<hex>.sig, signed with a key made by openssl in KEYDIR.
make_cosign_signature() {
	local dir=$1 digest=$2 identity=$3 kd=$4
	mkdir -p "$kd"
	openssl ecparam -name prime256v1 -genkey -noout -out "$kd/key.pem"
	openssl ec -in "$kd/key.pem" -pubout -out "$kd/pub.pem" 2>/dev/null
	printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
		"$identity" "$digest" >"$kd/payload"
	openssl dgst -sha256 -sign "$kd/key.pem" -out "$kd/sig.der" "$kd/payload"
	python3 - "$dir" "$digest" "$kd" <<'PY'
import base64, hashlib, json, os, sys
d, digest, kd = sys.argv[1:4]
def put(b):
    h = hashlib.sha256(b).hexdigest()
    open(f"{d}/blobs/sha256/{h}", "wb").write(b)
    return {"digest": "sha256:" + h, "size": len(b)}
payload = open(f"{kd}/payload", "rb").read()
sig = base64.b64encode(open(f"{kd}/sig.der", "rb").read()).decode()
cfg = json.dumps({"architecture": "", "os": "", "config": {},
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(payload).hexdigest()]}}).encode()
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "config": dict(put(cfg), mediaType="application/vnd.oci.image.config.v1+json"),
     "layers": [dict(put(payload), mediaType="application/vnd.dev.cosign.simplesigning.v1+json",
                     annotations={"dev.cosignproject.cosign/signature": sig})]}
top = dict(put(json.dumps(m).encode()), mediaType="application/vnd.oci.image.manifest.v1+json")
tag = digest.replace(":", "-") + ".sig"
top["annotations"] = {"org.opencontainers.image.ref.name": tag}
idx = json.load(open(f"{d}/index.json"))
idx["manifests"].append(top)
json.dump(idx, open(f"{d}/index.json", "w"))
print(tag)
PY
}
