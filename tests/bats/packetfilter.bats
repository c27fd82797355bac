#!/usr/bin/env bats
# Inspektor Gadget's <gadget/packetfilter.h>: GADGET_PF() and
# gadget_pf_matches() with a pcap expression given at run time (--pf, as
# IG's tcpdump; --param pf-<name> for a named filter).  The expression is
# compiled by libpcap, translated to eBPF (runtime/cbpf.c) and spliced in
# place of the gadget_pf_<name> stub (runtime/pf_splice.c).  Fixture:
# tests/fixtures/realworld/ig_pf, a tc program on lo reporting UDP packets.

bats_require_minimum_version 1.5.0
load helpers
load ../tools/gadgets

FIX="$GADGET_SRC/tests/fixtures/realworld/ig_pf"
: "${PF_TESTRUN:=$(dirname "$GADGET")/tests/tools/pf_testrun}"
SPORT=40077	# every datagram the tests send comes from here: other traffic on lo is ignored

setup() { common_setup; }
teardown() { gadget_stop; }

# pf_start [run options...]: run the fixture on lo in the background (GOUT, GERR, GPID).
pf_start() {
	GOUT="$BATS_TEST_TMPDIR/run.out"
	GERR="$BATS_TEST_TMPDIR/run.err"
	"$GADGET" run "$1" --iface lo -o json "${@:2}" >"$GOUT" 2>"$GERR" &
	GPID=$!
	wait_for_line "$GERR" "attached" 30
}

# send PORT...: one UDP datagram from 127.0.0.1:$SPORT to each port.
send() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
for p in sys.argv[2:]:
    s.sendto(b"pf-test", ("127.0.0.1", int(p)))' "$SPORT" "$@"
}

# The destination ports of the events from $SPORT, in order, one line.
dports() {
	json_events "e['sport'] == $SPORT" | python3 -c '
import json, sys
print(" ".join(str(json.loads(l)["dport"]) for l in sys.stdin))'
}

@test "a gadget with <gadget/packetfilter.h> validates; validate and run --help name its packet filters" {
	run "$GADGET" validate "$FIX"
	assert_success
	assert_output --partial "ig_pf/program.bpf.c:32:1: note: packet filter gadget_pf_: set its pcap expression with --param pf=EXPR (or --pf EXPR)"
	assert_output --partial "ig_pf/program.bpf.c:33:1: note: packet filter gadget_pf_src: set its pcap expression with --param pf-src=EXPR"
	assert_line --regexp '^  pf +pcap expression +packets kept'
	assert_line --regexp '^  pf-src +pcap expression +packets kept'
	run "$GADGET" run "$FIX/" --help
	assert_success
	assert_line --regexp '^  pf +pcap expression +default ""'
	assert_output --partial "--pf EXPR"
}

# bats test_tags=sanitize
@test "--pf 'udp dst port 40001' reports exactly the datagrams to port 40001" {
	pf_start "$FIX" -t 30 -v --pf "udp dst port 40001"
	assert_equal "$(grep 'packet filter' "$GERR")" "gadget: packet filter gadget_pf_ (--pf 'udp dst port 40001'): 16 cBPF instructions, 72 eBPF
gadget: packet filter of param pf-src: no expression, every non-empty packet matches"
	send 40001 40002 40001 40002 40001
	sleep 0.5
	gadget_end
	run dports
	assert_output "40001 40001 40001"
}

@test "an empty filter keeps the stub: every packet matches" {
	pf_start "$FIX" -t 30 --param pf=
	send 40001 40002
	sleep 0.5
	gadget_end
	run dports
	assert_output "40001 40002"
}

# bats test_tags=sanitize
@test "two filters in one object: --pf and the named --param pf-src both apply" {
	pf_start "$FIX" -t 30 -v --pf "udp" --param "pf-src=udp src port $SPORT and dst portrange 40002-40003"
	grep -q "packet filter gadget_pf_src (--param pf-src='udp src port $SPORT and dst portrange 40002-40003'): 21 cBPF instructions, 94 eBPF" "$GERR"
	send 40001 40002 40003 40004
	sleep 0.5
	gadget_end
	run dports
	assert_output "40002 40003"
}

@test "an image keeps its packet filters: ours (config.json) and IG's layout (analysed again) run with --pf" {
	local fmt
	for fmt in gadget ig; do
		run "$GADGET" build "$FIX" -o "$BATS_TEST_TMPDIR/pf.o" -t "pf-$fmt:v1" --image-format "$fmt"
		assert_success
		run "$GADGET" run "pf-$fmt:v1" --help
		assert_line --regexp '^  pf-src +pcap expression +default ""'
		pf_start "pf-$fmt:v1" --insecure-skip-verify -t 30 --pf "udp dst port 40002"
		send 40001 40002 40003
		sleep 0.5
		gadget_end
		run dports
		assert_output "40002"
	done
}

# bats test_tags=sanitize
@test "a bad expression is an error naming the param and pcap's words, before anything loads" {
	run "$GADGET" run "$FIX/" --iface lo -t 5 --pf "udp dst port"
	assert_failure 1
	assert_output "gadget: error: packet filter gadget_pf_ (--pf 'udp dst port'): can't parse filter expression: syntax error"
	run "$GADGET" run "$FIX/" --iface lo -t 5 --param "pf-src=tcp port 99999999"
	assert_failure 1
	assert_output "gadget: error: packet filter gadget_pf_src (--param pf-src='tcp port 99999999'): illegal port number 99999999 > 65535"
	refute_output --partial "attached"
}

@test "--pf on a gadget without GADGET_PF() is an error; so is --param pf" {
	run "$GADGET" run "$GADGET_SRC/tests/fixtures/realworld/ig_tracer/" -t 1 --pf udp
	assert_failure 1
	assert_output --partial "--pf: gadget ig_tracer has no packet filter (it would use GADGET_PF() of <gadget/packetfilter.h>)"
	run "$GADGET" run "$GADGET_SRC/tests/fixtures/realworld/ig_tracer/" -t 1 --param pf=udp
	assert_failure 1
	assert_output --partial "--param pf: this gadget has no such parameter"
}

@test "the stub is found by its symbol: a gadget_pf_ written without our header (as IG's expands) is replaced" {
	dir="$BATS_TEST_TMPDIR/igstub"
	mkdir -p "$dir"
	cp "$FIX"/build.yaml "$FIX"/gadget.yaml "$dir"/
	# IG's expansion of GADGET_PF(), spelled out: same name, same arguments, same body
	sed -e 's|#include <gadget/packetfilter.h>||' \
	    -e 's|^GADGET_PF();|static __attribute__((noinline)) bool gadget_pf_(void *a, void *b, void *c, void *d, void *e) { return d != e \&\& a == b \&\& b == c; }|' \
	    -e 's|^GADGET_PF(src);||' \
	    -e 's/ || !gadget_pf_matches(src, skb, data, data_end)//' \
	    -e 's/gadget_pf_matches(skb, data, data_end)/gadget_pf_(skb, skb, skb, data, data_end)/' \
	    "$FIX/program.bpf.c" >"$dir/program.bpf.c"
	! grep -q packetfilter.h "$dir/program.bpf.c"
	pf_start "$dir" -t 30 --pf "udp dst port 40002"
	send 40001 40002
	sleep 0.5
	gadget_end
	run dports
	assert_output "40002"
}

@test "the eBPF translation agrees with pcap_offline_filter() in the kernel (BPF_PROG_TEST_RUN) for 51 expressions" {
	run "$PF_TESTRUN"
	assert_success
	assert_line "pf_testrun: 51 of 51 expressions agree with pcap_offline_filter on all 17 frames (eBPF instructions: 45 on average, at most 159)"
	assert_line --regexp '^ok +tcp\[tcpflags\] & tcp-syn != 0 +11 cBPF -> +52 eBPF, keeps  1 of 17 frames$'
	assert_line --regexp '^ok +ip\[2:2\] % \(ip\[8\] - 63\) = 0 +12 cBPF -> +46 eBPF, keeps  8 of 17 frames$'
	# one expression given: its verdicts alone
	run "$PF_TESTRUN" "vlan and udp port 53"
	assert_success
	assert_output --partial "keeps  1 of 17 frames"
}

@test "random cBPF programs (5000, two seeds) translate, pass the verifier and agree with pcap_offline_filter()" {
	# what libpcap's optimiser never emits: dead code, loads past any packet, X + k past 4G,
	# shifts by 32 or more, division by X == 0, RET A
	run "$PF_TESTRUN" --random 2500 1
	assert_success
	assert_output "pf_testrun: 2500 of 2500 random cBPF programs (seed 1) loaded, 2500 agree with pcap_offline_filter on all 17 frames"
	run "$PF_TESTRUN" --random 2500 2
	assert_success
	assert_output "pf_testrun: 2500 of 2500 random cBPF programs (seed 2) loaded, 2500 agree with pcap_offline_filter on all 17 frames"
}

@test "a cgroup_skb program's packets start at the IP header: its expression is compiled for bare IP packets" {
	pf_start "$GADGET_SRC/tests/fixtures/realworld/ig_pf_cgroup" -t 30 -v --pf "udp dst port 40001"
	run grep "packet filter" "$GERR"
	assert_output "gadget: packet filter gadget_pf_ (--pf 'udp dst port 40001'): 19 cBPF instructions, 79 eBPF (IP packets, no link header)"
	send 40001 40002 40001
	sleep 0.5
	gadget_end
	run dports
	assert_output "40001 40001"
}

@test "tc: the clsact qdisc a run made is gone after it; one that was there before stays" {
	tc qdisc del dev lo clsact 2>/dev/null || true
	pf_start "$FIX" -t 30 --pf "udp"
	run tc qdisc show dev lo
	assert_output --partial "qdisc clsact ffff:"
	gadget_end
	run tc qdisc show dev lo
	refute_output --partial "clsact"

	# someone else's qdisc: the run adds its filter to it and takes only that away
	tc qdisc add dev lo clsact
	pf_start "$FIX" -t 30 --pf "udp"
	run tc filter show dev lo ingress
	assert_output --partial "bpf"
	gadget_end
	run tc qdisc show dev lo
	assert_output --partial "qdisc clsact ffff:"
	run tc filter show dev lo ingress
	tc qdisc del dev lo clsact
	assert_output ""
}
