# Helpers for ig-image*.bats: Inspektor Gadget images written by hand
# (tests/tools/ig_layout.py) around a catalogue gadget's ELF.

IG_LAYOUT="$GADGET_SRC/tests/tools/ig_layout.py"

# ig_object: build gadgets/trace_open once per test into $IG_OBJ.
ig_object() {
	IG_OBJ="$BATS_TEST_TMPDIR/trace_open.o"
	[ -e "$IG_OBJ" ] || "$GADGET" build "$GADGET_SRC/gadgets/trace_open" -o "$IG_OBJ" >/dev/null
}

# ig_gadget_yaml FILE: the gadget.yaml IG's own trace_open would carry (its metadata format).
ig_gadget_yaml() {
	cat >"$1" <<-'YAML'
	name: trace open
	description: Trace open files
	homepageURL: https://inspektor-gadget.io/
	documentationURL: https://example.com/docs/trace_open
	sourceURL: https://example.com/src/trace_open
	datasources:
	  open:
	    fields:
	      path:
	        annotations:
	          columns.width: 64
	params:
	  ebpf:
	    targ_pid:
	      key: pid
	      defaultValue: "0"
	      description: only this process
	YAML
}

# ig_probe_run REF [run args...]: run REF for a few seconds while a process
# named igprobe fails to open "$BATS_TEST_TMPDIR/ig-marker.missing"; the
# events are in $IG_OUT, the status lines in $IG_ERR.
ig_probe_run() {
	local ref=$1 pid
	shift
	IG_OUT=$BATS_TEST_TMPDIR/ig.out IG_ERR=$BATS_TEST_TMPDIR/ig.err
	cp /bin/cat "$BATS_TEST_TMPDIR/igprobe"
	"$GADGET" run "$ref" -o json -t 8 "$@" >"$IG_OUT" 2>"$IG_ERR" &
	pid=$!
	wait_for_line "$IG_ERR" "attached" 20 || { kill "$pid"; wait "$pid"; return 1; }
	"$BATS_TEST_TMPDIR/igprobe" "$BATS_TEST_TMPDIR/ig-marker.missing" 2>/dev/null || true
	wait_for_line "$IG_OUT" '"comm":"igprobe"' 5 || { kill "$pid"; wait "$pid"; return 1; }
	kill -TERM "$pid"
	wait "$pid" || true
}

# The probe's event, decoded: "comm path error fd uid".
ig_probe_event() {
	python3 - "$IG_OUT" "$BATS_TEST_TMPDIR/ig-marker.missing" <<-'PY'
	import json, sys
	for line in open(sys.argv[1]):
	    if not line.startswith("{"):
	        continue
	    e = json.loads(line)
	    if e.get("path") == sys.argv[2]:
	        print(e["comm"], e["path"], e["error"], e["fd"], e["uid"], e["pid"] == e["tid"])
	PY
}
