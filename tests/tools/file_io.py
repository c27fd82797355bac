#!/usr/bin/env python3
# file_io.py PATH: known reads and writes on PATH, with every syscall
# top_file counts, then the same on a socket pair:
#   writes: write 3 x 1000, pwrite64 500, writev 100+200  = 5 calls, 3800 bytes
#   reads:  read 2 x 700, pread64 100, readv 50+50        = 4 calls, 1600 bytes
#   socket: write 123, read 123
# Waits for a line on stdin before starting, prints "done PID" at the end.
import os
import socket
import sys

sys.stdin.readline()
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
for _ in range(3):
    os.write(fd, b"w" * 1000)
os.pwrite(fd, b"p" * 500, 3000)
os.writev(fd, [b"v" * 100, b"v" * 200])
os.lseek(fd, 0, os.SEEK_SET)
os.read(fd, 700)
os.read(fd, 700)
os.pread(fd, 100, 0)
os.readv(fd, [bytearray(50), bytearray(50)])
os.close(fd)
a, b = socket.socketpair()
os.write(a.fileno(), b"s" * 123)
os.read(b.fileno(), 123)
print("done", os.getpid(), flush=True)
