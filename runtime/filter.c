// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "runtime/filter.h"

/*
 * ig's operators (pkg/operators/filter): "==", "!=", "<", ">", "<=", ">=",
 * "~" (regex) and "!~" (not the regex); "=" is kept as "==".  Longest
 * first, so ">=" is not read as ">" and "==" not as "=" with a value "=x".
 */
static const struct { const char *tok; enum filter_op op; } ops[] = {
	{ "==", FOP_EQ }, { "!=", FOP_NE }, { "!~", FOP_NRE }, { ">=", FOP_GE }, { "<=", FOP_LE },
	{ "=", FOP_EQ }, { ">", FOP_GT }, { "<", FOP_LT }, { "~", FOP_RE },
};

/*
 * glibc's regcomp() expands repetitions by copying the repeated tree, so
 * "a++++..." or "((a{99}){99}){99}" take memory exponential in their
 * length (the fuzzer found "x" followed by a hundred '+' using gigabytes).
 * Estimate the expanded size first: atoms weigh 1, a group the sum of its
 * contents, a repetition multiplies what it repeats ({n,m} by its largest
 * bound, *, + and ? by 2); refuse expressions whose estimate is too big.
 * A repetition right after another ("a+*", "a{9}{9}") is refused outright:
 * POSIX leaves it undefined and glibc's cost for it grows by about three
 * per operator, in regcomp and regexec alike.
 */
#define REGEX_COST_MAX 20000
#define REGEX_DEPTH_MAX 32

static unsigned long long regex_cost(const char *p)
{
	unsigned long long sum[REGEX_DEPTH_MAX + 1] = { 0 }, last[REGEX_DEPTH_MAX + 1] = { 0 };
	bool after_rep = false;
	int d = 0;

	for (; *p; p++) {
		unsigned long long mult = 0;
		bool rep = *p == '*' || *p == '+' || *p == '?' || (*p == '{' && isdigit((unsigned char)p[1]));

		if (rep && after_rep)
			return ~0ULL;
		after_rep = rep;

		switch (*p) {
		case '(':
			if (++d > REGEX_DEPTH_MAX)
				return ~0ULL;
			sum[d] = last[d] = 0;
			continue;
		case ')':
			if (!d) {
				last[0] = 1;
				sum[0]++;
				continue;
			}
			d--;
			last[d] = sum[d + 1] ? sum[d + 1] : 1;
			sum[d] += last[d];
			continue;
		case '*': case '+': case '?':
			mult = 2;
			break;
		case '{': {
			char *end;
			unsigned long n = strtoul(p + 1, &end, 10), m = n;

			if (*end == ',')
				m = isdigit((unsigned char)end[1]) ? strtoul(end + 1, &end, 10) : n + 1;
			else if (end == p + 1)
				break;	/* a literal '{' */
			mult = (n > m ? n : m) + 1;
			p = strchr(p, '}') ? strchr(p, '}') : p + strlen(p) - 1;
			break;
		}
		case '[':
			/* a bracket expression is one atom: skip to its ']' */
			p += p[1] == '^' ? 2 : 1;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (!*p)
				p--;
			break;
		case '\\':
			if (p[1])
				p++;
			break;
		default:
			break;
		}
		if (mult) {
			if (mult > REGEX_COST_MAX)
				return ~0ULL;
			sum[d] += last[d] * (mult - 1);
			last[d] *= mult;
		} else {
			last[d] = 1;
			sum[d]++;
		}
		if (sum[d] > REGEX_COST_MAX || last[d] > REGEX_COST_MAX)
			return ~0ULL;
	}
	while (d > 0) {
		sum[d - 1] += sum[d];
		d--;
	}
	return sum[0];
}

static void filter_term_free(struct filter_term *t)
{
	free(t->text);
	if (t->has_re)
		regfree(&t->re);
}

static int parse_number(struct filter_term *t, const struct gadget_field *fld, const char *v)
{
	char *end;

	/* enums by name */
	for (unsigned int i = 0; fld->kind == FIELD_ENUM && i < fld->nr_enum_vals; i++) {
		if (!strcmp(fld->enum_vals[i].name, v)) {
			/* sign-extend from the field's width (see field_enum_mask) */
			uint64_t m = field_enum_mask(fld), u = (uint64_t)fld->enum_vals[i].value & m;

			if (m != ~0ULL && (u & ~(m >> 1)))
				u |= ~m;
			t->sval = (int64_t)u;
			t->uval = u;
			return 0;
		}
	}
	errno = 0;
	if (t->is_signed)
		t->sval = strtoll(v, &end, 0);
	else
		t->uval = strtoull(v, &end, 0);
	if (errno || end == v || *end || (!t->is_signed && v[0] == '-'))
		return -EINVAL;
	return 0;
}

static int filter_add_term(struct filter *f, const struct schema *s, const char *expr,
			   struct gadget_err *err)
{
	struct filter_term t = { .col = -1 };
	const char *p = expr, *value;
	char name[256], names[2048];
	size_t n;

	while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '.'))
		p++;
	n = p - expr;
	for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strncmp(p, ops[i].tok, strlen(ops[i].tok))) {
			t.op = ops[i].op;
			value = p + strlen(ops[i].tok);
			goto found;
		}
	}
	return gadget_err_set(err, EINVAL, "-F '%s': expected FIELD==VALUE, FIELD!=VALUE, FIELD>VALUE, "
			      "FIELD<VALUE, FIELD>=VALUE, FIELD<=VALUE, FIELD~REGEX or FIELD!~REGEX",
			      expr);
found:
	if (!n || n >= sizeof(name))
		return gadget_err_set(err, EINVAL, "-F '%s': missing field name", expr);
	memcpy(name, expr, n);
	name[n] = 0;
	t.col = schema_find(s, name);
	if (t.col < 0) {
		schema_names(s, names, sizeof(names));
		return gadget_err_set(err, EINVAL, "-F '%s': unknown field '%s' (fields: %s)", expr, name, names);
	}
	if (t.op == FOP_RE || t.op == FOP_NRE) {
		char msg[256];
		int rc;

		if (regex_cost(value) > REGEX_COST_MAX)
			return gadget_err_set(err, EINVAL, "-F '%.64s%s': regular expression too complex "
					      "(nested or stacked repetitions)", expr, strlen(expr) > 64 ? "..." : "");
		rc = regcomp(&t.re, value, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			regerror(rc, &t.re, msg, sizeof(msg));
			return gadget_err_set(err, EINVAL, "-F '%s': bad regular expression: %s", expr, msg);
		}
		t.has_re = true;
	} else {
		const struct gadget_field *fld = s->cols[t.col].field;

		t.numeric = fld && (field_is_numeric(fld) || fld->kind == FIELD_ENUM ||
				    fld->kind == FIELD_BOOL);
		if (fld && fld->kind == FIELD_BOOL)
			value = !strcmp(value, "true") ? "1" : !strcmp(value, "false") ? "0" : value;
		t.is_signed = fld && (fld->kind == FIELD_INT || fld->kind == FIELD_ENUM);
		if (t.numeric && parse_number(&t, fld, value)) {
			/* an enum value that is not a name or number: compare as text */
			if (fld->kind != FIELD_ENUM)
				return gadget_err_set(err, EINVAL, "-F '%s': '%s' is not a number "
						      "(field '%s' is %s)", expr, value, name, fld->type_name);
			t.numeric = false;
		}
		if (!t.numeric && t.op != FOP_EQ && t.op != FOP_NE && fld && fld->kind != FIELD_STRING)
			return gadget_err_set(err, EINVAL, "-F '%s': '%s' is not a number; only =, != and ~ "
					      "apply to it", expr, name);
		t.text = strdup(value);
	}
	if (array_grow(f->terms, f->nr)) {
		free(t.text);
		if (t.has_re)
			regfree(&t.re);
		return gadget_err_set(err, ENOMEM, "-F: out of memory");
	}
	f->terms[f->nr++] = t;
	return 0;
}

/*
 * "a==1,b~x": ig's comma is AND; "\," is a comma inside a value.  Each
 * term is added on its own; a refused term leaves f as it was.
 */
int filter_add(struct filter *f, const struct schema *s, const char *expr, struct gadget_err *err)
{
	unsigned int nr0 = f->nr;
	size_t n = strlen(expr);
	char *term = malloc(n + 1);
	const char *p = expr;
	int ret = 0;

	if (!term)
		return gadget_err_set(err, ENOMEM, "-F: out of memory");
	while (!ret) {
		size_t k = 0;

		for (; *p && *p != ','; p++) {
			if (p[0] == '\\' && p[1] == ',')
				p++;
			term[k++] = *p;
		}
		term[k] = 0;
		ret = k ? filter_add_term(f, s, term, err)
			: gadget_err_set(err, EINVAL, "-F '%s': an empty condition (a comma too many?)",
					 expr);
		if (!*p++)
			break;
	}
	free(term);
	while (ret && f->nr > nr0)
		filter_term_free(&f->terms[--f->nr]);
	return ret;
}

static bool cmp_ok(enum filter_op op, int c)
{
	switch (op) {
	case FOP_EQ: return c == 0;
	case FOP_NE: return c != 0;
	case FOP_GT: return c > 0;
	case FOP_LT: return c < 0;
	case FOP_GE: return c >= 0;
	case FOP_LE: return c <= 0;
	default: return false;
	}
}

int filter_add_pids(struct filter *f, const struct schema *s, const uint32_t *pids, unsigned int n,
		    bool in_kernel, struct gadget_err *err)
{
	for (unsigned int i = 0; i < s->nr_cols; i++) {
		const struct column *c = &s->cols[i];

		if (c->field && c->field->special == SPECIAL_PID) {
			f->pid_col = c;
			f->pids = pids;
			f->nr_pids = n;
			return 0;
		}
	}
	if (in_kernel)
		return 0;
	return gadget_err_set(err, EINVAL, "--pid: this gadget has no process id field (gadget_pid)%s; "
			      "--mntns-of PID keeps the events of PID's mount namespace",
			      n == 1 ? " nor a targ_pid param" : "");
}

static bool pid_match(const struct filter *f, const struct row *r)
{
	uint64_t pid = field_raw_u64(f->pid_col->field, r->rec[f->pid_col->src]);

	for (unsigned int i = 0; i < f->nr_pids; i++)
		if (pid == f->pids[i])
			return true;
	return false;
}

bool filter_match(const struct filter *f, const struct schema *s, const struct row *r)
{
	char buf[1024];

	if (f->pid_col && !pid_match(f, r))
		return false;
	for (unsigned int i = 0; i < f->nr; i++) {
		const struct filter_term *t = &f->terms[i];
		const struct column *c = &s->cols[t->col];
		int cmp;

		if (t->numeric) {
			const uint8_t *rec = r->rec[c->src];

			if (t->is_signed) {
				int64_t v = field_raw_s64(c->field, rec);

				cmp = (v > t->sval) - (v < t->sval);
			} else {
				uint64_t v = field_raw_u64(c->field, rec);

				cmp = (v > t->uval) - (v < t->uval);
			}
			if (!cmp_ok(t->op, cmp))
				return false;
			continue;
		}
		column_format(s, c, r, FMT_TEXT, buf, sizeof(buf));
		if (t->has_re) {
			if (!regexec(&t->re, buf, 0, NULL, 0) != (t->op == FOP_RE))
				return false;
			continue;
		}
		if (!cmp_ok(t->op, strcmp(buf, t->text)))
			return false;
	}
	return true;
}

void filter_free(struct filter *f)
{
	for (unsigned int i = 0; i < f->nr; i++)
		filter_term_free(&f->terms[i]);
	free(f->terms);
	f->terms = NULL;
	f->nr = 0;
	f->pid_col = NULL;
	f->nr_pids = 0;
}
