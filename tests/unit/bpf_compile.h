/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_TESTS_UNIT_BPF_COMPILE_H
#define GADGET_TESTS_UNIT_BPF_COMPILE_H

/* A BPF object compiled by clang from src, as the unit tests need one (run from the repo root). */
#include <stdio.h>
#include <stdlib.h>

#include "base/file.h"

static inline void *compile_bpf_src(const char *src, size_t *len)
{
	char dir[] = "/tmp/test_bpf_src.XXXXXX", cmd[512], path[600];
	void *obj;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.bpf.c", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(src, f);
	fclose(f);
	/* the multiarch folder for asm/types.h, as `gadget build` adds it */
	snprintf(cmd, sizeof(cmd), "clang -target bpf -O2 -g -Ibpf-headers "
		 "-I/usr/include/$(gcc -dumpmachine) -c %s/p.bpf.c -o %s/p.o", dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/p.o", dir);
	assert_int_equal(file_read_all(path, &obj, len), 0);
	snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
	assert_int_equal(system(cmd), 0);
	return obj;
}

#endif
