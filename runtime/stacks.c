// SPDX-License-Identifier: Apache-2.0
/*
 * Stack ids to symbolised frames, for the columns of gadget_kernel_stack /
 * gadget_user_stack and IG's struct gadget_user_stack.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/format.h"
#include "runtime/stacks.h"
#include "runtime/symbolizer.h"

#define STACK_DEPTH 127		/* GADGET_STACK_DEPTH */

struct stacks {
	int fd;
	struct symbolizer *sym;
	const struct column *pid_col;	/* whose addresses user stacks are */
};

static bool is_stack(const struct column *c)
{
	return c->field && (c->field->special == SPECIAL_KERNEL_STACK ||
			    c->field->special == SPECIAL_USER_STACK ||
			    c->field->special == SPECIAL_IG_USER_STACK);
}

/*
 * The stack id of a cell and whose addresses they are: our typedefs hold
 * the id (negative: bpf_get_stackid()'s error) and the record's gadget_pid
 * member the process; IG's struct holds both (pid 0: no stack taken).
 */
static int64_t stack_id_of(const struct stacks *st, const struct column *c, const struct row *r,
			   int *pid)
{
	const uint8_t *rec = r->rec[c->src];
	uint32_t u32;

	if (c->field->special == SPECIAL_IG_USER_STACK) {
		rec += c->field->offset;
		memcpy(&u32, rec + GADGET_IG_USTACK_PID_OFF, sizeof(u32));
		*pid = (int)u32;
		memcpy(&u32, rec + GADGET_IG_USTACK_ID_OFF, sizeof(u32));
		return *pid ? (int64_t)u32 : -EFAULT;
	}
	*pid = st->pid_col ? (int)field_raw_u64(st->pid_col->field, r->rec[st->pid_col->src]) : 0;
	return field_raw_s64(c->field, rec);
}

/* bpf_get_stackid()'s errors as the text of the cell. */
static const char *stack_error(int64_t id)
{
	return id == -EFAULT ? "[none]" : "[lost]";
}

static size_t frame_text(struct stacks *st, const struct column *c, int pid, uint64_t ip,
			 char *out, size_t cap)
{
	if (c->field->special == SPECIAL_KERNEL_STACK)
		return symbolizer_kernel(st->sym, ip, out, cap);
	/* without a pid, /proc/0 does not exist: the address is printed */
	return symbolizer_user(st->sym, pid, ip, out, cap);
}

static size_t format_stack(void *ctx, const struct column *c, const struct row *r,
			   enum fmt_mode mode, char *out, size_t cap)
{
	struct stacks *st = ctx;
	int pid;
	int64_t id = stack_id_of(st, c, r, &pid);
	uint64_t ips[STACK_DEPTH] = { 0 };
	char frame[512], esc[1100];
	size_t len = 0;
	uint32_t key = (uint32_t)id;

	out[0] = 0;
	if (cap < 8)
		return 0;
	/* no stack: an empty array in JSON, the reason in text */
	if (id < 0 || bpf_map_lookup_elem(st->fd, &key, ips)) {
		snprintf(out, cap, "%s", mode == FMT_JSON ? "[]" : id < 0 ? stack_error(id) : "[lost]");
		return strlen(out);
	}
	if (mode == FMT_JSON)
		out[len++] = '[';
	for (int i = 0; i < STACK_DEPTH && ips[i]; i++) {
		/* outer frames hold return addresses, which may be the first byte
		 * after the calling function (a call to a noreturn function) */
		size_t n = frame_text(st, c, pid, ips[i] - (i > 0), frame, sizeof(frame));
		const char *piece = frame;

		if (mode == FMT_JSON) {
			n = format_json_string(frame, n, false, esc, sizeof(esc));
			piece = esc;
		}
		/* keep room for the separator and the closing bracket */
		if (len + n + 3 > cap)
			break;
		if (i)
			out[len++] = mode == FMT_JSON ? ',' : ';';
		memcpy(out + len, piece, n);
		len += n;
	}
	if (mode == FMT_JSON)
		out[len++] = ']';
	out[len] = 0;
	return len;
}

int stacks_attach(struct schema *s, struct bpf_object *obj, struct stacks **out,
		  struct gadget_err *err)
{
	struct stacks *st;
	struct bpf_map *m;
	bool any = false;
	int ret;

	*out = NULL;
	for (unsigned int i = 0; i < s->nr_cols; i++)
		any |= is_stack(&s->cols[i]);
	if (!any)
		return 0;
	m = bpf_object__find_map_by_name(obj, GADGET_STACKS_MAP);
	if (!m || bpf_map__type(m) != BPF_MAP_TYPE_STACK_TRACE || bpf_map__fd(m) < 0)
		return gadget_err_set(err, ENOENT, "the gadget has stack columns but no %s stack-trace "
				      "map: include <gadget/stacks.h> and fill them with "
				      "gadget_get_kernel_stack()/gadget_get_user_stack()", GADGET_STACKS_MAP);
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	ret = symbolizer_new(NULL, NULL, &st->sym);
	if (ret) {
		free(st);
		return gadget_err_set(err, -ret, "stacks: %s", strerror(-ret));
	}
	st->fd = bpf_map__fd(m);
	for (unsigned int i = 0; i < s->nr_cols; i++) {
		struct column *c = &s->cols[i];

		if (!st->pid_col && c->field && c->field->special == SPECIAL_PID)
			st->pid_col = c;
		if (is_stack(c)) {
			c->fmt = format_stack;
			c->fmt_ctx = st;
		}
	}
	*out = st;
	return 0;
}

void stacks_free(struct stacks *st)
{
	if (!st)
		return;
	symbolizer_free(st->sym);
	free(st);
}
