// SPDX-License-Identifier: Apache-2.0
/* Man pages (roff, man(7)) from the command tables: gadget(1), gadget-CMD(1). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"

#ifndef GADGET_VERSION
#define GADGET_VERSION "0.0.0-dev"
#endif

/* Text as roff reads it: backslashes escaped, no line taken for a request. */
static bool roff_inline(const char *s, bool bol, FILE *f)
{
	for (; s && *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
		bol = *s == '\n';
	}
	return bol;
}

/* Lines of text, ending with a newline. */
static void roff_text(const char *s, FILE *f)
{
	if (!roff_inline(s, true, f))
		fputc('\n', f);
}

/* Indented blocks ("  tracer   one event...") are kept as they are written. */
static void roff_paragraphs(const char *s, FILE *f)
{
	fputs(".nf\n", f);
	roff_text(s, f);
	fputs(".fi\n", f);
}

static void roff_option(const struct cli_option *o, FILE *f)
{
	fputs(".TP\n", f);
	if (o->short_name)
		fprintf(f, "\\fB\\-%c\\fR%s", o->short_name, o->long_name ? ", " : "");
	if (o->long_name) {
		fputs("\\fB\\-\\-", f);
		roff_inline(o->long_name, false, f);
	}
	fputs("\\fR", f);
	if (o->argh) {
		fputs(" \\fI", f);
		roff_inline(o->argh, false, f);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff_text(o->help, f);
}

static void man_header(const char *name, const char *summary, FILE *f)
{
	char up[64];
	size_t i;

	for (i = 0; name[i] && i < sizeof(up) - 1; i++)
		up[i] = toupper((unsigned char)name[i]);
	up[i] = 0;
	fprintf(f, ".TH %s 1 \"\" \"gadget %s\" \"gadget manual\"\n.SH NAME\n", up, GADGET_VERSION);
	roff_inline(name, true, f);
	fputs(" \\- ", f);
	roff_text(summary, f);
}

static int man_overview(FILE *f)
{
	man_header("gadget", "build, package, sign, ship and run eBPF gadgets", f);
	fputs(".SH SYNOPSIS\n\\fBgadget\\fR [\\-\\-version] [\\-\\-help] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
	      ".SH DESCRIPTION\nOne binary for the whole life of an eBPF gadget: scaffold, compile,\n"
	      "validate, package as an OCI image, sign, push, pull and run.\n"
	      "Exit status: 0 success, 1 an error (one message on stderr), 2 bad usage.\n"
	      ".SH COMMANDS\n", f);
	for (const struct cli_command *const *c = cli_commands; *c; c++) {
		fprintf(f, ".TP\n\\fBgadget\\-%s\\fR(1)\n", (*c)->name);
		roff_text((*c)->summary, f);
	}
	fputs(".SH SEE ALSO\n\\fBgadget help\\fR \\fICOMMAND\\fR, "
	      "\\fBgadget completion\\fR bash|zsh|fish\n", f);
	return 0;
}

int cli_man_print(const struct cli_command *c, FILE *f)
{
	char name[64];

	if (!c)
		return man_overview(f);
	snprintf(name, sizeof(name), "gadget-%s", c->name);
	man_header(name, c->summary, f);
	fprintf(f, ".SH SYNOPSIS\n\\fBgadget %s\\fR%s", c->name, c->opts ? " [\\fIOPTIONS\\fR]" : "");
	if (c->synopsis[0]) {
		fputc(' ', f);
		roff_text(c->synopsis, f);
	} else {
		fputc('\n', f);
	}
	if (c->description) {
		fputs(".SH DESCRIPTION\n", f);
		roff_paragraphs(c->description, f);
	}
	fputs(".SH OPTIONS\n", f);
	for (const struct cli_option *o = c->opts; o && o->type != OPTT_END; o++) {
		if (o->type == OPTT_GROUP) {
			fputs(".SS ", f);
			roff_text(o->help, f);
		} else {
			roff_option(o, f);
		}
	}
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the help\n", f);
	if (c->footer) {
		fputs(".SH NOTES\n", f);
		roff_paragraphs(c->footer, f);
	}
	fputs(".SH SEE ALSO\n\\fBgadget\\fR(1)\n", f);
	return 0;
}
