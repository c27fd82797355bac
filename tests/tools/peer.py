#!/usr/bin/env python3
"""Loopback TCP/UDP peers for the catalogue tests.

peer.py serve tcp|udp PORT            accept/answer on 127.0.0.1:PORT; prints
                                      "ready", then "got N" per connection or
                                      datagram (N bytes read)
peer.py send tcp|udp PORT NBYTES      connect/send NBYTES to 127.0.0.1:PORT
                                      (UDP: and wait for the echo); prints
                                      "pid=P lport=L mntns=M"
"""
import os
import socket
import sys


def serve(proto, port):
    if proto == "tcp":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(16)
        print("ready", flush=True)
        while True:
            c, _ = s.accept()
            n = 0
            while True:
                b = c.recv(65536)
                if not b:
                    break
                n += len(b)
            c.close()
            print(f"got {n}", flush=True)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    print("ready", flush=True)
    while True:
        b, peer = s.recvfrom(65536)
        s.sendto(b[:16], peer)
        print(f"got {len(b)}", flush=True)


def send(proto, port, nbytes):
    if proto == "tcp":
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        lport = s.getsockname()[1]
        s.sendall(b"x" * nbytes)
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
        s.close()
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(b"x" * nbytes, ("127.0.0.1", port))
        s.recvfrom(65536)
        lport = s.getsockname()[1]
    mntns = os.stat("/proc/self/ns/mnt").st_ino
    print(f"pid={os.getpid()} lport={lport} mntns={mntns}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
