#!/usr/bin/env python3
# Mount a tmpfs on TARGET with the new mount API (Linux 5.2+):
# fsopen, fsconfig(size=1m), fsconfig(CMD_CREATE), fsmount, move_mount.
# Python has no wrappers for these: raw syscalls (x86_64 numbers).
import ctypes
import os
import sys

NR_MOVE_MOUNT, NR_FSOPEN, NR_FSCONFIG, NR_FSMOUNT = 429, 430, 431, 432
FSCONFIG_SET_STRING, FSCONFIG_CMD_CREATE = 1, 6
MOVE_MOUNT_F_EMPTY_PATH = 4
AT_FDCWD = -100

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def call(what, *args):
    r = libc.syscall(*args)
    if r < 0:
        e = ctypes.get_errno()
        sys.exit(f"{what}: {os.strerror(e)}")
    return r


target = sys.argv[1].encode()
fs = call("fsopen", NR_FSOPEN, b"tmpfs", 0)
call("fsconfig", NR_FSCONFIG, fs, FSCONFIG_SET_STRING, b"size", b"1m", 0)
call("fsconfig", NR_FSCONFIG, fs, FSCONFIG_CMD_CREATE, None, None, 0)
mnt = call("fsmount", NR_FSMOUNT, fs, 0, 0)
call("move_mount", NR_MOVE_MOUNT, mnt, b"", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH)
