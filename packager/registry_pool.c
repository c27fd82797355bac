// SPDX-License-Identifier: Apache-2.0
/* Blob transfers in parallel: clones of a client on worker threads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "packager/registry_int.h"

#define MAX_WORKERS		4

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
	struct regc_share *s = ud;

	(void)h;
	(void)access;
	pthread_mutex_lock(&s->locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud)
{
	struct regc_share *s = ud;

	(void)h;
	pthread_mutex_unlock(&s->locks[data]);
}

struct regc_share *regc_share_new(void)
{
	struct regc_share *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->sh = curl_share_init();
	if (!s->sh) {
		free(s);
		return NULL;
	}
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&s->locks[i], NULL);
	curl_share_setopt(s->sh, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(s->sh, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(s->sh, CURLSHOPT_USERDATA, s);
	curl_share_setopt(s->sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(s->sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	s->refs = 1;
	return s;
}

void regc_share_put(struct regc_share *s)
{
	if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL))
		return;
	curl_share_cleanup(s->sh);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&s->locks[i]);
	free(s);
}

/* A worker's client: same registry, scheme, credentials; own easy handle. */
static struct registry_client *regc_clone(struct registry_client *c)
{
	struct registry_client *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	memcpy(w->registry, c->registry, sizeof(w->registry));
	memcpy(w->base, c->base, sizeof(w->base));
	memcpy(w->scope, c->scope, sizeof(w->scope));
	memcpy(w->realm, c->realm, sizeof(w->realm));
	memcpy(w->pin, c->pin, sizeof(w->pin));
	w->warned_http_realm = c->warned_http_realm;
	w->opts = c->opts;
	w->stats = c->stats;
	w->creds_tried = c->creds_tried;
	w->creds.username = c->creds.username ? strdup(c->creds.username) : NULL;
	w->creds.secret = c->creds.secret ? strdup(c->creds.secret) : NULL;
	w->authz = c->authz ? strdup(c->authz) : NULL;
	w->share = c->share;
	w->curl = curl_easy_init();
	if (!w->curl || (c->authz && !w->authz)) {
		w->share = NULL;
		regc_free(w);
		return NULL;
	}
	__atomic_add_fetch(&w->share->refs, 1, __ATOMIC_ACQ_REL);	/* workers clone too */
	return w;
}

struct pool {
	pthread_mutex_t lock;
	size_t next, n;
	int (*fn)(struct registry_client *c, size_t i, void *ctx, struct gadget_err *err);
	void *ctx;
	int ret;
	struct gadget_err *err;
};

struct worker {
	struct pool *pool;
	struct registry_client *c;
	struct gadget_err err;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	for (;;) {
		size_t i;
		int ret;

		pthread_mutex_lock(&p->lock);
		i = p->ret ? p->n : p->next++;	/* after a failure, take no more work */
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			break;
		ret = p->fn(w->c, i, p->ctx, &w->err);
		if (ret) {
			pthread_mutex_lock(&p->lock);
			if (!p->ret) {
				p->ret = ret;
				*p->err = w->err;
			}
			pthread_mutex_unlock(&p->lock);
		}
	}
	return NULL;
}

int regc_parallel(struct registry_client *c, size_t n,
		  int (*fn)(struct registry_client *c, size_t i, void *ctx, struct gadget_err *err),
		  void *ctx, struct gadget_err *err)
{
	struct pool p = { .n = n, .fn = fn, .ctx = ctx, .err = err };
	struct worker w[MAX_WORKERS] = { 0 };
	pthread_t tid[MAX_WORKERS];
	bool started[MAX_WORKERS] = { false };
	size_t nw = n < MAX_WORKERS ? n : MAX_WORKERS;

	if (nw <= 1) {
		for (size_t i = 0; i < n; i++) {
			int ret = fn(c, i, ctx, err);

			if (ret)
				return ret;
		}
		return 0;
	}
	pthread_mutex_init(&p.lock, NULL);
	for (size_t i = 0; i < nw; i++) {
		w[i].pool = &p;
		w[i].c = i ? regc_clone(c) : c;
		if (w[i].c)
			started[i] = !pthread_create(&tid[i], NULL, worker_main, &w[i]);
	}
	for (size_t i = 0; i < nw; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		if (i)
			regc_free(w[i].c);
	}
	pthread_mutex_destroy(&p.lock);
	if (!started[0] && !p.ret)
		return gadget_err_set(err, EAGAIN, "cannot start transfer threads");
	return p.ret;
}
