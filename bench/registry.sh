#!/bin/bash
# Push and pull of the same images by gadget and by skopeo copy to the same
# local docker-registry, in one run, side by side; ratios are gadget/skopeo
# wall time (median of $RUNS, goal <= 0.5).  Also the requests an unchanged
# re-push costs, counted by the fault proxy (injecting nothing) for both.
set -euo pipefail

: "${GADGET_SRC:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${GADGET:=$GADGET_SRC/build/gadget}"
RUNS=${RUNS:-5}
WORK=$(mktemp -d /tmp/gadget-bench-registry.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

# The bats helpers start registries and build fixtures; reuse them.
BATS_TEST_TMPDIR=$WORK
source "$GADGET_SRC/tests/bats/registry.bash"
gadget() { "$GADGET" "$@"; }

export HOME=$WORK/home GADGET_STORE=$WORK/store GADGET_CACHE_DIR=$WORK/cache
mkdir -p "$HOME"

# Two registries: SEED feeds gadget's store, BENCH is where both tools push,
# so gadget cannot mount blobs across repositories the way a re-push would.
BATS_TEST_TMPDIR=$WORK/seed registry_start; SEED=$REGISTRY; PIDS+=("$REGISTRY_PID")
BATS_TEST_TMPDIR=$WORK/bench registry_start; BENCH=$REGISTRY; PIDS+=("$REGISTRY_PID")

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A PUSHED GM
declare -A SIZES=([small]=65536 [big50mb]=52428800)
printf '%-22s %10s %10s %8s\n' "case" "gadget ms" "skopeo ms" "ratio"
for name in small big50mb; do
	fix=$WORK/fix-$name
	make_oci_fixture "$fix" v1 "${SIZES[$name]}" >/dev/null
	skopeo copy --quiet --dest-tls-verify=false "oci:$fix:v1" "docker://$SEED/seed/$name:v1"
	gadget pull -q "$SEED/seed/$name:v1" >/dev/null

	for op in push pull; do
		g=() s=()
		for i in $(seq "$RUNS"); do
			case $op in
			push)
				# a fresh registry per round: both tools upload every byte
				# (skopeo's blob-info cache would otherwise mount known blobs)
				BATS_TEST_TMPDIR=$WORK/bench-$name-$i registry_start; BENCH=$REGISTRY; PIDS+=("$REGISTRY_PID")
				PUSHED[$i]=$BENCH
				curl -s -o /dev/null "http://$BENCH/v2/"	# warm it up
				run_g() { gadget push -q "$SEED/seed/$name:v1" "$BENCH/gpush$i/$name:1" >/dev/null; }
				run_s() { skopeo copy --quiet --dest-tls-verify=false "oci:$fix:v1" "docker://$BENCH/spush$i/$name:1"; }
				;;
			pull)
				BENCH=${PUSHED[$i]}
				run_g() { GADGET_STORE=$WORK/pull-g$name$i gadget pull -q "$BENCH/gpush$i/$name:1" >/dev/null; }
				run_s() { skopeo copy --quiet --src-tls-verify=false "docker://$BENCH/spush$i/$name:1" "oci:$WORK/pull-s$name$i:1"; }
				;;
			esac
			# who goes first alternates, so neither always meets the busier registry
			if [ $((i % 2)) = 1 ]; then
				t0=$(now); run_g; t1=$(now); run_s; t2=$(now)
				g+=($(( (t1 - t0) / 1000 ))) s+=($(( (t2 - t1) / 1000 )))
			else
				t0=$(now); run_s; t1=$(now); run_g; t2=$(now)
				s+=($(( (t1 - t0) / 1000 ))) g+=($(( (t2 - t1) / 1000 )))
			fi
		done
		gm=$(printf '%s\n' "${g[@]}" | median) sm=$(printf '%s\n' "${s[@]}" | median)
		GM[$op $name]=$gm
		printf '%-22s %10.1f %10.1f %8.2f\n' "$op $name" "$(echo "$gm / 1000" | bc -l)" \
			"$(echo "$sm / 1000" | bc -l)" "$(echo "$gm / $sm" | bc -l)"
	done
done

# The floor: the 50 MB layer alone, moved by curl to a fresh registry of the
# same kind (a POST and one monolithic PUT up; a GET piped through sha256sum
# down, since a client must check the digest): what any client pays for the
# bytes and the registry's own work, whatever its protocol logic.
big=$WORK/fix-big50mb
layer=$(ls -S "$big/blobs/sha256" | head -1)
up=() down=()
for i in $(seq "$RUNS"); do
	BATS_TEST_TMPDIR=$WORK/floor-$i registry_start; F=$REGISTRY; PIDS+=("$REGISTRY_PID")
	curl -s -o /dev/null "http://$F/v2/"
	t0=$(now)
	loc=$(curl -sf -D - -o /dev/null -X POST "http://$F/v2/floor/big/blobs/uploads/" |
		awk 'tolower($1) == "location:" { print $2 }' | tr -d '\r')
	case $loc in http*) ;; *) loc="http://$F$loc" ;; esac
	case $loc in *\?*) sep='&' ;; *) sep='?' ;; esac
	curl -sf -o /dev/null -T "$big/blobs/sha256/$layer" -H 'Content-Type: application/octet-stream' \
		"$loc${sep}digest=sha256:$layer"
	t1=$(now)
	curl -sf "http://$F/v2/floor/big/blobs/sha256:$layer" | sha256sum | grep -q "^$layer "
	t2=$(now)
	up+=($(( (t1 - t0) / 1000 ))) down+=($(( (t2 - t1) / 1000 )))
done
for dir in up down; do
	declare -n v=$dir
	fm=$(printf '%s\n' "${v[@]}" | median)
	op=$([ $dir = up ] && echo push || echo pull)
	printf '%-22s %10.1f %10s %8.2f   (gadget / curl floor)\n' "$op big50mb: curl floor" \
		"$(echo "$fm / 1000" | bc -l)" "-" "$(echo "${GM[$op big50mb]} / $fm" | bc -l)"
done

# Requests for an unchanged re-push, as the registry sees them through the proxy.
REGISTRY=$BENCH
BATS_TEST_TMPDIR=$WORK faultproxy_start --match '^$'; PIDS+=("$PROXY_PID")
gadget push -q "$SEED/seed/small:v1" "$PROXY/again/small:1" >/dev/null
skopeo copy --quiet --dest-tls-verify=false "oci:$WORK/fix-small:v1" "docker://$PROXY/sagain/small:1"
before=$(faultproxy_requests | wc -l)
gadget push -q "$SEED/seed/small:v1" "$PROXY/again/small:1" >/dev/null
mid=$(faultproxy_requests | wc -l)
skopeo copy --quiet --dest-tls-verify=false "oci:$WORK/fix-small:v1" "docker://$PROXY/sagain/small:1"
after=$(faultproxy_requests | wc -l)
printf '%-22s %10d %10d %8.2f\n' "re-push requests" $((mid - before)) $((after - mid)) \
	"$(echo "($mid - $before) / ($after - $mid)" | bc -l)"

# Context: what starting each program costs before any request.
g=() s=()
for i in $(seq "$RUNS"); do
	t0=$(now); gadget version >/dev/null; t1=$(now); skopeo --version >/dev/null; t2=$(now)
	g+=($(( (t1 - t0) / 1000 ))) s+=($(( (t2 - t1) / 1000 )))
done
gm=$(printf '%s\n' "${g[@]}" | median) sm=$(printf '%s\n' "${s[@]}" | median)
printf '%-22s %10.1f %10.1f %8.2f\n' "process start (ms)" "$(echo "$gm / 1000" | bc -l)" \
	"$(echo "$sm / 1000" | bc -l)" "$(echo "$gm / $sm" | bc -l)"
