#!/usr/bin/env bats
# deploy/kubernetes/: the manifests parse, and the DaemonSet, ConfigMap and
# Secret agree with each other and with what `gadget run` needs (no
# Kubernetes server runs here; tests/ship/kube.bats runs the pod template
# with podman kube play).

bats_require_minimum_version 1.5.0
load helpers

KUBE="$GADGET_SRC/deploy/kubernetes"

@test "the DaemonSet runs the ConfigMap's gadget privileged, with hostPID, the kernel mounts, JSON out and scraped metrics" {
	run python3 - "$KUBE" <<'PY'
import sys, yaml, glob, os
docs = {}
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
    for d in yaml.safe_load_all(open(f)):
        assert d["apiVersion"] and d["metadata"]["name"], f
        docs[(d["kind"], d["metadata"]["name"])] = d
ds = docs[("DaemonSet", "gadget")]
cm = docs[("ConfigMap", "gadget-config")]
sec = docs[("Secret", "gadget-verify-key")]
assert ("Namespace", "gadget") in docs
for d in (ds, cm, sec):
    assert d["metadata"]["namespace"] == "gadget", d["kind"]
tpl = ds["spec"]["template"]
assert ds["spec"]["selector"]["matchLabels"].items() <= tpl["metadata"]["labels"].items()
spec = tpl["spec"]
c = spec["containers"][0]
print("hostPID", spec["hostPID"])
print("privileged", c["securityContext"]["privileged"])
mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
vols = {v["name"]: v for v in spec["volumes"]}
for path in ("/sys/kernel", "/sys/fs/bpf"):
    print("hostPath", path, vols[mounts[path]]["hostPath"]["path"])
args = " ".join(c["command"] + c["args"])
print("json", "-o json" in args, "metrics", '${GADGET_METRICS_ADDR:+--metrics-addr "$GADGET_METRICS_ADDR"}' in args,
      "image", '"$GADGET_IMAGE"' in args)
# every variable the command reads comes from the ConfigMap or env
env = {e["name"]: e["value"] for e in c["env"]}
assert [r["configMapRef"]["name"] for r in c["envFrom"]] == ["gadget-config"]
for var in ("GADGET_IMAGE", "GADGET_ARGS", "GADGET_METRICS_ADDR"):
    assert var in cm["data"], var
port = int(cm["data"]["GADGET_METRICS_ADDR"].rsplit(":", 1)[1])
ann = tpl["metadata"]["annotations"]
print("scrape", ann["prometheus.io/scrape"], int(ann["prometheus.io/port"]) == port,
      [p["containerPort"] for p in c["ports"]] == [port], ann["prometheus.io/path"])
# the verify key: the Secret's verify.pub, where GADGET_VERIFY_KEY points
key_dir, key_file = os.path.split(env["GADGET_VERIFY_KEY"])
print("key", vols[mounts[key_dir]]["secret"]["secretName"] == sec["metadata"]["name"],
      key_file in sec["stringData"])
PY
	assert_success
	assert_output "hostPID True
privileged True
hostPath /sys/kernel /sys/kernel
hostPath /sys/fs/bpf /sys/fs/bpf
json True metrics True image True
scrape true True True /metrics
key True True"
}
