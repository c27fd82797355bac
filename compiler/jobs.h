/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_COMPILER_JOBS_H
#define GADGET_COMPILER_JOBS_H

/*
 * Several clang runs at once: every source of every architecture of a
 * build, as many at a time as this process has CPUs.  Each run's stderr
 * goes to its own file and is copied to ours when the run ends, in job
 * order, so diagnostics of parallel runs never interleave and read the
 * same as a sequential build's.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "compiler/clang.h"

enum clang_job_state { JOB_WAITING, JOB_RUNNING, JOB_DONE };

struct clang_job {
	struct argv_buf argv;		/* what to run */
	struct argv_buf fallback;	/* run instead when argv fails (n == 0: none) */
	const char *cwd;
	char log[4096];			/* stderr, in the build's temp folder */
	/* filled by clang_jobs_run() */
	enum clang_job_state state;
	bool fell_back;			/* argv failed, fallback ran */
	const char *hint;		/* what a known clang error means here (NULL: none) */
	int status;			/* wait status of the last run */
	pid_t pid;
	int pidfd;
};

/* The CPUs this process may run on (sched_getaffinity), at least 1. */
unsigned int clang_jobs_default(void);

/*
 * Run every job, at most max at once (0: clang_jobs_default()); verbose
 * prints each command line as it starts.  Once a job has failed no new one
 * starts, and *failed gets the first failed job's index (-1: none).
 * Returns 0 when every job ran and succeeded, -EINVAL when one failed, or
 * -errno with err filled when a run could not be started.
 */
int clang_jobs_run(struct clang_job *jobs, unsigned int n, unsigned int max, bool verbose,
		   int *failed, struct gadget_err *err);

void clang_job_free(struct clang_job *job);

#endif
