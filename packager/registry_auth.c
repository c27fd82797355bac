// SPDX-License-Identifier: Apache-2.0
/*
 * Answering a registry's 401 (distribution-spec "Authentication" defers to
 * RFC 7235 and Docker's "Token Authentication Specification"): Basic with
 * the credentials of Docker's config.json, or a Bearer token fetched from
 * the challenge's realm for its service and scope.  Secrets are wiped
 * after use and only ever sent in headers, never in URLs or messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "packager/registry_int.h"

static void set_authz(struct registry_client *c, const char *scheme, const char *value)
{
	size_t n = strlen(scheme) + strlen(value) + 32;

	if (c->authz) {
		OPENSSL_cleanse(c->authz, strlen(c->authz));
		free(c->authz);
	}
	c->authz = malloc(n);
	if (c->authz)
		snprintf(c->authz, n, "Authorization: %s %s", scheme, value);
}

static int load_creds(struct registry_client *c, struct gadget_err *err)
{
	int ret;

	if (c->creds_tried)
		return c->creds.secret ? 0 : -ENOENT;
	c->creds_tried = true;
	if (c->opts.username && c->opts.password) {
		c->creds.username = strdup(c->opts.username);
		c->creds.secret = strdup(c->opts.password);
		return c->creds.secret ? 0 : -ENOMEM;
	}
	ret = docker_config_lookup(c->registry, &c->creds, err);
	return ret;
}

static char *basic_value(const struct docker_creds *cr)
{
	size_t n = strlen(cr->username) + strlen(cr->secret) + 1;
	char *raw = malloc(n + 1), *b64 = malloc(4 * ((n + 2) / 3) + 1);

	if (raw && b64) {
		snprintf(raw, n + 1, "%s:%s", cr->username, cr->secret);
		EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)raw, (int)n);
		OPENSSL_cleanse(raw, n);
	}
	free(raw);
	return b64;
}

/*
 * Whether the registry's credentials may go to this token realm: only to
 * the realm its first challenge named (docker's rule: a later challenge,
 * or one from wherever a redirect led, cannot send them elsewhere), and not
 * over plain http when the registry itself is https, unless --insecure.
 * why says what was held back, for the error if the token server refuses.
 */
static bool realm_trusted(struct registry_client *c, const char *realm, char *why, size_t whylen)
{
	if (!c->realm[0])
		snprintf(c->realm, sizeof(c->realm), "%s", realm);
	if (!regc_url_same_host(realm, c->realm) || strncmp(realm, c->realm, 5)) {
		snprintf(why, whylen, " (credentials are only sent to %.1000s, the realm the "
			 "registry named first)", c->realm);
		return false;
	}
	if (!strncasecmp(realm, "http:", 5) && !strncmp(c->base, "https:", 6) && !c->opts.insecure) {
		snprintf(why, whylen, " (credentials are not sent to a plain-http realm behind an "
			 "https registry: --insecure sends them)");
		if (c->opts.warn && !c->warned_http_realm) {
			char msg[1500];

			snprintf(msg, sizeof(msg), "registry %s names the plain-http token realm %.1000s: "
				 "asking it for a token without credentials (--insecure sends them)",
				 c->registry, realm);
			c->opts.warn(msg);
		}
		c->warned_http_realm = true;
		return false;
	}
	return true;
}

/* Docker "Token Authentication Specification": GET realm?service=&scope=. */
static int fetch_token(struct registry_client *c, const struct auth_challenge *ch,
		       struct gadget_err *err)
{
	struct reg_req tr = { .method = "GET", .max_body = 64 * 1024 };
	struct attempt a = { .c = c, .r = &tr, .cap = 64 * 1024 };
	char *url, *esc_svc, *esc_scope, *basic = NULL, *authz = NULL, *token = NULL, why[1200] = "";
	const char *scope = ch->scope[0] ? ch->scope : c->scope;
	size_t n;
	CURLcode rc;
	int ret;

	esc_svc = curl_easy_escape(c->curl, ch->service, 0);
	esc_scope = curl_easy_escape(c->curl, scope, 0);
	n = strlen(ch->realm) + strlen(esc_svc) + strlen(esc_scope) + 32;
	url = malloc(n);
	snprintf(url, n, "%s%sservice=%s%s%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?",
		 esc_svc, *scope ? "&scope=" : "", *scope ? esc_scope : "");
	curl_free(esc_svc);
	curl_free(esc_scope);
	if (realm_trusted(c, ch->realm, why, sizeof(why)) && !load_creds(c, NULL) &&
	    c->creds.username && strcmp(c->creds.username, "<token>")) {
		basic = basic_value(&c->creds);
		n = strlen(basic) + 32;
		authz = malloc(n);
		snprintf(authz, n, "Authorization: Basic %s", basic);
		OPENSSL_cleanse(basic, strlen(basic));
		free(basic);
	}
	tr.url = url;
	rc = regc_attempt(&a, url, authz);
	if (authz) {
		OPENSSL_cleanse(authz, strlen(authz));
		free(authz);
	}
	if (rc == CURLE_WRITE_ERROR && a.too_big)
		ret = gadget_err_set(err, EFBIG, "token server %s: a %ld answer larger than %zu KiB: "
				     "refusing it", ch->realm, tr.status, a.too_big >> 10);
	else if (rc != CURLE_OK)
		ret = gadget_err_set(err, EIO, "token server %s: %s", ch->realm,
				     c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc));
	else if (tr.status != 200)
		ret = gadget_err_set(err, tr.status == 401 || tr.status == 403 ? EACCES : EIO,
				     "token server %s: %ld: authentication failed%s", ch->realm,
				     tr.status, why[0] ? why : c->creds.secret ? ""
				     : " (no credentials: run 'gadget login')");
	else
		ret = auth_parse_token(tr.resp, tr.resp_len, &token, err);
	free(url);
	regc_req_release(&tr);
	if (!ret) {
		set_authz(c, "Bearer", token);
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	return ret;
}

int regc_authenticate(struct registry_client *c, const char *www_auth, struct gadget_err *err)
{
	struct auth_challenge ch;
	char *b64;
	int ret;

	if (auth_parse_challenge(www_auth, &ch))
		return gadget_err_set(err, EACCES, "registry %s: 401 with no usable challenge (%s)",
				      c->registry, www_auth[0] ? www_auth : "none");
	if (ch.scheme == AUTH_BEARER)
		return fetch_token(c, &ch, err);
	ret = load_creds(c, err);
	if (ret == -ENOENT)
		return gadget_err_set(err, EACCES,
				      "registry %s: authentication required: run 'gadget login %s'",
				      c->registry, c->registry);
	if (ret)
		return ret;
	b64 = basic_value(&c->creds);
	if (!b64)
		return gadget_err_set(err, ENOMEM, "out of memory");
	set_authz(c, "Basic", b64);
	OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	return 0;
}

