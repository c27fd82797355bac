#!/usr/bin/env python3
"""Write an Inspektor Gadget image as an OCI image layout, by hand from IG's
spec (docs/spec/oci.md) and the shape its pkg/oci builder gives documents:

  index.json -> image index (mediaType set, annotations of the first manifest)
             -> one manifest per architecture, platform {architecture, os: linux},
                artifactType application/vnd.gadget.v1+binary, no mediaType of
                its own (Go's omitempty), annotations = the config's
                -> config: gadget.yaml (application/vnd.gadget.config.v1+yaml,
                   annotated with title/description/source/created), or the OCI
                   empty descriptor ({} with "data": "e30=") when there is none
                -> layers: the ELF, then wasm, then btfgen (one of each at most)

Usage: ig_layout.py DIR --ref NAME --ebpf ARCH=FILE [--ebpf ARCH=FILE] [--yaml FILE]
                    [--wasm FILE] [--btfgen FILE] [--created RFC3339] [--tar OUT.tar]
Prints the index digest.  Documents are compact JSON, as Go's json.Marshal
writes them (struct field order, map keys sorted).
"""
import argparse, hashlib, io, json, os, sys, tarfile

ARTIFACT = "application/vnd.gadget.v1+binary"
CONFIG = "application/vnd.gadget.config.v1+yaml"
EBPF = "application/vnd.gadget.ebpf.program.v1+binary"
WASM = "application/vnd.gadget.wasm.program.v1+binary"
BTFGEN = "application/vnd.gadget.btfgen.v1+binary"
EMPTY = "application/vnd.oci.empty.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
A = "org.opencontainers.image."


def dumps(doc):
    return json.dumps(doc, separators=(",", ":")).encode()


class Layout:
    def __init__(self, d):
        self.d = d
        os.makedirs(f"{d}/blobs/sha256", exist_ok=True)

    def put(self, data):
        h = hashlib.sha256(data).hexdigest()
        with open(f"{self.d}/blobs/sha256/{h}", "wb") as f:
            f.write(data)
        return "sha256:" + h

    def desc(self, media_type, data, annotations=None):
        d = {"mediaType": media_type, "digest": self.put(data), "size": len(data)}
        if annotations:
            d["annotations"] = dict(sorted(annotations.items()))
        return d


def yaml_scalar(text, key):
    """The top-level `key: value` of a gadget.yaml (enough for annotations)."""
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip().strip('"')
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--ref", required=True)
    ap.add_argument("--ebpf", action="append", required=True, metavar="ARCH=FILE")
    ap.add_argument("--yaml")
    ap.add_argument("--wasm")
    ap.add_argument("--btfgen")
    ap.add_argument("--created", default="2024-01-02T03:04:05Z")
    ap.add_argument("--tar")
    a = ap.parse_args()
    lay = Layout(a.dir)
    manifests = []
    for spec in sorted(a.ebpf):	# pkg/oci sorts the architectures
        arch, path = spec.split("=", 1)
        layers = [lay.desc(EBPF, open(path, "rb").read())]
        if a.wasm:
            layers.append(lay.desc(WASM, open(a.wasm, "rb").read()))
        if a.btfgen:
            layers.append(lay.desc(BTFGEN, open(a.btfgen, "rb").read()))
        if a.yaml:
            y = open(a.yaml, "rb").read()
            t = y.decode()
            ann = {A + "title": yaml_scalar(t, "name"),
                   A + "description": yaml_scalar(t, "description"),
                   A + "url": yaml_scalar(t, "homepageURL"),
                   A + "documentation": yaml_scalar(t, "documentationURL"),
                   A + "source": yaml_scalar(t, "sourceURL"),
                   A + "created": a.created}
            config = lay.desc(CONFIG, y, ann)
        else:
            ann = {A + "created": a.created}
            config = lay.desc(EMPTY, b"{}", ann)
            config["data"] = "e30="
        man = {"schemaVersion": 2, "artifactType": ARTIFACT, "config": config,
               "layers": layers, "annotations": dict(sorted(ann.items()))}
        body = dumps(man)
        md = {"mediaType": MANIFEST, "digest": lay.put(body), "size": len(body),
              "annotations": dict(sorted(ann.items())),
              "platform": {"architecture": arch, "os": "linux"}}
        manifests.append(md)
    index = {"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests,
             "annotations": manifests[0]["annotations"]}
    body = dumps(index)
    top = {"mediaType": INDEX, "digest": lay.put(body), "size": len(body),
           "annotations": {A + "ref.name": a.ref}}
    with open(f"{a.dir}/index.json", "wb") as f:
        f.write(dumps({"schemaVersion": 2, "manifests": [top]}))
    with open(f"{a.dir}/oci-layout", "wb") as f:
        f.write(dumps({"imageLayoutVersion": "1.0.0"}))
    if a.tar:
        with tarfile.open(a.tar, "w", format=tarfile.USTAR_FORMAT) as t:
            for root, _, files in sorted(os.walk(a.dir)):
                for n in sorted(files):
                    p = os.path.join(root, n)
                    t.add(p, arcname=os.path.relpath(p, a.dir))
    print(top["digest"])


if __name__ == "__main__":
    sys.exit(main())
