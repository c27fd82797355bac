#!/usr/bin/env python3
"""TCP request/response traffic for the tcp gadgets' tests.

tcp_pingpong.py ADDR PORT ROUNDS [PAUSE_S]: listen on ADDR:PORT, connect to
it, and exchange ROUNDS 100-byte messages each way (PAUSE_S apart), then
print "done ROUNDS" and exit.  Run it inside a network namespace of the
test's own (ip netns exec NS ...).
"""
import socket
import sys
import threading
import time

addr, port, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pause = float(sys.argv[4]) if len(sys.argv) > 4 else 0.005
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
srv = socket.socket(family, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, port))
srv.listen(1)


def serve():
    conn, _ = srv.accept()
    with conn:
        for _ in range(rounds):
            data = b""
            while len(data) < 100:
                chunk = conn.recv(100 - len(data))
                if not chunk:
                    return
                data += chunk
            conn.sendall(data)


t = threading.Thread(target=serve)
t.start()
cli = socket.create_connection((addr, port))
cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for _ in range(rounds):
    cli.sendall(b"x" * 100)
    got = b""
    while len(got) < 100:
        got += cli.recv(100 - len(got))
    time.sleep(pause)
cli.close()
t.join()
print("done", rounds)
