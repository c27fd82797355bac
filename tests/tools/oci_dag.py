#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write an OCI layout tar whose image is a DAG of indexes (hostile input).

  oci_dag.py OUT.tar NAME WIDTH DEPTH

Index level 1 lists level 2 WIDTH times, and so on DEPTH levels down; the
last level lists one gadget-shaped manifest WIDTH times.  WIDTH^DEPTH paths,
DEPTH + 3 blobs: a reader that walks paths instead of blobs never ends.
"""
import hashlib
import io
import json
import sys
import tarfile

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def main():
    out, name, width, depth = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    blobs = {}

    def put(data, media_type):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return {"mediaType": media_type, "digest": digest, "size": len(data)}

    cfg = put(json.dumps({"architecture": "amd64", "os": "linux"}).encode(),
              "application/ebpf.oci.image.config.v1+json")
    layer = put(b"\x7fELF not really", "application/ebpf.oci.image.program.v1+binary")
    child = put(json.dumps({"schemaVersion": 2, "mediaType": MANIFEST, "config": cfg,
                            "layers": [layer]}).encode(), MANIFEST)
    for _ in range(depth):
        child = put(json.dumps({"schemaVersion": 2, "mediaType": INDEX,
                                "manifests": [child] * width}).encode(), INDEX)
    child["annotations"] = {"org.opencontainers.image.ref.name": name}
    files = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
             ("index.json", json.dumps({"schemaVersion": 2, "manifests": [child]}).encode())]
    files += [("blobs/sha256/" + d[7:], data) for d, data in sorted(blobs.items())]
    with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as tar:
        for path, data in files:
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main()
