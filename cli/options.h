/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_CLI_OPTIONS_H
#define GADGET_CLI_OPTIONS_H

/*
 * One option table per command (git's parse-options is the model): the
 * table is the parser, the usage text (`gadget help CMD`, `CMD --help`),
 * the man page (`gadget help --man CMD`) and the shell completion
 * (`gadget completion bash|zsh|fish`).  Nothing about an option is written
 * anywhere else.
 *
 * HOW TO ADD AN OPTION: add a member to the command's args struct (say
 * `bool pull;` in struct run_args, cli/cmd_run.c) and one row to its table,
 * before OPT_END():
 *
 *	OPT_BOOL(0, "pull", struct run_args, pull, "pull the image first"),
 *	OPT_STRING(0, "platform", struct run_args, platform, "OS/ARCH", "..."),
 *	OPT_CHOICE(0, "image-format", struct build_args, fmt, "gadget,ig", "..."),
 *
 * The macros say how the value is stored: OPT_BOOL (true when given),
 * OPT_STRING (the last one given wins), OPT_LIST (every one given, in
 * order: struct cli_list), OPT_CHOICE (one of a comma-separated list;
 * anything else is a usage error with a did-you-mean), OPT_UINT (a
 * number in [min, max]), OPT_SECONDS (a number of seconds >= 0, as a
 * double), OPT_CALLBACK (your parser: return 0, or print with
 * cli_usage_error() and return its EXIT_USAGE).  OPT_GROUP("Title:")
 * starts a section of the help text.  A help text may hold '\n' for more
 * lines; the completion hint (CPL_*) is the optional last argument.
 *
 * Options and operands mix freely ("pull REF -q" == "pull -q REF"); "--"
 * ends options; "-" is an operand (stdin/stdout); "--name=value",
 * "-ovalue" and "-vq" work as in getopt.  Every usage error exits 2 with
 * one message and, for an unknown option or choice, a did-you-mean.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_type {
	OPTT_END, OPTT_GROUP, OPTT_BOOL, OPTT_STRING, OPTT_LIST, OPTT_CHOICE, OPTT_UINT,
	OPTT_SECONDS, OPTT_CALLBACK,
};

/* What the shell may complete an option's value or an operand with. */
enum cli_complete { CPL_NONE, CPL_FILE, CPL_DIR, CPL_IMAGE, CPL_GADGET, CPL_FIELD };

/* Every value of a repeatable option (OPT_LIST), in the order given. */
struct cli_list {
	char **v;
	unsigned int n;
};

struct cli_option;
typedef int (*cli_opt_cb)(const struct cli_option *o, const char *arg, void *dst);

struct cli_option {
	enum opt_type type;
	char short_name;		/* 0: none */
	const char *long_name;		/* NULL: none */
	size_t offset;			/* of the value in the command's args struct */
	const char *argh;		/* the value's name in the help ("FILE"), NULL: no value */
	const char *help;
	const char *choices;		/* OPT_CHOICE: "columns,json,yaml" */
	unsigned long long min, max;	/* OPT_UINT */
	cli_opt_cb cb;			/* OPT_CALLBACK */
	enum cli_complete complete;
};

#define OPT_END()	{ .type = OPTT_END }
#define OPT_GROUP(t)	{ .type = OPTT_GROUP, .help = (t) }
#define OPT_BOOL(s, l, T, m, h)							\
	{ .type = OPTT_BOOL, .short_name = (s), .long_name = (l),			\
	  .offset = offsetof(T, m), .help = (h) }
#define OPT_STRING(s, l, T, m, a, h, ...)						\
	{ .type = OPTT_STRING, .short_name = (s), .long_name = (l),			\
	  .offset = offsetof(T, m), .argh = (a), .help = (h), __VA_ARGS__ }
#define OPT_LIST(s, l, T, m, a, h, ...)							\
	{ .type = OPTT_LIST, .short_name = (s), .long_name = (l),			\
	  .offset = offsetof(T, m), .argh = (a), .help = (h), __VA_ARGS__ }
#define OPT_CHOICE(s, l, T, m, c, h)							\
	{ .type = OPTT_CHOICE, .short_name = (s), .long_name = (l),			\
	  .offset = offsetof(T, m), .argh = (c), .help = (h), .choices = (c) }
#define OPT_UINT(s, l, T, m, a, lo, hi, h)						\
	{ .type = OPTT_UINT, .short_name = (s), .long_name = (l),			\
	  .offset = offsetof(T, m), .argh = (a), .help = (h), .min = (lo), .max = (hi) }
#define OPT_SECONDS(s, l, T, m, h)							\
	{ .type = OPTT_SECONDS, .short_name = (s), .long_name = (l),			\
	  .offset = offsetof(T, m), .argh = "S", .help = (h) }
#define OPT_CALLBACK(s, l, T, m, a, f, h, ...)						\
	{ .type = OPTT_CALLBACK, .short_name = (s), .long_name = (l),			\
	  .offset = offsetof(T, m), .argh = (a), .help = (h), .cb = (f), __VA_ARGS__ }

/*
 * A command: its table and what it does with the parsed args.  main.c
 * allocates args (args_size bytes, zeroed), parses argv into it and the
 * operands, then calls run; help_extra (may be NULL) adds to --help given
 * the operands (`run X --help` lists X's params).
 */
struct cli_command {
	const char *name;
	const char *summary;		/* one line, for `gadget --help` */
	const char *synopsis;		/* the operands: "[DIR]", "REF FILE.tar" */
	const char *description;	/* paragraphs after the usage line */
	const char *footer;		/* e.g. exit status; NULL: none */
	const struct cli_option *opts;	/* NULL: no options but --help */
	size_t args_size;
	int min_operands, max_operands;	/* max -1: any number */
	enum cli_complete operand;	/* what operands complete to */
	const char *subcommands;	/* "check,gc,path": the first operand's words */
	int (*run)(void *args, char **operands, int n);
	int (*help_extra)(void *args, char **operands, int n);
	bool hidden;			/* not listed (what completion scripts call) */
};

extern const struct cli_command *const cli_commands[];

/* The command called name, NULL if none. */
const struct cli_command *cli_command_find(const char *name);

/*
 * Parse argv (argv[0] is the command's name) into args and the operands
 * (pointers into argv, *operands malloc'ed).  Returns 0 to run, or an exit
 * code: EXIT_OK after --help was printed, EXIT_USAGE after one message.
 */
int cli_parse(const struct cli_command *c, int argc, char **argv, void *args,
	      char ***operands, int *nr_operands, bool *help);

void cli_usage_print(const struct cli_command *c, FILE *f);
/* Free what OPT_LIST options collected in args. */
void cli_args_free(const struct cli_command *c, void *args);

/* Is w one of a comma-separated list of words? */
bool cli_word_in(const char *w, const char *words);
/* The closest of a comma-separated list of words to w, or NULL when none is close. */
const char *cli_suggest(const char *w, const char *words, char *buf, size_t len);

/* Man pages (cli/man.c) and completion scripts (cli/complete.c), from the tables. */
int cli_man_print(const struct cli_command *c, FILE *f);
int cli_completion_print(const char *shell, FILE *f);

#endif
