// SPDX-License-Identifier: Apache-2.0
#include <stddef.h>
#include <string.h>

#include "info/libc_calls.h"

static const struct {
	const char *name, *instead;
} libc_calls[] = {
	{ "memcmp", "__builtin_memcmp() with a constant size, or a loop" },
	{ "bcmp", "__builtin_memcmp() with a constant size, or a loop" },
	{ "memcpy", "__builtin_memcpy() with a constant size, or bpf_probe_read_kernel()" },
	{ "memmove", "__builtin_memmove() with a constant size" },
	{ "memset", "__builtin_memset() with a constant size" },
	{ "strlen", "a bounded loop, or the length bpf_probe_read_*_str() returns" },
	{ "strcmp", "a bounded loop (bpf_strncmp() compares with a constant string)" },
	{ "strncmp", "bpf_strncmp()" },
};

const char *libc_call_instead(const char *name)
{
	for (size_t i = 0; i < sizeof(libc_calls) / sizeof(libc_calls[0]); i++)
		if (!strcmp(name, libc_calls[i].name))
			return libc_calls[i].instead;
	return NULL;
}
