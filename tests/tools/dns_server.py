#!/usr/bin/env python3
"""A tiny DNS responder for the catalogue tests (tests/bats/gadget-trace_dns.bats).

dns_server.py ADDR PORT ANSWER_IP: answers every A query with ANSWER_IP
(TTL 60), any other type with no answer, over UDP (and TCP when --tcp).
ADDR "::" listens on IPv6 and IPv4 both.
Prints "ready" once bound; exits after --count queries (default: never).
"""
import argparse
import socket
import struct
import sys
import threading


def answer(query, ip):
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    if qd != 1:
        return None
    end = 12
    while query[end]:
        end += 1 + query[end]
    qtype = struct.unpack("!H", query[end + 1:end + 3])[0]
    question = query[12:end + 5]
    rd = flags & 0x0100
    records = b""
    if qtype == 1:
        # a compression pointer to the question's name (offset 12)
        records = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(ip)
    header = struct.pack("!HHHHHH", qid, 0x8000 | 0x0080 | rd, 1, 1 if records else 0, 0, 0)
    return header + question + records


def bound(addr, port, kind):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, kind)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    return s


def serve_tcp(addr, port, ip):
    s = bound(addr, port, socket.SOCK_STREAM)
    s.listen(8)
    while True:
        c, _ = s.accept()
        n = struct.unpack("!H", c.recv(2))[0]
        q = b""
        while len(q) < n:
            q += c.recv(n - len(q))
        r = answer(q, ip)
        if r:
            c.sendall(struct.pack("!H", len(r)) + r)
        c.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("addr")
    p.add_argument("port", type=int)
    p.add_argument("ip")
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--tcp", action="store_true")
    a = p.parse_args()
    s = bound(a.addr, a.port, socket.SOCK_DGRAM)
    if a.tcp:
        threading.Thread(target=serve_tcp, args=(a.addr, a.port, a.ip), daemon=True).start()
    print("ready", flush=True)
    n = 0
    while not a.count or n < a.count:
        q, peer = s.recvfrom(512)
        r = answer(q, a.ip)
        if r:
            s.sendto(r, peer)
        n += 1


if __name__ == "__main__":
    sys.exit(main())
