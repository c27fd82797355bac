// SPDX-License-Identifier: Apache-2.0
/*
 * main() for a fuzz target built as a plain program: runs
 * LLVMFuzzerTestOneInput() once on every file of the folders (or files)
 * given.  `make unit` replays tests/fuzz/regressions/<target>/ (every
 * input a fuzzer ever crashed on) and the seed corpus through the very
 * harness that found them; a crash, an abort() on a broken invariant or,
 * under `make sanitize`, an ASan/UBSan report fails the run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	/* an exact-size heap copy, as libFuzzer gives: ASan sees overreads */
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "%s: short read\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	unsigned int done = 0;
	int fail = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **names;
		struct stat sb;
		int n;

		if (stat(argv[i], &sb))
			continue;	/* a target with no regressions yet */
		if (!S_ISDIR(sb.st_mode)) {
			fail |= replay_file(argv[i]);
			done++;
			continue;
		}
		n = scandir(argv[i], &names, NULL, by_name);
		for (int k = 0; k < n; k++) {
			char path[4096];

			if (names[k]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i], names[k]->d_name);
				fail |= replay_file(path);
				done++;
			}
			free(names[k]);
		}
		if (n >= 0)
			free(names);
	}
	printf("%s: %u inputs replayed\n", argv[0], done);
	return fail ? 1 : 0;
}
