#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn advise_seccomp_profile's JSON output into seccomp profiles.

    sudo gadget run gadgets/advise_seccomp_profile -o json -t 60 --interval 60 \\
        | ./seccomp_profile.py [--mntns ID]

Reads the rows ({"mntns_id":..., "syscall":"openat", "calls":...}) on
stdin and prints, in the seccomp profile format of the OCI runtime spec /
Docker (what Inspektor Gadget's advise seccomp-profile prints), a profile
that denies everything but the syscalls seen: one profile for --mntns ID,
else an object with one profile per container name (or mount namespace
id when the namespace is no container's).
"""
import argparse
import json
import sys


def profile(names):
    return {
        "defaultAction": "SCMP_ACT_ERRNO",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": sorted(names), "action": "SCMP_ACT_ALLOW"}],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mntns", type=int, help="only this mount namespace")
    args = ap.parse_args()
    seen = {}
    for line in sys.stdin:
        if not line.startswith("{"):
            continue
        row = json.loads(line)
        if args.mntns is not None and row["mntns_id"] != args.mntns:
            continue
        name = row["syscall"]
        if name.lstrip("-").isdigit():
            # no name for this number on x86_64 (e.g. -1 from a ptrace'd task)
            print(f"seccomp_profile: skipping syscall number {name}", file=sys.stderr)
            continue
        owner = row.get("container") or str(row["mntns_id"])
        seen.setdefault(owner, set()).add(name)
    if args.mntns is not None:
        out = profile(set().union(*seen.values()))
    else:
        out = {owner: profile(names) for owner, names in sorted(seen.items())}
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
