#!/usr/bin/env bats
# deploy/kubernetes/ run for real, as far as this machine allows: the
# DaemonSet's pod template turned into a Pod (what the DaemonSet controller
# makes), played by `podman kube play` with the ConfigMap and a Secret
# holding a real key; the pod pulls a signed metrics gadget from the test
# registry, verifies it, and serves the exact count of a host process's
# calls on the annotated port.

bats_require_minimum_version 1.5.0
load ship

KUBE="$GADGET_SRC/deploy/kubernetes"

setup() {
	common_setup
	RUNNER=$(ship_image gadget-runner runner-image)
	registry_start
	cd "$BATS_TEST_TMPDIR"
	POD=
	SECRET=
	CALLER=
}

teardown() {
	[ -z "$CALLER" ] || kill "$CALLER" 2>/dev/null || true
	[ -z "$POD" ] || podman kube down pod.yaml >/dev/null 2>&1 || true
	[ -z "$SECRET" ] || podman secret rm "$SECRET" >/dev/null 2>&1 || true
	registry_stop
}

@test "podman kube play runs the DaemonSet's pod: a verified gadget from the registry, its metrics on the annotated port" {
	# a signed metrics gadget in the registry: it counts getsid(2) calls of one pid
	"$GADGET" key generate --output-key-prefix k >/dev/null
	mkdir metrics && cp "$GADGET_SRC/tests/fixtures/metrics-prom/metrics_prom.bpf.c" metrics/
	"$GADGET" build metrics -t "$REGISTRY/ship/metrics:v1" >/dev/null 2>&1
	"$GADGET" sign --key k.key "$REGISTRY/ship/metrics:v1" >/dev/null
	"$GADGET" push -q "$REGISTRY/ship/metrics:v1" >/dev/null
	# the process whose calls it counts, started now, calling once "go" exists
	python3 -c '
import os, sys, time
open("caller.pid", "w").write(str(os.getpid()))
while not os.path.exists("go"):
    time.sleep(0.05)
for _ in range(7):
    os.getsid(0)
open("go.done", "w").close()
time.sleep(60)' &
	CALLER=$!
	for ((i = 0; i < 100; i++)); do [ -s caller.pid ] && break; sleep 0.05; done
	local comm="kube$RANDOM" port i
	port=$(free_port)
	# The manifests as shipped, with what a test must change: the gadget,
	# the key, a store of its own, the host's network (the registry is on
	# its loopback) and a free metrics port.
	python3 - "$KUBE" "$REGISTRY/ship/metrics:v1" "$comm" "$PWD" "$port" "$(cat caller.pid)" <<'PY'
import sys, yaml, os
kube, image, comm, tmp, port, caller = sys.argv[1:]
docs = [d for f in ("daemonset.yaml", "configmap.yaml", "secret.yaml")
        for d in yaml.safe_load_all(open(os.path.join(kube, f)))]
ds = next(d for d in docs if d["kind"] == "DaemonSet")
cm = next(d for d in docs if d["kind"] == "ConfigMap")
sec = next(d for d in docs if d["kind"] == "Secret")
tpl = ds["spec"]["template"]
pod = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "gadget-" + comm, **{k: tpl["metadata"][k] for k in ("labels", "annotations")}},
       "spec": tpl["spec"]}
pod["spec"]["hostNetwork"] = True
pod["spec"]["restartPolicy"] = "Never"
pod["metadata"]["annotations"]["prometheus.io/port"] = port
# with the host's network podman refuses port mappings (Kubernetes takes
# them): the gadget listens on the annotated port of the host itself
pod["spec"]["containers"][0].pop("ports")
for v in pod["spec"]["volumes"]:
    if v["name"] == "store":
        v["hostPath"]["path"] = tmp + "/store"
    if v["name"] == "verify-key":
        v["secret"]["secretName"] = "gadget-verify-key-" + comm
        # Kubernetes' default, spelled out: podman 4.3.1 dereferences it unset
        v["secret"]["optional"] = False
cm["metadata"].pop("namespace")
cm["data"]["GADGET_IMAGE"] = image
cm["data"]["GADGET_ARGS"] = "--param target_pid=" + caller
cm["data"]["GADGET_METRICS_ADDR"] = "127.0.0.1:" + port
sec["metadata"]["name"] = "gadget-verify-key-" + comm
sec["metadata"].pop("namespace")
# podman 4.3.1 reads `data` only (not stringData) and writes its values
# without base64-decoding them: it gets the PEM itself under data
sec.pop("stringData")
sec["data"] = {"verify.pub": open(tmp + "/k.pub").read()}
yaml.safe_dump(pod, open(tmp + "/pod.yaml", "w"))
yaml.safe_dump(cm, open(tmp + "/configmap.yaml", "w"))
yaml.safe_dump(sec, open(tmp + "/secret.yaml", "w"))
PY
	SECRET="gadget-verify-key-$comm"
	podman secret create "$SECRET" secret.yaml >/dev/null
	POD="gadget-$comm"
	run podman kube play --configmap configmap.yaml pod.yaml
	assert_success
	local ctr="$POD-gadget"
	for ((i = 0; i < 600; i++)); do
		curl -sf "http://127.0.0.1:$port/metrics" >/dev/null && break
		sleep 0.1
	done
	run podman logs "$ctr"
	assert_output --partial "signature verified with /etc/gadget/verify.pub"
	touch go
	for ((i = 0; i < 100; i++)); do [ -e go.done ] && break; sleep 0.1; done
	# the annotations' port serves the exact count
	run curl -sf "http://127.0.0.1:$port/metrics"
	assert_success
	assert_line --regexp "^[a-z_]+_calls_total\{pid=\"$(cat caller.pid)\"\} 7$"
	kill "$CALLER"
}
