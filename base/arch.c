// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "base/arch.h"

static const struct arch_def arch_defs[] = {
	{ "amd64",	"x86_64",	"x86",		"x86_64-linux-gnu",	"x86_64" },
	{ "arm64",	"aarch64",	"arm64",	"aarch64-linux-gnu",	"arm64" },
	{ "arm",	"armv7l",	NULL },
	{ "ppc64le",	"ppc64le",	NULL },
	{ "s390x",	"s390x",	NULL },
	{ "riscv64",	"riscv64",	NULL },
};

#define NR_ARCHS (sizeof(arch_defs) / sizeof(arch_defs[0]))

const struct arch_def *arch_find(const char *oci)
{
	for (size_t i = 0; oci && i < NR_ARCHS; i++)
		if (!strcmp(arch_defs[i].oci, oci))
			return &arch_defs[i];
	return NULL;
}

const struct arch_def *arch_find_machine(const char *machine)
{
	for (size_t i = 0; machine && i < NR_ARCHS; i++)
		if (!strcmp(arch_defs[i].machine, machine))
			return &arch_defs[i];
	return NULL;
}

const char *arch_host(void)
{
	static struct utsname u;

	if (!u.machine[0] && uname(&u))
		snprintf(u.machine, sizeof(u.machine), "unknown");
	for (size_t i = 0; i < NR_ARCHS; i++)
		if (!strcmp(arch_defs[i].machine, u.machine))
			return arch_defs[i].oci;
	return u.machine;
}

const char *arch_buildable_names(void)
{
	static char names[128];
	size_t n = 0;

	if (names[0])
		return names;
	for (size_t i = 0; i < NR_ARCHS && n < sizeof(names); i++)
		if (arch_defs[i].bpf_target)
			n += snprintf(names + n, sizeof(names) - n, "%s%s", n ? ", " : "", arch_defs[i].oci);
	return names;
}
