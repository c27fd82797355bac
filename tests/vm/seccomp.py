#!/usr/bin/env python3
"""seccomp.py log|kill PIDFILE: write this process's pid to PIDFILE, install a
seccomp filter whose action for getppid(2) is SECCOMP_RET_LOG (or
SECCOMP_RET_KILL_PROCESS), then call getppid: one audited seccomp decision,
which gadgets/audit_seccomp reports (tests/vm/catalogue.bats).  x86_64 only.
"""
import ctypes
import os
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
ACTIONS = {"log": 0x7FFC0000, "kill": 0x80000000}  # SECCOMP_RET_LOG, SECCOMP_RET_KILL_PROCESS
SECCOMP_RET_ALLOW = 0x7FFF0000
NR_GETPPID = 110  # x86_64

# classic BPF (struct sock_filter: u16 code, u8 jt, u8 jf, u32 k) over struct seccomp_data
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06


def insn(code, jt, jf, k):
    return struct.pack("=HBBI", code, jt, jf, k)


def main():
    action, pidfile = sys.argv[1], sys.argv[2]
    prog = b"".join([
        insn(BPF_LD_W_ABS, 0, 0, 0),                 # A = seccomp_data.nr
        insn(BPF_JEQ_K, 0, 1, NR_GETPPID),
        insn(BPF_RET_K, 0, 0, ACTIONS[action]),
        insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ])
    buf = ctypes.create_string_buffer(prog)
    fprog = struct.pack("=HxxxxxxQ", len(prog) // 8, ctypes.addressof(buf))
    fbuf = ctypes.create_string_buffer(fprog)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    with open(pidfile, "w") as f:
        f.write(f"{os.getpid()}\n")
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fbuf), 0, 0):
        sys.exit(f"seccomp.py: prctl: {os.strerror(ctypes.get_errno())}")
    os.getppid()


if __name__ == "__main__":
    main()
