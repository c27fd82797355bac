// SPDX-License-Identifier: Apache-2.0
/* Attestations: DSSE's PAE, the build record, deterministic statements, sign and check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "packager/attest.h"
#include "packager/sign.h"

static void test_pae(void **state)
{
	static const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
	unsigned char *p;
	size_t n;

	(void)state;
	/* the example of secure-systems-lab/dsse protocol.md */
	assert_int_equal(dsse_pae("http://example.com/HelloWorld", "hello world", 11, &p, &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(p, want, n);
	free(p);
	/* lengths are bytes, the body is not a string: a NUL inside counts */
	assert_int_equal(dsse_pae(DSSE_PAYLOAD_TYPE, "a\0b", 3, &p, &n), 0);
	assert_int_equal(n, strlen("DSSEv1 28 application/vnd.in-toto+json 3 ") + 3);
	assert_memory_equal(p, "DSSEv1 28 application/vnd.in-toto+json 3 a\0b", n);
	free(p);
	assert_int_equal(dsse_pae(DSSE_PAYLOAD_TYPE, "", 0, &p, &n), 0);
	assert_memory_equal(p, "DSSEv1 28 application/vnd.in-toto+json 0 ", n);
	free(p);
}

static const char facts_json[] =
	"{\"gadget\": \"1.0\", \"archs\": [\"amd64\"], \"cflags\": [\"-DX=1\"],"
	" \"sources\": [{\"name\": \"t.bpf.c\", \"sha256\": \"aa\", \"sha1\": \"bb\"}],"
	" \"buildFile\": {\"name\": \"gadget.json\", \"sha256\": \"cc\", \"sha1\": \"dd\"},"
	" \"bpfHeaders\": \"sha256:ee\", \"clang\": \"clang 14\", \"libbpf\": \"v1.1\","
	" \"sourceDateEpoch\": \"1700000000\"}";

/* Two objects (two arches) with the same programs, listed out of order: one sorted list. */
static void test_record_hooks(void **state)
{
	struct gadget_prog p[2] = {
		{ .name = "on_exit", .section = "tracepoint/sched/sched_process_exit" },
		{ .name = "on_exec", .section = "tracepoint/sched/sched_process_exec" },
	};
	struct gadget_info info = { .progs = p, .nr_progs = 2 };
	struct pack_object o[2] = { { .arch = "amd64", .info = &info },
				    { .arch = "arm64", .info = &info } };
	json_t *facts = json_loads(facts_json, 0, NULL), *r;
	char *rec;

	(void)state;
	assert_int_equal(attest_record(facts, "t", o, 2, &rec, NULL), 0);
	assert_non_null(strstr(rec, "\"hooks\":[{\"program\":\"on_exec\",\"section\":"
				    "\"tracepoint/sched/sched_process_exec\"},{\"program\":\"on_exit\","
				    "\"section\":\"tracepoint/sched/sched_process_exit\"}]"));
	r = json_loads(rec, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "t");
	assert_string_equal(json_string_value(json_object_get(r, "bpfHeaders")), "sha256:ee");
	json_decref(r);
	free(rec);
	json_decref(facts);
}

static json_t *record(void)
{
	json_t *r = json_loads(facts_json, 0, NULL);

	json_object_set_new(r, "name", json_string("t"));
	json_object_set_new(r, "hooks", json_pack("[{s:s, s:s}]", "section", "kprobe/do_exit",
						  "program", "on_exit"));
	return r;
}

static const struct attest_subject subj = {
	"reg.example/team/t",
	"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"2023-11-14T22:13:20Z",
};

/* The SBOM, byte for byte: the same record and subject always give these bytes. */
static const char spdx_want[] =
	"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"SPDXID\":\"SPDXRef-DOCUMENT\","
	"\"creationInfo\":{\"created\":\"2023-11-14T22:13:20Z\",\"creators\":[\"Tool: gadget-1.0\"]},"
	"\"dataLicense\":\"CC0-1.0\",\"documentNamespace\":\"https://example.org/gadget/spdx/t-"
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"files\":[{\"SPDXID\":"
	"\"SPDXRef-File-1\",\"checksums\":[{\"algorithm\":\"SHA1\",\"checksumValue\":\"bb\"},"
	"{\"algorithm\":\"SHA256\",\"checksumValue\":\"aa\"}],\"fileName\":\"./t.bpf.c\",\"fileTypes\":"
	"[\"SOURCE\"]},{\"SPDXID\":\"SPDXRef-File-2\",\"checksums\":[{\"algorithm\":\"SHA1\","
	"\"checksumValue\":\"dd\"},{\"algorithm\":\"SHA256\",\"checksumValue\":\"cc\"}],\"fileName\":"
	"\"./gadget.json\",\"fileTypes\":[\"TEXT\"]}],\"name\":\"t\",\"packages\":[{\"SPDXID\":"
	"\"SPDXRef-Package-gadget\",\"annotations\":[{\"annotationDate\":\"2023-11-14T22:13:20Z\","
	"\"annotationType\":\"OTHER\",\"annotator\":\"Tool: gadget-1.0\",\"comment\":\"kernel hook: "
	"SEC(\\\"kprobe/do_exit\\\") program on_exit\"}],\"checksums\":[{\"algorithm\":\"SHA256\","
	"\"checksumValue\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}],"
	"\"downloadLocation\":\"NOASSERTION\",\"externalRefs\":[{\"referenceCategory\":"
	"\"PACKAGE-MANAGER\",\"referenceLocator\":\"pkg:oci/t@sha256%3A0123456789abcdef0123456789abcdef"
	"0123456789abcdef0123456789abcdef?repository_url=reg.example/team/t\",\"referenceType\":"
	"\"purl\"}],\"filesAnalyzed\":false,\"name\":\"t\",\"primaryPackagePurpose\":\"APPLICATION\"},"
	"{\"SPDXID\":\"SPDXRef-Package-bpf-headers\",\"checksums\":[{\"algorithm\":\"SHA256\","
	"\"checksumValue\":\"ee\"}],\"downloadLocation\":\"NOASSERTION\",\"filesAnalyzed\":false,"
	"\"name\":\"bpf-headers\",\"primaryPackagePurpose\":\"SOURCE\"},{\"SPDXID\":"
	"\"SPDXRef-Package-clang\",\"downloadLocation\":\"NOASSERTION\",\"filesAnalyzed\":false,"
	"\"name\":\"clang\",\"primaryPackagePurpose\":\"APPLICATION\",\"versionInfo\":\"clang 14\"},"
	"{\"SPDXID\":\"SPDXRef-Package-libbpf\",\"downloadLocation\":\"NOASSERTION\",\"filesAnalyzed\":"
	"false,\"name\":\"libbpf\",\"primaryPackagePurpose\":\"LIBRARY\",\"versionInfo\":\"v1.1\"}],"
	"\"relationships\":[{\"relatedSpdxElement\":\"SPDXRef-Package-gadget\",\"relationshipType\":"
	"\"DESCRIBES\",\"spdxElementId\":\"SPDXRef-DOCUMENT\"},{\"relatedSpdxElement\":"
	"\"SPDXRef-File-1\",\"relationshipType\":\"GENERATED_FROM\",\"spdxElementId\":"
	"\"SPDXRef-Package-gadget\"},{\"relatedSpdxElement\":\"SPDXRef-File-2\",\"relationshipType\":"
	"\"GENERATED_FROM\",\"spdxElementId\":\"SPDXRef-Package-gadget\"},{\"relatedSpdxElement\":"
	"\"SPDXRef-Package-gadget\",\"relationshipType\":\"BUILD_DEPENDENCY_OF\",\"spdxElementId\":"
	"\"SPDXRef-Package-bpf-headers\"},{\"relatedSpdxElement\":\"SPDXRef-Package-gadget\","
	"\"relationshipType\":\"BUILD_TOOL_OF\",\"spdxElementId\":\"SPDXRef-Package-clang\"},"
	"{\"relatedSpdxElement\":\"SPDXRef-Package-gadget\",\"relationshipType\":\"BUILD_TOOL_OF\","
	"\"spdxElementId\":\"SPDXRef-Package-libbpf\"}],\"spdxVersion\":\"SPDX-2.3\"},"
	"\"predicateType\":\"https://spdx.dev/Document\",\"subject\":[{\"digest\":{\"sha256\":"
	"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"},\"name\":"
	"\"reg.example/team/t\"}]}";

static void test_sbom_bytes(void **state)
{
	json_t *r = record();
	char *a, *b;
	size_t na, nb;

	(void)state;
	assert_int_equal(attest_statement(PREDICATE_SPDX, r, &subj, &a, &na, NULL), 0);
	assert_int_equal(attest_statement(PREDICATE_SPDX, r, &subj, &b, &nb, NULL), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	assert_string_equal(a, spdx_want);
	free(a);
	free(b);
	json_decref(r);
}

static void test_provenance(void **state)
{
	struct gadget_err err = { 0 };
	json_t *r = record(), *s, *bd;
	char *a;
	size_t n;

	(void)state;
	assert_int_equal(attest_statement(PREDICATE_SLSA_V1, r, &subj, &a, &n, NULL), 0);
	s = json_loads(a, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(s, "predicateType")),
			    "https://slsa.dev/provenance/v1");
	bd = json_object_get(json_object_get(s, "predicate"), "buildDefinition");
	free(a);
	a = json_dumps(bd, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(a,
		"{\"buildType\":\"https://example.org/gadget/attestation/build/v1\","
		"\"externalParameters\":{\"archs\":[\"amd64\"],\"buildFile\":\"gadget.json\","
		"\"cflags\":[\"-DX=1\"],\"sources\":[\"t.bpf.c\"]},\"internalParameters\":"
		"{\"clang\":\"clang 14\",\"libbpf\":\"v1.1\",\"sourceDateEpoch\":\"1700000000\"},"
		"\"resolvedDependencies\":[{\"digest\":{\"sha256\":\"aa\"},\"name\":\"t.bpf.c\"},"
		"{\"digest\":{\"sha256\":\"cc\"},\"name\":\"gadget.json\"},{\"digest\":{\"sha256\":"
		"\"ee\"},\"name\":\"bpf-headers\"}]}");
	free(a);
	json_decref(s);
	/* an unknown type, and a record missing what a statement needs */
	assert_int_equal(attest_statement("https://example.com/x", r, &subj, &a, &n, &err), -EINVAL);
	json_object_del(r, "name");
	assert_int_equal(attest_statement(PREDICATE_SPDX, r, &subj, &a, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "incomplete"));
	json_decref(r);
}

/* Through the store: pack with the record, attest, verify; again: the same envelopes. */
static void test_attest_store(void **state)
{
	static const char obj[] = "\177ELF pretend object";
	char dir[] = "/tmp/test_attest.XXXXXX", key[64], pub[64], other[64], opub[64], path[160];
	struct pack_object o = { .arch = "amd64", .obj = obj, .len = sizeof(obj) };
	json_t *facts = json_loads(facts_json, 0, NULL);
	struct pack_meta meta = { .title = "t", .build_facts = facts };
	struct oci_descriptor top, att1, att2;
	struct attest_check *c;
	struct store *st;
	unsigned int nr;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/k.key", dir);
	snprintf(pub, sizeof(pub), "%s/k.pub", dir);
	snprintf(other, sizeof(other), "%s/o.key", dir);
	snprintf(opub, sizeof(opub), "%s/o.pub", dir);
	snprintf(path, sizeof(path), "%s/store", dir);
	assert_int_equal(sign_key_generate(key, pub, NULL, NULL), 0);
	assert_int_equal(sign_key_generate(other, opub, NULL, NULL), 0);
	assert_int_equal(store_open(path, &st, NULL), 0);
	assert_int_equal(packager_pack(st, "reg.example/t:v1", &o, 1, &meta, NULL, NULL), 0);
	assert_int_equal(packager_attest(st, "reg.example/t:v1", NULL, key, NULL, NULL, &nr, NULL), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(packager_attest_verify(st, "reg.example/t:v1", pub, NULL, &top, &c, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_true(c[0].ok && c[1].ok);
	assert_string_equal(c[0].predicate_type, PREDICATE_SPDX);
	assert_string_equal(c[1].predicate_type, PREDICATE_SLSA_V1);
	free(c);
	assert_int_equal(packager_attest_verify(st, "reg.example/t:v1", opub, NULL, &top, &c, &n, NULL), 0);
	assert_false(c[0].ok || c[1].ok);
	assert_string_equal(c[0].why, "no DSSE signature over it is valid for the key");
	free(c);
	/* attested again with the same key: the same envelopes, the same index */
	snprintf(path, sizeof(path), "reg.example/t:sha256-%s.att", top.digest + 7);
	assert_int_equal(store_resolve(st, path, &att1, NULL), 0);
	assert_int_equal(packager_attest(st, "reg.example/t:v1", NULL, key, NULL, NULL, &nr, NULL), 0);
	assert_int_equal(store_resolve(st, path, &att2, NULL), 0);
	assert_string_equal(att1.digest, att2.digest);
	store_close(st);
	json_decref(facts);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pae),
		cmocka_unit_test(test_record_hooks),
		cmocka_unit_test(test_sbom_bytes),
		cmocka_unit_test(test_provenance),
		cmocka_unit_test(test_attest_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
