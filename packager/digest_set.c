// SPDX-License-Identifier: Apache-2.0
/* A set of digest strings (open addressing, linear probing). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packager/digest_set.h"

/* FNV-1a: digests from archives and registries are not trusted to be well spread. */
static size_t digest_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (size_t)h;
}

static size_t slot_of(const struct digest_set *s, const char *digest)
{
	size_t i = digest_hash(digest) & (s->cap - 1);

	while (s->v[i][0] && strcmp(s->v[i], digest))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int grow(struct digest_set *s)
{
	struct digest_set bigger = { .cap = s->cap ? s->cap * 2 : 64 };

	bigger.v = calloc(bigger.cap, sizeof(*bigger.v));
	if (!bigger.v)
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i][0])
			memcpy(bigger.v[slot_of(&bigger, s->v[i])], s->v[i], OCI_DIGEST_MAX);
	bigger.n = s->n;
	free(s->v);
	*s = bigger;
	return 0;
}

int digest_set_add(struct digest_set *s, const char *digest)
{
	size_t i;

	if (!*digest || strlen(digest) >= OCI_DIGEST_MAX)
		return -EINVAL;
	if ((s->n + 1) * 2 > s->cap && grow(s))
		return -ENOMEM;
	i = slot_of(s, digest);
	if (s->v[i][0])
		return 0;
	memcpy(s->v[i], digest, strlen(digest) + 1);
	s->n++;
	return 1;
}

bool digest_set_has(const struct digest_set *s, const char *digest)
{
	return s->cap && s->v[slot_of(s, digest)][0];
}

void digest_set_free(struct digest_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
