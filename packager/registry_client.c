// SPDX-License-Identifier: Apache-2.0
/*
 * HTTP transport for the registry client.  The distribution spec
 * ("Determining support": GET /v2/ answers 200, or 401 with a challenge)
 * is the entry point of every operation; everything after it goes through
 * regc_do() on the same curl handle.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/lazylib.h"
#include "packager/auth.h"
#include "packager/docker_config.h"
#include "packager/registry_int.h"

#ifndef GADGET_VERSION
#define GADGET_VERSION "0.0.0-dev"
#endif

#define DEFAULT_TIMEOUT		30
#define DEFAULT_RETRIES		4
/* /v2/, token and error answers: small JSON documents (an endless one is refused at once) */
#define DEFAULT_BODY_MAX	(64u << 10)
#define ERROR_BODY_MAX		(64u << 10)
/* slower than this for --timeout seconds is a dead transfer (a 3 B/s drip too) */
#define SPEED_FLOOR		1024
#define MAX_REDIRECTS		5
#define BACKOFF_BASE_MS		200
#define BACKOFF_MAX_MS		5000

/*
 * Transient answers: 429 (TOOMANYREQUESTS in the spec's error codes; RFC
 * 6585, with Retry-After) and server or gateway errors.
 */
static const long retry_statuses[] = { 408, 429, 500, 502, 503, 504 };

/* Transport failures worth another try: the connection, not the request, failed. */
static const CURLcode retry_curl_codes[] = {
	CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
	CURLE_PARTIAL_FILE, CURLE_OPERATION_TIMEDOUT, CURLE_HTTP2, CURLE_HTTP2_STREAM,
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static bool status_retryable(long s)
{
	for (size_t i = 0; i < ARRAY_LEN(retry_statuses); i++)
		if (retry_statuses[i] == s)
			return true;
	return false;
}

static bool curl_retryable(CURLcode rc)
{
	for (size_t i = 0; i < ARRAY_LEN(retry_curl_codes); i++)
		if (retry_curl_codes[i] == rc)
			return true;
	return false;
}

const char *regc_host(const struct registry_client *c)
{
	return c->registry;
}

static bool addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	return sa->sa_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/*
 * A registry on this machine may speak plain http (docker's habit).  That
 * is decided from what its name resolves to, every address in 127.0.0.0/8
 * or ::1 (or the name "localhost"), never from how the name is spelled
 * ("127.evil.example", "localhost.evil.example").  The addresses checked
 * are pinned (CURLOPT_RESOLVE) so that curl connects to them and not to
 * what a second lookup might answer.
 */
static bool registry_is_loopback(struct registry_client *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char host[256], addrs[256] = "", *port, *end;
	size_t n = 0;
	bool all = true;
	int w;

	c->pin[0] = '\0';
	snprintf(host, sizeof(host), "%s", c->registry[0] == '[' ? c->registry + 1 : c->registry);
	end = c->registry[0] == '[' ? strchr(host, ']') : NULL;
	port = strrchr(end ? end : host, ':');
	if (end)
		*end = '\0';
	else if (port)
		*port = '\0';
	port = port ? port + 1 : NULL;
	if (!strcmp(host, "localhost"))
		return true;
	if (getaddrinfo(host, NULL, &hints, &res))
		return false;
	for (ai = res; ai && all; ai = ai->ai_next) {
		char ip[INET6_ADDRSTRLEN] = "";
		bool v6 = ai->ai_family == AF_INET6;

		all = addr_is_loopback(ai->ai_addr);
		inet_ntop(ai->ai_family, v6 ? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
					    : (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr,
			  ip, sizeof(ip));
		if (all && !strstr(addrs, ip) && n < sizeof(addrs))
			n += snprintf(addrs + n, sizeof(addrs) - n, "%s%s%s%s", n ? "," : "",
				      v6 ? "[" : "", ip, v6 ? "]" : "");
	}
	freeaddrinfo(res);
	if (!all || !n || n >= sizeof(addrs))
		return false;
	/* "HOST:PORT:ADDR,..." for the port given, else for both default ports */
	if (port)
		w = snprintf(c->pin, sizeof(c->pin), "%s:%s:%s", host, port, addrs);
	else
		w = snprintf(c->pin, sizeof(c->pin), "%s:80:%s\n%s:443:%s", host, addrs, host, addrs);
	if (w < 0 || (size_t)w >= sizeof(c->pin))
		c->pin[0] = '\0';
	return c->pin[0] != '\0';
}

void regc_req_release(struct reg_req *r)
{
	free(r->resp);
	r->resp = NULL;
	r->resp_len = 0;
}

/* ---- one attempt ------------------------------------------------------- */

/*
 * The answer's headers, read from libcurl (curl_easy_header(), 7.83) once
 * the transfer is over: origin CURLH_HEADER of request -1 is the final
 * response only, never a 100 Continue's headers (CURLH_1XX), so a new
 * status line forgets the old headers without our help.
 */
static const struct resp_header {
	const char *name;
	size_t off, size;
} resp_headers[] = {
	{ "Location", offsetof(struct reg_req, location), sizeof(((struct reg_req *)0)->location) },
	{ "Docker-Content-Digest", offsetof(struct reg_req, content_digest),
	  sizeof(((struct reg_req *)0)->content_digest) },
	{ "Content-Type", offsetof(struct reg_req, content_type_out),
	  sizeof(((struct reg_req *)0)->content_type_out) },
	/* distribution-spec v1.1 "Pushing Manifests with Subject" */
	{ "OCI-Subject", offsetof(struct reg_req, oci_subject),
	  sizeof(((struct reg_req *)0)->oci_subject) },
};

/* The value of name's index-th instance in the final response, or NULL. */
static const char *resp_header(CURL *curl, const char *name, size_t index)
{
	struct curl_header *h;

	if (curl_easy_header(curl, name, index, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return NULL;
	return h->value;
}

/*
 * A 401 may offer several challenges (RFC 7235 section 4.1), one per
 * WWW-Authenticate header: the first Basic or Bearer one is answered;
 * with none, the first is kept for the message.
 */
static void pick_challenge(CURL *curl, char *dst, size_t dstlen)
{
	struct auth_challenge ch;
	const char *v;

	dst[0] = '\0';
	for (size_t i = 0; (v = resp_header(curl, "WWW-Authenticate", i)); i++) {
		bool usable = !auth_parse_challenge(v, &ch);

		if (!i || usable)
			snprintf(dst, dstlen, "%s", v);
		if (usable)
			return;
	}
}

static void attempt_read_headers(struct attempt *a)
{
	struct reg_req *r = a->r;
	const char *v;

	for (size_t i = 0; i < ARRAY_LEN(resp_headers); i++) {
		v = resp_header(a->c->curl, resp_headers[i].name, 0);
		snprintf((char *)r + resp_headers[i].off, resp_headers[i].size, "%s", v ? v : "");
	}
	pick_challenge(a->c->curl, a->www_auth, sizeof(a->www_auth));
	v = resp_header(a->c->curl, "Retry-After", 0);
	a->retry_after = v ? strtol(v, NULL, 10) : 0;
}

/*
 * The most bytes a response body may have, 0 when a sink takes it (a blob:
 * the sink holds it to its descriptor's size).  A 2xx answer has what the
 * request allows; anything else is an error document (distribution-spec
 * "Error Codes"), never more than 64 KiB.
 */
static size_t body_cap(const struct attempt *a, long status)
{
	if (status >= 200 && status < 300)
		return a->r->sink ? 0 : a->cap;
	return a->cap < ERROR_BODY_MAX ? a->cap : ERROR_BODY_MAX;
}

/*
 * The one header needed during the transfer: a body announced bigger than
 * we take is refused before its first byte, and the progress callback
 * needs its size.  Read when a header block ends (its empty line), once
 * curl holds every header of it; a 1xx block has none of CURLH_HEADER.
 */
static size_t on_header(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct attempt *a = ud;
	struct reg_req *r = a->r;
	size_t len = size * nmemb, cap;
	const char *v;
	long status = 0;

	if (len > 2 || (buf[0] != '\r' && buf[0] != '\n'))
		return len;
	v = resp_header(a->c->curl, "Content-Length", 0);
	r->content_length = v ? strtoll(v, NULL, 10) : -1;
	curl_easy_getinfo(a->c->curl, CURLINFO_RESPONSE_CODE, &status);
	cap = body_cap(a, status);
	if (cap && r->content_length > (int64_t)cap && strcmp(r->method, "HEAD")) {
		a->too_big = cap;
		return 0;
	}
	return len;
}

static size_t on_body(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct attempt *a = ud;
	struct reg_req *r = a->r;
	size_t len = size * nmemb;
	long status = 0;

	curl_easy_getinfo(a->c->curl, CURLINFO_RESPONSE_CODE, &status);
	if (r->sink && status >= 200 && status < 300) {
		a->sunk = true;
		a->sink_err = r->sink(r->sink_ctx, buf, len);
		return a->sink_err ? 0 : len;
	}
	/* an endless body ends here, at once, not at the end of the stream */
	if (r->resp_len + len > body_cap(a, status)) {
		a->too_big = body_cap(a, status);
		return 0;
	}
	if (len) {
		char *nb = realloc(r->resp, r->resp_len + len + 1);

		if (!nb)
			return 0;
		r->resp = nb;
		memcpy(r->resp + r->resp_len, buf, len);
		r->resp_len += len;
		r->resp[r->resp_len] = '\0';
	}
	return len;
}

static size_t on_read(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct attempt *a = ud;
	struct reg_req *r = a->r;
	size_t want = size * nmemb;
	int64_t left = r->len - a->sent;
	ssize_t n;

	if (left <= 0)
		return 0;
	if ((int64_t)want > left)
		want = (size_t)left;
	if (!r->blob) {
		memcpy(buf, (const char *)r->body + a->sent, want);
		n = (ssize_t)want;
	} else {
		/* a blob whose bytes are not its digest fails here, before its last byte goes out */
		n = store_blob_pread(r->blob, buf, want, r->off + a->sent, a->err);
		if (n <= 0) {
			a->blob_err = n < 0 ? (int)n : gadget_err_set(a->err, EIO, "blob shorter than "
								      "its descriptor");
			return CURL_READFUNC_ABORT;
		}
	}
	a->sent += n;
	return (size_t)n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct attempt *a = ud;
	struct reg_req *r = a->r;
	const struct registry_opts *o = &a->c->opts;

	if (o->progress && r->progress_name) {
		if (r->blob)
			o->progress(o->progress_ctx, r->progress_name, r->off + ulnow,
				    r->off + r->len > ultotal ? r->off + r->len : ultotal, false);
		else
			o->progress(o->progress_ctx, r->progress_name, dlnow,
				    dltotal ? dltotal : r->content_length, false);
	}
	return 0;
}

bool regc_url_same_host(const char *a, const char *b)
{
	CURLU *ua = curl_url(), *ub = curl_url();
	char *ha = NULL, *hb = NULL, *pa = NULL, *pb = NULL;
	bool same = false;

	if (ua && ub && !curl_url_set(ua, CURLUPART_URL, a, 0) && !curl_url_set(ub, CURLUPART_URL, b, 0) &&
	    !curl_url_get(ua, CURLUPART_HOST, &ha, 0) && !curl_url_get(ub, CURLUPART_HOST, &hb, 0) &&
	    !curl_url_get(ua, CURLUPART_PORT, &pa, CURLU_DEFAULT_PORT) &&
	    !curl_url_get(ub, CURLUPART_PORT, &pb, CURLU_DEFAULT_PORT))
		same = !strcasecmp(ha, hb) && !strcmp(pa, pb);
	curl_free(ha);
	curl_free(hb);
	curl_free(pa);
	curl_free(pb);
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

/* Resolve a Location (maybe relative) against the URL it answered. */
static int url_resolve(const char *base, const char *loc, char *out, size_t outlen)
{
	CURLU *u = curl_url();
	char *s = NULL;
	int ret = -EINVAL;

	if (u && !curl_url_set(u, CURLUPART_URL, base, 0) && !curl_url_set(u, CURLUPART_URL, loc, 0) &&
	    !curl_url_get(u, CURLUPART_URL, &s, 0) && strlen(s) < outlen) {
		strcpy(out, s);
		ret = 0;
	}
	curl_free(s);
	curl_url_cleanup(u);
	return ret;
}

static void apply_tls(struct registry_client *c)
{
	if (c->opts.ca_file)
		curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->opts.ca_file);
	if (c->opts.insecure) {
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static long request_deadline(const struct registry_client *c, const struct reg_req *r)
{
	int64_t bytes = r->len > r->expect_len ? r->len : r->expect_len;

	return c->opts.timeout + (long)(bytes / SPEED_FLOOR);
}

static struct curl_slist *pin_list(const char *pins)
{
	struct curl_slist *l = NULL;
	char buf[sizeof(((struct registry_client *)0)->pin)], *save = NULL, *line;

	snprintf(buf, sizeof(buf), "%s", pins);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		l = curl_slist_append(l, line);
	return l;
}

/* What every request of this client sets: URL, limits, pins, callbacks, TLS. */
static void attempt_transport(struct attempt *a, const char *url, struct curl_slist *pin)
{
	struct registry_client *c = a->c;

	curl_easy_reset(c->curl);
	c->curl_err[0] = '\0';
	if (c->share)
		curl_easy_setopt(c->curl, CURLOPT_SHARE, c->share->sh);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->curl_err);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "gadget/" GADGET_VERSION);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, c->opts.timeout);
	curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_LIMIT, (long)SPEED_FLOOR);
	curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_TIME, c->opts.timeout);
	/* the whole request too: --timeout, and the time its blob takes at the floor speed */
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, request_deadline(c, a->r));
	curl_easy_setopt(c->curl, CURLOPT_RESOLVE, pin);
	curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
	/* big buffers: fewer callbacks and syscalls per blob (curl's maxima) */
	curl_easy_setopt(c->curl, CURLOPT_BUFFERSIZE, 512L * 1024);
	curl_easy_setopt(c->curl, CURLOPT_UPLOAD_BUFFERSIZE, 2L * 1024 * 1024);
	apply_tls(c);
}

/* The method and its body (none, in memory, or a blob read as it goes); headers it needs. */
static struct curl_slist *attempt_method(struct attempt *a)
{
	struct registry_client *c = a->c;
	struct reg_req *r = a->r;
	struct curl_slist *h = NULL;

	if (!strcmp(r->method, "HEAD")) {
		curl_easy_setopt(c->curl, CURLOPT_NOBODY, 1L);
	} else if (strcmp(r->method, "GET") && !r->blob) {
		/* a body in memory goes out with the headers in one write */
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->len);
		curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, r->method);
		if (!r->content_type)
			h = curl_slist_append(h, "Content-Type:");	/* not a form */
		h = curl_slist_append(h, "Expect:");
	} else if (strcmp(r->method, "GET")) {
		curl_easy_setopt(c->curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, r->method);
		curl_easy_setopt(c->curl, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c->curl, CURLOPT_READDATA, a);
		curl_easy_setopt(c->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->len);
		h = curl_slist_append(h, "Expect:");	/* no 100-continue round trip */
	}
	if (r->progress_name && c->opts.progress) {
		curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, a);
	}
	return h;
}

/* "Name: value" onto h when value is set. */
static struct curl_slist *header_add(struct curl_slist *h, const char *name, const char *value)
{
	char line[256];

	if (!value)
		return h;
	snprintf(line, sizeof(line), "%s: %s", name, value);
	return curl_slist_append(h, line);
}

CURLcode regc_attempt(struct attempt *a, const char *url, const char *authz)
{
	struct registry_client *c = a->c;
	struct reg_req *r = a->r;
	struct curl_slist *h, *pin = c->pin[0] ? pin_list(c->pin) : NULL;
	CURLcode rc;

	attempt_transport(a, url, pin);
	h = attempt_method(a);
	h = header_add(h, "Accept", r->accept);
	h = header_add(h, "Content-Type", r->content_type);
	h = header_add(h, "Content-Range", r->content_range);
	if (authz)
		h = curl_slist_append(h, authz);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);

	a->sent = 0;
	a->sunk = false;
	a->sink_err = 0;
	a->blob_err = 0;
	a->too_big = 0;
	regc_req_release(r);
	r->status = 0;
	r->content_length = -1;
	STAT_ADD(c->stats->requests, 1);
	rc = curl_easy_perform(c->curl);
	c->last_rc = rc;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
	attempt_read_headers(a);
	/* the header list holds the secret: wipe it before freeing */
	for (struct curl_slist *p = h; p; p = p->next)
		if (!strncasecmp(p->data, "Authorization:", 14))
			OPENSSL_cleanse(p->data, strlen(p->data));
	curl_slist_free_all(h);
	curl_slist_free_all(pin);
	return rc;
}

static void backoff_sleep(int attempt, long retry_after)
{
	long ms = BACKOFF_BASE_MS << (attempt < 5 ? attempt : 5);
	struct timespec ts;

	if (retry_after > 0)
		ms = retry_after * 1000;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	ms += rand() % (ms / 4 + 1);	/* jitter: don't retry in lockstep */
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* ---- requests ---------------------------------------------------------- */

int regc_status_err(struct registry_client *c, const struct reg_req *r, const char *what,
		    struct gadget_err *err)
{
	char oci[1024];
	int e = r->status == 401 || r->status == 403 ? EACCES
	      : r->status == 404 ? ENOENT : EIO;

	if (!auth_format_oci_error(r->resp, r->resp_len, oci, sizeof(oci)))
		snprintf(oci, sizeof(oci), "%s", r->status == 401 ? "authentication failed"
					      : r->status == 404 ? "not found" : "unexpected answer");
	return gadget_err_set(err, e, "registry %s: %s: %ld %s", c->registry, what, r->status, oci);
}

/* curl ends a request for being too slow or for taking too long; say which. */
static int timeout_err(struct registry_client *c, const struct reg_req *r, int tries,
		       struct gadget_err *err)
{
	curl_off_t down = 0, up = 0, usec = 0;
	char what[96];

	curl_easy_getinfo(c->curl, CURLINFO_SIZE_DOWNLOAD_T, &down);
	curl_easy_getinfo(c->curl, CURLINFO_SIZE_UPLOAD_T, &up);
	curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME_T, &usec);
	if (!down && !up)
		snprintf(what, sizeof(what), "no progress for %lds (--timeout)", c->opts.timeout);
	else if ((down + up) * 1000000 >= (curl_off_t)SPEED_FLOOR * (usec ? usec : 1))
		snprintf(what, sizeof(what), "did not finish within %lds (--timeout)",
			 request_deadline(c, r));
	else
		snprintf(what, sizeof(what), "slower than %d bytes/s for %lds (--timeout)", SPEED_FLOOR,
			 c->opts.timeout);
	return gadget_err_set(err, ETIMEDOUT, "registry %s: %s %s: %s%s", c->registry, r->method,
			      r->url, what, tries ? ", after retries" : "");
}

static int do_request(struct registry_client *c, struct reg_req *r, struct gadget_err *err)
{
	struct attempt a = { .c = c, .r = r, .err = err };
	char url[4096];
	int tries = 0, redirects = 0;
	bool reauthed = false;
	CURLcode rc;

	a.cap = r->max_body ? r->max_body : DEFAULT_BODY_MAX;
	if (!strncmp(r->url, "/v2/", 4))
		snprintf(url, sizeof(url), "%s%s", c->base, r->url);
	else
		snprintf(url, sizeof(url), "%s", r->url);
	for (;;) {
		/* Credentials go to the registry's own host only, never after a redirect away. */
		bool away = !regc_url_same_host(url, c->base);
		const char *authz = c->authz && !away ? c->authz : NULL;

		rc = regc_attempt(&a, url, authz);
		if (rc == CURLE_WRITE_ERROR && a.sink_err)
			return a.sink_err;	/* the sink filled err (digest, size, disk) */
		if (rc == CURLE_ABORTED_BY_CALLBACK && a.blob_err)
			return a.blob_err;	/* the store's blob is corrupt or unreadable */
		if (rc == CURLE_WRITE_ERROR && a.too_big)
			return gadget_err_set(err, EFBIG, "registry %s: %s %s: a %ld answer larger than "
					      "%zu KiB: refusing it", c->registry, r->method, r->url,
					      r->status, a.too_big >> 10);
		if (rc == CURLE_OPERATION_TIMEDOUT && !(curl_retryable(rc) && tries < c->opts.retries))
			return timeout_err(c, r, tries, err);
		if (rc != CURLE_OK || status_retryable(r->status)) {
			bool restartable = !a.sunk || (r->sink_reset && !r->sink_reset(r->sink_ctx));

			if ((rc == CURLE_OK || curl_retryable(rc)) && restartable &&
			    tries < c->opts.retries) {
				backoff_sleep(tries++, a.retry_after);
				continue;
			}
			if (rc != CURLE_OK)
				return gadget_err_set(err, EIO,
						      "registry %s: %s %s: %s%s", c->registry, r->method,
						      r->url, c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc),
						      tries ? " (after retries)" : "");
			return 0;
		}
		if (r->status == 401 && away)
			return gadget_err_set(err, EACCES, "registry %s: %s %s: %s, where the registry "
					      "redirected it, asks for credentials: they only go to %s",
					      c->registry, r->method, r->url, url, c->registry);
		if (r->status == 401 && !reauthed) {
			int ret = regc_authenticate(c, a.www_auth, err);

			if (ret)
				return ret;
			reauthed = true;
			continue;
		}
		if ((r->status == 301 || r->status == 302 || r->status == 303 ||
		     r->status == 307 || r->status == 308) && r->location[0] &&
		    (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))) {
			char next[sizeof(url)];

			if (++redirects > MAX_REDIRECTS)
				return gadget_err_set(err, ELOOP, "registry %s: %s: too many redirects",
						      c->registry, r->url);
			if (url_resolve(url, r->location, next, sizeof(next)))
				return gadget_err_set(err, EPROTO, "registry %s: bad redirect", c->registry);
			strcpy(url, next);
			continue;
		}
		return 0;
	}
}

/* A failed request keeps no body: callers release r only after a 0. */
int regc_do(struct registry_client *c, struct reg_req *r, struct gadget_err *err)
{
	int ret = do_request(c, r, err);

	if (ret)
		regc_req_release(r);
	return ret;
}

/* ---- client ------------------------------------------------------------ */

void regc_free(struct registry_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);	/* before the share it uses */
	regc_share_put(c->share);
	docker_config_creds_clear(&c->creds);
	if (c->authz) {
		OPENSSL_cleanse(c->authz, strlen(c->authz));
		free(c->authz);
	}
	free(c);
}

static int ping_scheme(struct registry_client *c, const char *scheme, int retries,
		       struct reg_req *r, struct gadget_err *err)
{
	int saved = c->opts.retries, ret;

	snprintf(c->base, sizeof(c->base), "%s://%s", scheme, c->registry);
	c->opts.retries = retries;
	regc_req_release(r);
	ret = regc_do(c, r, err);
	c->opts.retries = saved;
	return ret;
}

/*
 * Ping /v2/ ("Determining support") and settle the scheme.  Loopback
 * registries (docker's habit) may speak plain http: they are asked over
 * http first, which costs nothing when right, and a TLS server answers 400
 * to it before any credential is sent (those only follow a 401 challenge).
 * Others use https; --insecure ones fall back to http when the far end
 * does not speak TLS.  A certificate that fails verification is an error,
 * never a fallback.
 */
static int ping(struct registry_client *c, bool verify_login, struct gadget_err *err)
{
	struct reg_req r = { .method = "GET", .url = "/v2/", .max_body = 64 * 1024 };
	int ret = -EPROTO;

	if (!c->opts.ca_file && registry_is_loopback(c)) {
		ret = ping_scheme(c, "http", 0, &r, err);
		if (ret && (c->last_rc == CURLE_OK || r.status)) {
			/* it spoke http (auth failed, an endless answer): that's the answer */
			regc_req_release(&r);
			return ret;
		}
		if (!ret && r.status != 200 && r.status != 401)
			ret = -EPROTO;	/* not a plain-http registry: try TLS */
	}
	if (ret) {
		ret = ping_scheme(c, "https", c->opts.insecure ? 0 : c->opts.retries, &r, err);
		/* only a TLS-level failure means "this end speaks plain http" */
		if (ret && c->opts.insecure && c->last_rc != CURLE_OK &&
		    c->last_rc != CURLE_PEER_FAILED_VERIFICATION)
			ret = ping_scheme(c, "http", c->opts.retries, &r, err);
		else if (ret && c->last_rc == CURLE_PEER_FAILED_VERIFICATION)
			gadget_err_prefix(err, "TLS verification failed (use --ca-file for a private CA)");
	}
	if (!ret && r.status == 401) {
		char oci[512];

		if (!auth_format_oci_error(r.resp, r.resp_len, oci, sizeof(oci)))
			snprintf(oci, sizeof(oci), "authentication failed");
		ret = gadget_err_set(err, EACCES, "registry %s: %s: 401 %s: wrong username or password?",
				     c->registry, verify_login ? "login failed" : "GET /v2/", oci);
	} else if (!ret && r.status != 200) {
		ret = regc_status_err(c, &r, "GET /v2/", err);
	}
	regc_req_release(&r);
	return ret;
}

int regc_new(const char *registry, const char *scope, const struct registry_opts *o,
	     struct registry_stats *stats, struct registry_client **out, struct gadget_err *err)
{
	struct registry_client *c = calloc(1, sizeof(*c));
	int ret;

	*out = NULL;
	if (!c)
		return gadget_err_set(err, ENOMEM, "out of memory");
	c->opts = *o;
	if (c->opts.timeout <= 0)
		c->opts.timeout = DEFAULT_TIMEOUT;
	if (c->opts.retries < 0)
		c->opts.retries = DEFAULT_RETRIES;
	c->stats = stats ? stats : &c->own_stats;
	snprintf(c->registry, sizeof(c->registry), "%s", registry);
	snprintf(c->scope, sizeof(c->scope), "%s", scope ? scope : "");
	ret = lazylib_load(LAZY_CURL, err);
	if (ret) {
		regc_free(c);
		return ret;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c->curl = curl_easy_init();
	c->share = regc_share_new();
	if (!c->curl || !c->share) {
		regc_free(c);
		return gadget_err_set(err, ENOMEM, "curl: cannot create a handle");
	}
	ret = ping(c, o->username != NULL, err);
	if (ret) {
		regc_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int registry_check_login(const char *registry, const struct registry_opts *o,
			 struct gadget_err *err)
{
	struct registry_client *c;
	int ret = regc_new(registry, "", o, NULL, &c, err);

	regc_free(c);
	return ret;
}

