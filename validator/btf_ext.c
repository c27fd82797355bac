// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>

#include "validator/btf_ext.h"

/* The header; core_relo_* exist when hdr_len reaches them (LLVM 13+). */
struct btfext_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	struct { uint32_t off, len; } parts[3];	/* by enum btfext_part */
};

/* n bytes at off of the section, copied: the section may be misaligned. */
static int read_at(const uint8_t *p, size_t len, uint64_t off, void *dst, size_t n)
{
	if (off > len || n > len - off)
		return -EINVAL;
	memcpy(dst, p + off, n);
	return 0;
}

/* The bytes of part: 0, -ENOENT if it is absent or empty, -EINVAL if malformed. */
static int part_bytes(const uint8_t *ext, size_t len, enum btfext_part part, uint64_t *start,
		      uint64_t *end)
{
	struct btfext_header h = { 0 };
	size_t have = sizeof(h);

	if (!ext)
		return -EINVAL;
	if (len < have)
		have = len;
	if (read_at(ext, len, 0, &h, have) || h.magic != BTFEXT_MAGIC || h.hdr_len > len)
		return -EINVAL;
	/* a part past the end of the header the object has is absent */
	if (offsetof(struct btfext_header, parts[part]) + sizeof(h.parts[part]) > h.hdr_len ||
	    offsetof(struct btfext_header, parts[part]) + sizeof(h.parts[part]) > have)
		return -ENOENT;
	if (!h.parts[part].len)
		return -ENOENT;
	*start = (uint64_t)h.hdr_len + h.parts[part].off;
	*end = *start + h.parts[part].len;
	return *end > len ? -EINVAL : 0;
}

int btfext_has(const void *ext, size_t len, enum btfext_part part)
{
	uint64_t start, end;

	return part_bytes(ext, len, part, &start, &end) == 0;
}

int btfext_walk(const void *ext, size_t len, enum btfext_part part, size_t min_rec,
		btfext_fn fn, void *ctx)
{
	const uint8_t *p = ext;
	uint64_t off, end;
	uint32_t rec_size, sec[2];	/* name offset, number of records */
	int ret = part_bytes(p, len, part, &off, &end);

	if (ret)
		return ret;
	if (read_at(p, end, off, &rec_size, sizeof(rec_size)) || rec_size < min_rec || !rec_size)
		return -EINVAL;
	for (off += sizeof(rec_size); off < end; ) {
		if (read_at(p, end, off, sec, sizeof(sec)))
			return -EINVAL;
		off += sizeof(sec);
		if ((end - off) / rec_size < sec[1])
			return -EINVAL;
		for (uint32_t i = 0; i < sec[1]; i++, off += rec_size) {
			ret = fn(ctx, sec[0], p + off, rec_size);
			if (ret)
				return ret;
		}
	}
	return 0;
}
