// SPDX-License-Identifier: Apache-2.0
/* gadget login / logout / push / pull. */
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "base/arch.h"
#include "base/human.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "packager/attest.h"
#include "packager/config.h"
#include "packager/docker_config.h"
#include "packager/push_report.h"
#include "packager/registry.h"
#include "packager/store.h"

#define PROGRESS_INTERVAL_NS	(100 * 1000000LL)

struct reg_args {
	bool insecure, quiet, password_stdin, attest;
	const char *key;			/* push --attest: the signing key */
	const char *tls_verify, *ca_file, *arch, *platform, *username, *password;
	const char *digest_file, *output;	/* push: for pipelines */
	unsigned long long timeout, retries, chunk_size;
	bool retries_set;
};

static int parse_ca_file(const struct cli_option *o, const char *arg, void *dst)
{
	(void)o;
	if (access(arg, R_OK))
		return cli_usage_error("registry", "--ca-file: cannot read '%s'", arg);
	*(const char **)dst = arg;
	return 0;
}

/* --retries 0 means none, so "given" is kept apart from the number. */
static int parse_retries(const struct cli_option *o, const char *arg, void *dst)
{
	struct reg_args *a = (struct reg_args *)((char *)dst - offsetof(struct reg_args, retries));
	char *end;

	(void)o;
	errno = 0;
	a->retries = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || a->retries > 100)
		return cli_usage_error("registry", "--retries: '%s' is not a number from 0 to 100", arg);
	a->retries_set = true;
	return 0;
}

/* The connection options of every command that talks to a registry. */
#define REG_TRANSPORT_OPTIONS									\
	OPT_GROUP("Connection:"),								\
	OPT_BOOL(0, "insecure", struct reg_args, insecure,					\
		 "allow plain HTTP and unverified TLS for this registry\n"			\
		 "(registries whose name resolves to 127.0.0.0/8 or ::1,\n"			\
		 "or \"localhost\", may use plain HTTP without it)"),				\
	OPT_CHOICE(0, "tls-verify", struct reg_args, tls_verify, "true,false",			\
		   "--tls-verify=false is --insecure (podman, skopeo)"),			\
	OPT_CALLBACK(0, "ca-file", struct reg_args, ca_file, "PATH", parse_ca_file,		\
		     "trust this CA bundle for the registry's certificate",			\
		     .complete = CPL_FILE),							\
	OPT_UINT(0, "timeout", struct reg_args, timeout, "SEC", 0, 86400,			\
		 "a request slower than 1 KiB/s for SEC seconds, or not done\n"		\
		 "in SEC seconds (plus 1 s per KiB of its blob), fails (30)"),			\
	OPT_CALLBACK(0, "retries", struct reg_args, retries, "N", parse_retries,		\
		     "retries on 429/5xx/connection resets (4)"),				\
	OPT_BOOL('q', "quiet", struct reg_args, quiet, "no progress bars")

static const struct cli_option push_options[] = {
	OPT_UINT(0, "chunk-size", struct reg_args, chunk_size, "N", 1, 1ULL << 40,
		 "upload blobs bigger than N bytes in chunks (64 MiB)"),
	OPT_STRING(0, "digest-file", struct reg_args, digest_file, "F",
		   "write the pushed digest (sha256:<hex>) to F", .complete = CPL_FILE),
	OPT_CHOICE('o', "output", struct reg_args, output, "json",
		   "json: the result as one JSON object (reference, digest,\n"
		   "mediaType, size, signature, attestations, blobs, bytes,\n"
		   "requests)"),
	OPT_BOOL(0, "attest", struct reg_args, attest,
		 "attach an SPDX SBOM and an SLSA provenance, signed with\n"
		 "--key, as OCI 1.1 referrers (the image must be built\n"
		 "with 'build --attest')"),
	OPT_STRING('k', "key", struct reg_args, key, "KEY",
		   "the private key that signs the attestations (PEM PKCS#8)",
		   .complete = CPL_FILE),
	REG_TRANSPORT_OPTIONS,
	OPT_END(),
};

static const struct cli_option pull_options[] = {
	OPT_STRING(0, "arch", struct reg_args, arch, "ARCH",
		   "the architecture an index must have (this machine's)"),
	OPT_STRING(0, "platform", struct reg_args, platform, "OS/ARCH", "--arch written linux/ARCH"),
	REG_TRANSPORT_OPTIONS,
	OPT_END(),
};

static const struct cli_option login_options[] = {
	OPT_STRING('u', "username", struct reg_args, username, "USER", "the user name"),
	OPT_BOOL(0, "password-stdin", struct reg_args, password_stdin,
		 "read the password from standard input"),
	OPT_STRING('p', "password", struct reg_args, password, "P",
		   "the password on the command line (visible to ps)"),
	REG_TRANSPORT_OPTIONS,
	OPT_END(),
};

static void reg_warn(const char *msg)
{
	fprintf(stderr, "gadget: warning: %s\n", msg);
}

static void reg_opts_from_args(const struct reg_args *a, struct registry_opts *o)
{
	*o = (struct registry_opts){
		.insecure = a->insecure || (a->tls_verify && !strcmp(a->tls_verify, "false")),
		.ca_file = a->ca_file, .timeout = (long)a->timeout,
		.retries = a->retries_set ? (int)a->retries : -1,
		.chunk_size = (int64_t)a->chunk_size, .arch = a->arch ? a->arch : arch_host(),
		.username = a->username, .warn = reg_warn,
	};
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

static void reg_progress_setup(const struct reg_args *a, struct registry_opts *o, struct bar *b)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
	if (!a->quiet && isatty(STDERR_FILENO)) {
		o->progress = bar_progress;
		o->progress_ctx = b;
	}
}

static void summary(const char *verb, const char *ref, const struct registry_stats *s,
		    const struct timespec *t0)
{
	struct timespec now;
	char size[32], mounted[32] = "", attested[48] = "";

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (s->attestations)
		snprintf(attested, sizeof(attested), ", %u attestations", s->attestations);
	human_size(s->bytes, " ", size, sizeof(size));
	if (s->blobs_mounted)
		snprintf(mounted, sizeof(mounted), ", %u mounted", s->blobs_mounted);
	if (s->up_to_date && !s->blobs_sent && !s->blobs_skipped && !s->blobs_mounted) {
		printf("%s %s %s (up to date, %u requests%s%s, %.2fs)\n", verb, ref, s->top.digest,
		       s->requests, s->signature ? ", signature" : "", attested, ts_sec(t0, &now));
		return;
	}
	printf("%s %s %s (%u blobs %s, %u already there%s, %s, %u requests%s%s, %.2fs)\n",
	       verb, ref, s->top.digest, s->blobs_sent, strcmp(verb, "pulled") ? "sent" : "received",
	       s->blobs_skipped, mounted, size,
	       s->requests, s->signature ? ", signature" : "", attested, ts_sec(t0, &now));
}

static int open_store(struct store **st, struct gadget_err *err)
{
	return store_open(store_default_path(), st, err);
}

static int run_push(void *args, char **operands, int n)
{
	const struct reg_args *a = args;
	const char *dest = n > 1 ? operands[1] : operands[0];
	struct gadget_err err = { 0 };
	struct registry_stats stats;
	struct registry_opts o;
	struct timespec t0;
	struct store *st;
	struct bar b;
	int ret;

	if (a->attest != !!a->key)
		return cli_usage_error("push", a->attest ? "--attest needs --key KEY to sign them"
						       : "--key signs attestations: give --attest too");
	reg_opts_from_args(args, &o);
	reg_progress_setup(args, &o, &b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = open_store(&st, &err);
	if (ret)
		return cli_fail(&err);
	ret = registry_push(st, operands[0], n > 1 ? operands[1] : NULL, &o, &stats, &err);
	if (!ret && a->attest)
		ret = packager_attest(st, operands[0], dest, a->key, cli_key_passphrase(), &o,
				      &stats.attestations, &err);
	store_close(st);
	if (!ret && a->digest_file)
		ret = push_report_digest_file(a->digest_file, &stats, &err);
	if (!ret && a->output) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ret = push_report_json(stdout, dest, &stats, ts_sec(&t0, &now), &err);
	}
	if (ret)
		return cli_fail(&err);
	if (!a->output)
		summary("pushed", dest, &stats, &t0);
	return EXIT_OK;
}

static int run_pull(void *args, char **operands, int n)
{
	struct reg_args *a = args;
	struct gadget_err err = { 0 };
	struct packager_config cfg;
	struct registry_stats stats;
	struct registry_opts o;
	struct timespec t0;
	struct store *st;
	char ref[800];
	struct bar b;
	int ret;

	(void)n;
	if (a->platform && oci_platform_parse(a->platform, &a->arch, &err))
		return cli_usage_error("pull", "%s", err.msg);
	reg_opts_from_args(a, &o);
	reg_progress_setup(a, &o, &b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = open_store(&st, &err);
	if (ret)
		return cli_fail(&err);
	/* a short name from the default registry; a registry through its mirror */
	ret = packager_config_load(&cfg, &err) ?:
	      packager_config_qualify(st, &cfg, operands[0], ref, sizeof(ref), &err) ?:
	      packager_config_pull(st, &cfg, ref, &o, &stats, &err);
	store_close(st);
	if (ret)
		return cli_fail(&err);
	summary("pulled", ref, &stats, &t0);
	return EXIT_OK;
}

/* A line from stdin without its newline; on a terminal, read with echo off. */
static char *read_password(bool prompt, struct gadget_err *err)
{
	struct termios old, quiet;
	bool tty = prompt && isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &old);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fprintf(stderr, "Password: ");
		quiet = old;
		quiet.c_lflag &= ~ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	if (n <= 0) {
		free(line);
		gadget_err_set(err, EINVAL, "no password on standard input");
		return NULL;
	}
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* "https://reg.example:5000/" as docker takes it: the host (and port) only. */
static int registry_host(const char *arg, char *buf, size_t len)
{
	const char *p = strstr(arg, "://") ? strstr(arg, "://") + 3 : arg;
	size_t n = strlen(p);

	while (n && p[n - 1] == '/')
		n--;
	if (!n || memchr(p, '/', n) || n >= len)
		return cli_usage_error("login", "'%s': give the registry host only", arg);
	memcpy(buf, p, n);
	buf[n] = 0;
	return 0;
}

static int run_login(void *args, char **operands, int n)
{
	struct reg_args *a = args;
	struct gadget_err err = { 0 };
	struct registry_opts o;
	char host[512], *pw = NULL;
	int ret;

	(void)n;
	if (registry_host(operands[0], host, sizeof(host)))
		return EXIT_USAGE;
	if (!a->username)
		return cli_usage_error("login", "-u USER is required");
	if (a->password_stdin && a->password)
		return cli_usage_error("login", "give one of --password-stdin or -p, not both");
	if (!a->password_stdin && !a->password && !isatty(STDIN_FILENO))
		return cli_usage_error("login", "give --password-stdin or -p (no terminal to ask on)");
	if (a->password) {
		fprintf(stderr, "gadget: warning: -p puts the password in the process list; prefer --password-stdin\n");
		pw = strdup(a->password);
	} else {
		pw = read_password(!a->password_stdin, &err);
		if (!pw)
			return cli_fail(&err);
	}
	reg_opts_from_args(a, &o);
	o.password = pw;
	ret = registry_check_login(host, &o, &err);
	if (!ret)
		ret = docker_config_store(host, a->username, pw, &err);
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
	if (ret)
		return cli_fail(&err);
	printf("Login succeeded: %s\n", host);
	return EXIT_OK;
}

static int run_logout(void *args, char **operands, int n)
{
	struct gadget_err err = { 0 };
	char host[512];
	int ret;

	(void)args;
	(void)n;
	if (registry_host(operands[0], host, sizeof(host)))
		return EXIT_USAGE;
	ret = docker_config_erase(host, &err);
	if (ret == -ENOENT) {
		/* docker logout too: the goal (no credentials kept) holds */
		fprintf(stderr, "gadget: note: %s\n", err.msg);
		return EXIT_OK;
	}
	if (ret)
		return cli_fail(&err);
	printf("Removed login credentials for %s\n", host);
	return EXIT_OK;
}

const struct cli_command cmd_push = {
	.name = "push", .summary = "upload an image to a registry",
	.synopsis = "REF [REMOTE-REF]",
	.description =
"Upload the store's image REF (REGISTRY/REPO:TAG) to its registry, or to\n"
"REMOTE-REF when given; its signature (sha256-<hex>.sig) goes along.\n"
"With --attest, an SPDX 2.3 SBOM and an SLSA v1 provenance of the image,\n"
"made from what 'build --attest' recorded in it and signed with --key in\n"
"cosign's attestation format (DSSE), are attached as OCI 1.1 referrers.\n"
"Blobs the registry has are not sent again; blobs in another repository\n"
"of the same registry are mounted.\n",
	.opts = push_options, .args_size = sizeof(struct reg_args),
	.min_operands = 1, .max_operands = 2, .operand = CPL_IMAGE, .run = run_push,
};

const struct cli_command cmd_pull = {
	.name = "pull", .summary = "download an image from a registry",
	.synopsis = "REGISTRY/REPO[:TAG|@DIGEST]",
	.description =
"Download an image, verify every digest and size, and store it under its\n"
"reference with its signature if the registry has one.  An index must have\n"
"a manifest for this machine's architecture; the other platforms come too,\n"
"so the stored index is whole.  A name without a registry is pulled from\n"
"the default registry (GADGET_DEFAULT_REGISTRY or config.json's\n"
"\"defaultRegistry\"); a registry with a mirror (GADGET_REGISTRY_MIRRORS,\n"
"\"mirrors\") is asked through the mirror first.\n",
	.opts = pull_options, .args_size = sizeof(struct reg_args),
	.min_operands = 1, .max_operands = 1, .run = run_pull,
};

const struct cli_command cmd_login = {
	.name = "login", .summary = "store credentials for a registry",
	.synopsis = "REGISTRY",
	.description =
"Check the credentials against REGISTRY (a host[:port], or https://host/ as\n"
"docker takes it) and store them in Docker's config.json ($DOCKER_CONFIG or\n"
"~/.docker), or its credential helper.  Without --password-stdin or -p the\n"
"password is asked for on the terminal.\n",
	.opts = login_options, .args_size = sizeof(struct reg_args),
	.min_operands = 1, .max_operands = 1, .run = run_login,
};

const struct cli_command cmd_logout = {
	.name = "logout", .summary = "remove credentials for a registry",
	.synopsis = "REGISTRY",
	.description = "Forget the credentials for REGISTRY (not logged in: a note, exit 0).\n",
	.args_size = sizeof(struct reg_args),
	.min_operands = 1, .max_operands = 1, .run = run_logout,
};
