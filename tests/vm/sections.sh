#!/bin/sh
# tests/vm/sections.sh PLAN OBJDIR OUTDIR TRIGGER: run every fixture object
# of PLAN (lines "ID<TAB>gadget run options") with `gadget run`, cause its
# event with TRIGGER (tests/vm/vmtrigger.c) once the run says it attached,
# stop it, and keep what it printed: OUTDIR/ID.out (events), ID.err, ID.rc.
# Also OUTDIR/kernel (uname -r) and OUTDIR/program-types.  tests/vm/matrix
# reads them.  POSIX sh: it runs on the host, in the amd64 guest and in the
# arm64 guest's busybox.
set -u
plan=$1 objs=$2 out=$3 trigger=$4
gadget=${GADGET:-gadget}
# uprobe/ and usdt/ sections name "vmtrigger": libbpf looks for it on PATH
PATH=$(dirname "$trigger"):$PATH
export PATH

mkdir -p "$out"
uname -r >"$out/kernel"
"$gadget" validate --program-types >"$out/program-types" 2>&1
tab=$(printf '\t')
while IFS="$tab" read -r id args; do
	[ -n "$id" ] || continue
	dir=$out/$id.dir
	mkdir -p "$dir"
	# shellcheck disable=SC2086 # args are words
	"$gadget" run "$objs/$id.o" -o json -t 60 $args >"$out/$id.out" 2>"$out/$id.err" &
	pid=$!
	i=0
	while [ $i -lt 300 ] && kill -0 $pid 2>/dev/null && ! grep -q attached "$out/$id.err"; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		"$trigger" "$dir" >"$out/$id.trigger" 2>&1
		sleep 1
		kill -INT $pid 2>/dev/null
	fi
	wait $pid
	echo $? >"$out/$id.rc"
done <"$plan"
