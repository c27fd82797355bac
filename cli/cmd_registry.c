// SPDX-License-Identifier: Apache-2.0
/* gadget login / logout / push / pull. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "base/arch.h"
#include "base/human.h"
#include "cli/cli.h"
#include "packager/docker_config.h"
#include "packager/config.h"
#include "packager/push_report.h"
#include "packager/registry.h"
#include "packager/store.h"

#define PROGRESS_INTERVAL_NS	(100 * 1000000LL)

struct reg_cli {
	struct registry_opts o;
	bool quiet;
	bool password_stdin;
	const char *password;
	const char *digest_file;	/* push: write the pushed digest there */
	bool json;			/* push: -o json, one object on stdout */
};

enum { OPT_INSECURE = 256, OPT_CA_FILE, OPT_TIMEOUT, OPT_RETRIES, OPT_CHUNK, OPT_ARCH,
       OPT_PASSWORD_STDIN, OPT_PLATFORM, OPT_DIGEST_FILE };

static const struct option reg_long_opts[] = {
	{ "insecure",       no_argument,       NULL, OPT_INSECURE },
	{ "ca-file",        required_argument, NULL, OPT_CA_FILE },
	{ "timeout",        required_argument, NULL, OPT_TIMEOUT },
	{ "retries",        required_argument, NULL, OPT_RETRIES },
	{ "chunk-size",     required_argument, NULL, OPT_CHUNK },
	{ "arch",           required_argument, NULL, OPT_ARCH },
	{ "platform",       required_argument, NULL, OPT_PLATFORM },
	{ "quiet",          no_argument,       NULL, 'q' },
	{ "username",       required_argument, NULL, 'u' },
	{ "password",       required_argument, NULL, 'p' },
	{ "password-stdin", no_argument,       NULL, OPT_PASSWORD_STDIN },
	{ "digest-file",    required_argument, NULL, OPT_DIGEST_FILE },
	{ "output",         required_argument, NULL, 'o' },
	{ "help",           no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct reg_usage {
	const char *cmd;
	const char *text;
	bool transport;		/* takes the registry connection options */
};

static const struct reg_usage reg_usages[] = {
	{ "push", "Usage: gadget push [OPTIONS] REF [REMOTE-REF]\n\n"
		  "Upload the store's image REF (REGISTRY/REPO:TAG) to its registry, or to\n"
		  "REMOTE-REF when given; its signature (sha256-<hex>.sig) goes along.\n"
		  "Blobs the registry has are not sent again; blobs in another repository\n"
		  "of the same registry are mounted.\n\n"
		  "Options:\n"
		  "  --chunk-size N    upload blobs bigger than N bytes in chunks (64 MiB)\n"
		  "  --digest-file F   write the pushed digest (sha256:<hex>) to F\n"
		  "  -o json           print the result as one JSON object (reference, digest,\n"
		  "                    mediaType, size, signature, blobs, bytes, requests)\n", true },
	{ "pull", "Usage: gadget pull [OPTIONS] REGISTRY/REPO[:TAG|@DIGEST]\n\n"
		  "Download an image, verify every digest and size, and store it under its\n"
		  "reference with its signature if the registry has one.  An index must have\n"
		  "a manifest for this machine's architecture; the other platforms come too,\n"
		  "so the stored index is whole.  A name without a registry is pulled from\n"
		  "the default registry (GADGET_DEFAULT_REGISTRY or config.json's\n"
		  "\"defaultRegistry\"); a registry with a mirror (GADGET_REGISTRY_MIRRORS,\n"
		  "\"mirrors\") is asked through the mirror first.\n\n"
		  "Options:\n"
		  "  --arch ARCH       the architecture an index must have (this machine's)\n"
		  "  --platform OS/ARCH  the same, written linux/arm64\n", true },
	{ "login", "Usage: gadget login -u USER (--password-stdin | -p PASSWORD) [OPTIONS] REGISTRY\n\n"
		   "Check the credentials against REGISTRY and store them in Docker's\n"
		   "config.json ($DOCKER_CONFIG or ~/.docker), or its credential helper.\n\n"
		   "Options:\n"
		   "  -u, --username USER\n"
		   "  --password-stdin  read the password from standard input\n"
		   "  -p, --password P  the password on the command line (visible to ps)\n", true },
	{ "logout", "Usage: gadget logout REGISTRY\n\nForget the credentials for REGISTRY.\n", false },
};

static const char reg_common_opts[] =
	"  --insecure        allow plain HTTP and unverified TLS for this registry\n"
	"                    (registries whose name resolves to 127.0.0.0/8 or ::1,\n"
	"                    or \"localhost\", may use plain HTTP without it)\n"
	"  --ca-file PATH    trust this CA bundle for the registry's certificate\n"
	"  --timeout SEC     a request slower than 1 KiB/s for SEC seconds, or not done\n"
	"                    in SEC seconds (plus 1 s per KiB of its blob), fails (30)\n"
	"  --retries N       retries on 429/5xx/connection resets (4)\n"
	"  -q, --quiet       no progress bars\n";

static int reg_help(const char *cmd)
{
	for (size_t i = 0; i < sizeof(reg_usages) / sizeof(reg_usages[0]); i++)
		if (!strcmp(reg_usages[i].cmd, cmd))
			printf("%s%s", reg_usages[i].text, reg_usages[i].transport ? reg_common_opts : "");
	return EXIT_OK;
}

static int parse_num(const char *cmd, const char *opt, const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno || *end || *out < 0)
		return cli_usage_error(cmd, "%s: '%s' is not a number", opt, s);
	return 0;
}

static void reg_warn(const char *msg)
{
	fprintf(stderr, "gadget: warning: %s\n", msg);
}

/* Parse the shared options; returns optind or a negative exit code. */
static int reg_parse(const char *cmd, int argc, char **argv, struct reg_cli *rc)
{
	long long n;
	int c;

	memset(rc, 0, sizeof(*rc));
	rc->o.retries = -1;
	rc->o.arch = arch_host();
	rc->o.warn = reg_warn;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+qu:p:o:h", reg_long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_INSECURE: rc->o.insecure = true; break;
		case OPT_CA_FILE:
			if (access(optarg, R_OK))
				return -cli_usage_error(cmd, "--ca-file: cannot read '%s'", optarg);
			rc->o.ca_file = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_num(cmd, "--timeout", optarg, &n))
				return -EXIT_USAGE;
			rc->o.timeout = (long)n;
			break;
		case OPT_RETRIES:
			if (parse_num(cmd, "--retries", optarg, &n))
				return -EXIT_USAGE;
			rc->o.retries = (int)n;
			break;
		case OPT_CHUNK:
			if (parse_num(cmd, "--chunk-size", optarg, &n))
				return -EXIT_USAGE;
			if (!n)
				return -cli_usage_error(cmd, "--chunk-size must be positive");
			rc->o.chunk_size = n;
			break;
		case OPT_ARCH: rc->o.arch = optarg; break;
		case OPT_PLATFORM: {
			struct gadget_err perr = { 0 };

			if (oci_platform_parse(optarg, &rc->o.arch, &perr))
				return -cli_usage_error(cmd, "%s", perr.msg);
			break;
		}
		case 'q': rc->quiet = true; break;
		case 'u': rc->o.username = optarg; break;
		case 'p': rc->password = optarg; break;
		case OPT_PASSWORD_STDIN: rc->password_stdin = true; break;
		case OPT_DIGEST_FILE:
		case 'o':
			if (strcmp(cmd, "push"))
				return -cli_usage_error(cmd, "--digest-file and -o are options of push only");
			if (c == 'o' && strcmp(optarg, "json"))
				return -cli_usage_error(cmd, "-o: '%s' is not an output format of push (json)", optarg);
			if (c == 'o')
				rc->json = true;
			else
				rc->digest_file = optarg;
			break;
		case 'h': reg_help(cmd); return CLI_HELP_SHOWN;
		default:
			return -cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	return optind;
}

/* ---- progress ----------------------------------------------------------- */

#define BAR_SLOTS 64

/* One line per blob; blobs move concurrently, so every line is redrawn. */
struct bar_slot {
	char digest[80];
	int64_t done, total;
	struct timespec start;
	bool finished;
};

struct bar {
	pthread_mutex_t lock;
	struct bar_slot slots[BAR_SLOTS];
	unsigned int nr, drawn;
	struct timespec last;
};

static double ts_sec(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static void bar_line(const struct bar_slot *sl, const struct timespec *now)
{
	char d[32], t[32], rate[32], eta[32] = "";
	double el = ts_sec(&sl->start, now), bps = el > 0 ? sl->done / el : 0;

	human_size(sl->done, " ", d, sizeof(d));
	human_size(sl->total > 0 ? sl->total : sl->done, " ", t, sizeof(t));
	human_size(bps, " ", rate, sizeof(rate));
	if (!sl->finished && bps > 0 && sl->total > sl->done)
		snprintf(eta, sizeof(eta), "  ETA %.0fs", (sl->total - sl->done) / bps);
	fprintf(stderr, "\r%.19s  %10s / %-10s %10s/s%s%s\033[K\n", sl->digest, d, t, rate, eta,
		sl->finished ? "  done" : "");
}

/* Called from transfer threads; redraws at most ten times a second. */
static void bar_progress(void *ctx, const char *digest, int64_t done, int64_t total, bool finished)
{
	struct bar *b = ctx;
	struct bar_slot *sl = NULL;
	struct timespec now;
	unsigned int i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&b->lock);
	for (i = 0; i < b->nr && !sl; i++)
		if (!strcmp(b->slots[i].digest, digest))
			sl = &b->slots[i];
	if (!sl && b->nr < BAR_SLOTS) {
		sl = &b->slots[b->nr++];
		snprintf(sl->digest, sizeof(sl->digest), "%s", digest);
		sl->start = now;
	}
	if (sl) {
		sl->done = done;
		sl->total = total;
		sl->finished = finished;
	}
	if (finished || ts_sec(&b->last, &now) * 1e9 >= PROGRESS_INTERVAL_NS) {
		b->last = now;
		if (b->drawn)
			fprintf(stderr, "\033[%uA", b->drawn);
		for (i = 0; i < b->nr; i++)
			bar_line(&b->slots[i], &now);
		b->drawn = b->nr;
		fflush(stderr);
	}
	pthread_mutex_unlock(&b->lock);
}

static void reg_progress_setup(struct reg_cli *rc, struct bar *b)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
	if (!rc->quiet && isatty(STDERR_FILENO)) {
		rc->o.progress = bar_progress;
		rc->o.progress_ctx = b;
	}
}

static void summary(const char *verb, const char *ref, const struct registry_stats *s,
		    const struct timespec *t0)
{
	struct timespec now;
	char size[32], mounted[32] = "";

	clock_gettime(CLOCK_MONOTONIC, &now);
	human_size(s->bytes, " ", size, sizeof(size));
	if (s->blobs_mounted)
		snprintf(mounted, sizeof(mounted), ", %u mounted", s->blobs_mounted);
	if (s->up_to_date && !s->blobs_sent && !s->blobs_skipped && !s->blobs_mounted) {
		printf("%s %s %s (up to date, %u requests%s, %.2fs)\n", verb, ref, s->top.digest,
		       s->requests, s->signature ? ", signature" : "", ts_sec(t0, &now));
		return;
	}
	printf("%s %s %s (%u blobs %s, %u already there%s, %s, %u requests%s, %.2fs)\n",
	       verb, ref, s->top.digest, s->blobs_sent, strcmp(verb, "pulled") ? "sent" : "received",
	       s->blobs_skipped, mounted, size,
	       s->requests, s->signature ? ", signature" : "", ts_sec(t0, &now));
}

static int open_store(struct store **st, struct gadget_err *err)
{
	return store_open(store_default_path(), st, err);
}

int cmd_push(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct registry_stats stats;
	struct timespec t0;
	struct reg_cli rc;
	struct store *st;
	struct bar b;
	int i, ret;

	i = reg_parse("push", argc, argv, &rc);
	if (i < 0)
		return cli_parse_exit(i);
	if (argc - i < 1 || argc - i > 2)
		return cli_usage_error("push", "expected REF [REMOTE-REF]");
	reg_progress_setup(&rc, &b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = open_store(&st, &err);
	if (ret)
		return cli_fail(&err);
	ret = registry_push(st, argv[i], argc - i > 1 ? argv[i + 1] : NULL, &rc.o, &stats, &err);
	store_close(st);
	if (!ret && rc.digest_file)
		ret = push_report_digest_file(rc.digest_file, &stats, &err);
	if (!ret && rc.json) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ret = push_report_json(stdout, argc - i > 1 ? argv[i + 1] : argv[i], &stats,
				       ts_sec(&t0, &now), &err);
	}
	if (ret)
		return cli_fail(&err);
	if (!rc.json)
		summary("pushed", argc - i > 1 ? argv[i + 1] : argv[i], &stats, &t0);
	return EXIT_OK;
}

int cmd_pull(int argc, char **argv)
{
	struct packager_config cfg;
	char ref[800];
	struct gadget_err err = { 0 };
	struct registry_stats stats;
	struct timespec t0;
	struct reg_cli rc;
	struct store *st;
	struct bar b;
	int i, ret;

	i = reg_parse("pull", argc, argv, &rc);
	if (i < 0)
		return cli_parse_exit(i);
	if (argc - i != 1)
		return cli_usage_error("pull", "expected one REF");
	reg_progress_setup(&rc, &b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = open_store(&st, &err) ?: packager_config_load(&cfg, &err);
	if (!ret)
		ret = packager_qualify(st, &cfg, argv[i], ref, sizeof(ref), &err) ?:
		      packager_pull(st, &cfg, ref, &rc.o, &stats, &err);
	store_close(st);
	if (ret)
		return cli_fail(&err);
	summary("pulled", ref, &stats, &t0);
	return EXIT_OK;
}

/* The password from stdin, without its trailing newline. */
static char *read_password(struct gadget_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);

	if (n <= 0) {
		free(line);
		gadget_err_set(err, EINVAL, "--password-stdin: no password on standard input");
		return NULL;
	}
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

int cmd_login(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct reg_cli rc;
	char *pw = NULL;
	int i, ret;

	i = reg_parse("login", argc, argv, &rc);
	if (i < 0)
		return cli_parse_exit(i);
	if (argc - i != 1)
		return cli_usage_error("login", "expected one REGISTRY");
	if (strchr(argv[i], '/'))
		return cli_usage_error("login", "'%s': give the registry host only", argv[i]);
	if (!rc.o.username)
		return cli_usage_error("login", "-u USER is required");
	if (rc.password_stdin == !!rc.password)
		return cli_usage_error("login", "give exactly one of --password-stdin or -p");
	if (rc.password_stdin) {
		pw = read_password(&err);
		if (!pw)
			return cli_fail(&err);
	} else {
		fprintf(stderr, "gadget: warning: -p puts the password in the process list; prefer --password-stdin\n");
		pw = strdup(rc.password);
	}
	rc.o.password = pw;
	ret = registry_check_login(argv[i], &rc.o, &err);
	if (!ret)
		ret = docker_config_store(argv[i], rc.o.username, pw, &err);
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
	if (ret)
		return cli_fail(&err);
	printf("Login succeeded: %s\n", argv[i]);
	return EXIT_OK;
}

int cmd_logout(int argc, char **argv)
{
	struct gadget_err err = { 0 };
	struct reg_cli rc;
	int i;

	i = reg_parse("logout", argc, argv, &rc);
	if (i < 0)
		return cli_parse_exit(i);
	if (argc - i != 1)
		return cli_usage_error("logout", "expected one REGISTRY");
	if (docker_config_erase(argv[i], &err))
		return cli_fail(&err);
	printf("Removed login credentials for %s\n", argv[i]);
	return EXIT_OK;
}
