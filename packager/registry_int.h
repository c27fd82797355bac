/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_PACKAGER_REGISTRY_INT_H
#define GADGET_PACKAGER_REGISTRY_INT_H

/*
 * Inside the registry client: the client state shared by the transport
 * (registry_client.c), authentication (registry_auth.c) and the transfer
 * workers (registry_pool.c).  Push and pull only see registry_client.h.
 */
#include <pthread.h>
#include <curl/curl.h>

#include "packager/auth.h"
#include "packager/docker_config.h"
#include "packager/registry_client.h"

/*
 * Blob transfers of one operation run on up to MAX_WORKERS easy handles
 * sharing DNS and TLS sessions (a curl share handle: a worker's new
 * connection resumes the TLS session instead of a full handshake).  Each
 * handle keeps its own connection for all its requests; sharing the
 * connection cache too made curl 7.88 run the workers one after another.
 */
struct regc_share {
	CURLSH *sh;
	pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
	int refs;
};

struct registry_client {
	CURL *curl;
	char registry[256];		/* "host[:port]" as written in the reference */
	char base[300];			/* "https://host[:port]" */
	char scope[600];
	struct registry_opts opts;
	struct registry_stats *stats;
	struct registry_stats own_stats;
	struct docker_creds creds;
	bool creds_tried;
	char *authz;			/* "Authorization: ..." for the registry host only */
	char realm[1024];		/* the token realm of the registry's first challenge */
	bool warned_http_realm;
	char pin[600];			/* CURLOPT_RESOLVE entries: loopback addresses as checked */
	char curl_err[CURL_ERROR_SIZE];
	CURLcode last_rc;
	struct regc_share *share;	/* shared with the clones of this client */
};

/* One request on the wire, with what its callbacks collected. */
struct attempt {
	struct registry_client *c;
	struct reg_req *r;
	int sink_err;
	bool sunk;			/* the sink saw bytes */
	int blob_err;			/* reading the request's blob failed (err filled) */
	struct gadget_err *err;
	int64_t sent;
	size_t cap;			/* most bytes a buffered 2xx body may have */
	size_t too_big;			/* the body passed this cap: the attempt was cut off */
	char www_auth[1024];
	long retry_after;
};

/* Send once with this Authorization line (NULL: none); no retry, no auth. */
CURLcode regc_attempt(struct attempt *a, const char *url, const char *authz);
/* Answer a 401's challenge (Basic or Bearer); 0 when worth sending again. */
int regc_authenticate(struct registry_client *c, const char *www_auth, struct gadget_err *err);
/* Same host and port (scheme default ports applied). */
bool regc_url_same_host(const char *a, const char *b);
struct regc_share *regc_share_new(void);
void regc_share_put(struct regc_share *s);

#endif
