// SPDX-License-Identifier: Apache-2.0
/*
 * Open a gadget object, adapt it to this kernel and run (print maps,
 * params, filters, namespaces), load it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/file.h"
#include "base/text.h"
#include "runtime/core_btf.h"
#include "runtime/loadlog.h"
#include "runtime/netns.h"
#include "runtime/param.h"
#include "runtime/pfilter.h"
#include "runtime/rodata.h"
#include "runtime/run.h"
#include "validator/kernel_feature.h"

/*
 * A socket filter cannot tell which network namespace its packets are in:
 * a gadget that declares gadget_sockets_netns (gadget/sockets.h) gets the
 * inode of the one its socket programs are attached in (--netns or ours).
 */
static int set_netns_var(struct bpf_object *obj, const struct run_opts *opts, struct gadget_err *err)
{
	const char *path = opts->netns ? opts->netns : NETNS_SELF;
	struct stat st;
	size_t size;
	void *dst;
	__u32 ino;

	if (rodata_find(obj, GADGET_SOCKETS_NETNS, &dst, &size) || size != sizeof(ino))
		return 0;
	if (stat(path, &st))
		return gadget_err_set(err, errno, "--netns %s: %s", path, strerror(errno));
	ino = st.st_ino;
	memcpy(dst, &ino, sizeof(ino));
	return 0;
}

/* --pid P in the kernel, where the gadget has a targ_pid param. */
static int set_pid_param(struct bpf_object *o, const struct gadget_info *info,
			 const struct run_opts *opts, struct gadget_err *err)
{
	const char *name = runtime_pid_param(info, opts);
	char assign[64];

	if (!name)
		return 0;
	snprintf(assign, sizeof(assign), "%s=%u", name, opts->pids[0]);
	return param_set(o, info, assign, err);
}

/* gadget.yaml's defaultValue of each param, before --param (which overrides it). */
static int set_yaml_defaults(struct bpf_object *o, const struct gadget_info *info,
			     struct gadget_err *err)
{
	for (unsigned int i = 0; i < info->nr_params; i++) {
		const struct gadget_param *p = &info->params[i];
		struct gadget_err why = { 0 };
		char *kv;
		int ret;

		if (!p->default_set || !p->default_value)
			continue;
		if (asprintf(&kv, "%s=%s", p->name, p->default_value) < 0)
			return gadget_err_set(err, ENOMEM, "out of memory");
		ret = param_set(o, info, kv, &why);
		free(kv);
		if (ret)
			return gadget_err_set(err, -ret, "gadget.yaml: params.ebpf.%s.defaultValue '%s' "
					      "cannot be set: %s", p->name, p->default_value, why.msg);
	}
	return 0;
}

int runtime_open(const void *obj, size_t len, const struct gadget_info *info,
		 const struct run_opts *opts, const char *btf_path, struct bpf_object **out,
		 struct gadget_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct bpf_object *o;
	char name[64], learned[PATH_MAX], why[128];
	void *filtered;
	size_t filtered_len;
	int ret;

	/* the packet filters go in first: a bad expression stops the run before anything loads */
	ret = pfilter_apply(obj, len, info, opts, &filtered, &filtered_len, err);
	if (ret)
		return ret;
	loadlog_start(opts->verbose);
	/* the object name prefixes .rodata etc.: keep it short and plain */
	snprintf(name, sizeof(name), "%.15s", info->name && *info->name ? info->name : "gadget");
	for (char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			*c = '_';
	oopts.object_name = name;
	/* a proven small CO-RE BTF spares libbpf reading the kernel's whole one */
	if (btf_path)
		oopts.btf_custom_path = btf_path;
	else if (!core_btf_cache_path(obj, len, learned, sizeof(learned)) && !access(learned, R_OK))
		oopts.btf_custom_path = learned;
	/* libbpf is done with the bytes when open returns (bpf_object__elf_finish) */
	o = bpf_object__open_mem(filtered ? filtered : obj, filtered ? filtered_len : len, &oopts);
	free(filtered);
	if (!o)
		return gadget_err_set(err, errno, "cannot open the gadget object: %s\n%s",
				      gadget_strerror(errno, why, sizeof(why)), loadlog_tail());
	runtime_object_fixup(o, info->print_map ? info->print_map->name : NULL, opts->buffer_size);
	ret = set_yaml_defaults(o, info, err);
	if (ret)
		goto fail;
	for (unsigned int i = 0; i < opts->nr_params; i++) {
		ret = param_set(o, info, opts->params[i], err);
		if (ret)
			goto fail;
	}
	ret = set_pid_param(o, info, opts, err);
	if (!ret && opts->filter_mntns)
		ret = mntns_filter_enable(o, err);
	if (!ret)
		ret = set_netns_var(o, opts, err);
	if (ret)
		goto fail;
	*out = o;
	return 0;
fail:
	bpf_object__close(o);
	return ret;
}

const char *runtime_pid_param(const struct gadget_info *info, const struct run_opts *opts)
{
	static const char name[] = "targ_pid";	/* libbpf-tools' and ig's name */
	size_t n = strlen(name);

	if (opts->nr_pids != 1)
		return NULL;
	for (unsigned int i = 0; i < opts->nr_params; i++)
		if (!strncmp(opts->params[i], name, n) && opts->params[i][n] == '=')
			return NULL;	/* --param targ_pid= wins */
	for (unsigned int i = 0; i < info->nr_params; i++)
		if (!strcmp(info->params[i].name, name))
			return name;
	return NULL;
}

/*
 * "extern (func ksym) 'bpf_x': not found in kernel or module BTFs": a kfunc
 * (or kernel variable) the object declares with __ksym and this kernel
 * lacks.  Name it; libbpf's words follow.
 */
static int missing_ksym(int ret, const char *log, struct gadget_err *err)
{
	const char *p = strstr(log, "ksym) '");
	int n;

	if (!p || !strstr(p, "not found in kernel"))
		return 0;
	p += strlen("ksym) '");
	n = strcspn(p, "'");
	return gadget_err_set(err, -ret, "loading the gadget failed: it uses '%.*s' (declared "
			      "__ksym), which this kernel does not have: guard the call with "
			      "bpf_ksym_exists(%.*s) and declare it __weak, or run on a kernel that "
			      "has it\n%s", n, p, n, p, log);
}

int runtime_load(struct bpf_object *obj, const struct run_opts *opts, struct gadget_err *err)
{
	int ret = bpf_object__load(obj), named;
	char why[128], prog[128];

	if (ret && (named = missing_ksym(ret, loadlog_tail(), err)))
		return named;
	/* libbpf found no kernel BTF (-ESRCH) for the CO-RE relocations or __ksym externs */
	if (ret == -ESRCH && !kernel_btf_present())
		return gadget_err_set(err, ESRCH, "loading the gadget failed: this kernel has no BTF ("
				      KERNEL_BTF_PATH " is absent: built without "
				      "CONFIG_DEBUG_INFO_BTF), and the gadget's CO-RE relocations "
				      "or __ksym externs need it; run an image with a btfgen layer "
				      "for this kernel (Inspektor Gadget's 'ig image build --btfgen'), "
				      "or on a kernel with BTF\n%s", loadlog_tail());
	/* the headline says who said no: the verifier, not "Permission denied" */
	if (ret && !loadlog_rejected_prog(prog, sizeof(prog)))
		return gadget_err_set(err, -ret, "the kernel verifier rejected program '%s' (%s); its "
				      "log:\n%s", prog, gadget_strerror(-ret, why, sizeof(why)),
				      loadlog_tail());
	if (ret)
		return gadget_err_set(err, -ret, "loading the gadget into the kernel failed: %s\n%s",
				      gadget_strerror(-ret, why, sizeof(why)), loadlog_tail());
	return opts->filter_mntns ? mntns_filter_fill(obj, opts->mntns, opts->nr_mntns, err) : 0;
}

int runtime_enable_stats(struct bpf_object *obj, int *stats_fd, struct gadget_err *err)
{
	void *flag;
	size_t size;
	int fd;

	*stats_fd = -1;
	if (rodata_find(obj, GADGET_BPF_STATS_FLAG, &flag, &size) || !size || !*(uint8_t *)flag)
		return 0;
	/* the kernel counts run time while any such fd is open */
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0)
		return gadget_err_set(err, -fd, "the gadget needs BPF statistics (GADGET_BPF_STATS): "
				      "BPF_ENABLE_STATS failed: %s", strerror(-fd));
	*stats_fd = fd;
	return 0;
}
