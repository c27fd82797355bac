// SPDX-License-Identifier: Apache-2.0
/* GET /metrics over HTTP, served by libmicrohttpd's own thread. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "base/lazylib.h"
#include "runtime/metrics.h"

struct metrics_server {
	struct MHD_Daemon *daemon;
	struct metrics *m;
	pthread_mutex_t lock;	/* one render at a time: maps are read key by key */
	unsigned short port;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *type, char *body, size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct metrics_server *s = cls;
	struct gadget_err err = { 0 };
	char *text = NULL;
	size_t len = 0;
	int ret;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     strdup("only GET\n"), strlen("only GET\n"));
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain",
			     strdup("not found: try /metrics\n"), strlen("not found: try /metrics\n"));
	pthread_mutex_lock(&s->lock);
	ret = metrics_render(s->m, &text, &len, &err);
	pthread_mutex_unlock(&s->lock);
	if (ret) {
		size_t n = strlen(err.msg);

		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
			     strndup(err.msg, n), n);
	}
	return reply(conn, MHD_HTTP_OK, METRICS_CONTENT_TYPE, text, len);
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" (all interfaces). */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, struct gadget_err *err)
{
	char host[128];
	const char *colon = strrchr(addr, ':');
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char *end;
	long port;
	size_t hl;

	if (!colon)
		goto bad;
	port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		goto bad;
	hl = colon - addr;
	if (hl >= sizeof(host))
		goto bad;
	memcpy(host, addr, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
			goto bad;
		return 0;
	}
	in4->sin_family = AF_INET;
	in4->sin_port = htons(port);
	if (!hl)
		in4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
		goto bad;
	return 0;
bad:
	return gadget_err_set(err, EINVAL,
			      "--metrics-addr %s: expected HOST:PORT (127.0.0.1:9090, [::1]:9090, :9090)",
			      addr);
}

int metrics_server_start(const char *addr, struct metrics *m, struct metrics_server **out,
			 struct gadget_err *err)
{
	struct sockaddr_storage ss;
	struct metrics_server *s;
	const union MHD_DaemonInfo *di;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	/* one option array: base/lazylib.c passes that on, not a variadic list */
	struct MHD_OptionItem mhd_opts[] = {
		{ MHD_OPTION_SOCK_ADDR, 0, &ss },
		{ MHD_OPTION_CONNECTION_TIMEOUT, 10, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	int ret = parse_addr(addr, &ss, err);

	if (!ret)
		ret = lazylib_load(LAZY_MHD, err);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return gadget_err_set(err, ENOMEM, "metrics server: out of memory");
	s->m = m;
	pthread_mutex_init(&s->lock, NULL);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* libmicrohttpd would print its errors itself: the library stays quiet */
	flags &= ~MHD_USE_ERROR_LOG;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				     MHD_OPTION_ARRAY, mhd_opts, MHD_OPTION_END);
	if (!s->daemon) {
		ret = errno ? errno : EADDRINUSE;
		pthread_mutex_destroy(&s->lock);
		free(s);
		return gadget_err_set(err, ret, "--metrics-addr %s: cannot listen: %s", addr,
				      strerror(ret));
	}
	di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	*out = s;
	return 0;
}

unsigned short metrics_server_port(const struct metrics_server *s)
{
	return s->port;
}

void metrics_server_stop(struct metrics_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
