// SPDX-License-Identifier: Apache-2.0
/*
 * The program-type table: the seed's rows (socket .. kretprobe.multi), with
 * the program and attach types libbpf 1.1 gives each SEC() name
 * (section_defs[] in libbpf.c) and what our runtime needs to attach it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "base/suggest.h"
#include "info/progtypes.h"

/* sec, prefix, prog type (+name), attach type, target, auto attach, sleepable, feature */
#define ROW(sec, pfx, type, attach, target, autoat, sleep, feat) \
	{ sec, pfx, BPF_PROG_TYPE_##type, attach, target, autoat, sleep, feat, "BPF_PROG_TYPE_" #type, NULL }
/* A row the seed lists but libbpf 1.1 cannot load under that name. */
#define ROW_NOTE(sec, pfx, type, attach, note) \
	{ sec, pfx, BPF_PROG_TYPE_##type, attach, TARGET_UNSUPPORTED, false, false, KFEAT_NONE, \
	  "BPF_PROG_TYPE_" #type, note }

const struct prog_type_def progtype_table[] = {
	ROW("socket",		false, SOCKET_FILTER, 0, TARGET_SOCKET, false, false, KFEAT_NONE),
	ROW("sk_reuseport/migrate", false, SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("sk_reuseport",	false, SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("kprobe",		true,  KPROBE, 0, TARGET_KERNEL_FUNC, true, false, KFEAT_KPROBE),
	ROW("uprobe",		true,  KPROBE, 0, TARGET_BINARY, true, false, KFEAT_UPROBE),
	ROW("uprobe.s",		true,  KPROBE, 0, TARGET_BINARY, true, true, KFEAT_UPROBE),
	ROW("kretprobe",	true,  KPROBE, 0, TARGET_KERNEL_FUNC, true, false, KFEAT_KPROBE),
	ROW("uretprobe",	true,  KPROBE, 0, TARGET_BINARY, true, false, KFEAT_UPROBE),
	ROW("uretprobe.s",	true,  KPROBE, 0, TARGET_BINARY, true, true, KFEAT_UPROBE),
	ROW("ksyscall",		true,  KPROBE, 0, TARGET_KERNEL_FUNC, true, false, KFEAT_KPROBE),
	ROW("kretsyscall",	true,  KPROBE, 0, TARGET_KERNEL_FUNC, true, false, KFEAT_KPROBE),
	ROW("usdt",		true,  KPROBE, 0, TARGET_BINARY, true, false, KFEAT_UPROBE),
	ROW("tc",		false, SCHED_CLS, 0, TARGET_IFACE, false, false, KFEAT_NONE),
	ROW("classifier",	false, SCHED_CLS, 0, TARGET_IFACE, false, false, KFEAT_NONE),
	ROW("action",		false, SCHED_ACT, 0, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("tracepoint",	true,  TRACEPOINT, 0, TARGET_NONE, true, false, KFEAT_TRACEFS),
	ROW("tp",		true,  TRACEPOINT, 0, TARGET_NONE, true, false, KFEAT_TRACEFS),
	ROW("raw_tracepoint",	true,  RAW_TRACEPOINT, 0, TARGET_NONE, true, false, KFEAT_NONE),
	ROW("raw_tp",		true,  RAW_TRACEPOINT, 0, TARGET_NONE, true, false, KFEAT_NONE),
	ROW("raw_tracepoint.w",	true,  RAW_TRACEPOINT_WRITABLE, 0, TARGET_NONE, true, false, KFEAT_NONE),
	ROW("raw_tp.w",		true,  RAW_TRACEPOINT_WRITABLE, 0, TARGET_NONE, true, false, KFEAT_NONE),
	ROW("tp_btf",		true,  TRACING, BPF_TRACE_RAW_TP, TARGET_NONE, true, false, KFEAT_NONE),
	ROW("fentry",		true,  TRACING, BPF_TRACE_FENTRY, TARGET_KERNEL_FUNC, true, false, KFEAT_TRAMPOLINE),
	ROW("fmod_ret",		true,  TRACING, BPF_MODIFY_RETURN, TARGET_KERNEL_FUNC, true, false, KFEAT_TRAMPOLINE),
	ROW("fexit",		true,  TRACING, BPF_TRACE_FEXIT, TARGET_KERNEL_FUNC, true, false, KFEAT_TRAMPOLINE),
	ROW("fentry.s",		true,  TRACING, BPF_TRACE_FENTRY, TARGET_KERNEL_FUNC, true, true, KFEAT_TRAMPOLINE),
	ROW("fmod_ret.s",	true,  TRACING, BPF_MODIFY_RETURN, TARGET_KERNEL_FUNC, true, true, KFEAT_TRAMPOLINE),
	ROW("fexit.s",		true,  TRACING, BPF_TRACE_FEXIT, TARGET_KERNEL_FUNC, true, true, KFEAT_TRAMPOLINE),
	ROW("freplace",		true,  EXT, 0, TARGET_UNSUPPORTED, false, false, KFEAT_TRAMPOLINE),
	ROW("lsm",		true,  LSM, BPF_LSM_MAC, TARGET_KERNEL_FUNC, true, false, KFEAT_LSM),
	ROW("lsm.s",		true,  LSM, BPF_LSM_MAC, TARGET_KERNEL_FUNC, true, true, KFEAT_LSM),
	ROW("lsm_cgroup",	true,  LSM, BPF_LSM_CGROUP, TARGET_UNSUPPORTED, false, false, KFEAT_LSM),
	ROW("iter",		true,  TRACING, BPF_TRACE_ITER, TARGET_ITER, true, false, KFEAT_NONE),
	ROW("iter.s",		true,  TRACING, BPF_TRACE_ITER, TARGET_ITER, true, true, KFEAT_NONE),
	ROW("syscall",		false, SYSCALL, 0, TARGET_RUN_ONCE, false, true, KFEAT_NONE),
	/* libbpf 1.0 dropped the legacy "xdp_devmap/" and "xdp_cpumap/" names. */
	ROW_NOTE("xdp_devmap",	true,  XDP, BPF_XDP_DEVMAP,
		 "libbpf 1.0 removed the legacy \"xdp_devmap/\" section name; use SEC(\"xdp/devmap\")"),
	ROW_NOTE("xdp_cpumap",	true,  XDP, BPF_XDP_CPUMAP,
		 "libbpf 1.0 removed the legacy \"xdp_cpumap/\" section name; use SEC(\"xdp/cpumap\")"),
	ROW("xdp/devmap",	false, XDP, BPF_XDP_DEVMAP, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("xdp/cpumap",	false, XDP, BPF_XDP_CPUMAP, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("xdp.frags/devmap",	false, XDP, BPF_XDP_DEVMAP, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("xdp.frags/cpumap",	false, XDP, BPF_XDP_CPUMAP, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("xdp.frags",	false, XDP, BPF_XDP, TARGET_IFACE, false, false, KFEAT_NONE),
	ROW("xdp",		false, XDP, BPF_XDP, TARGET_IFACE, false, false, KFEAT_NONE),
	ROW("perf_event",	false, PERF_EVENT, 0, TARGET_PERF_EVENT, false, false, KFEAT_NONE),
	ROW("lwt_in",		false, LWT_IN, 0, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("lwt_out",		false, LWT_OUT, 0, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("lwt_xmit",		false, LWT_XMIT, 0, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("lwt_seg6local",	false, LWT_SEG6LOCAL, 0, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("cgroup_skb/ingress", false, CGROUP_SKB, BPF_CGROUP_INET_INGRESS, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup_skb/egress", false, CGROUP_SKB, BPF_CGROUP_INET_EGRESS, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/skb",	false, CGROUP_SKB, 0, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("cgroup/sock_create", false, CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/sock_release", false, CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/sock",	false, CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/post_bind4", false, CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/post_bind6", false, CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/dev",	false, CGROUP_DEVICE, BPF_CGROUP_DEVICE, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("sockops",		false, SOCK_OPS, BPF_CGROUP_SOCK_OPS, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("sk_skb/stream_parser", false, SK_SKB, BPF_SK_SKB_STREAM_PARSER, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("sk_skb/stream_verdict", false, SK_SKB, BPF_SK_SKB_STREAM_VERDICT, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("sk_skb",		false, SK_SKB, 0, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("sk_msg",		false, SK_MSG, BPF_SK_MSG_VERDICT, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("lirc_mode2",	false, LIRC_MODE2, BPF_LIRC_MODE2, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	ROW("flow_dissector",	false, FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, TARGET_NETNS, false, false, KFEAT_NONE),
	ROW("cgroup/bind4",	false, CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/bind6",	false, CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/connect4",	false, CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/connect6",	false, CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/sendmsg4",	false, CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/sendmsg6",	false, CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/recvmsg4",	false, CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/recvmsg6",	false, CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/getpeername4", false, CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/getpeername6", false, CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/getsockname4", false, CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/getsockname6", false, CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/sysctl",	false, CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/getsockopt", false, CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("cgroup/setsockopt", false, CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, TARGET_CGROUP, false, false, KFEAT_NONE),
	ROW("struct_ops",	true,  STRUCT_OPS, 0, TARGET_UNSUPPORTED, false, false, KFEAT_NONE),
	/* the seed writes "sk_lookup/"; libbpf 1.1 accepts exactly "sk_lookup" */
	ROW("sk_lookup",	false, SK_LOOKUP, BPF_SK_LOOKUP, TARGET_NETNS, false, false, KFEAT_NONE),
	ROW_NOTE("seccomp",	false, UNSPEC, 0,
		 "seccomp filters are classic BPF installed with seccomp(2), not an eBPF program "
		 "type libbpf can load"),
	ROW("kprobe.multi",	true,  KPROBE, BPF_TRACE_KPROBE_MULTI, TARGET_KERNEL_FUNC, true, false, KFEAT_KPROBE_MULTI),
	ROW("kretprobe.multi",	true,  KPROBE, BPF_TRACE_KPROBE_MULTI, TARGET_KERNEL_FUNC, true, false, KFEAT_KPROBE_MULTI),
};

const unsigned int progtype_count = sizeof(progtype_table) / sizeof(progtype_table[0]);

/*
 * libbpf 1.1's rule (sec_def_matches()): a prefix row ("kprobe+") matches
 * "kprobe" and "kprobe/anything"; any other row matches only exactly.
 * libbpf 0.x also took "xdp/foo" for "xdp"; 1.x rejects it, and so do we,
 * because the loader would refuse what we let through.
 */
static unsigned int sec_match(const struct prog_type_def *d, const char *section)
{
	size_t n = strlen(d->sec);

	if (strncmp(section, d->sec, n))
		return 0;
	if (section[n] == 0)
		return n + 1;	/* exact beats prefix of the same length */
	if (section[n] == '/' && d->prefix)
		return n;
	return 0;
}

/*
 * cilium/ebpf, which loads Inspektor Gadget's gadgets, takes a section that
 * merely starts with a type's name, and IG's socket filters are "socket1",
 * "socket2", ...: those are that row here too (runtime_open() gives libbpf
 * the row's program type, as libbpf 1.1 knows only "socket").
 */
static const char *const numbered_secs[] = { "socket" };

static const char *numbered_base(const char *section)
{
	for (unsigned int i = 0; i < sizeof(numbered_secs) / sizeof(numbered_secs[0]); i++) {
		size_t n = strlen(numbered_secs[i]);

		if (!strncmp(section, numbered_secs[i], n) && section[n] &&
		    strspn(section + n, "0123456789") == strlen(section + n))
			return numbered_secs[i];
	}
	return NULL;
}

const struct prog_type_def *progtype_find(const char *section)
{
	const struct prog_type_def *best = NULL;
	unsigned int best_len = 0;
	const char *base;

	for (unsigned int i = 0; i < progtype_count; i++) {
		unsigned int m = sec_match(&progtype_table[i], section);

		if (m > best_len) {
			best_len = m;
			best = &progtype_table[i];
		}
	}
	if (!best && (base = numbered_base(section)))
		return progtype_find(base);
	return best;
}

const char *progtype_suggest(const char *section)
{
	static char buf[64];
	const struct prog_type_def *best = NULL;
	unsigned int best_d = ~0u, best_len = 0;
	size_t head = strcspn(section, "/"), whole = strlen(section);

	for (unsigned int i = 0; i < progtype_count; i++) {
		const struct prog_type_def *d = &progtype_table[i];
		unsigned int dist;
		size_t len;

		/*
		 * Compare like with like: "tracepont/..." by its first word
		 * against "tracepoint", but "cgroup/conect4" whole against
		 * "cgroup/connect4".
		 */
		len = strlen(d->sec);
		dist = suggest_distance(section, strchr(d->sec, '/') ? whole : head, d->sec, len);
		if (dist < best_d) {
			best_d = dist;
			best = d;
			best_len = len;
		}
	}
	/*
	 * More than a third of the word changed is no longer a typo.  A
	 * distance of 0 is "xdp/foo": the word is known, but libbpf 1.x takes
	 * that row only as written.
	 */
	if (!best || best_d > (best_len / 3 > 2 ? best_len / 3 : 2))
		return NULL;
	snprintf(buf, sizeof(buf), "%s%s", best->sec, best->prefix ? "/" : "");
	return buf;
}

static const char *const target_names[] = {
	[TARGET_NONE] = "none",
	[TARGET_KERNEL_FUNC] = "kernel-function",
	[TARGET_BINARY] = "binary",
	[TARGET_ITER] = "iterator",
	[TARGET_SOCKET] = "socket",
	[TARGET_IFACE] = "interface",
	[TARGET_CGROUP] = "cgroup",
	[TARGET_NETNS] = "netns",
	[TARGET_PERF_EVENT] = "perf-event",
	[TARGET_RUN_ONCE] = "run-once",
	[TARGET_UNSUPPORTED] = "unsupported",
};

const char *prog_target_name(enum prog_target t)
{
	return NAMES_GET(target_names, t, "?");
}

static const char *const feature_names[] = {
	[KFEAT_NONE] = "none",
	[KFEAT_KPROBE] = "kprobes",
	[KFEAT_UPROBE] = "uprobes",
	[KFEAT_TRAMPOLINE] = "BPF trampolines (fentry/fexit)",
	[KFEAT_LSM] = "BPF LSM",
	[KFEAT_KPROBE_MULTI] = "kprobe.multi links",
	[KFEAT_TRACEFS] = "tracefs",
};

const char *kernel_feature_name(enum kernel_feature f)
{
	return NAMES_GET(feature_names, f, "?");
}
