// SPDX-License-Identifier: Apache-2.0
/*
 * Before anything is loaded: can this kernel and this run attach every
 * program of the gadget?  A half-attached gadget helps nobody.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "runtime/run.h"
#include "validator/kernel_feature.h"

static bool option_given(const struct run_opts *o, enum prog_target t)
{
	switch (t) {
	case TARGET_IFACE: return o->iface;
	default: return true;
	}
}

/*
 * libbpf reads tracepoint ids in tracefs.  Where nothing mounted it (a
 * fresh VM or container without systemd's sys-kernel-tracing.mount), mount
 * it at the kernel's own mount point, as systemd does at boot, and say so.
 * When that fails, the program check after this says what to do.
 */
static void mount_tracefs_if_absent(const struct gadget_info *info, const struct run_opts *opts)
{
	static const char dir[] = "/sys/kernel/tracing";
	bool needed = false;

	for (unsigned int i = 0; i < info->nr_progs; i++)
		needed |= info->progs[i].def && info->progs[i].def->feature == KFEAT_TRACEFS;
	if (!needed || kernel_feature_probe(KFEAT_TRACEFS, NULL, 0) == 1)
		return;
	if (mount("tracefs", dir, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return;
	kernel_feature_forget(KFEAT_TRACEFS);	/* the analysis probed it already */
	if (opts->status)
		fprintf(opts->status, "gadget: tracefs was not mounted: mounted it on %s\n", dir);
}

/*
 * A tracepoint newer than this kernel (capability:cap_capable came with
 * 6.14) would fail in libbpf with a CO-RE relocation against a missing
 * trace_event_raw_* type or a bare ENOENT: name the tracepoint instead.
 */
static bool tracepoint_exists(const char *section)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	const char *name = strchr(section, '/');
	char path[PATH_MAX];

	if (!name || !strchr(name + 1, '/'))
		return true;	/* not a "tracepoint/CAT/NAME" libbpf can attach: its error says why */
	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/events%s", dirs[i], name);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

int runtime_check_programs(const struct gadget_info *info, const struct run_opts *opts,
			   struct gadget_err *err)
{
	mount_tracefs_if_absent(info, opts);
	/* Before anything is loaded: a half-attached gadget helps nobody. */
	for (unsigned int i = 0; i < info->nr_progs; i++) {
		const struct gadget_prog *p = &info->progs[i];
		char why[512] = "";

		if (!p->def)
			return gadget_err_set(err, EINVAL, "program '%s': section \"%s\" is not a known "
					      "program type", p->name, p->section);
		if (p->def->target == TARGET_UNSUPPORTED)
			return gadget_err_set(err, EOPNOTSUPP, "program '%s' (%s): the gadget runtime "
					      "does not attach %s programs", p->name, p->section, p->def->sec);
		if (prog_type_needs_kernel_btf(p->def->prog_type) && !kernel_btf_present())
			return gadget_err_set(err, EOPNOTSUPP, "program '%s' (%s): %s programs are "
					      "attached by the kernel's BTF ids, and this kernel has no "
					      "BTF (" KERNEL_BTF_PATH " is absent: built without "
					      "CONFIG_DEBUG_INFO_BTF); a btfgen layer serves CO-RE reads "
					      "only", p->name, p->section, p->def->prog_type_name);
		if (kernel_feature_probe(p->def->feature, why, sizeof(why)) != 1)
			return gadget_err_set(err, EOPNOTSUPP, "program '%s' (%s): %s", p->name,
					      p->section, why[0] ? why : "a kernel feature it needs is missing");
		if (p->def->feature == KFEAT_TRACEFS && !tracepoint_exists(p->section))
			return gadget_err_set(err, ENOENT, "program '%s' (%s): this kernel has no tracepoint "
					      "%s (not in tracefs' events/): it is newer than this kernel, "
					      "or its subsystem is not built in", p->name, p->section,
					      strchr(p->section, '/') + 1);
		if (!option_given(opts, p->def->target))
			return gadget_err_set(err, EINVAL, "program '%s' (%s) attaches to a network "
					      "interface: give one with --iface NAME", p->name, p->section);
	}
	return 0;
}
