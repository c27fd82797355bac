#!/usr/bin/env bats
# Metrics: Debian's Prometheus scrapes `gadget run --metrics-addr` and holds
# the counter, gauge and histogram values of a known number of events.

load helpers
load enrich

setup() {
	common_setup
	require_run
}

teardown() {
	stop_all
	[ -z "${PROM_PID:-}" ] || { kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null; }
	[ -z "${RUN_PID:-}" ] || { kill "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null; }
	[ -z "${PY_PID:-}" ] || { kill "$PY_PID" 2>/dev/null; wait "$PY_PID" 2>/dev/null; }
	true
}

# A process that, once $BATS_TEST_TMPDIR/go exists, calls getsid() with each
# argument, then waits to be killed.
start_caller() {
	python3 -c '
import os, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
for a in sys.argv[2:]:
    try:
        os.getsid(int(a))
    except OSError:
        pass
open(sys.argv[1] + ".done", "w").close()
time.sleep(600)' "$BATS_TEST_TMPDIR/go" "$@" &
	PY_PID=$!
}

start_prometheus() {
	PROM_PORT=$(free_port)
	cat >"$BATS_TEST_TMPDIR/prometheus.yml" <<-YML
	global:
	  scrape_interval: 1s
	  evaluation_interval: 1s
	scrape_configs:
	  - job_name: gadget
	    static_configs:
	      - targets: ["127.0.0.1:$1"]
	YML
	prometheus --config.file="$BATS_TEST_TMPDIR/prometheus.yml" \
		--storage.tsdb.path="$BATS_TEST_TMPDIR/tsdb" \
		--web.listen-address="127.0.0.1:$PROM_PORT" \
		>"$BATS_TEST_TMPDIR/prometheus.log" 2>&1 &
	PROM_PID=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null && return 0
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/prometheus.log" >&2
	return 1
}

# promql QUERY: the single value Prometheus returns for QUERY ("" if none).
promql() {
	curl -sf --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // ""'
}

# wait_promql QUERY VALUE: until Prometheus answers VALUE (up to 20s).
wait_promql() {
	local v
	for _ in $(seq 100); do
		v=$(promql "$1")
		[ "$v" = "$2" ] && return 0
		sleep 0.2
	done
	echo "query $1: got '$v', want '$2'" >&2
	return 1
}

@test "Prometheus scrapes a counter, a gauge and a histogram from gadget run" {
	obj=$(compile_fixture metrics-prom/metrics_prom.bpf.c)
	port=$(free_port)
	# 3 calls with 5 (bucket le=7), 2 with 100 (le=127), the last one 100
	start_caller 5 5 5 100 100
	"$GADGET" run "$obj" --param target_pid=$PY_PID --metrics-addr 127.0.0.1:$port \
		>"$BATS_TEST_TMPDIR/run.out" 2>&1 &
	RUN_PID=$!
	for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/metrics" >/dev/null && break; sleep 0.1; done
	start_prometheus "$port"
	touch "$BATS_TEST_TMPDIR/go"
	for _ in $(seq 100); do [ -e "$BATS_TEST_TMPDIR/go.done" ] && break; sleep 0.1; done
	[ -e "$BATS_TEST_TMPDIR/go.done" ]

	# the exposition itself, as served
	run curl -sf "http://127.0.0.1:$port/metrics"
	assert_success
	assert_line --regexp "^# TYPE [a-z_]+_calls_total counter$"
	assert_line --regexp "^# TYPE [a-z_]+_last_arg gauge$"
	assert_line --regexp "^# TYPE [a-z_]+_arg histogram$"
	assert_line --regexp "^[a-z_]+_calls_total\{pid=\"$PY_PID\"\} 5$"

	# and what Prometheus stored from its scrapes
	wait_promql "sum({__name__=~\".+_calls_total\", pid=\"$PY_PID\"})" 5
	wait_promql "sum({__name__=~\".+_last_arg\", pid=\"$PY_PID\"})" 100
	wait_promql "sum({__name__=~\".+_arg_bucket\", pid=\"$PY_PID\", le=\"7\"})" 3
	wait_promql "sum({__name__=~\".+_arg_bucket\", pid=\"$PY_PID\", le=\"127\"})" 5
	wait_promql "sum({__name__=~\".+_arg_bucket\", pid=\"$PY_PID\", le=\"3\"})" 0
	wait_promql "sum({__name__=~\".+_arg_sum\", pid=\"$PY_PID\"})" 215
	wait_promql "sum({__name__=~\".+_arg_count\", pid=\"$PY_PID\"})" 5
	# the target is healthy in Prometheus' eyes
	run curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/targets"
	assert_output --partial '"health":"up"'
}

@test "--metrics-addr that cannot be served is a clear error" {
	obj=$(compile_fixture metrics-prom/metrics_prom.bpf.c)
	run gadget run "$obj" --metrics-addr localhost --timeout 1
	assert_failure 1
	assert_output --partial "HOST:PORT"

	# the listener picks its own port: a port probed free and bound later can be taken meanwhile
	python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen()
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1])); __import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1]); time.sleep(30)' "$BATS_TEST_TMPDIR/busy.port" &
	PY_PID=$!
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/busy.port" ] && break; sleep 0.1; done
	port=$(cat "$BATS_TEST_TMPDIR/busy.port")
	run gadget run "$obj" --metrics-addr "127.0.0.1:$port" --timeout 1
	assert_failure 1
	assert_output --partial "cannot listen"
}

@test "a library that cannot be loaded is an error naming it, exit 1, nothing loaded" {
	obj=$(compile_fixture metrics-prom/metrics_prom.bpf.c)
	lib=$(ldconfig -p | awk '$1 == "libmicrohttpd.so.12" { print $NF; exit }')
	[ -n "$lib" ]
	# in a mount namespace of its own, the library is an empty file
	run unshare -m --propagation private sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
		sh "$lib" "$GADGET" run "$obj" --metrics-addr 127.0.0.1:0 --timeout 1
	assert_failure 1
	assert_output --partial "gadget: error: cannot load libmicrohttpd.so.12"
	assert_output --partial "install the package that provides it"
	run bpf_prog_ids_named count_
	assert_output ""
}
