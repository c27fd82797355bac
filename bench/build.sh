#!/bin/bash
# gadget build against bare clang on the same source, measured side by side:
# every round runs each command once (interleaved), so load from elsewhere
# falls on all of them alike; ratios are taken per round.  The table shows
# the minimum and the median of RUNS rounds; verdicts use the median.
#
#   no-cache build      clang + link + validate + write  (goal: <= 1.05x clang)
#   edit-rebuild        a comment appended, then build; PCH used (<= 0.35x)
#   first build         empty cache: the PCH is made in the background (<= 1.1x)
#   unchanged rebuild   a cache hit, process start to object written (< 20 ms)
#   catalogue           `make gadgets` from an empty cache, PCH made on the way,
#                       against sequential clang calls of the same sources (<= 0.5x)
#   PCH on disk         what the precompiled header costs in the cache
set -euo pipefail

: "${GADGET_SRC:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${GADGET:=$GADGET_SRC/build/gadget}"
RUNS=${RUNS:-11}
CAT_RUNS=${CAT_RUNS:-3}

work=$(mktemp -d /tmp/gadget-bench-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME="$work"
unset GADGET_CACHE_DIR XDG_CACHE_HOME GADGET_CACHE_MAX_SIZE

python3 - "$GADGET" "$GADGET_SRC" "$work" "$RUNS" "$CAT_RUNS" <<'PY'
import fcntl, glob, os, shutil, statistics, subprocess, sys, time

gadget, src, work, runs, cat_runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
hdrs = f"{src}/bpf-headers"
cflags = ["clang", "-target", "bpf", "-O2", "-g", "-D__TARGET_ARCH_x86", f"-I{hdrs}/x86", f"-I{hdrs}"]
main_cache, first_cache = f"{work}/cache", f"{work}/first-cache"
os.chdir(work)

def env(cache):
    return dict(os.environ, GADGET_CACHE_DIR=cache)

def run(cmd, cache=main_cache, cwd=None):
    p = subprocess.run(cmd, env=env(cache), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{p.stderr.decode()}")
    return p.stderr.decode()

def timed(cmd, cache=main_cache, cwd=None):
    t0 = time.monotonic()
    run(cmd, cache, cwd)
    return time.monotonic() - t0

def pch_wait(cache):
    for lock in glob.glob(f"{cache}/pch/*.lock"):
        with open(lock) as f:
            fcntl.flock(f, fcntl.LOCK_EX)

def edit():
    with open("bench/bench.bpf.c", "a") as f:
        f.write(f"// edit {time.monotonic_ns()}\n")

run([gadget, "init", "bench", "--type", "tracer"])
run([gadget, "build", "bench"])
pch_wait(main_cache)
edit()
if "pch: used" not in run([gadget, "build", "bench", "-v"]):
    sys.exit("bench: the edit-rebuild did not use the PCH")

rows = {k: [] for k in ("clang", "nocache", "edit", "first", "first_ready", "hit")}
for _ in range(runs):
    rows["clang"].append(timed(cflags + ["-c", "bench/bench.bpf.c", "-o", "clang.o"]))
    rows["nocache"].append(timed([gadget, "build", "bench", "--no-cache", "-o", "nocache.o"]))
    edit()
    rows["edit"].append(timed([gadget, "build", "bench", "-o", "edit.o"]))
    rows["hit"].append(timed([gadget, "build", "bench", "-o", "hit.o"]))
    shutil.rmtree(first_cache, ignore_errors=True)
    t0 = time.monotonic()
    run([gadget, "build", "bench", "-o", "first.o"], first_cache)
    rows["first"].append(time.monotonic() - t0)
    pch_wait(first_cache)
    rows["first_ready"].append(time.monotonic() - t0)

catalogue = sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(f"{src}/gadgets/*/gadget.json"))
sources = [(f"{src}/gadgets/{g}", f) for g in catalogue
           for f in sorted(os.listdir(f"{src}/gadgets/{g}")) if f.endswith(".bpf.c")]
os.makedirs("seq", exist_ok=True)
jobs = os.sched_getaffinity(0)
for _ in range(cat_runs):
    t0 = time.monotonic()
    for d, f in sources:
        run(cflags + ["-c", f, "-o", f"{work}/seq/{f}.o"], cwd=d)
    rows.setdefault("cat_clang", []).append(time.monotonic() - t0)
    shutil.rmtree(first_cache, ignore_errors=True)
    rows.setdefault("cat_ours", []).append(timed(["make", "-s", "-C", src, "-o", gadget, "gadgets",
                                                  f"GADGET={gadget}", f"GADGETS_OUT={work}/cat"],
                                                 first_cache))
    pch_wait(first_cache)

pch_bytes = sum(os.path.getsize(p) for p in glob.glob(f"{main_cache}/pch/*"))

def ms(v):
    return f"{v * 1000:7.1f}ms"

def ratio(a, b):
    return [x / y for x, y in zip(rows[a], rows[b])]

print(f"{'what':<58} {'min':>9} {'median':>9} {'goal':>8}  verdict")
def line(what, vals, fmt=ms, goal="", ok=None):
    verdict = "" if ok is None else ("ok" if ok(statistics.median(vals)) else "OVER")
    print(f"{what:<58} {fmt(min(vals)):>9} {fmt(statistics.median(vals)):>9} {goal:>8}  {verdict}")

r = lambda v: f"{v:9.3f}"
line("clang -target bpf -O2 -g -c (tracer template)", rows["clang"])
line("gadget build --no-cache (clang+link+validate)", rows["nocache"])
line("  ratio to clang", ratio("nocache", "clang"), r, "<= 1.05", lambda v: v <= 1.05)
line("edit-rebuild: comment appended, PCH used", rows["edit"])
line("  ratio to clang", ratio("edit", "clang"), r, "<= 0.35", lambda v: v <= 0.35)
line("first build, empty cache (PCH made in the background)", rows["first"])
line("  ratio to clang", ratio("first", "clang"), r, "<= 1.10", lambda v: v <= 1.10)
line("  the same until its PCH is ready", rows["first_ready"])
line("unchanged rebuild (cache hit, whole process)", rows["hit"], goal="< 20ms", ok=lambda v: v < 0.020)
line(f"catalogue: {len(sources)} sources, sequential clang", rows["cat_clang"])
line(f"catalogue: make gadgets, empty cache ({len(jobs)} CPUs)", rows["cat_ours"])
line("  ratio to sequential clang", ratio("cat_ours", "cat_clang"), r, "<= 0.5", lambda v: v <= 0.5)
print(f"{'PCH on disk (.pch, covering header, manifest)':<58} {pch_bytes / 1e6:>8.1f}M")
PY
