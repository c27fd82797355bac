// SPDX-License-Identifier: Apache-2.0
/*
 * The attestation documents (attest.h): the build record an image carries,
 * the SPDX 2.3 SBOM, the SLSA v1 provenance, their in-toto statement and
 * DSSE's PAE.  Pure functions of their inputs: unit-tested byte for byte.
 *
 * Field names: SPDX 2.3 (spdx.github.io/spdx-spec/v2.3, clauses 6 document
 * creation, 7 package, 8 file, 11 relationships, 12 annotations; JSON
 * schema spdx-schema.json), SLSA provenance v1 (slsa.dev/spec/v1.0/provenance:
 * buildDefinition, runDetails, ResourceDescriptor), in-toto Statement v1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packager/attest.h"

/* The project's homepage, as debian/control names it: buildType and builder ids live under it. */
#define GADGET_URI	"https://example.org/gadget"
#define BUILD_TYPE	GADGET_URI "/attestation/build/v1"
#define DUMP_FLAGS	(JSON_COMPACT | JSON_SORT_KEYS)

static int hook_cmp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "section")),
		       json_string_value(json_object_get(y, "section")));

	return c ? c : strcmp(json_string_value(json_object_get(x, "program")),
			      json_string_value(json_object_get(y, "program")));
}

/* Every program of every object once, by section then name. */
static json_t *hooks_of(const struct pack_object *objs, unsigned int n)
{
	json_t *v[256], *out = json_array();
	size_t k = 0;

	for (unsigned int o = 0; o < n; o++) {
		const struct gadget_info *info = objs[o].info;

		for (unsigned int i = 0; info && i < info->nr_progs && k < 256; i++) {
			json_t *h = json_pack("{s:s, s:s}", "section", info->progs[i].section ?: "",
					      "program", info->progs[i].name ?: "");
			bool dup = false;

			for (size_t j = 0; j < k && !dup; j++)
				dup = json_equal(v[j], h);
			if (dup)
				json_decref(h);
			else
				v[k++] = h;
		}
	}
	qsort(v, k, sizeof(*v), hook_cmp);
	for (size_t j = 0; j < k; j++)
		json_array_append_new(out, v[j]);
	return out;
}

int attest_record(const json_t *facts, const char *name, const struct pack_object *objs,
		  unsigned int n, char **out, struct gadget_err *err)
{
	json_t *r = json_deep_copy(facts);

	if (!r)
		return gadget_err_set(err, ENOMEM, "out of memory");
	json_object_set_new(r, "name", json_string(name ?: "gadget"));
	json_object_set_new(r, "hooks", hooks_of(objs, n));
	*out = json_dumps(r, DUMP_FLAGS);
	json_decref(r);
	return *out ? 0 : gadget_err_set(err, ENOMEM, "out of memory");
}

/* ---- SPDX 2.3 ----------------------------------------------------------- */

static const char *rstr(const json_t *r, const char *key)
{
	return json_string_value(json_object_get(r, key));
}

static const char *hex_of(const char *digest)
{
	const char *c = strchr(digest, ':');

	return c ? c + 1 : digest;
}

static json_t *spdx_checksum(const char *alg, const char *hex)
{
	return json_pack("{s:s, s:s}", "algorithm", alg, "checksumValue", hex);
}

static json_t *spdx_relationship(const char *a, const char *type, const char *b)
{
	return json_pack("{s:s, s:s, s:s}", "spdxElementId", a, "relationshipType", type,
			 "relatedSpdxElement", b);
}

/* A tool or input of the build as a package: no files, version or checksum as known. */
static json_t *spdx_package(const char *id, const char *name, const char *version,
			    const char *purpose)
{
	json_t *p = json_pack("{s:s, s:s, s:s, s:b, s:s}", "SPDXID", id, "name", name,
			      "downloadLocation", "NOASSERTION", "filesAnalyzed", 0,
			      "primaryPackagePurpose", purpose);

	if (version)
		json_object_set_new(p, "versionInfo", json_string(version));
	return p;
}

/* The kernel hooks, as annotations of the gadget's package (clause 12). */
static json_t *spdx_hooks(const json_t *record, const char *created, const char *tool)
{
	json_t *out = json_array(), *h;
	char comment[512];
	size_t i;

	json_array_foreach(json_object_get(record, "hooks"), i, h) {
		snprintf(comment, sizeof(comment), "kernel hook: SEC(\"%s\") program %s",
			 rstr(h, "section"), rstr(h, "program"));
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "annotationDate", created,
						     "annotationType", "OTHER", "annotator", tool,
						     "comment", comment));
	}
	return out;
}

static json_t *spdx_gadget(const json_t *record, const struct attest_subject *s, const char *tool)
{
	const char *last = strrchr(s->name, '/') ? strrchr(s->name, '/') + 1 : s->name;
	json_t *p = spdx_package("SPDXRef-Package-gadget", rstr(record, "name"), NULL, "APPLICATION");
	char purl[1024];

	/* purl-spec's oci type: the digest is the version, the repository a qualifier */
	snprintf(purl, sizeof(purl), "pkg:oci/%s@sha256%%3A%s?repository_url=%s", last,
		 hex_of(s->digest), s->name);
	json_object_set_new(p, "checksums", json_pack("[o]", spdx_checksum("SHA256", hex_of(s->digest))));
	json_object_set_new(p, "externalRefs", json_pack("[{s:s, s:s, s:s}]", "referenceCategory",
							 "PACKAGE-MANAGER", "referenceType", "purl",
							 "referenceLocator", purl));
	json_object_set_new(p, "annotations", spdx_hooks(record, s->created, tool));
	return p;
}

/* The build's inputs: sources, then the build file; the gadget is GENERATED_FROM each. */
static void spdx_files(const json_t *record, json_t *files, json_t *rels)
{
	const json_t *bf = json_object_get(record, "buildFile"), *f;
	json_t *all = json_copy(json_object_get(record, "sources"));
	char id[64], name[512];
	size_t i;

	if (bf)
		json_array_append(all, (json_t *)bf);
	json_array_foreach(all, i, f) {
		snprintf(id, sizeof(id), "SPDXRef-File-%zu", i + 1);
		snprintf(name, sizeof(name), "./%s", rstr(f, "name"));
		json_array_append_new(files, json_pack(
			"{s:s, s:s, s:[o, o], s:[s]}", "SPDXID", id, "fileName", name,
			"checksums", spdx_checksum("SHA1", rstr(f, "sha1")),
			spdx_checksum("SHA256", rstr(f, "sha256")), "fileTypes",
			f == bf ? "TEXT" : "SOURCE"));
		json_array_append_new(rels, spdx_relationship("SPDXRef-Package-gadget",
							      "GENERATED_FROM", id));
	}
	json_decref(all);
}

/* clang compiled, libbpf's linker linked; bpftool made vmlinux.h (it is not run by a build). */
static void spdx_tools(const json_t *record, json_t *pkgs, json_t *rels)
{
	static const struct {
		const char *key, *id, *purpose, *relationship;
	} tools[] = {
		{ "clang", "SPDXRef-Package-clang", "APPLICATION", "BUILD_TOOL_OF" },
		{ "libbpf", "SPDXRef-Package-libbpf", "LIBRARY", "BUILD_TOOL_OF" },
		{ "bpftool", "SPDXRef-Package-bpftool", "APPLICATION", "DEV_TOOL_OF" },
	};

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (!rstr(record, tools[i].key))
			continue;
		json_array_append_new(pkgs, spdx_package(tools[i].id, tools[i].key,
							 rstr(record, tools[i].key), tools[i].purpose));
		json_array_append_new(rels, spdx_relationship(tools[i].id, tools[i].relationship,
							      "SPDXRef-Package-gadget"));
	}
}

static json_t *spdx_document(const json_t *record, const struct attest_subject *s)
{
	json_t *pkgs = json_array(), *files = json_array(), *rels = json_array(), *h;
	char tool[128], ns[1024];

	snprintf(tool, sizeof(tool), "Tool: gadget-%s", rstr(record, "gadget") ?: "unknown");
	/* clause 6.5: unique per document; the image digest is */
	snprintf(ns, sizeof(ns), GADGET_URI "/spdx/%s-%s", rstr(record, "name"), hex_of(s->digest));
	json_array_append_new(pkgs, spdx_gadget(record, s, tool));
	json_array_append_new(rels, spdx_relationship("SPDXRef-DOCUMENT", "DESCRIBES",
						      "SPDXRef-Package-gadget"));
	spdx_files(record, files, rels);
	h = spdx_package("SPDXRef-Package-bpf-headers", "bpf-headers", NULL, "SOURCE");
	json_object_set_new(h, "checksums", json_pack("[o]", spdx_checksum(
		"SHA256", hex_of(rstr(record, "bpfHeaders") ?: ""))));
	json_array_append_new(pkgs, h);
	json_array_append_new(rels, spdx_relationship("SPDXRef-Package-bpf-headers",
						      "BUILD_DEPENDENCY_OF", "SPDXRef-Package-gadget"));
	spdx_tools(record, pkgs, rels);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:[s]}, s:o, s:o, s:o}",
			 "spdxVersion", "SPDX-2.3", "dataLicense", "CC0-1.0", "SPDXID",
			 "SPDXRef-DOCUMENT", "name", rstr(record, "name"), "documentNamespace", ns,
			 "creationInfo", "created", s->created, "creators", tool, "packages", pkgs,
			 "files", files, "relationships", rels);
}

/* ---- SLSA provenance v1 ------------------------------------------------- */

static json_t *slsa_dependencies(const json_t *record)
{
	const json_t *bf = json_object_get(record, "buildFile"), *f;
	json_t *deps = json_array();
	size_t i;

	json_array_foreach(json_object_get(record, "sources"), i, f)
		json_array_append_new(deps, json_pack("{s:s, s:{s:s}}", "name", rstr(f, "name"),
						      "digest", "sha256", rstr(f, "sha256")));
	if (bf)
		json_array_append_new(deps, json_pack("{s:s, s:{s:s}}", "name", rstr(bf, "name"),
						      "digest", "sha256", rstr(bf, "sha256")));
	json_array_append_new(deps, json_pack("{s:s, s:{s:s}}", "name", "bpf-headers", "digest",
					      "sha256", hex_of(rstr(record, "bpfHeaders") ?: "")));
	return deps;
}

static json_t *slsa_predicate(const json_t *record, const struct attest_subject *s)
{
	static const char *const internal[] = { "sourceDateEpoch", "clang", "libbpf", "bpftool" };
	const json_t *bf = json_object_get(record, "buildFile"), *f;
	json_t *ext = json_object(), *in = json_object(), *names = json_array();
	char id[256];
	size_t i;

	json_array_foreach(json_object_get(record, "sources"), i, f)
		json_array_append_new(names, json_string(rstr(f, "name")));
	json_object_set_new(ext, "sources", names);
	if (bf)
		json_object_set_new(ext, "buildFile", json_string(rstr(bf, "name")));
	json_object_set_new(ext, "cflags", json_copy(json_object_get(record, "cflags")) ?: json_array());
	json_object_set_new(ext, "archs", json_copy(json_object_get(record, "archs")) ?: json_array());
	for (i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
		if (rstr(record, internal[i]))
			json_object_set_new(in, internal[i], json_string(rstr(record, internal[i])));
	snprintf(id, sizeof(id), GADGET_URI "/builder/gadget@%s", rstr(record, "gadget") ?: "unknown");
	return json_pack("{s:{s:s, s:o, s:o, s:o}, s:{s:{s:s, s:{s:s}}, s:{s:s}}}",
			 "buildDefinition", "buildType", BUILD_TYPE, "externalParameters", ext,
			 "internalParameters", in, "resolvedDependencies", slsa_dependencies(record),
			 "runDetails", "builder", "id", id, "version", "gadget",
			 rstr(record, "gadget") ?: "unknown", "metadata", "finishedOn", s->created);
}

/* ---- the statement ------------------------------------------------------ */

static const struct {
	const char *type;
	json_t *(*make)(const json_t *record, const struct attest_subject *s);
} predicates[] = {
	{ PREDICATE_SPDX, spdx_document },
	{ PREDICATE_SLSA_V1, slsa_predicate },
};

int attest_statement(const char *predicate_type, const json_t *record,
		     const struct attest_subject *s, char **out, size_t *len,
		     struct gadget_err *err)
{
	json_t *pred = NULL, *st;
	size_t i;

	for (i = 0; i < sizeof(predicates) / sizeof(predicates[0]); i++)
		if (!strcmp(predicates[i].type, predicate_type))
			break;
	if (i == sizeof(predicates) / sizeof(predicates[0]))
		return gadget_err_set(err, EINVAL, "no attestation of type %s", predicate_type);
	pred = predicates[i].make(record, s);
	st = !pred ? NULL : json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:o}", "_type", INTOTO_STATEMENT_V1,
		       "subject", "name", s->name, "digest", "sha256", hex_of(s->digest),
		       "predicateType", predicate_type, "predicate", pred);
	*out = st ? json_dumps(st, DUMP_FLAGS) : NULL;
	json_decref(st);
	if (!*out)
		return gadget_err_set(err, EINVAL, "the build record of %s is incomplete", s->digest);
	*len = strlen(*out);
	return 0;
}

/* DSSE protocol.md: PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body. */
int dsse_pae(const char *type, const void *body, size_t len, unsigned char **out,
	     size_t *out_len)
{
	size_t tl = strlen(type), cap = tl + len + 64;
	unsigned char *p = malloc(cap);
	int n;

	if (!p)
		return -ENOMEM;
	n = snprintf((char *)p, cap, "DSSEv1 %zu %s %zu ", tl, type, len);
	memcpy(p + n, body, len);
	*out = p;
	*out_len = n + len;
	return 0;
}
