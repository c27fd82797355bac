// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: `gadget pull` against a registry that answers with
 * the fuzzer's bytes: status lines, headers (WWW-Authenticate challenges,
 * Location redirects, Docker-Content-Digest, Content-Length), OCI error
 * bodies, token server answers, manifests, indexes and blobs.
 *
 * Input: up to six raw HTTP responses separated by NUL bytes, one per kind
 * of request: the /v2/ ping, the manifest by tag, the signature tag, a
 * manifest by digest, a blob, anything else (a token realm, a redirect
 * target).  "@P" in a response becomes this server's host:port, so
 * realms and redirects can point back here.  Every connection gets its
 * response and is closed.  Invariants: the pull ends (curl's timeouts) with
 * an answer, and the store never holds a bad blob, a temp file or a tag to
 * something missing.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "packager/registry.h"

#define NKINDS 6

static struct {
	pthread_mutex_t lock;
	char *resp[NKINDS];
	size_t len[NKINDS];
} srv = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int listen_fd;
static char hostport[32];
static struct store *st;
static char dir[] = "/dev/shm/fuzz-registry.XXXXXX";

static int kind_of(const char *path)
{
	if (!strcmp(path, "/v2/"))
		return 0;
	if (strstr(path, "/manifests/") && strstr(path, ".sig"))
		return 2;
	if (strstr(path, "/manifests/sha256:"))
		return 3;
	if (strstr(path, "/manifests/"))
		return 1;
	if (strstr(path, "/blobs/"))
		return 4;
	return 5;
}

static void serve_one(int fd)
{
	static const char not_found[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
	char req[16384], path[2048];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	int k;

	/* the request head; a TLS hello (the client trying https) gets nothing */
	while (n < sizeof(req) - 1 && poll(&pfd, 1, 500) == 1) {
		ssize_t r = read(fd, req + n, sizeof(req) - 1 - n);

		if (r <= 0)
			break;
		n += r;
		req[n] = 0;
		if (req[0] < 'A' || req[0] > 'Z' || strstr(req, "\r\n\r\n"))
			break;
	}
	req[n] = 0;
	if (!n || req[0] < 'A' || req[0] > 'Z' || sscanf(req, "%*s %2047s", path) != 1)
		return;
	k = kind_of(path);
	pthread_mutex_lock(&srv.lock);
	if (srv.resp[k]) {
		if (write(fd, srv.resp[k], srv.len[k]) < 0)
			k = -1;
	} else if (write(fd, not_found, sizeof(not_found) - 1) < 0) {
		k = -1;
	}
	pthread_mutex_unlock(&srv.lock);
	shutdown(fd, SHUT_WR);
}

static void *server(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			continue;
		serve_one(fd);
		close(fd);
	}
	return NULL;
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

static void setup(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct gadget_err err;
	char store[sizeof(dir) + 8];
	pthread_t t;

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(listen_fd, 64) || getsockname(listen_fd, (struct sockaddr *)&a, &alen))
		abort();
	snprintf(hostport, sizeof(hostport), "127.0.0.1:%u", ntohs(a.sin_port));
	if (!mkdtemp(dir))
		abort();
	atexit(remove_dir);
	snprintf(store, sizeof(store), "%s/store", dir);
	if (store_open(store, &st, &err))
		abort();
	/* no credentials from this machine's docker config */
	setenv("DOCKER_CONFIG", dir, 1);
	setenv("HOME", dir, 1);
	if (pthread_create(&t, NULL, server, NULL))
		abort();
}

/* The responses, with @P replaced by our host:port. */
static void load_responses(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;

	pthread_mutex_lock(&srv.lock);
	for (int k = 0; k < NKINDS; k++) {
		free(srv.resp[k]);
		srv.resp[k] = NULL;
		srv.len[k] = 0;
	}
	for (int k = 0; k < NKINDS && p < end; k++) {
		const uint8_t *nul = memchr(p, 0, end - p);
		size_t n = (nul ? nul : end) - p, o = 0;
		char *out = malloc(n * 16 + 1);

		for (size_t i = 0; i < n; i++) {
			if (p[i] == '@' && i + 1 < n && p[i + 1] == 'P') {
				o += sprintf(out + o, "%s", hostport);
				i++;
			} else {
				out[o++] = p[i];
			}
		}
		srv.resp[k] = out;
		srv.len[k] = o;
		p = nul ? nul + 1 : end;
	}
	pthread_mutex_unlock(&srv.lock);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry_opts o = { .timeout = 2, .retries = 0, .arch = "amd64" };
	struct store_check_report rep;
	struct oci_descriptor d;
	struct gadget_err err = { 0 };
	char ref[96];
	int ret;

	if (!st)
		setup();
	load_responses(data, size);
	snprintf(ref, sizeof(ref), "%s/fuzz/img:latest", hostport);
	ret = registry_pull(st, ref, &o, NULL, &err);
	if (ret && !err.msg[0])
		abort();	/* a failed pull says why */
	if (!ret && store_resolve(st, ref, &d, &err))
		abort();	/* a pull that succeeded tagged the image */
	if (store_check(st, false, &rep, &err))
		abort();
	if (rep.nr_problems)
		abort();
	store_check_report_free(&rep);
	if (!ret) {
		store_untag(st, ref, &err);
		store_gc(st, &err);
	}
	return 0;
}
