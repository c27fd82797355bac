#!/usr/bin/env python3
"""Socket workloads for the network gadget tests (tests/bats/gadget-trace_tcp*.bats,
gadget-trace_bind.bats, gadget-snapshot_socket.bats).  Each prints one line of
"key=value" words that the test asserts the gadget's events against.

  sockets.py connect 4|6           listen on loopback, connect, accept, close
  sockets.py refused               connect to a loopback port nobody listens on
  sockets.py bind PROTO PORT [IF]  bind tcp|udp with SO_REUSEADDR (and
                                   SO_BINDTODEVICE=IF) to 127.0.0.1:PORT
  sockets.py hold SECONDS          a TCP listener, a bound UDP socket and an
                                   established IPv6 connection kept open for
                                   SECONDS
  sockets.py send HOST PORT N S    connect, send N bytes, then wait S
                                   seconds for an answer (there is none)
  sockets.py serve PORT            accept one connection, read until EOF
                                   or a reset
  sockets.py reset PORT            connect to 127.0.0.1:PORT, then abort the
                                   connection (SO_LINGER 0: an RST)
"""
import os
import socket
import struct
import sys
import time


def say(**kv):
    print(" ".join(f"{k}={v}" for k, v in kv.items()), flush=True)


def free_port(fam=socket.AF_INET, host="127.0.0.1"):
    s = socket.socket(fam)
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def abort(sock):
    """Close with an RST: no FIN to retransmit from an orphaned socket
    while the test's namespaces are deleted."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def connect(ver):
    fam = socket.AF_INET6 if ver == "6" else socket.AF_INET
    host = "::1" if ver == "6" else "127.0.0.1"
    srv = socket.socket(fam)
    srv.bind((host, 0))
    srv.listen()
    cli = socket.socket(fam)
    cli.connect((host, srv.getsockname()[1]))
    acc, _ = srv.accept()
    cli.sendall(b"ping")
    acc.recv(4)
    say(pid=os.getpid(), server=srv.getsockname()[1], client=cli.getsockname()[1])
    cli.close()
    acc.close()
    srv.close()


def refused():
    port = free_port()
    cli = socket.socket()
    try:
        cli.connect(("127.0.0.1", port))
        err = 0
    except OSError as e:
        err = e.errno
    say(pid=os.getpid(), port=port, errno=err)


def bind(proto, port, ifname=None):
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if ifname:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s.bind(("127.0.0.1", int(port)))
    say(pid=os.getpid(), proto=proto, port=s.getsockname()[1])
    s.close()


def hold(seconds):
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    # and an established IPv6 connection, both ends
    srv6 = socket.socket(socket.AF_INET6)
    srv6.bind(("::1", 0))
    srv6.listen()
    cli6 = socket.create_connection(("::1", srv6.getsockname()[1]))
    acc6, _ = srv6.accept()
    say(pid=os.getpid(), tcp=tcp.getsockname()[1], udp=udp.getsockname()[1],
        tcp_inode=os.fstat(tcp.fileno()).st_ino, udp_inode=os.fstat(udp.fileno()).st_ino,
        v6_server=srv6.getsockname()[1], v6_client=cli6.getsockname()[1],
        v6_client_inode=os.fstat(cli6.fileno()).st_ino)
    time.sleep(float(seconds))


def send(host, port, n, wait):
    cli = socket.create_connection((host, int(port)), timeout=10)
    say(pid=os.getpid(), client=cli.getsockname()[1])
    cli.sendall(b"x" * int(n))
    cli.settimeout(float(wait))
    try:
        cli.recv(1)
    except OSError:
        pass
    abort(cli)


def serve(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", int(port)))
    srv.listen()
    say(pid=os.getpid(), listening=port)
    srv.settimeout(30)
    acc, _ = srv.accept()
    acc.settimeout(30)
    try:
        while acc.recv(65536):
            pass
    except ConnectionResetError:
        say(reset=1)
    abort(acc)


def reset(port):
    cli = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    say(pid=os.getpid(), client=cli.getsockname()[1])
    time.sleep(0.5)
    abort(cli)


COMMANDS = {"connect": connect, "refused": refused, "bind": bind, "hold": hold,
            "send": send, "serve": serve, "reset": reset}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
