// SPDX-License-Identifier: Apache-2.0
/*
 * pack_obj REF ARCH=OBJ.o [ARCH=OBJ.o...]: the packager's own path from a
 * compiled object to a stored image (validator analysis + packager_pack),
 * for tests and bench/pack.sh independent of `gadget build`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packager/packager.h"
#include "validator/validator.h"

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc(n + 1)) && fread(buf, 1, n, f) == (size_t)n)
		*len = n;
	else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct pack_object objs[8] = { 0 };
	struct pack_meta meta = { .title = "execsnoop", .description = "packager test gadget",
				  .source = "https://example.invalid/gadget", .version = "1.0.0" };
	struct gadget_err err = { 0 };
	struct diag_list diags = { 0 };
	struct oci_descriptor d;
	struct store *st;
	int i, n = argc - 2, ret;

	if (argc < 3 || n > 8) {
		fprintf(stderr, "usage: pack_obj REF ARCH=OBJ.o...\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		char *eq = strchr(argv[i + 2], '=');
		struct validate_opts vo = { .obj_path = eq ? eq + 1 : "", .name = "execsnoop" };
		struct gadget_info *info = NULL;

		if (!eq) {
			fprintf(stderr, "pack_obj: want ARCH=OBJ, got %s\n", argv[i + 2]);
			return 2;
		}
		*eq = '\0';
		objs[i].arch = argv[i + 2];
		objs[i].obj = slurp(eq + 1, &objs[i].len);
		if (!objs[i].obj) {
			perror(eq + 1);
			return 1;
		}
		ret = validator_analyze(objs[i].obj, objs[i].len, &vo, &info, &diags, &err);
		if (ret && ret != -EINVAL) {
			fprintf(stderr, "pack_obj: %s\n", err.msg);
			return 1;
		}
		objs[i].info = info;
	}
	if (store_open(store_default_path(), &st, &err) ||
	    packager_pack(st, argv[1], objs, n, &meta, &d, &err)) {
		fprintf(stderr, "pack_obj: %s\n", err.msg);
		return 1;
	}
	printf("%s\n", d.digest);
	store_close(st);
	for (i = 0; i < n; i++) {
		free((void *)objs[i].obj);
		gadget_info_free((struct gadget_info *)objs[i].info);
	}
	diag_list_free(&diags);
	return 0;
}
