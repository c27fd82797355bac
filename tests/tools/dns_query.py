#!/usr/bin/env python3
"""Send one DNS query and wait for its response (tests/bats/gadget-trace_dns.bats).

dns_query.py SERVER PORT NAME [--type N] [--tcp]: prints "pid=P id=I rcode=R
answers=N" and exits 0 when the response came, 1 on a timeout.
"""
import argparse
import os
import random
import socket
import struct
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("server")
    p.add_argument("port", type=int)
    p.add_argument("name")
    p.add_argument("--type", type=int, default=1)
    p.add_argument("--tcp", action="store_true")
    a = p.parse_args()
    qid = random.randrange(1, 65536)
    qname = b"".join(bytes([len(l)]) + l.encode() for l in a.name.split(".")) + b"\0"
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", a.type, 1)
    if a.tcp:
        s = socket.create_connection((a.server, a.port), timeout=5)
        s.sendall(struct.pack("!H", len(q)) + q)
        n = struct.unpack("!H", s.recv(2))[0]
        r = b""
        while len(r) < n:
            r += s.recv(n - len(r))
    else:
        s = socket.socket(socket.AF_INET6 if ":" in a.server else socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(q, (a.server, a.port))
        try:
            r, _ = s.recvfrom(512)
        except socket.timeout:
            return 1
    rid, flags, _, an = struct.unpack("!HHHH", r[:8])
    print(f"pid={os.getpid()} id={qid} rcode={flags & 15} answers={an}", flush=True)
    return 0 if rid == qid else 1


if __name__ == "__main__":
    sys.exit(main())
