// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: `gadget import` of an arbitrary archive into a store.
 * Invariant: whatever the archive holds, import ends with an answer and
 * the store passes `gadget store check` afterwards with no problem at all
 * (no bad or missing blob, no dangling tag, no temp file): nothing broken
 * gets in.  Imported tags are removed again so the store stays small.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packager/layout_tar.h"

static struct store *st;
static char dir[] = "/dev/shm/fuzz-tar-import.XXXXXX";
static char tar[sizeof(dir) + 16];

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_check_report rep;
	struct oci_descriptor d;
	struct gadget_err err;
	char **refs = NULL, store[sizeof(dir) + 16];
	size_t nr = 0;
	int fd, ret;

	if (!st) {
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
		snprintf(store, sizeof(store), "%s/store", dir);
		snprintf(tar, sizeof(tar), "%s/in.tar", dir);
		if (store_open(store, &st, &err))
			abort();
	}
	fd = open(tar, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	ret = layout_tar_import(st, tar, &refs, &nr, &err);
	if (ret && !err.msg[0])
		abort();	/* a refusal always says why */
	for (size_t i = 0; i < nr; i++)
		if (store_resolve(st, refs[i], &d, &err))
			abort();	/* what import reports is there */
	if (store_check(st, false, &rep, &err))
		abort();
	if (rep.nr_problems)
		abort();
	store_check_report_free(&rep);
	for (size_t i = 0; i < nr; i++) {
		store_untag(st, refs[i], &err);
		free(refs[i]);
	}
	free(refs);
	if (nr)
		store_gc(st, &err);
	return 0;
}
