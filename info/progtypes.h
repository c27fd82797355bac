/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_PROGTYPES_H
#define GADGET_INFO_PROGTYPES_H

/*
 * The program-type table: one row per SEC() prefix of the seed's table
 * (from "socket" to "kretprobe.multi"), shared by the validator (is this
 * section known, can we run it here?) and the runtime (how to attach it).
 * Adding a program type is adding a row.  Whether this kernel has a row's
 * feature is probed by validator/kernel_feature.h.
 */
#include <stdbool.h>
#include <linux/bpf.h>

/* What a program needs from the user or the system to be attached. */
enum prog_target {
	TARGET_NONE,		/* auto-attaches from the section (tracepoint, raw_tp, tp_btf) */
	TARGET_KERNEL_FUNC,	/* kprobe/fentry/lsm: kernel function from the section */
	TARGET_BINARY,		/* uprobe: binary + symbol from the section */
	TARGET_ITER,		/* iterator: a link created and read by the runtime */
	TARGET_SOCKET,		/* socket filter: a packet socket in a netns */
	TARGET_IFACE,		/* xdp, tc: --iface */
	TARGET_CGROUP,		/* cgroup programs: --cgroup PATH */
	TARGET_NETNS,		/* sk_lookup, flow_dissector: a network namespace */
	TARGET_PERF_EVENT,	/* perf_event: software clock on every CPU */
	TARGET_RUN_ONCE,	/* syscall: BPF_PROG_RUN once */
	TARGET_UNSUPPORTED,	/* known to libbpf but our runtime does not attach it */
};

/* Kernel feature a program type depends on; probed at run time. */
enum kernel_feature {
	KFEAT_NONE,
	KFEAT_KPROBE,		/* kprobe PMU or tracefs kprobe_events */
	KFEAT_UPROBE,
	KFEAT_TRAMPOLINE,	/* fentry/fexit/fmod_ret/freplace (BPF trampolines) */
	KFEAT_LSM,		/* BPF LSM enabled in the "lsm=" boot list */
	KFEAT_KPROBE_MULTI,	/* fprobe-based kprobe.multi links */
	KFEAT_TRACEFS,		/* tracefs mounted: libbpf reads tracepoint ids there */
	KFEAT__COUNT,
};

struct prog_type_def {
	const char *sec;		/* "kprobe/", "socket", "cgroup/connect4" */
	bool prefix;			/* sec matches as a prefix ("kprobe/..."), else exact or "sec/..." */
	enum bpf_prog_type prog_type;
	enum bpf_attach_type attach_type;	/* 0 where not applicable */
	enum prog_target target;
	bool auto_attach;		/* libbpf's bpf_program__attach() can attach it alone */
	bool sleepable;
	enum kernel_feature feature;
	const char *prog_type_name;	/* "BPF_PROG_TYPE_KPROBE", for tables and JSON */
	const char *note;		/* TARGET_UNSUPPORTED rows: why, when it is not just the runtime */
};

extern const struct prog_type_def progtype_table[];
extern const unsigned int progtype_count;

/* Row for a section name, NULL if none matches (longest match wins). */
const struct prog_type_def *progtype_find(const char *section);
/* Closest known prefix for an unknown section (for "did you mean"), or NULL. */
const char *progtype_suggest(const char *section);
const char *prog_target_name(enum prog_target t);
const char *kernel_feature_name(enum kernel_feature f);

#endif
