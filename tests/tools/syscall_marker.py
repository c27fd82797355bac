#!/usr/bin/env python3
# syscall_marker.py FIFO PATH: once a line can be read from FIFO, make
# known system calls:
#   openat(PATH) for writing, dup2 to fd 7, write(7, 64 bytes of MARKER...)
#   close(99), which fails with EBADF
#   openat(PATH) for reading, read(fd, 64) of the same 64 bytes
import os
import sys

MARKER = b"traceloop-marker-"
data = MARKER + b"x" * (64 - len(MARKER))
with open(sys.argv[1]) as f:
    f.readline()
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.dup2(fd, 7)
os.write(7, data)
try:
    os.close(99)
except OSError:
    pass
fd = os.open(sys.argv[2], os.O_RDONLY)
os.read(fd, 64)
