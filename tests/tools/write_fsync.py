#!/usr/bin/env python3
# write_fsync.py PATH: once a line comes on stdin, create PATH, write 4096
# bytes, then 100 more, fsync it; print "done PID".
import os
import sys

sys.stdin.readline()
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, b"x" * 4096)
os.write(fd, b"y" * 100)
os.fsync(fd)
os.close(fd)
print("done", os.getpid(), flush=True)
