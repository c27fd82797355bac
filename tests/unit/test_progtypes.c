// SPDX-License-Identifier: Apache-2.0
/*
 * The program-type table against libbpf itself: every row must give the
 * program and attach type libbpf 1.1 gives the same SEC() name
 * (libbpf_prog_type_by_name), so the validator never accepts a section the
 * loader refuses or vice versa.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <strings.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/libbpf.h>

#include "info/progtypes.h"
#include "validator/kernel_feature.h"

/* Seed rows libbpf 1.1 has no SEC() name for (they carry a note instead). */
static const char *const not_in_libbpf[] = { "seccomp", "xdp_devmap", "xdp_cpumap" };

static bool libbpf_lacks(const char *sec)
{
	for (size_t i = 0; i < sizeof(not_in_libbpf) / sizeof(not_in_libbpf[0]); i++)
		if (!strcmp(sec, not_in_libbpf[i]))
			return true;
	return false;
}

static void test_every_row_matches_libbpf(void **state)
{
	unsigned int checked = 0;

	(void)state;
	for (unsigned int i = 0; i < progtype_count; i++) {
		const struct prog_type_def *d = &progtype_table[i];
		enum bpf_prog_type pt;
		enum bpf_attach_type at;
		char sec[128];
		int ret;

		snprintf(sec, sizeof(sec), "%s%s", d->sec, d->prefix ? "/some_target" : "");
		/* the row itself is what we find for its own name */
		assert_ptr_equal(progtype_find(sec), d);
		assert_int_equal(strncmp(d->prog_type_name, "BPF_PROG_TYPE_", 14), 0);
		ret = libbpf_prog_type_by_name(sec, &pt, &at);
		if (libbpf_lacks(d->sec)) {
			assert_int_not_equal(ret, 0);
			assert_int_equal(d->target, TARGET_UNSUPPORTED);
			assert_non_null(d->note);
			continue;
		}
		if (ret)
			fail_msg("libbpf does not know section '%s' (row %u)", sec, i);
		if (pt != d->prog_type || at != d->attach_type)
			fail_msg("'%s': table says %s/%d, libbpf says %s/%s", sec, d->prog_type_name,
				 d->attach_type, libbpf_bpf_prog_type_str(pt),
				 libbpf_bpf_attach_type_str(at));
		/* the libbpf name and ours agree too */
		assert_true(!strcasecmp(libbpf_bpf_prog_type_str(pt),
					d->prog_type_name + strlen("BPF_PROG_TYPE_")));
		checked++;
	}
	assert_true(checked >= 75);
}

/* The seed's table, row by row: each is known (seccomp as unsupported). */
static void test_seed_rows_present(void **state)
{
	static const char *const seed[] = {
		"socket", "sk_reuseport/migrate", "sk_reuseport", "kprobe/", "uprobe/", "kretprobe/",
		"uretprobe/", "tc", "classifier", "action", "tracepoint/", "tp/", "raw_tracepoint/",
		"raw_tp/", "raw_tracepoint.w/", "raw_tp.w/", "tp_btf/", "fentry/", "fmod_ret/",
		"fexit/", "fentry.s/", "fmod_ret.s/", "fexit.s/", "freplace/", "lsm/", "lsm.s/",
		"iter/", "iter.s/", "syscall", "xdp_devmap/", "xdp_cpumap/", "xdp", "perf_event",
		"lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local", "cgroup_skb/ingress",
		"cgroup_skb/egress", "cgroup/skb", "cgroup/sock_create", "cgroup/sock_release",
		"cgroup/sock", "cgroup/post_bind4", "cgroup/post_bind6", "cgroup/dev", "sockops",
		"sk_skb/stream_parser", "sk_skb/stream_verdict", "sk_skb", "sk_msg", "lirc_mode2",
		"flow_dissector", "cgroup/bind4", "cgroup/bind6", "cgroup/connect4",
		"cgroup/connect6", "cgroup/sendmsg4", "cgroup/sendmsg6", "cgroup/recvmsg4",
		"cgroup/recvmsg6", "cgroup/getpeername4", "cgroup/getpeername6",
		"cgroup/getsockname4", "cgroup/getsockname6", "cgroup/sysctl", "cgroup/getsockopt",
		"cgroup/setsockopt", "struct_ops/", "sk_lookup", "seccomp", "kprobe.multi/",
		"kretprobe.multi/",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++) {
		char sec[128];
		size_t n = strlen(seed[i]);
		const struct prog_type_def *d;

		snprintf(sec, sizeof(sec), "%s%s", seed[i], seed[i][n - 1] == '/' ? "x" : "");
		d = progtype_find(sec);
		if (!d)
			fail_msg("seed row '%s' is not in the table", seed[i]);
		assert_int_equal(strncmp(d->sec, seed[i], strlen(d->sec)), 0);
	}
	assert_int_equal(progtype_find("seccomp")->target, TARGET_UNSUPPORTED);
}

static void test_spot_checks(void **state)
{
	const struct prog_type_def *d;

	(void)state;
	d = progtype_find("kprobe/do_sys_open");
	assert_non_null(d);
	assert_int_equal(d->prog_type, BPF_PROG_TYPE_KPROBE);
	assert_int_equal(d->target, TARGET_KERNEL_FUNC);
	assert_int_equal(d->feature, KFEAT_KPROBE);
	assert_true(d->auto_attach);

	d = progtype_find("cgroup/connect4");
	assert_int_equal(d->prog_type, BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
	assert_int_equal(d->attach_type, BPF_CGROUP_INET4_CONNECT);
	assert_int_equal(d->target, TARGET_CGROUP);

	d = progtype_find("tp_btf/sched_switch");
	assert_int_equal(d->prog_type, BPF_PROG_TYPE_TRACING);
	assert_int_equal(d->attach_type, BPF_TRACE_RAW_TP);
	assert_int_equal(d->feature, KFEAT_NONE);

	d = progtype_find("iter/task");
	assert_int_equal(d->prog_type, BPF_PROG_TYPE_TRACING);
	assert_int_equal(d->attach_type, BPF_TRACE_ITER);
	assert_int_equal(d->target, TARGET_ITER);
	assert_true(d->auto_attach);	/* libbpf's attach_iter() */
	assert_true(progtype_find("iter.s/task")->sleepable);
	assert_true(progtype_find("syscall")->sleepable);
	assert_false(progtype_find("xdp")->auto_attach);
	assert_int_equal(progtype_find("xdp")->target, TARGET_IFACE);
	assert_int_equal(progtype_find("socket")->target, TARGET_SOCKET);
	assert_int_equal(progtype_find("perf_event")->target, TARGET_PERF_EVENT);

	d = progtype_find("fentry.s/do_unlinkat");
	assert_string_equal(d->sec, "fentry.s");
	assert_true(d->sleepable);
	assert_int_equal(d->feature, KFEAT_TRAMPOLINE);
	assert_int_equal(progtype_find("fexit/x")->feature, KFEAT_TRAMPOLINE);
	assert_int_equal(progtype_find("fmod_ret/x")->feature, KFEAT_TRAMPOLINE);
	assert_int_equal(progtype_find("freplace/x")->feature, KFEAT_TRAMPOLINE);
	assert_int_equal(progtype_find("lsm/file_open")->feature, KFEAT_LSM);
	assert_int_equal(progtype_find("uprobe/bin:sym")->feature, KFEAT_UPROBE);
	assert_int_equal(progtype_find("kretprobe/x")->feature, KFEAT_KPROBE);
	assert_int_equal(progtype_find("kprobe.multi/tcp_*")->feature, KFEAT_KPROBE_MULTI);
	assert_int_equal(progtype_find("kretprobe.multi/x")->attach_type, BPF_TRACE_KPROBE_MULTI);

	/* longest match: "kprobe.multi/x" is not "kprobe/", "xdp.frags" is not "xdp" */
	assert_string_equal(progtype_find("kprobe.multi/x")->sec, "kprobe.multi");
	assert_string_equal(progtype_find("sk_reuseport/migrate")->sec, "sk_reuseport/migrate");
	assert_string_equal(progtype_find("sk_reuseport")->sec, "sk_reuseport");
	assert_string_equal(progtype_find("xdp.frags")->sec, "xdp.frags");
	assert_string_equal(progtype_find("cgroup/sock")->sec, "cgroup/sock");
	assert_string_equal(progtype_find("cgroup/sock_create")->sec, "cgroup/sock_create");
	/* prefix rows take the bare name too, like libbpf's "kprobe+" */
	assert_string_equal(progtype_find("kprobe")->sec, "kprobe");
	assert_string_equal(progtype_find("tp/syscalls/sys_enter_read")->sec, "tp");
	assert_string_equal(progtype_find("tracepoint/syscalls/x")->sec, "tracepoint");
	assert_string_equal(progtype_find("raw_tp.w/x")->sec, "raw_tp.w");
	/* Inspektor Gadget's numbered socket filters (cilium/ebpf's prefix rule) */
	assert_string_equal(progtype_find("socket1")->sec, "socket");
	assert_string_equal(progtype_find("socket42")->sec, "socket");
}

static void test_unknown_sections(void **state)
{
	(void)state;
	assert_null(progtype_find("tracepont/syscalls/sys_enter_openat"));
	assert_null(progtype_find("kprobes/x"));		/* not a "kprobe/" prefix */
	assert_null(progtype_find("xdp/foo"));		/* libbpf 1.x: exact rows are exact */
	assert_null(progtype_find("socket/udp"));
	assert_null(progtype_find("socket1x"));
	assert_null(progtype_find("socketfilter"));
	assert_null(progtype_find("sk_lookup/x"));
	assert_null(progtype_find(""));
	assert_null(progtype_find("cgroup/connect5"));
}

static void test_did_you_mean(void **state)
{
	(void)state;
	assert_string_equal(progtype_suggest("tracepont/syscalls/sys_enter_openat"), "tracepoint/");
	assert_string_equal(progtype_suggest("kprobes/do_sys_open"), "kprobe/");
	assert_string_equal(progtype_suggest("krpobe/do_sys_open"), "kprobe/");
	assert_string_equal(progtype_suggest("raw_tracepint/sys_enter"), "raw_tracepoint/");
	assert_string_equal(progtype_suggest("cgroup/conect4"), "cgroup/connect4");
	assert_string_equal(progtype_suggest("sockets"), "socket");
	assert_string_equal(progtype_suggest("iterr/task"), "iter/");
	assert_string_equal(progtype_suggest("xdp/foo"), "xdp");
	assert_null(progtype_suggest("completely_different/x"));
	assert_null(progtype_suggest("my_section"));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(prog_target_name(TARGET_IFACE), "interface");
	assert_string_equal(prog_target_name(TARGET_UNSUPPORTED), "unsupported");
	assert_string_equal(prog_target_name((enum prog_target)99), "?");
	assert_string_equal(kernel_feature_name(KFEAT_KPROBE), "kprobes");
	assert_string_equal(kernel_feature_name(KFEAT__COUNT), "?");
}

static bool any_exists(const char *const *paths)
{
	for (; *paths; paths++)
		if (!access(*paths, F_OK))
			return true;
	return false;
}

/* The probes agree with what the machine shows, and say why when "no". */
static void test_feature_probes(void **state)
{
	static const char *const kprobe_paths[] = {
		"/sys/bus/event_source/devices/kprobe/type", "/sys/kernel/tracing/kprobe_events",
		"/sys/kernel/debug/tracing/kprobe_events", NULL,
	};
	static const char *const uprobe_paths[] = {
		"/sys/bus/event_source/devices/uprobe/type", "/sys/kernel/tracing/uprobe_events",
		"/sys/kernel/debug/tracing/uprobe_events", NULL,
	};
	char why[512] = "";
	int k, u, k2;

	(void)state;
	assert_int_equal(kernel_feature_probe(KFEAT_NONE, why, sizeof(why)), 1);
	assert_int_equal(kernel_feature_probe(KFEAT__COUNT, why, sizeof(why)), -EINVAL);

	k = kernel_feature_probe(KFEAT_KPROBE, why, sizeof(why));
	assert_int_equal(k, any_exists(kprobe_paths));
	if (!k) {
		assert_non_null(strstr(why, "kprobes are not available on this kernel"));
		assert_non_null(strstr(why, "CONFIG_KPROBE_EVENTS"));
	}
	/* cached: same answer, same reason */
	k2 = kernel_feature_probe(KFEAT_KPROBE, why, sizeof(why));
	assert_int_equal(k, k2);
	u = kernel_feature_probe(KFEAT_UPROBE, why, sizeof(why));
	assert_int_equal(u, any_exists(uprobe_paths));
	/* kprobe.multi needs kprobes */
	if (!k)
		assert_int_equal(kernel_feature_probe(KFEAT_KPROBE_MULTI, why, sizeof(why)), 0);
	why[0] = 0;
	if (kernel_feature_probe(KFEAT_TRAMPOLINE, why, sizeof(why)) != 1)
		assert_non_null(strstr(why, "BPF trampolines"));
	why[0] = 0;
	if (kernel_feature_probe(KFEAT_LSM, why, sizeof(why)) != 1)
		assert_non_null(strstr(why, "BPF LSM"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_matches_libbpf),
		cmocka_unit_test(test_seed_rows_present),
		cmocka_unit_test(test_spot_checks),
		cmocka_unit_test(test_unknown_sections),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_feature_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
