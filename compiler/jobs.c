// SPDX-License-Identifier: Apache-2.0
/* Parallel clang runs with their diagnostics kept in order (see jobs.h). */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/array.h"
#include "base/file.h"
#include "compiler/jobs.h"

unsigned int clang_jobs_default(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned int)n : 1;
}

static void print_argv(char *const *v)
{
	fputs("  ", stderr);
	for (; *v; v++)
		fprintf(stderr, "%s%s", *v, v[1] ? " " : "\n");
}

static int job_start(struct clang_job *j, const struct argv_buf *a, bool verbose,
		     struct gadget_err *err)
{
	int ret;

	if (verbose)
		print_argv(a->v);
	ret = clang_spawn(a->v, j->cwd, j->log, &j->pid, err);
	if (ret)
		return ret;
	/*
	 * A pidfd per run lets us wait for whichever of ours ends first
	 * without reaping children that are not ours (waitpid(-1)).  Without
	 * one (kernels before 5.3), runs are waited for in order.
	 */
	j->pidfd = pidfd_open(j->pid, 0);
	j->state = JOB_RUNNING;
	return 0;
}

/* Block until one running job has ended; reap it.  Returns its index. */
static int job_reap_one(struct clang_job *jobs, unsigned int n)
{
	struct pollfd pfd[64];
	unsigned int idx[64], np = 0;
	bool all_pidfds = true;
	int done = -1;

	for (unsigned int i = 0; i < n; i++) {
		if (jobs[i].state != JOB_RUNNING)
			continue;
		if (done < 0)
			done = i;
		if (jobs[i].pidfd < 0 || np == 64) {
			all_pidfds = false;
			break;
		}
		pfd[np] = (struct pollfd){ .fd = jobs[i].pidfd, .events = POLLIN };
		idx[np++] = i;
	}
	if (done < 0)
		return -1;
	if (all_pidfds) {
		while (poll(pfd, np, -1) < 0 && errno == EINTR)
			;
		for (unsigned int k = 0; k < np; k++)
			if (pfd[k].revents) {
				done = idx[k];
				break;
			}
	}
	while (waitpid(jobs[done].pid, &jobs[done].status, 0) < 0 && errno == EINTR)
		;
	if (jobs[done].pidfd >= 0)
		close(jobs[done].pidfd);
	jobs[done].pidfd = -1;
	jobs[done].state = JOB_DONE;
	return done;
}

/*
 * An error inside a C library header: a file right in /usr/include (the
 * kernel's own headers are in linux/, asm/, ... below it).  glibc's headers
 * take -target bpf for a 32-bit machine, and their types then clash with
 * vmlinux.h's.
 */
static bool error_in_libc_header(const char *log, size_t len)
{
	static const char dir[] = "/usr/include/";
	const char *end = log + len, *p = log;

	while ((p = memmem(p, end - p, dir, sizeof(dir) - 1))) {
		const char *name = p + sizeof(dir) - 1, *q = name;

		while (q < end && (isalnum((unsigned char)*q) || *q == '_' || *q == '-'))
			q++;
		if (q > name && end - q > 2 && !strncmp(q, ".h:", 3)) {
			const char *eol = memchr(q, '\n', end - q);

			if (memmem(q, (eol ? eol : end) - q, ": error: ", 9))
				return true;
		}
		p = name;
	}
	return false;
}

/*
 * Clang errors whose cause is not where clang points, and what they mean
 * for a BPF program (a row matches on what clang says, or by its function).
 */
#define LIBC_HINT "a C library header was included (<unistd.h>, <stdio.h>, <string.h>, ...), and a " \
		  "BPF program has no C library: include vmlinux.h or <linux/*.h> and <bpf/*.h> only, " \
		  "and use __builtin_memcpy() or BPF helpers instead of libc calls"
static const struct {
	const char *clang_says;
	bool (*matches)(const char *log, size_t len);
	const char *hint;
} log_hints[] = {
	/* a multiarch folder with no stubs-32.h of ours before it: glibc's 32-bit stubs */
	{ "'gnu/stubs-32.h' file not found", NULL, LIBC_HINT },
	{ NULL, error_in_libc_header, LIBC_HINT },
};

/* Print a job's diagnostics and remember what a known error in them means. */
static void copy_log(struct clang_job *j)
{
	size_t len;
	char *buf;

	if (file_read_all(j->log, (void **)&buf, &len) == 0) {
		fwrite(buf, 1, len, stderr);
		for (size_t h = 0; h < ARRAY_SIZE(log_hints) && !j->hint; h++)
			if (log_hints[h].clang_says ?
			    !!memmem(buf, len, log_hints[h].clang_says, strlen(log_hints[h].clang_says)) :
			    log_hints[h].matches(buf, len))
				j->hint = log_hints[h].hint;
		free(buf);
	}
	unlink(j->log);
}

static bool job_ok(const struct clang_job *j)
{
	return WIFEXITED(j->status) && WEXITSTATUS(j->status) == 0;
}

int clang_jobs_run(struct clang_job *jobs, unsigned int n, unsigned int max, bool verbose,
		   int *failed, struct gadget_err *err)
{
	unsigned int next = 0, running = 0, printed = 0;
	int ret = 0, done;

	*failed = -1;
	if (!max)
		max = clang_jobs_default();
	for (unsigned int i = 0; i < n; i++) {
		jobs[i].state = JOB_WAITING;
		jobs[i].pidfd = -1;
		jobs[i].fell_back = false;
		jobs[i].hint = NULL;
	}
	while (running || (next < n && !ret && *failed < 0)) {
		while (running < max && next < n && !ret && *failed < 0) {
			ret = job_start(&jobs[next], &jobs[next].argv, verbose, err);
			if (!ret) {
				next++;
				running++;
			}
		}
		done = job_reap_one(jobs, n);
		if (done < 0)
			break;
		running--;
		if (!job_ok(&jobs[done]) && jobs[done].fallback.n && !jobs[done].fell_back) {
			/* The first try's diagnostics are not the user's: only the fallback's are. */
			jobs[done].fell_back = true;
			if (!job_start(&jobs[done], &jobs[done].fallback, verbose, err)) {
				running++;
				continue;
			}
		}
		if (!job_ok(&jobs[done]) && (*failed < 0 || done < *failed))
			*failed = done;
		/* Diagnostics in job order: print every finished job up to the first unfinished. */
		while (printed < n && jobs[printed].state == JOB_DONE)
			copy_log(&jobs[printed++]);
	}
	/* After a failure, later jobs that never started have nothing to say. */
	for (; printed < next; printed++)
		copy_log(&jobs[printed]);
	if (ret)
		return ret;
	return *failed >= 0 ? -EINVAL : 0;
}

void clang_job_free(struct clang_job *job)
{
	argv_free(&job->argv);
	argv_free(&job->fallback);
}
