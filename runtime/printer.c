// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/printer.h"

#define PRINTER_BUF (256 * 1024)
#define PRINTER_HIGH (PRINTER_BUF - 8192)	/* flush before a row can overflow */
#define FIELD_MAX 4096

int printer_kind_parse(const char *s, enum output_kind *out)
{
	const struct output_format *f = output_format_find(s);

	if (!f)
		return -EINVAL;
	*out = f->kind;
	return 0;
}

int printer_init(struct printer *p, enum output_kind kind, const struct schema *s, int fd)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->schema = s;
	p->fd = fd;
	p->cap = PRINTER_BUF;
	p->buf = malloc(p->cap);
	return p->buf ? 0 : -ENOMEM;
}

void printer_fini(struct printer *p)
{
	printer_flush(p);
	free(p->buf);
	free(p->widths);
	p->buf = NULL;
	p->widths = NULL;
}

void printer_layout(struct printer *p, unsigned int term_cols, bool no_trunc)
{
	p->term_cols = term_cols;
	p->no_trunc = no_trunc;
	p->widths_for = NULL;
}

int printer_flush(struct printer *p)
{
	size_t off = 0;

	while (off < p->len && !p->error) {
		bool stopping = p->stop && *p->stop;
		size_t want = p->len - off;
		ssize_t n;

		/*
		 * Once stopping, never block: a pipe nobody reads would hold
		 * the run forever.  Wait a little for room, then write no more
		 * than PIPE_BUF, which a writable pipe takes without blocking.
		 */
		if (stopping) {
			struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };

			if (poll(&pfd, 1, 500) != 1 || !(pfd.revents & POLLOUT)) {
				p->error = -EINTR;
				break;
			}
			if (want > PIPE_BUF)
				want = PIPE_BUF;
		}
		n = write(p->fd, p->buf + off, want);
		if (n < 0 && errno == EINTR && !stopping)
			continue;
		if (n <= 0)
			p->error = n < 0 ? -errno : -EIO;
		else
			off += n;
	}
	p->len = 0;
	p->flushes++;
	return p->error;
}

static void put(struct printer *p, const char *s, size_t n)
{
	if (p->len + n > p->cap)
		printer_flush(p);
	if (n > p->cap)
		n = p->cap;
	memcpy(p->buf + p->len, s, n);
	p->len += n;
}

static void pad(struct printer *p, size_t n)
{
	static const char spaces[64] = "                                                               ";

	while (n) {
		size_t k = n < sizeof(spaces) ? n : sizeof(spaces);

		put(p, spaces, k);
		n -= k;
	}
}

#define ELLIPSIS "\xe2\x80\xa6"	/* U+2026: one column on the terminal, three bytes */

/* A cut text ends with an ellipsis: a value cut silently reads as another value. */
static size_t cut(char *txt, size_t len, size_t width)
{
	size_t keep = width > 1 ? width - 1 : 0;

	/* never split a UTF-8 sequence */
	while (keep && ((unsigned char)txt[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(txt + keep, ELLIPSIS, 3);
	(void)len;
	return keep + 3;
}

/* Bytes a cell of display width w takes once padded: an ellipsis is 3 bytes wide 1. */
static size_t cell_pad(const char *txt, size_t n, size_t w)
{
	size_t shown = n;

	if (n >= 3 && !memcmp(txt + n - 3, ELLIPSIS, 3))
		shown = n - 2;
	return shown < w ? w - shown : 0;
}

/*
 * Column cell: text is cut to its width (ending with "…") except in the
 * last column or with --no-trunc, padded to align.  Numbers are never cut
 * (a cut number is a wrong number): one wider than its column pushes the
 * rest of the line instead.
 */
static void cell(struct printer *p, const struct column *c, unsigned int width, char *txt,
		 size_t len, bool last)
{
	if (len > width && !last && !c->right && !p->no_trunc)
		len = cut(txt, len, width);
	if (c->right && !last)
		pad(p, cell_pad(txt, len, width));
	put(p, txt, len);
	if (!c->right && !last)
		pad(p, cell_pad(txt, len, width));
	if (!last)
		put(p, " ", 1);
}

/* Room for n more bytes in the buffer, flushing if needed. */
static bool reserve(struct printer *p, size_t n)
{
	if (p->len + n > p->cap)
		printer_flush(p);
	return p->len + n <= p->cap;
}

/*
 * One value written in place: the column's op (or column_format() for
 * computed and text columns) formats straight into the buffer, then the
 * cell is aligned there.  A value too big for that goes through cell().
 */
static void value(struct printer *p, const struct column *c, unsigned int width,
		  const struct row *r, bool last)
{
	enum fmt_mode mode = p->kind != OUTPUT_COLUMNS ? FMT_JSON : FMT_TEXT;
	bool op = c->field && !c->fmt;	/* a column's own formatter wins (stacks) */
	size_t max = op ? c->op.max[mode] : FIELD_MAX - 1;
	size_t w = mode == FMT_TEXT ? width + 3 : 0;
	char *dst, val[FIELD_MAX];
	size_t n, padn;

	if (!reserve(p, max + w + 2)) {
		n = column_format(p->schema, c, r, mode, val, sizeof(val) - 3);
		if (mode == FMT_JSON)
			put(p, val, n);
		else
			cell(p, c, width, val, n, last);
		return;
	}
	dst = p->buf + p->len;
	n = op ? c->op.fn[mode](&c->op, r->rec[c->src], dst) :
		 column_format(p->schema, c, r, mode, dst, FIELD_MAX);
	if (mode == FMT_TEXT && !last) {
		if (n > width && !c->right && !p->no_trunc)
			n = cut(dst, n, width);
		padn = cell_pad(dst, n, width);
		if (padn) {
			if (c->right) {
				memmove(dst + padn, dst, n);
				memset(dst, ' ', padn);
			} else {
				memset(dst + n, ' ', padn);
			}
			n += padn;
		}
		dst[n++] = ' ';
	}
	p->len += n;
}

/*
 * The columns' widths for this schema: the schema's, and on a terminal
 * (or with $COLUMNS) the room left on the line shared by the text
 * columns, so a path is not cut at 32 characters on a 250-column screen.
 */
static void fit_widths(struct printer *p)
{
	const struct schema *s = p->schema;
	unsigned int total = 0, nr_text = 0;

	if (p->widths_for == s && p->nr_widths == s->nr_shown)
		return;
	free(p->widths);
	p->widths = calloc(s->nr_shown ? s->nr_shown : 1, sizeof(*p->widths));
	p->widths_for = s;
	p->nr_widths = p->widths ? s->nr_shown : 0;
	for (unsigned int i = 0; i < p->nr_widths; i++) {
		const struct column *c = &s->cols[s->shown[i]];

		p->widths[i] = c->width;
		total += c->width + 1;
		nr_text += !c->right && i + 1 < p->nr_widths;
	}
	if (!p->term_cols || total >= p->term_cols || !nr_text)
		return;
	for (unsigned int i = 0, extra = p->term_cols - total; i + 1 < p->nr_widths; i++)
		if (!s->cols[s->shown[i]].right)
			p->widths[i] += extra / nr_text;
}

static unsigned int width_of(struct printer *p, unsigned int i)
{
	return i < p->nr_widths ? p->widths[i] : p->schema->cols[p->schema->shown[i]].width;
}

void printer_header(struct printer *p)
{
	const struct schema *s = p->schema;
	char up[256];

	if (p->kind != OUTPUT_COLUMNS)
		return;
	fit_widths(p);
	for (unsigned int i = 0; i < s->nr_shown; i++) {
		const struct column *c = &s->cols[s->shown[i]];
		size_t n = strlen(c->name);

		if (n >= sizeof(up))
			n = sizeof(up) - 1;
		for (size_t k = 0; k < n; k++)
			up[k] = toupper((unsigned char)c->name[k]);
		up[n] = 0;
		cell(p, c, width_of(p, i), up, n, i + 1 == s->nr_shown);
	}
	put(p, "\n", 1);
}

/*
 * jsonpretty and yaml: the record just written as one JSON line (from
 * start) is written again by the output table.  A record that did not
 * fit the buffer whole (flushed meanwhile) stays a JSON line.
 */
static void reformat(struct printer *p, size_t start, unsigned long long flushes)
{
	const struct output_format *fmt = output_format_of(p->kind);
	json_t *j;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	if (p->flushes != flushes || p->len <= start)
		return;
	j = json_loadb(p->buf + start, p->len - start, JSON_DECODE_ANY, NULL);
	mem = j ? open_memstream(&text, &len) : NULL;
	if (mem) {
		fmt->record(j, mem);
		if (!fclose(mem) && len && len <= p->cap - start) {
			memcpy(p->buf + start, text, len);
			p->len = start + len;
		}
	}
	free(text);
	json_decref(j);
}

int printer_row(struct printer *p, const struct row *r)
{
	const struct schema *s = p->schema;
	bool json = p->kind != OUTPUT_COLUMNS;
	bool again = p->kind == OUTPUT_JSONPRETTY || p->kind == OUTPUT_YAML;
	unsigned long long flushes;
	size_t start;

	if (p->error)
		return p->error;
	if (!json)
		fit_widths(p);
	if (again && p->len > p->cap / 2)
		printer_flush(p);
	start = p->len;
	flushes = p->flushes;
	if (json) {
		put(p, "{", 1);
		put(p, p->json_prefix, strlen(p->json_prefix));
	}
	for (unsigned int i = 0; i < s->nr_shown; i++) {
		const struct column *c = &s->cols[s->shown[i]];

		/* the key is stored as ,"name": */
		if (json)
			put(p, c->json_key + (!i && !p->json_prefix[0]),
			    c->json_key_len - (!i && !p->json_prefix[0]));
		value(p, c, width_of(p, i), r, i + 1 == s->nr_shown);
	}
	put(p, json ? "}\n" : "\n", json ? 2 : 1);
	if (again)
		reformat(p, start, flushes);
	p->rows++;
	if (p->len > PRINTER_HIGH)
		printer_flush(p);
	return p->error;
}

int printer_text(struct printer *p, const char *s)
{
	put(p, s, strlen(s));
	return p->error;
}
