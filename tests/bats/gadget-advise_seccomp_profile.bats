#!/usr/bin/env bats
# gadgets/advise_seccomp_profile: syscalls per mount namespace, and the
# seccomp profile seccomp_profile.py writes from them.

load helpers
load ../tools/gadgets

setup() { common_setup; }
teardown() { gadget_stop; }

# sysfs(2) (number 139) is obsolete: nothing else on the machine calls it
RARE_SYSCALL='import ctypes; ctypes.CDLL(None).syscall(139, 3)'

@test "advise_seccomp_profile shows a rare syscall for the mount namespace that made it, and no other" {
	gadget_start advise_seccomp_profile -o json -t 5 --interval 30
	unshare -m sh -c "
		stat -Lc %i /proc/self/ns/mnt > $BATS_TEST_TMPDIR/mntns
		python3 -c '$RARE_SYSCALL'"
	gadget_wait
	mntns=$(cat "$BATS_TEST_TMPDIR/mntns")
	[ "$mntns" != "$(stat -Lc %i /proc/self/ns/mnt)" ]

	run json_events "e['syscall'] == 'sysfs'"
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	assert_line --partial "\"mntns_id\": $mntns"
	assert_line --partial '"calls": 1'
	# what python and sh need is there too, for that namespace
	run json_events "e['mntns_id'] == $mntns and e['syscall'] in ('execve', 'openat', 'exit_group')"
	[ "${#lines[@]}" -eq 3 ]

	# the profile for that namespace allows exactly the syscalls seen there
	run sh -c "'$GADGET_SRC/gadgets/advise_seccomp_profile/seccomp_profile.py' --mntns $mntns <'$GOUT'"
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/profile.json"
	run python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
assert p["defaultAction"] == "SCMP_ACT_ERRNO", p
names = p["syscalls"][0]["names"]
seen = sorted({json.loads(l)["syscall"] for l in open(sys.argv[2])
               if l.startswith("{") and json.loads(l)["mntns_id"] == int(sys.argv[3])})
assert names == seen, (names, seen)
assert "sysfs" in names and p["syscalls"][0]["action"] == "SCMP_ACT_ALLOW"
print(len(names))' "$BATS_TEST_TMPDIR/profile.json" "$GOUT" "$mntns"
	assert_success
	# the host namespace's profile does not allow it
	run sh -c "'$GADGET_SRC/gadgets/advise_seccomp_profile/seccomp_profile.py' --mntns $(stat -Lc %i /proc/self/ns/mnt) <'$GOUT'"
	refute_output --partial '"sysfs"'
	assert_output --partial '"openat"'
}

@test "advise_seccomp_profile --mntns counts only that namespace in the kernel" {
	unshare -m sleep 30 &
	SLEEPER=$!
	for _ in $(seq 50); do
		[ "$(cat /proc/$SLEEPER/comm 2>/dev/null)" = sleep ] && break
		sleep 0.1
	done
	mntns=$(stat -Lc %i /proc/$SLEEPER/ns/mnt)
	gadget_start advise_seccomp_profile -o json -t 4 --interval 30 --mntns "$mntns"
	nsenter -t "$SLEEPER" -m python3 -c "$RARE_SYSCALL"
	gadget_wait
	kill "$SLEEPER"
	run json_events "e['mntns_id'] != $mntns"
	assert_output ""
	run json_events "e['syscall'] == 'sysfs'"
	assert_line --partial "\"mntns_id\": $mntns"
}
