// SPDX-License-Identifier: Apache-2.0
/* Registry auth parsing: challenges, token answers, OCI errors, docker config. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "packager/auth.h"
#include "packager/docker_config.h"
#include "packager/registry_image.h"

static void test_challenge_bearer(void **state)
{
	struct auth_challenge ch;

	(void)state;
	assert_int_equal(auth_parse_challenge(
		"Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		"scope=\"repository:library/ubuntu:pull,push\"", &ch), 0);
	assert_int_equal(ch.scheme, AUTH_BEARER);
	assert_string_equal(ch.realm, "https://auth.docker.io/token");
	assert_string_equal(ch.service, "registry.docker.io");
	/* the comma inside the quoted scope must not end the value */
	assert_string_equal(ch.scope, "repository:library/ubuntu:pull,push");
}

static void test_challenge_basic_and_odd_spacing(void **state)
{
	struct auth_challenge ch;

	(void)state;
	assert_int_equal(auth_parse_challenge("Basic realm=\"gadget-test\"", &ch), 0);
	assert_int_equal(ch.scheme, AUTH_BASIC);
	assert_string_equal(ch.realm, "gadget-test");
	assert_int_equal(auth_parse_challenge(
		"bearer  realm=https://r.example/t , service=\"a\\\"b\", error=\"insufficient_scope\"",
		&ch), 0);
	assert_string_equal(ch.realm, "https://r.example/t");
	assert_string_equal(ch.service, "a\"b");
	assert_string_equal(ch.scope, "");
}

static void test_challenge_rejects(void **state)
{
	struct auth_challenge ch;

	(void)state;
	assert_int_not_equal(auth_parse_challenge("Negotiate abc", &ch), 0);
	assert_int_not_equal(auth_parse_challenge("", &ch), 0);
	assert_int_not_equal(auth_parse_challenge("Bearer service=\"x\"", &ch), 0); /* no realm */
	assert_int_not_equal(auth_parse_challenge(NULL, &ch), 0);
}

static void test_challenge_truncates(void **state)
{
	char hdr[4096];
	struct auth_challenge ch;

	(void)state;
	snprintf(hdr, sizeof(hdr), "Bearer realm=\"https://x/%0*d\",scope=\"s\"", 3000, 7);
	assert_int_equal(auth_parse_challenge(hdr, &ch), 0);
	assert_int_equal(strlen(ch.realm), sizeof(ch.realm) - 1);
	assert_string_equal(ch.scope, "s");
}

static void test_token(void **state)
{
	struct gadget_err err = { 0 };
	char *tok;
	const char *a = "{\"token\":\"abc\",\"expires_in\":300}";
	const char *b = "{\"access_token\":\"xyz\"}";
	const char *c = "[1,2]";

	(void)state;
	assert_int_equal(auth_parse_token(a, strlen(a), &tok, &err), 0);
	assert_string_equal(tok, "abc");
	free(tok);
	assert_int_equal(auth_parse_token(b, strlen(b), &tok, &err), 0);
	assert_string_equal(tok, "xyz");
	free(tok);
	assert_int_not_equal(auth_parse_token(c, strlen(c), &tok, &err), 0);
	assert_non_null(strstr(err.msg, "not a JSON object"));
}

static void test_oci_error(void **state)
{
	const char *body = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\","
			   "\"detail\":{\"Tag\":\"nope\"}},{\"code\":\"DENIED\",\"message\":\"no\"}]}";
	char buf[256];

	(void)state;
	assert_int_not_equal(auth_format_oci_error(body, strlen(body), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "MANIFEST_UNKNOWN: manifest unknown ({\"Tag\":\"nope\"}); DENIED: no");
	assert_int_equal(auth_format_oci_error("<html>", 6, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* a tiny buffer cuts, never overflows */
	assert_int_equal(auth_format_oci_error(body, strlen(body), buf, 8), 7);
	assert_string_equal(buf, "MANIFES");
}

static void test_docker_config_auths(void **state)
{
	json_t *cfg = json_pack("{s{s{ss}s{ss}}}", "auths",
				"127.0.0.1:5000", "auth", "dXNlcjpwYTpzcw==",	/* user:pa:ss */
				"https://index.docker.io/v1/", "auth", "aHViOmh1YnB3");	/* hub:hubpw */
	struct docker_creds c;
	struct gadget_err err = { 0 };

	(void)state;
	assert_int_equal(docker_config_lookup_json(cfg, "127.0.0.1:5000", &c, &err), 0);
	assert_string_equal(c.username, "user");
	assert_string_equal(c.secret, "pa:ss");	/* only the first colon splits */
	docker_config_creds_clear(&c);
	assert_null(c.secret);
	assert_int_equal(docker_config_lookup_json(cfg, "index.docker.io", &c, &err), 0);
	assert_string_equal(c.username, "hub");
	docker_config_creds_clear(&c);
	assert_int_equal(docker_config_lookup_json(cfg, "other:5000", &c, &err), -ENOENT);
	json_decref(cfg);
}

static void test_docker_config_store_erase(void **state)
{
	char dir[] = "/tmp/test_auth.XXXXXX", path[256];
	struct docker_creds c;
	struct gadget_err err = { 0 };
	struct stat stb;
	FILE *f;
	char text[1024] = "";

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("DOCKER_CONFIG", dir, 1);
	assert_int_equal(docker_config_store("reg.test:443", "alice", "pw", &err), 0);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	assert_int_equal(stat(path, &stb), 0);
	assert_int_equal(stb.st_mode & 0777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(text, 1, sizeof(text) - 1, f) > 0);
	fclose(f);
	assert_non_null(strstr(text, "\"YWxpY2U6cHc=\""));	/* base64("alice:pw") */
	assert_int_equal(docker_config_lookup("reg.test:443", &c, &err), 0);
	assert_string_equal(c.secret, "pw");
	docker_config_creds_clear(&c);
	assert_int_equal(docker_config_erase("reg.test:443", &err), 0);
	assert_int_equal(docker_config_lookup("reg.test:443", &c, &err), -ENOENT);
	assert_int_not_equal(docker_config_erase("reg.test:443", &err), 0);
	assert_non_null(strstr(err.msg, "not logged in"));
	unlink(path);
	rmdir(dir);
	unsetenv("DOCKER_CONFIG");
}

static void test_docker_config_helper(void **state)
{
	char dir[] = "/tmp/test_auth.XXXXXX", path[300], oldpath[4096];
	struct docker_creds c;
	struct gadget_err err = { 0 };
	json_t *cfg = json_pack("{s{ss}}", "credHelpers", "helped:5000", "gadgettest");
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* a docker-credential-* helper speaking the protocol: host on stdin, JSON out */
	snprintf(path, sizeof(path), "%s/docker-credential-gadgettest", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread host\n"
		   "[ \"$host\" = helped:5000 ] || { echo 'credentials not found'; exit 1; }\n"
		   "echo '{\"ServerURL\":\"helped:5000\",\"Username\":\"bob\",\"Secret\":\"hs\"}'\n");
	fclose(f);
	chmod(path, 0755);
	snprintf(oldpath, sizeof(oldpath), "%s:%s", dir, getenv("PATH"));
	setenv("PATH", oldpath, 1);
	assert_int_equal(docker_config_lookup_json(cfg, "helped:5000", &c, &err), 0);
	assert_string_equal(c.username, "bob");
	assert_string_equal(c.secret, "hs");
	docker_config_creds_clear(&c);
	unlink(path);
	rmdir(dir);
	json_decref(cfg);
}

static void test_manifest_parse(void **state)
{
	const char *idx = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		"\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":10,"
		"\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000001\","
		"\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";
	const char *bad = "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:../../etc\",\"size\":1},\"layers\":[]}";
	struct regimg_doc d;
	struct gadget_err err = { 0 };

	(void)state;
	assert_int_equal(regimg_parse(idx, strlen(idx), NULL, &d, &err), 0);
	assert_true(d.is_index);
	assert_int_equal(d.nr, 1);
	assert_string_equal(d.descs[0].arch, "arm64");
	assert_int_equal(d.descs[0].size, 10);
	regimg_doc_free(&d);
	/* a digest from the wire that could walk paths is refused */
	assert_int_not_equal(regimg_parse(bad, strlen(bad), NULL, &d, &err), 0);
	assert_non_null(strstr(err.msg, "unsupported digest"));
	assert_false(oci_digest_valid("sha256:ABC"));
}

static void test_docker_list_and_sig_tag(void **state)
{
	const char *list = "{\"schemaVersion\":2,\"manifests\":[]}";
	const char *m = "{\"schemaVersion\":2,\"config\":{\"size\":2,\"digest\":"
		"\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"},\"layers\":[]}";
	struct regimg_doc d;
	struct gadget_err err = { 0 };
	char tag[128];

	(void)state;
	/* no mediaType in the body: the Content-Type header decides */
	assert_int_equal(regimg_parse(list, strlen(list),
		"application/vnd.docker.distribution.manifest.list.v2+json", &d, &err), 0);
	assert_true(d.is_index);
	regimg_doc_free(&d);
	/* neither: "manifests" makes an index, else a manifest with its config first */
	assert_int_equal(regimg_parse(list, strlen(list), NULL, &d, &err), 0);
	assert_true(d.is_index);
	assert_string_equal(d.media_type, "application/vnd.oci.image.index.v1+json");
	regimg_doc_free(&d);
	assert_int_equal(regimg_parse(m, strlen(m), NULL, &d, &err), 0);
	assert_false(d.is_index);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.descs[0].size, 2);
	regimg_doc_free(&d);
	regimg_sig_tag("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
		       tag, sizeof(tag));
	assert_string_equal(tag, "sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a.sig");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge_bearer),
		cmocka_unit_test(test_challenge_basic_and_odd_spacing),
		cmocka_unit_test(test_challenge_rejects),
		cmocka_unit_test(test_challenge_truncates),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_oci_error),
		cmocka_unit_test(test_docker_config_auths),
		cmocka_unit_test(test_docker_config_store_erase),
		cmocka_unit_test(test_docker_config_helper),
		cmocka_unit_test(test_manifest_parse),
		cmocka_unit_test(test_docker_list_and_sig_tag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
