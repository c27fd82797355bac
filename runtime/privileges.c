// SPDX-License-Identifier: Apache-2.0
/*
 * Before anything is loaded: can this process load BPF at all?  Without
 * the capabilities every later step fails with a misleading reason
 * ("tracefs is not mounted", "Operation not permitted" on a map).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runtime/run.h"

/* linux/capability.h numbers; CAP_BPF and CAP_PERFMON split from CAP_SYS_ADMIN in 5.8 */
#define CAP_SYS_ADMIN_BIT	21
#define CAP_PERFMON_BIT		38
#define CAP_BPF_BIT		39

/* The effective capability set of this process, from /proc/self/status. */
static int effective_caps(unsigned long long *caps)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", caps) == 1) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

int runtime_check_privileges(struct gadget_err *err)
{
	unsigned long long caps;

	/* no /proc to tell: let the kernel answer */
	if (effective_caps(&caps))
		return 0;
	if (caps & (1ULL << CAP_SYS_ADMIN_BIT))
		return 0;
	if ((caps & (1ULL << CAP_BPF_BIT)) && (caps & (1ULL << CAP_PERFMON_BIT)))
		return 0;
	return gadget_err_set(err, EPERM, "gadget run needs root or CAP_BPF+CAP_PERFMON (this process "
			      "has neither CAP_SYS_ADMIN nor both): run it with sudo");
}
