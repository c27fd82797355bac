// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel feature probes for the program-type table: can this machine
 * attach kprobes, uprobes, trampolines, BPF LSM programs?  Each probe is
 * the cheapest check that gives the true answer, and is run once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "validator/kernel_feature.h"

/* the kernel's own "not supported" (include/linux/errno.h), which bpf(2) can return */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

bool kernel_btf_present(void)
{
	return access(KERNEL_BTF_PATH, R_OK) == 0;
}

bool prog_type_needs_kernel_btf(enum bpf_prog_type type)
{
	switch (type) {
	case BPF_PROG_TYPE_TRACING: case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_STRUCT_OPS: case BPF_PROG_TYPE_EXT:
		return true;
	default:
		return false;
	}
}

static const char *const tracefs_dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static bool path_exists(const char *p)
{
	return access(p, F_OK) == 0;
}

/* A perf PMU ("kprobe", "uprobe") or its legacy tracefs control file. */
static int probe_pmu(const char *pmu, char *why, unsigned int len, const char *what)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/bus/event_source/devices/%s/type", pmu);
	if (path_exists(p))
		return 1;
	for (unsigned int i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s_events", tracefs_dirs[i], pmu);
		if (path_exists(p))
			return 1;
	}
	snprintf(why, len, "%s are not available on this kernel (no %s PMU in "
		 "/sys/bus/event_source/devices and no %s_events in tracefs; "
		 "the kernel needs CONFIG_%sS and CONFIG_%s_EVENTS)",
		 what, pmu, pmu, pmu[0] == 'k' ? "KPROBE" : "UPROBE",
		 pmu[0] == 'k' ? "KPROBE" : "UPROBE");
	return 0;
}

/*
 * Load and attach "return 0" against a BTF function: the only reliable
 * answer for trampolines and BPF LSM is whether the kernel lets us do it.
 */
static int probe_btf_attach(enum bpf_prog_type type, enum bpf_attach_type attach,
			    const char *func, char *why, unsigned int len, const char *what)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach);
	struct btf *vmlinux;
	int id, fd, link;

	vmlinux = kernel_btf_present() ? btf__load_vmlinux_btf() : NULL;
	if (!vmlinux) {
		snprintf(why, len, "%s need the kernel's BTF (" KERNEL_BTF_PATH "), which this kernel "
			 "lacks (built without CONFIG_DEBUG_INFO_BTF)", what);
		return 0;
	}
	id = btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (id < 0) {
		snprintf(why, len, "%s are not available on this kernel (no BTF for %s)", what, func);
		return 0;
	}
	opts.attach_btf_id = id;
	fd = bpf_prog_load(type, NULL, "GPL", insns, 2, &opts);
	if (fd < 0) {
		/* without privileges the kernel's "no" says nothing about the kernel */
		if (errno == EPERM && geteuid() != 0) {
			snprintf(why, len, "cannot tell whether %s are available: loading a probe "
				 "program needs root (CAP_BPF and CAP_PERFMON)", what);
			return -EPERM;
		}
		snprintf(why, len, "%s are not available on this kernel (loading a probe program failed: %s)",
			 what, strerror(errno));
		return 0;
	}
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0) {
		int e = errno;

		close(fd);
		snprintf(why, len, "%s are not available on this kernel (attaching a probe program failed: %s)",
			 what, strerror(e));
		return 0;
	}
	close(link);
	close(fd);
	return 1;
}

static int probe_kprobe(char *why, unsigned int len)
{
	return probe_pmu("kprobe", why, len, "kprobes");
}

static int probe_uprobe(char *why, unsigned int len)
{
	return probe_pmu("uprobe", why, len, "uprobes");
}

static int probe_trampoline(char *why, unsigned int len)
{
	return probe_btf_attach(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "bpf_fentry_test1",
				why, len, "BPF trampolines (fentry/fexit/fmod_ret/freplace)");
}

static int probe_lsm(char *why, unsigned int len)
{
	char buf[512] = "";
	FILE *f = fopen("/sys/kernel/security/lsm", "r");

	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);

		buf[n] = 0;
		fclose(f);
		if (!strstr(buf, "bpf")) {
			snprintf(why, len, "BPF LSM programs are not available on this kernel "
				 "(\"bpf\" is not in the active LSM list \"%s\"; boot with lsm=...,bpf)", buf);
			return 0;
		}
	}
	return probe_btf_attach(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open",
				why, len, "BPF LSM programs");
}

/*
 * kprobe.multi links need CONFIG_FPROBE, which kprobes do not imply
 * (Debian 12's 6.1 kernels have kprobes and no fprobe): ask for a link on
 * address 0.  Without fprobe the kernel says EOPNOTSUPP before looking at
 * the address; with it, the bad address is refused some other way.
 */
static int probe_kprobe_multi(char *why, unsigned int len)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	unsigned long addr = 0;
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .kprobe_multi.addrs = &addr, .kprobe_multi.cnt = 1);
	int fd, link, e;

	if (!probe_kprobe(why, len)) {
		snprintf(why, len, "kprobe.multi links are not available on this kernel (no kprobe support)");
		return 0;
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &opts);
	if (fd < 0) {
		if (errno == EPERM && geteuid() != 0) {
			snprintf(why, len, "cannot tell whether kprobe.multi links are available: loading "
				 "a probe program needs root (CAP_BPF and CAP_PERFMON)");
			return -EPERM;
		}
		snprintf(why, len, "kprobe.multi links are not available on this kernel (loading a "
			 "probe program failed: %s)", strerror(errno));
		return 0;
	}
	link = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &lopts);
	e = errno;
	if (link >= 0)
		close(link);
	close(fd);
	if (link < 0 && (e == EOPNOTSUPP || e == ENOTSUPP)) {
		snprintf(why, len, "kprobe.multi links are not available on this kernel "
			 "(the kernel needs CONFIG_FPROBE)");
		return 0;
	}
	return 1;
}

/*
 * libbpf finds a tracepoint's id in tracefs (/sys/kernel/tracing, or
 * debugfs's tracing/ on older setups); without it every "tracepoint/"
 * program fails with a bare ENOENT, so say what to mount instead.
 */
static int probe_tracefs(char *why, unsigned int len)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events",
	};

	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!access(dirs[i], F_OK))
			return 1;
	snprintf(why, len, "tracefs is not mounted, and libbpf reads tracepoint ids from it: "
		 "mount -t tracefs tracefs /sys/kernel/tracing");
	return 0;
}

static int (*const probes[KFEAT__COUNT])(char *why, unsigned int len) = {
	[KFEAT_KPROBE] = probe_kprobe,
	[KFEAT_UPROBE] = probe_uprobe,
	[KFEAT_TRAMPOLINE] = probe_trampoline,
	[KFEAT_LSM] = probe_lsm,
	[KFEAT_KPROBE_MULTI] = probe_kprobe_multi,
	[KFEAT_TRACEFS] = probe_tracefs,
};

/* Probed once per process: most probes load a program. */
static int probe_cached[KFEAT__COUNT];		/* 1 yes, 0 no, -errno: could not tell */
static bool probe_done[KFEAT__COUNT];
static char probe_why[KFEAT__COUNT][256];

int kernel_feature_probe(enum kernel_feature f, char *why, unsigned int why_len)
{
	if ((unsigned int)f >= KFEAT__COUNT)
		return -EINVAL;
	if (f == KFEAT_NONE)
		return 1;
	if (!probe_done[f]) {
		int r = probes[f](probe_why[f], sizeof(probe_why[f]));

		probe_cached[f] = r > 0 ? 1 : r;
		probe_done[f] = true;
	}
	if (probe_cached[f] != 1 && why && why_len)
		snprintf(why, why_len, "%s", probe_why[f]);
	return probe_cached[f];
}

void kernel_feature_forget(enum kernel_feature f)
{
	if ((unsigned int)f < KFEAT__COUNT)
		probe_done[f] = false;
}
