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
	GADGET_STORE=$WORK/s1 "$GADGET" export bench:v1 "$WORK/img.tar"
	GADGET_STORE=$WORK/s2 "$GADGET" import "$WORK/img.tar" >/dev/null
	t1=$(now)
	skopeo copy -q "oci:$WORK/src:bench:v1" "oci:$WORK/dst:bench:v1"
	t2=$(now)
	echo "$(( (t1 - t0) / 1000 )) $(( (t2 - t1) / 1000 ))" >> "$WORK/times"
done
g=$(cut -d' ' -f1 "$WORK/times" | median)
s=$(cut -d' ' -f2 "$WORK/times" | median)
# Same bytes on both sides, or the comparison means nothing.
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$WORK/s2/index.json")" = \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$WORK/dst/index.json")" ]
printf '%-34s %12s %12s %8s\n' "case (1 MB object, median of $RUNS)" "gadget ms" "skopeo ms" "ratio"
awk -v g="$g" -v s="$s" 'BEGIN { printf "%-34s %12.1f %12.1f %8.2f\n",
	"pack+export+import vs skopeo copy", g / 1000, s / 1000, g / s }'
