#!/usr/bin/env bats
# gadgets/profile_tcprtt: TCP RTT histograms from tcp:tcp_probe, on TCP
# traffic over the loopback of a network namespace of the test's own (this
# kernel has no netem to add delay).  libbpf-tools' tcprtt cannot run here
# (fentry or kprobe on tcp_rcv_established): the test checks that.

load helpers
load ../tools/gadgets

setup() {
	common_setup
	NS="gadget-rtt-$$-$BATS_TEST_NUMBER"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" addr add 10.231.0.1/32 dev lo
	PORT=$((20000 + RANDOM % 20000))
}
teardown() {
	gadget_stop
	ip netns del "$NS" 2>/dev/null || true
}

pingpong() {
	ip netns exec "$NS" python3 "$GADGET_SRC/tests/tools/tcp_pingpong.py" "$@"
}

# The server answers at once, so the client's RTT is loopback's (well under a
# millisecond).  The client waits 20 ms before its next request, which
# carries the delayed ACK of the answer: the server's RTT is ~20 ms, what
# TCP measures (and tcprtt would show) for this request/response pattern.
@test "profile_tcprtt: server-side RTT of a 20 ms think time lands in the 16-32 ms bucket, in usecs" {
	gadget_start profile_tcprtt -o json -t 7 --param local_port=$PORT
	run pingpong 127.0.0.1 $PORT 150 0.02
	assert_output "done 150"
	gadget_wait

	run json_events "e['metric'] == 'rtt_us'"
	assert_success
	assert_line --partial '"unit": "usecs"'
	python3 - "$GOUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert len(rows) == 1, rows          # no breakdown asked: one histogram
h = rows[0]
n = h["count"]
# the server receives each of the 150 requests (and the closing FIN/ACKs)
assert 150 <= n <= 165, n
assert n == sum(b["count"] for b in h["buckets"])
slot = sum(b["count"] for b in h["buckets"] if b["low"] == 16384)
print(f"profile_tcprtt: {n} samples, {slot} in 16384-32767 us, average {h['sum'] / n:.0f} us",
      file=sys.stderr)
# srtt moves 1/8 of the way to each new sample: the first ~15 are on the way up
assert slot >= 0.75 * n, (slot, n)
assert h["laddr"] == "-" and h["raddr"] == "-"
PY
}

@test "profile_tcprtt: by_remote_addr and address filters" {
	gadget_start profile_tcprtt -o json -t 5 --param by_remote_addr=true \
		--param local_addr=10.231.0.1 --param remote_port=$PORT
	# traffic to 10.231.0.1 counts (client side, remote port $PORT) ...
	run pingpong 10.231.0.1 $PORT 50
	assert_output "done 50"
	# ... the same port on 127.0.0.1 does not (another local address)
	run pingpong 127.0.0.1 $PORT 50
	assert_output "done 50"
	gadget_wait

	run json_events "True"
	assert_success
	assert_line --partial '"raddr": "10.231.0.1"'
	refute_line --partial '127.0.0.1'
	# the client side: answered at once, loopback RTTs well under 8 ms
	python3 - "$GOUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert len(rows) == 1 and 50 <= rows[0]["count"] <= 60, rows
fast = sum(b["count"] for b in rows[0]["buckets"] if b["high"] < 8192)
assert fast >= 0.8 * rows[0]["count"], rows
PY
}

@test "profile_tcprtt: a bad address parameter is a clear error" {
	run gadget run "$GADGET_SRC/gadgets/profile_tcprtt" --param local_addr=10.0.0.300 -t 1
	assert_failure
	assert_output --partial "--param local_addr=10.0.0.300: expected an IPv4 or IPv6 address"
}

@test "tcprtt (libbpf-tools) cannot run here: fentry/kprobe on tcp_rcv_established" {
	run timeout 10 /usr/sbin/tcprtt -d 1
	assert_failure
	assert_output --partial "tcp_rcv_established"
}
