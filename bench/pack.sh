#!/bin/bash
# Pack + export + import of a gadget image with a 1 MB object by gadget,
# against skopeo copy of the same image between two OCI layouts, in one run,
# side by side.  Times are the median of $RUNS; ratio = gadget / skopeo
# (skopeo does less: one copy, where gadget packs, writes a tar and
# re-imports it with every digest checked).
set -euo pipefail

: "${GADGET_SRC:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${GADGET:=$GADGET_SRC/build/gadget}"
PACK_OBJ=${PACK_OBJ:-$(dirname "$GADGET")/tests/tools/pack_obj}
RUNS=${RUNS:-9}
WORK=$(mktemp -d /tmp/gadget-bench-pack.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK/home SOURCE_DATE_EPOCH=1700000000
mkdir -p "$HOME"

# A real gadget object padded to 1 MB with a non-loadable section.
clang -target bpf -O2 -g -D__TARGET_ARCH_x86 -I"$GADGET_SRC/bpf-headers/x86" \
	-I"$GADGET_SRC/bpf-headers" -c "$GADGET_SRC/tests/fixtures/packager/execsnoop.bpf.c" \
	-o "$WORK/small.o"
head -c $((1024 * 1024)) /dev/urandom > "$WORK/pad"
llvm-objcopy --add-section .note.pad="$WORK/pad" "$WORK/small.o" "$WORK/big.o"

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

GADGET_STORE=$WORK/src "$PACK_OBJ" bench:v1 amd64="$WORK/big.o" >/dev/null
for i in $(seq "$RUNS"); do
	rm -rf "$WORK/s1" "$WORK/s2" "$WORK/img.tar" "$WORK/dst"
	t0=$(now)
	GADGET_STORE=$WORK/s1 "$PACK_OBJ" bench:v1 amd64="$WORK/big.o" >/dev/null
	t1=$(now)
	GADGET_STORE=$WORK/s1 "$GADGET" export bench:v1 "$WORK/img.tar"
	t2=$(now)
	GADGET_STORE=$WORK/s2 "$GADGET" import "$WORK/img.tar" >/dev/null
	t3=$(now)
	skopeo copy -q "oci:$WORK/src:bench:v1" "oci:$WORK/dst:bench:v1"
	t4=$(now)
	"$GADGET" --version >/dev/null
	t5=$(now)
	echo "$(( (t3 - t0) / 1000 )) $(( (t4 - t3) / 1000 )) $(( (t1 - t0) / 1000 ))" \
	     "$(( (t2 - t1) / 1000 )) $(( (t3 - t2) / 1000 )) $(( (t5 - t4) / 1000 ))" >> "$WORK/times"
done
col() { cut -d' ' -f"$1" "$WORK/times" | median; }
# Same bytes on both sides, or the comparison means nothing.
digest_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$1"; }
[ "$(digest_of "$WORK/s2/index.json")" = "$(digest_of "$WORK/dst/index.json")" ]
printf '%-40s %10s %10s %7s\n' "case (1 MB object, median of $RUNS)" "gadget ms" "skopeo ms" "ratio"
awk -v g="$(col 1)" -v s="$(col 2)" -v p="$(col 3)" -v e="$(col 4)" -v i="$(col 5)" -v v="$(col 6)" 'BEGIN {
	printf "%-40s %10.1f %10.1f %7.2f\n", "pack+export+import vs skopeo copy", g / 1000, s / 1000, g / s
	printf "%-40s %10.1f\n", "  pack (validator analysis + store)", p / 1000
	printf "%-40s %10.1f\n", "  export", e / 1000
	printf "%-40s %10.1f\n", "  import (all digests checked)", i / 1000
	printf "%-40s %10.1f\n", "  of which process start (gadget --version)", v / 1000
}'
