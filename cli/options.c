// SPDX-License-Identifier: Apache-2.0
/* The option tables turned into a parser and a usage text (cli/options.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/suggest.h"
#include "cli/cli.h"
#include "cli/options.h"

static const struct cli_option help_opt = {
	.type = OPTT_BOOL, .short_name = 'h', .long_name = "help", .help = "show this help",
};

const struct cli_command *cli_command_find(const char *name)
{
	for (const struct cli_command *const *c = cli_commands; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

const char *cli_suggest(const char *w, const char *words, char *buf, size_t len)
{
	unsigned int best = ~0u, limit = strlen(w) < 4 ? 1 : 2;
	const char *p = words;

	buf[0] = 0;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		unsigned int d = suggest_distance(w, strlen(w), p, n);

		/* a prefix ("--rep" for "--repair") is as good as a typo */
		if (n > strlen(w) && !strncmp(p, w, strlen(w)) && strlen(w) >= 2)
			d = 1;
		if (d <= limit && d < best && n < len) {
			best = d;
			memcpy(buf, p, n);
			buf[n] = 0;
		}
		p = end ? end + 1 : NULL;
	}
	return buf[0] ? buf : NULL;
}

/* Every long name of c's table, comma-separated, for did-you-mean. */
static void long_names(const struct cli_command *c, char *buf, size_t len)
{
	size_t n = snprintf(buf, len, "help");

	for (const struct cli_option *o = c->opts; o && o->type != OPTT_END; o++)
		if (o->long_name && n < len)
			n += snprintf(buf + n, len - n, ",%s", o->long_name);
}

static const struct cli_option *find_long(const struct cli_command *c, const char *name, size_t n)
{
	for (const struct cli_option *o = c->opts; o && o->type != OPTT_END; o++)
		if (o->long_name && strlen(o->long_name) == n && !strncmp(o->long_name, name, n))
			return o;
	return strlen(help_opt.long_name) == n && !strncmp(name, "help", n) ? &help_opt : NULL;
}

static const struct cli_option *find_short(const struct cli_command *c, char s)
{
	for (const struct cli_option *o = c->opts; o && o->type != OPTT_END; o++)
		if (o->short_name == s)
			return o;
	return s == 'h' ? &help_opt : NULL;
}

/* "--name" or "-n", as the user would type it, for messages. */
static const char *opt_label(const struct cli_option *o, char *buf, size_t len)
{
	if (o->long_name)
		snprintf(buf, len, "--%s", o->long_name);
	else
		snprintf(buf, len, "-%c", o->short_name);
	return buf;
}

bool cli_word_in(const char *w, const char *words)
{
	size_t n = strlen(w);

	for (const char *p = words; p && *p;) {
		const char *end = strchr(p, ',');
		size_t k = end ? (size_t)(end - p) : strlen(p);

		if (k == n && !strncmp(p, w, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static int set_choice(const struct cli_command *c, const struct cli_option *o, const char *arg,
		      const char **dst)
{
	char label[64], near[64];

	if (cli_word_in(arg, o->choices)) {
		*dst = arg;
		return 0;
	}
	if (cli_suggest(arg, o->choices, near, sizeof(near)))
		return cli_usage_error(c->name, "%s: unknown value '%s'; did you mean '%s'? (one of %s)",
				       opt_label(o, label, sizeof(label)), arg, near, o->choices);
	return cli_usage_error(c->name, "%s: unknown value '%s' (one of %s)",
			       opt_label(o, label, sizeof(label)), arg, o->choices);
}

static int set_value(const struct cli_command *c, const struct cli_option *o, const char *arg,
		     void *args)
{
	void *dst = (char *)args + o->offset;
	char label[64], *end;
	unsigned long long u;
	double d;

	switch (o->type) {
	case OPTT_BOOL:
		*(bool *)dst = true;
		return 0;
	case OPTT_STRING:
		*(const char **)dst = arg;
		return 0;
	case OPTT_LIST: {
		struct cli_list *l = dst;

		if (array_grow(l->v, l->n))
			return cli_usage_error(c->name, "out of memory");
		l->v[l->n++] = (char *)arg;
		return 0;
	}
	case OPTT_CHOICE:
		return set_choice(c, o, arg, dst);
	case OPTT_UINT:
		errno = 0;
		u = strtoull(arg, &end, 0);
		if (errno || end == arg || *end || arg[0] == '-' || u < o->min || u > o->max)
			return cli_usage_error(c->name, "%s: '%s' is not a number from %llu to %llu",
					       opt_label(o, label, sizeof(label)), arg, o->min, o->max);
		*(unsigned long long *)dst = u;
		return 0;
	case OPTT_SECONDS:
		d = strtod(arg, &end);
		if (end == arg || *end || !(d >= 0))
			return cli_usage_error(c->name, "%s: '%s' is not a number of seconds",
					       opt_label(o, label, sizeof(label)), arg);
		*(double *)dst = d;
		return 0;
	case OPTT_CALLBACK:
		return o->cb(o, arg, dst);
	default:
		return 0;
	}
}

static int unknown_option(const struct cli_command *c, const char *arg, size_t n, bool is_long)
{
	char names[2048], near[64], word[128];

	if (!is_long)
		return cli_usage_error(c->name, "unknown option '-%c'", arg[0]);
	snprintf(word, sizeof(word), "%.*s", (int)n, arg);
	long_names(c, names, sizeof(names));
	if (cli_suggest(word, names, near, sizeof(near)))
		return cli_usage_error(c->name, "unknown option '--%s'; did you mean '--%s'?", word, near);
	return cli_usage_error(c->name, "unknown option '--%s'", word);
}

/* One "--name[=value]"; *i moves past a value taken from the next argument. */
static int parse_long(const struct cli_command *c, int argc, char **argv, int *i, void *args,
		      bool *help)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *o = find_long(c, name, n);

	if (!o)
		return unknown_option(c, name, n, true);
	if (o == &help_opt) {
		*help = true;
		return 0;
	}
	if (o->type == OPTT_BOOL) {
		if (eq)
			return cli_usage_error(c->name, "--%s takes no value", o->long_name);
		return set_value(c, o, NULL, args);
	}
	if (eq)
		return set_value(c, o, eq + 1, args);
	if (*i + 1 >= argc)
		return cli_usage_error(c->name, "--%s needs a value (%s)", o->long_name, o->argh);
	return set_value(c, o, argv[++*i], args);
}

/* "-v", "-vq", "-ofile", "-o file". */
static int parse_short(const struct cli_command *c, int argc, char **argv, int *i, void *args,
		       bool *help)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct cli_option *o = find_short(c, *p);
		int ret;

		if (!o)
			return unknown_option(c, p, 1, false);
		if (o == &help_opt) {
			*help = true;
			continue;
		}
		if (o->type == OPTT_BOOL) {
			ret = set_value(c, o, NULL, args);
			if (ret)
				return ret;
			continue;
		}
		if (p[1])
			return set_value(c, o, p + 1, args);
		if (*i + 1 >= argc)
			return cli_usage_error(c->name, "-%c needs a value (%s)", *p, o->argh);
		return set_value(c, o, argv[++*i], args);
	}
	return 0;
}

static int check_operands(const struct cli_command *c, char **v, int n)
{
	char near[64];

	if (n < c->min_operands)
		return cli_usage_error(c->name, "missing %s", c->synopsis);
	if (c->max_operands >= 0 && n > c->max_operands)
		return cli_usage_error(c->name, "too many arguments ('%s'); expected %s",
				       v[c->max_operands], c->synopsis);
	if (c->subcommands && n && !cli_word_in(v[0], c->subcommands)) {
		if (cli_suggest(v[0], c->subcommands, near, sizeof(near)))
			return cli_usage_error(c->name, "unknown subcommand '%s'; did you mean '%s'?",
					       v[0], near);
		return cli_usage_error(c->name, "unknown subcommand '%s' (%s)", v[0], c->subcommands);
	}
	return 0;
}

int cli_parse(const struct cli_command *c, int argc, char **argv, void *args,
	      char ***operands, int *nr_operands, bool *help)
{
	char **ops = calloc(argc + 1, sizeof(*ops));
	bool dashdash = false;
	int n = 0, ret = 0;

	*help = false;
	if (!ops)
		return cli_usage_error(c->name, "out of memory");
	for (int i = 1; i < argc && !ret; i++) {
		const char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1])
			ops[n++] = argv[i];
		else if (!strcmp(a, "--"))
			dashdash = true;
		else if (a[1] == '-')
			ret = parse_long(c, argc, argv, &i, args, help);
		else
			ret = parse_short(c, argc, argv, &i, args, help);
	}
	if (!ret && !*help)
		ret = check_operands(c, ops, n);
	if (ret) {
		free(ops);
		return ret;
	}
	*operands = ops;
	*nr_operands = n;
	return 0;
}

void cli_args_free(const struct cli_command *c, void *args)
{
	for (const struct cli_option *o = c->opts; o && o->type != OPTT_END; o++)
		if (o->type == OPTT_LIST)
			free(((struct cli_list *)((char *)args + o->offset))->v);
}

/* "  -o, --output FILE" padded to the help column, then the help's lines. */
static void usage_option(const struct cli_option *o, FILE *f)
{
	char left[96];
	int n = snprintf(left, sizeof(left), "  %c%c%s%s%s%s%s", o->short_name ? '-' : ' ',
			 o->short_name ? o->short_name : ' ',
			 o->short_name && o->long_name ? ", " : "  ",
			 o->long_name ? "--" : "", o->long_name ? o->long_name : "",
			 o->argh ? " " : "", o->argh ? o->argh : "");
	const char *h = o->help;

	fputs(left, f);
	if (n >= 26)
		fprintf(f, "\n%26s", "");
	else
		fprintf(f, "%*s", 26 - n, "");
	while (h && *h) {
		const char *nl = strchr(h, '\n');
		int k = nl ? (int)(nl - h) : (int)strlen(h);

		fprintf(f, "%.*s\n", k, h);
		h = nl ? nl + 1 : NULL;
		if (h && *h)
			fprintf(f, "%26s", "");
	}
	if (!o->help || !*o->help)
		fputc('\n', f);
}

void cli_usage_print(const struct cli_command *c, FILE *f)
{
	fprintf(f, "Usage: gadget %s%s%s%s\n", c->name, c->opts ? " [OPTIONS]" : "",
		c->synopsis[0] ? " " : "", c->synopsis);
	if (c->description)
		fprintf(f, "\n%s", c->description);
	if (c->opts && c->opts[0].type != OPTT_GROUP)
		fprintf(f, "\nOptions:\n");
	for (const struct cli_option *o = c->opts; o && o->type != OPTT_END; o++) {
		if (o->type == OPTT_GROUP)
			fprintf(f, "\n%s\n", o->help);
		else
			usage_option(o, f);
	}
	if (!c->opts)
		fprintf(f, "\nOptions:\n");
	usage_option(&help_opt, f);
	if (c->footer)
		fprintf(f, "\n%s", c->footer);
}
