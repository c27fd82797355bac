#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write OCI layout tars that are hard on an importer (hostile input).

  oci_hostile.py dag OUT.tar NAME WIDTH DEPTH
      index level 1 lists level 2 WIDTH times, and so on DEPTH levels down;
      the last level lists one gadget-shaped manifest WIDTH times: WIDTH^DEPTH
      paths but DEPTH + 3 blobs, so a reader that walks paths never ends
  oci_hostile.py tags OUT.tar PREFIX N
      one gadget-shaped image under N names PREFIX:0 ... PREFIX:N-1
"""
import hashlib
import io
import json
import sys
import tarfile

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
REF_NAME = "org.opencontainers.image.ref.name"


class Layout:
    def __init__(self):
        self.blobs = {}

    def put(self, data, media_type):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        self.blobs[digest] = data
        return {"mediaType": media_type, "digest": digest, "size": len(data)}

    def image(self):
        cfg = self.put(json.dumps({"architecture": "amd64", "os": "linux"}).encode(),
                       "application/ebpf.oci.image.config.v1+json")
        layer = self.put(b"\x7fELF not really", "application/ebpf.oci.image.program.v1+binary")
        return self.put(json.dumps({"schemaVersion": 2, "mediaType": MANIFEST, "config": cfg,
                                    "layers": [layer]}).encode(), MANIFEST)

    def write(self, out, entries):
        files = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
                 ("index.json", json.dumps({"schemaVersion": 2, "manifests": entries}).encode())]
        files += [("blobs/sha256/" + d[7:], data) for d, data in sorted(self.blobs.items())]
        with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as tar:
            for path, data in files:
                info = tarfile.TarInfo(path)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def named(desc, name):
    return dict(desc, annotations={REF_NAME: name})


def dag(out, name, width, depth):
    lay = Layout()
    child = lay.image()
    for _ in range(int(depth)):
        child = lay.put(json.dumps({"schemaVersion": 2, "mediaType": INDEX,
                                    "manifests": [child] * int(width)}).encode(), INDEX)
    lay.write(out, [named(child, name)])


def tags(out, prefix, n):
    lay = Layout()
    top = lay.image()
    lay.write(out, [named(top, f"{prefix}:{i}") for i in range(int(n))])


if __name__ == "__main__":
    {"dag": dag, "tags": tags}[sys.argv[1]](*sys.argv[2:])
