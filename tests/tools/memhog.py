#!/usr/bin/env python3
# memhog.py NAME MIB [SLEEP] [OOM_SCORE_ADJ]: rename the process to NAME
# (its comm), optionally set its oom_score_adj, write MIB MiB of memory
# (touched, so it is resident), print "allocated PID", sleep SLEEP seconds.
import ctypes
import os
import sys
import time

name, mib = sys.argv[1], int(sys.argv[2])
pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0
if len(sys.argv) > 4:
    with open("/proc/self/oom_score_adj", "w") as f:
        f.write(sys.argv[4])
PR_SET_NAME = 15
ctypes.CDLL(None).prctl(PR_SET_NAME, name.encode(), 0, 0, 0)
chunks = [b"a" * (1 << 20) for _ in range(mib)]
print("allocated", os.getpid(), flush=True)
time.sleep(pause)
