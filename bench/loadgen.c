// SPDX-License-Identifier: Apache-2.0
/*
 * The load side of bench/run.sh: start a consumer (a tracer of
 * sys_enter_openat filtered to this process), wait until the kernel shows
 * its program attached, then make exactly COUNT openat(2) calls from
 * THREADS threads, paced to RATE calls/s in total (0: as fast as they go),
 * wait for the consumer to go idle, stop it with SIGINT and print one line
 * of key=value figures.
 *
 *   loadgen -n COUNT [-r RATE] [-t THREADS] [-e STDERR] -- CMD ARG...
 *
 * "@PID@" in an argument becomes this process's pid (the consumer's filter).
 * Attached means: a perf event of the consumer carries a BPF program on the
 * tracepoint sys_enter_openat (BPF_TASK_FD_QUERY, what `bpftool perf` shows),
 * the same test for gadget, the raw reader and opensnoop.  CPU time is the
 * consumer's process CPU clock (ns), read around the load only, so start-up
 * and BTF loading are not charged to events.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#define SETTLE_NS	300000000LL	/* after attach: perf/ring buffers get set up */
#define ATTACH_MAX_NS	20000000000LL
#define DRAIN_MAX_NS	10000000000LL
#define BATCH_NS	100000LL	/* pacing granularity */

static const char *open_path = "/nonexistent-gadget-bench/f";
static long long count, rate;
static int nr_threads = 1;
static pthread_barrier_t start_line;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *generate(void *arg)
{
	long long n = (long long)(long)arg, done = 0;
	double per_ns = rate > 0 ? (double)rate / nr_threads / 1e9 : 0;
	long long batch = rate > 0 ? (long long)(per_ns * BATCH_NS) + 1 : 1024;
	long long t0;

	pthread_barrier_wait(&start_line);
	t0 = now_ns();
	while (done < n) {
		long long k = n - done < batch ? n - done : batch;

		for (long long i = 0; i < k; i++) {
			long fd = syscall(SYS_openat, AT_FDCWD, open_path, O_RDONLY);

			if (fd >= 0)
				close(fd);
		}
		done += k;
		if (per_ns > 0) {
			long long due = t0 + (long long)(done / per_ns);

			if (now_ns() < due) {
				struct timespec ts = { due / 1000000000LL, due % 1000000000LL };

				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			}
		}
	}
	return NULL;
}

/* Does pid have a BPF program on the tracepoint sys_enter_openat? */
static bool attached(pid_t pid)
{
	char dir[64], buf[256];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		__u32 len = sizeof(buf), prog_id, fd_type;
		__u64 off, addr;
		int fd = atoi(de->d_name);

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (!bpf_task_fd_query(pid, fd, 0, buf, &len, &prog_id, &fd_type, &off, &addr) &&
		    fd_type == BPF_FD_TYPE_TRACEPOINT && !strcmp(buf, "sys_enter_openat"))
			found = true;
	}
	closedir(d);
	return found;
}

/* Not exited yet (a zombie still answers kill(pid, 0)). */
static bool alive(pid_t pid)
{
	char path[64], st[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	p = fgets(st, sizeof(st), f) ? strrchr(st, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/*
 * " anon_kb=N file_kb=N": what the consumer holds while running, read by a
 * child of ours (our own fopen() would be one event too many).
 */
static void read_rss(pid_t pid, char *out, size_t cap)
{
	char path[64], line[256];
	long anon = -1, file = -1;
	int fds[2], status;
	ssize_t n = 0;
	pid_t reader;
	FILE *f;

	snprintf(out, cap, " anon_kb=-1 file_kb=-1");
	if (pipe(fds))
		return;
	reader = fork();
	if (!reader) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			sscanf(line, "RssAnon: %ld", &anon);
			sscanf(line, "RssFile: %ld", &file);
		}
		n = snprintf(line, sizeof(line), " anon_kb=%ld file_kb=%ld", anon, file);
		_exit(write(fds[1], line, n) == n ? 0 : 1);
	}
	close(fds[1]);
	if (reader > 0) {
		n = read(fds[0], line, sizeof(line) - 1);
		waitpid(reader, &status, 0);
	}
	close(fds[0]);
	if (n > 0)
		snprintf(out, cap, "%.*s", (int)n, line);
}

static void usage(void)
{
	fprintf(stderr, "usage: loadgen -n COUNT [-r RATE] [-t THREADS] [-p PATH] [-e FILE] -- CMD ARG...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *errfile = "/dev/null";
	long long t_fork, t_att, t_start, t_end, t_idle, c0, c1, c_prev;
	pthread_t *th;
	struct rusage ru;
	clockid_t clk;
	char pidstr[32], rss[64];
	int opt, status;
	pid_t child, poller;

	while ((opt = getopt(argc, argv, "n:r:t:p:e:")) != -1) {
		switch (opt) {
		case 'n': count = atoll(optarg); break;
		case 'r': rate = atoll(optarg); break;
		case 't': nr_threads = atoi(optarg); break;
		case 'p': open_path = optarg; break;
		case 'e': errfile = optarg; break;
		default: usage();
		}
	}
	if (count <= 0 || nr_threads <= 0 || optind >= argc)
		usage();
	snprintf(pidstr, sizeof(pidstr), "%d", (int)getpid());
	for (int i = optind; i < argc; i++) {
		char *at = strstr(argv[i], "@PID@");

		if (at && asprintf(&argv[i], "%.*s%s%s", (int)(at - argv[i]), argv[i], pidstr, at + 5) < 0)
			return 1;
	}

	t_fork = now_ns();
	child = fork();
	if (child < 0)
		return perror("fork"), 1;
	if (!child) {
		int out = open("/dev/null", O_WRONLY), err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		/* if the bench kills us, the consumer stops too */
		prctl(PR_SET_PDEATHSIG, SIGINT);
		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	/* a poller of its own: its opendir() of /proc would be one event too many */
	poller = fork();
	if (!poller) {
		while (!attached(child)) {
			if (!alive(child) || now_ns() - t_fork > ATTACH_MAX_NS)
				_exit(1);
			usleep(500);
		}
		_exit(0);
	}
	if (poller < 0 || waitpid(poller, &status, 0) != poller || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "loadgen: %s did not attach\n", argv[optind]);
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return 1;
	}
	t_att = now_ns();
	if (clock_getcpuclockid(child, &clk))
		return perror("clock_getcpuclockid"), 1;
	usleep(SETTLE_NS / 1000);

	th = calloc(nr_threads, sizeof(*th));
	pthread_barrier_init(&start_line, NULL, nr_threads + 1);
	for (int i = 0; i < nr_threads; i++) {
		long long n = count / nr_threads + (i < count % nr_threads);

		pthread_create(&th[i], NULL, generate, (void *)(long)n);
	}
	c0 = cpu_ns(clk);
	t_start = now_ns();
	pthread_barrier_wait(&start_line);
	for (int i = 0; i < nr_threads; i++)
		pthread_join(th[i], NULL);
	t_end = now_ns();

	/* idle: the consumer used under 1 ms of CPU in the last 100 ms */
	c_prev = cpu_ns(clk);
	t_idle = t_end;
	do {
		usleep(100000);
		c1 = cpu_ns(clk);
		if (c1 - c_prev < 1000000)
			break;
		c_prev = c1;
		t_idle = now_ns();
	} while (now_ns() - t_end < DRAIN_MAX_NS);

	read_rss(child, rss, sizeof(rss));
	kill(child, SIGINT);
	if (wait4(child, &status, 0, &ru) != child)
		return perror("wait4"), 1;
	printf("generated=%lld gen_s=%.6f drain_s=%.6f attach_ms=%.2f cpu_ns=%lld total_cpu_ns=%lld "
	       "maxrss_kb=%ld%s status=%d\n", count, (t_end - t_start) / 1e9, (t_idle - t_end) / 1e9,
	       (t_att - t_fork) / 1e6, c1 - c0,
	       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL,
	       ru.ru_maxrss, rss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
