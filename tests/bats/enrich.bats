#!/usr/bin/env bats
# Enrichment: events from processes in "containers" (new mount namespaces in
# cgroups named the way container runtimes name them) carry the container.

load helpers
load enrich

setup() {
	common_setup
	require_run
	ID=$(random_id)
	ID2=$(random_id)
	POD=0f5e7a2c-1b3d-4e5f-8a9b-$(random_id | cut -c1-12)
	IN=$(make_marker incontainer)
	IN2=$(make_marker inpod)
	HOST=$(make_marker onhost)
}

teardown() {
	stop_all
}

# Events of comm $2 ("*": all) in JSON output file $1, as "container_id runtime container pod_uid" lines.
events_of() {
	python3 - "$1" "$2" <<'PY'
import json, sys
# JSON lines, or any stream of JSON values (objects or arrays of objects)
text, dec, pos, out = open(sys.argv[1]).read(), json.JSONDecoder(), 0, []
while True:
    start = min([i for i in (text.find("{", pos), text.find("[", pos)) if i >= 0], default=-1)
    if start < 0:
        break
    v, pos = dec.raw_decode(text, start)
    out.extend(v if isinstance(v, list) else [v])
for e in out:
    if sys.argv[2] == "*" or e.get("comm") == sys.argv[2]:
        print(e.get("container_id", ""), e.get("runtime", "") or "-",
              e.get("container", "") or "-", e.get("pod_uid", "") or "-")
PY
}

@test "events from a docker-like container carry its id and runtime, host events none" {
	obj=$(compile_fixture enrich/execs.bpf.c)
	start_container "system.slice/docker-$ID.scope" "$IN"
	start_host_loop "$HOST"

	gadget run "$obj" -o json --timeout 3 >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"

	run events_of "$BATS_TEST_TMPDIR/out" incontainer
	assert_success
	assert_line --index 0 "$ID docker ${ID:0:12} -"
	# every event of the container says so, not only the first
	refute_line --regexp "^ "
	[ "$(echo "$output" | sort -u | wc -l)" -eq 1 ]

	run events_of "$BATS_TEST_TMPDIR/out" onhost
	assert_success
	assert_line --index 0 " - - -"
	[ "$(echo "$output" | sort -u | wc -l)" -eq 1 ]
}

@test "a kubepods cri-containerd container carries the pod uid" {
	obj=$(compile_fixture enrich/execs.bpf.c)
	start_container "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD//-/_}.slice/cri-containerd-$ID2.scope" "$IN2"

	gadget run "$obj" -o json --timeout 2 >"$BATS_TEST_TMPDIR/out"

	run events_of "$BATS_TEST_TMPDIR/out" inpod
	assert_line --index 0 "$ID2 containerd ${ID2:0:12} $POD"
}

@test "--container keeps only that container's events, filtered in the kernel" {
	obj=$(compile_fixture enrich/execs.bpf.c)
	start_container "system.slice/docker-$ID.scope" "$IN"
	start_container "kubepods/besteffort/pod$POD/$ID2" "$IN2"
	start_host_loop "$HOST"

	gadget run "$obj" -o json --timeout 3 --container "${ID:0:12}" >"$BATS_TEST_TMPDIR/out"

	run events_of "$BATS_TEST_TMPDIR/out" incontainer
	assert_line --index 0 "$ID docker ${ID:0:12} -"
	# nothing from the other container or from the host
	run events_of "$BATS_TEST_TMPDIR/out" inpod
	assert_output ""
	run events_of "$BATS_TEST_TMPDIR/out" onhost
	assert_output ""
	# every event of the run is the container's (its sleeps too), and there are some
	run events_of "$BATS_TEST_TMPDIR/out" "*"
	[ "${#lines[@]}" -ge 5 ]
	run bash -c "cut -d' ' -f1 <<<\"\$1\" | sort -u" _ "$output"
	assert_output "$ID"
}

@test "--container with an id prefix or pod uid; an unknown name is an error" {
	obj=$(compile_fixture enrich/execs.bpf.c)
	start_container "kubepods/besteffort/pod$POD/$ID2" "$IN2"

	gadget run "$obj" -o json --timeout 2 --container "$POD" >"$BATS_TEST_TMPDIR/out"
	run events_of "$BATS_TEST_TMPDIR/out" inpod
	assert_line --index 0 "$ID2 kubernetes ${ID2:0:12} $POD"

	run gadget run "$obj" -o json --timeout 1 --container nosuchcontainer
	assert_failure 1
	assert_output --partial "nosuchcontainer"
}

@test "a gadget reporting only a pid is enriched through the pid tracker" {
	obj=$(compile_fixture enrich/execs_pid.bpf.c)
	start_container "system.slice/docker-$ID.scope" "$IN"
	start_host_loop "$HOST"

	gadget run "$obj" -o json --timeout 3 >"$BATS_TEST_TMPDIR/out"

	run events_of "$BATS_TEST_TMPDIR/out" incontainer
	assert_line --index 0 "$ID docker ${ID:0:12} -"
	run events_of "$BATS_TEST_TMPDIR/out" onhost
	assert_line --index 0 " - - -"
	# the tracker's programs are gone with the run
	run bpf_prog_ids_named pidmntns_
	assert_output ""
}

@test "enriched fields can be filtered with -F" {
	obj=$(compile_fixture enrich/execs.bpf.c)
	start_container "system.slice/docker-$ID.scope" "$IN"
	start_host_loop "$HOST"

	gadget run "$obj" -o json --timeout 3 -F "container=${ID:0:12}" >"$BATS_TEST_TMPDIR/out"

	run events_of "$BATS_TEST_TMPDIR/out" incontainer
	assert_line --index 0 "$ID docker ${ID:0:12} -"
	run events_of "$BATS_TEST_TMPDIR/out" onhost
	assert_output ""
}

# A script that runs marker $2 as uid and gid $3 (setpriv, util-linux).
as_id() {
	printf '#!/bin/sh\nexec setpriv --reuid=%s --regid=%s --clear-groups %s\n' "$3" "$3" "$2" \
		>"$BATS_TEST_TMPDIR/$1"
	chmod +x "$BATS_TEST_TMPDIR/$1"
	echo "$BATS_TEST_TMPDIR/$1"
}

@test "gadget_uid and gadget_gid get the host's user and group names, beside the container columns" {
	obj=$(compile_fixture enrich/execs_users.bpf.c)
	user=$(awk -F: '$3 == 65534 { print $1; exit }' /etc/passwd)
	group=$(awk -F: '$3 == 65534 { print $1; exit }' /etc/group)
	[ -n "$user" ] && [ -n "$group" ]
	# an id neither file names
	! grep -q '^[^:]*:[^:]*:54321:' /etc/passwd /etc/group
	start_container "system.slice/docker-$ID.scope" "$(as_id nobody "$IN" 65534)"
	start_host_loop "$(as_id unnamed "$HOST" 54321)"

	gadget run "$obj" -o json --timeout 3 >"$BATS_TEST_TMPDIR/out"

	run python3 - "$BATS_TEST_TMPDIR/out" <<'PY'
import json, sys
seen = set()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["comm"] in ("incontainer", "onhost"):
        seen.add(" ".join(str(e[k]) or "-" for k in
                          ("comm", "user_raw", "user", "gid", "group", "container")))
print("\n".join(sorted(seen)))
PY
	assert_success
	assert_output "incontainer 65534 $user 65534 $group ${ID:0:12}
onhost 54321 uid:54321 54321 gid:54321 -"

	# the name columns are columns like any other: shown, filtered with -F
	gadget run "$obj" --timeout 2 -F "user=$user" -F comm=incontainer --fields comm,user,group,container \
		>"$BATS_TEST_TMPDIR/cols"
	run cat "$BATS_TEST_TMPDIR/cols"
	assert_line --index 0 --regexp "^COMM +USER +GROUP +CONTAINER$"
	assert_line --index 1 --regexp "^incontainer +$user +$group +${ID:0:12}$"
	refute_output --partial onhost
}
