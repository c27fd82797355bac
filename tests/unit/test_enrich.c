// SPDX-License-Identifier: Apache-2.0
/* Enrichment: cgroup paths of each container runtime, the mount-ns cache. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime/enrich.h"
#include "runtime/schema.h"
#include "runtime/users.h"

#define ID64 "3f4a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445566aabb"
#define POD "0f5e7a2c-1b3d-4e5f-8a9b-0c1d2e3f4a5b"
#define POD_ "0f5e7a2c_1b3d_4e5f_8a9b_0c1d2e3f4a5b"

static const struct {
	const char *path;
	const char *runtime;	/* NULL: not a container */
	const char *id, *name, *pod;
} cases[] = {
	{ "/system.slice/docker-" ID64 ".scope", "docker", ID64, "3f4a5b6c7d8e", "" },
	{ "/docker/" ID64, "docker", ID64, "3f4a5b6c7d8e", "" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_ ".slice/"
	  "cri-containerd-" ID64 ".scope", "containerd", ID64, "3f4a5b6c7d8e", POD },
	{ "/kubepods.slice/kubepods-pod" POD_ ".slice/crio-" ID64 ".scope",
	  "cri-o", ID64, "3f4a5b6c7d8e", POD },
	{ "/kubepods/besteffort/pod" POD "/" ID64, "kubernetes", ID64, "3f4a5b6c7d8e", POD },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope/container",
	  "podman", ID64, "3f4a5b6c7d8e", "" },
	{ "/libpod_parent/libpod-" ID64, "podman", ID64, "3f4a5b6c7d8e", "" },
	{ "/machine.slice/machine-debian12.scope/payload", "systemd-nspawn", "debian12", "debian12", "" },
	{ "/system.slice/nerdctl-" ID64 ".scope", "containerd", ID64, "3f4a5b6c7d8e", "" },
	/* not containers */
	{ "/user.slice/user-0.slice/session-3.scope", NULL },
	{ "/system.slice/docker.service", NULL },
	{ "/", NULL },
	{ "", NULL },
	/* conmon runs beside the container, it is not in it */
	{ "/kubepods.slice/crio-conmon-" ID64 ".scope", NULL },
	/* a short or upper-case id is not a runtime's id */
	{ "/system.slice/docker-3f4a5b6c.scope", NULL },
	{ "/docker/" "3F4A5B6C7D8E9F00112233445566778899AABBCCDDEEFF00112233445566AABB", NULL },
	/* a pod slice alone names no container */
	{ "/kubepods.slice/kubepods-pod" POD_ ".slice", NULL },
};

static void test_parse_cgroup_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct container_ref ref;
		int ret = enrich_parse_cgroup(cases[i].path, &ref);

		if (!cases[i].runtime) {
			assert_int_equal(ret, -ENOENT);
			continue;
		}
		assert_int_equal(ret, 0);
		assert_string_equal(ref.runtime, cases[i].runtime);
		assert_string_equal(ref.id, cases[i].id);
		assert_string_equal(ref.name, cases[i].name);
		assert_string_equal(ref.pod_uid, cases[i].pod);
	}
}

/* Docker in docker: the innermost container is the one the process is in. */
static void test_parse_cgroup_innermost(void **state)
{
	struct container_ref ref;

	(void)state;
	assert_int_equal(enrich_parse_cgroup("/docker/" ID64 "/docker/"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &ref), 0);
	assert_string_equal(ref.name, "aaaaaaaaaaaa");
}

static void test_container_matches(void **state)
{
	struct enrich_info info = { .in_container = true };

	(void)state;
	assert_int_equal(enrich_parse_cgroup("/kubepods.slice/kubepods-pod" POD_ ".slice/crio-"
					     ID64 ".scope", &info.container), 0);
	assert_true(enrich_container_matches(&info, "3f4a5b6c7d8e"));	/* name */
	assert_true(enrich_container_matches(&info, "3f4a5b"));		/* id prefix */
	assert_true(enrich_container_matches(&info, ID64));
	assert_true(enrich_container_matches(&info, POD));		/* pod uid */
	assert_false(enrich_container_matches(&info, "3f4"));		/* too short a prefix */
	assert_false(enrich_container_matches(&info, "4f4a5b"));
	assert_false(enrich_container_matches(&info, ""));
	info.in_container = false;
	assert_false(enrich_container_matches(&info, "3f4a5b6c7d8e"));
}

/* A fake /proc: PID/ns/mnt links, PID/cgroup and PID/comm files. */
static void fake_proc(const char *root, int pid, unsigned long mntns, const char *cgroup,
		      const char *comm)
{
	char path[512], target[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/ns", root, pid);
	assert_int_equal(mkdir(path, 0755) == 0 || errno == EEXIST, 1);
	snprintf(path, sizeof(path), "%s/%d/ns/mnt", root, pid);
	snprintf(target, sizeof(target), "mnt:[%lu]", mntns);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/%d/cgroup", root, pid);
	assert_non_null(f = fopen(path, "w"));
	/* hybrid host: v1 lines first, then the unified one */
	fprintf(f, "12:pids:/user.slice\n1:name=systemd:/user.slice\n0::%s\n", cgroup);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%d/comm", root, pid);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "%s\n", comm);
	fclose(f);
}

static void fake_pid_dir(const char *root, int pid)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%d", root, pid);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void rm_rf(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_cache_from_proc(void **state)
{
	char root[] = "/tmp/test_enrich.XXXXXX";
	struct enrich_opts opts = { .proc_root = root, .ttl_ms = 60000, .min_refresh_ms = 1 };
	const struct enrich_info *info;
	struct gadget_err err = { 0 };
	struct enrich *e;
	uint64_t ids[4];

	(void)state;
	assert_non_null(mkdtemp(root));
	fake_pid_dir(root, 1);
	fake_proc(root, 1, 4026531841ul, "/init.scope", "systemd");
	/* two processes in one namespace: the one in the container's cgroup names it */
	fake_pid_dir(root, 200);
	fake_proc(root, 200, 4026532500ul, "/system.slice/containerd.service", "runc:[2:INIT]");
	fake_pid_dir(root, 201);
	fake_proc(root, 201, 4026532500ul, "/system.slice/docker-" ID64 ".scope", "nginx");

	assert_int_equal(enrich_new(&opts, &e, &err), 0);
	assert_int_equal(enrich_lookup_mntns(e, 4026531841ul, &info), 0);
	assert_false(info->in_container);
	assert_string_equal(info->comm, "systemd");
	assert_string_equal(enrich_column_value(info, ENRICH_COL_CONTAINER), "");
	assert_string_equal(enrich_column_value(info, ENRICH_COL_COMM), "");

	assert_int_equal(enrich_lookup_mntns(e, 4026532500ul, &info), 0);
	assert_true(info->in_container);
	assert_int_equal(info->pid, 201);
	assert_string_equal(info->comm, "nginx");
	assert_string_equal(enrich_column_value(info, ENRICH_COL_CONTAINER), "3f4a5b6c7d8e");
	assert_string_equal(enrich_column_value(info, ENRICH_COL_CONTAINER_ID), ID64);
	assert_string_equal(enrich_column_value(info, ENRICH_COL_RUNTIME), "docker");
	assert_string_equal(enrich_column_value(info, ENRICH_COL_COMM), "nginx");

	/* by pid, through /proc (no tracker) */
	assert_int_equal(enrich_lookup_pid(e, 200, &info), 0);
	assert_string_equal(info->container.name, "3f4a5b6c7d8e");
	assert_int_equal(enrich_lookup_pid(e, 999, &info), -ENOENT);

	/* a namespace created after start is found on the miss */
	assert_int_equal(enrich_lookup_mntns(e, 4026532600ul, &info), -ENOENT);
	fake_pid_dir(root, 300);
	fake_proc(root, 300, 4026532600ul, "/kubepods/burstable/pod" POD "/" ID64, "pause");
	usleep(2000);
	assert_int_equal(enrich_lookup_mntns(e, 4026532600ul, &info), 0);
	assert_string_equal(info->container.pod_uid, POD);

	/* --container: both namespaces of that id, nothing else */
	assert_int_equal(enrich_container_mntns(e, "3f4a5b6c7d8e", ids, 4), 2);
	assert_true(ids[0] == 4026532500ul && ids[1] == 4026532600ul);
	assert_int_equal(enrich_container_mntns(e, POD, ids, 4), 1);
	assert_int_equal(enrich_container_mntns(e, "nope", ids, 4), 0);

	/* a namespace whose processes are gone stays known until the ttl */
	rm_rf(root);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(enrich_refresh(e), 0);
	assert_int_equal(enrich_lookup_mntns(e, 4026532500ul, &info), 0);
	assert_string_equal(info->comm, "nginx");
	enrich_free(e);

	opts.ttl_ms = 1;
	assert_int_equal(enrich_new(&opts, &e, &err), 0);
	assert_int_equal(enrich_lookup_mntns(e, 4026532500ul, &info), -ENOENT);
	enrich_free(e);
	rm_rf(root);
}

/* The decoder's computed columns: a row's mount-ns id becomes container columns. */
static void test_schema_columns(void **state)
{
	static struct gadget_field f[] = {
		{ .name = "mntns_id", .offset = 0, .size = 8, .kind = FIELD_UINT,
		  .special = SPECIAL_MNTNS_ID },
		{ .name = "pid", .offset = 8, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_PID },
	};
	static struct gadget_type t = { "struct event", 16, f, 2 };
	char root[] = "/tmp/test_enrich.XXXXXX", out[128];
	struct enrich_opts opts = { .proc_root = root };
	struct gadget_err err = { 0 };
	struct { uint64_t mntns; uint32_t pid, pad; } ev = { 4026532700ul, 1 }, host = { 1, 1 };
	struct row r = { .rec = { (const uint8_t *)&ev, NULL } };
	struct schema *s = schema_new();
	struct enrich *e;
	int c;

	(void)state;
	assert_non_null(mkdtemp(root));
	fake_pid_dir(root, 40);
	fake_proc(root, 40, 4026532700ul, "/system.slice/docker-" ID64 ".scope", "nginx");
	assert_int_equal(schema_add_type(s, &t, ROW_EVENT), 0);
	assert_int_equal(enrich_schema_needs(s), ENRICH_BY_MNTNS);
	assert_int_equal(enrich_new(&opts, &e, &err), 0);
	assert_int_equal(enrich_schema_attach(e, s, &err), 1);

	c = schema_find(s, "container");
	assert_true(c >= 0);
	assert_false(s->cols[c].hidden_by_default);
	column_format(s, &s->cols[c], &r, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "3f4a5b6c7d8e");
	c = schema_find(s, "container_id");
	assert_true(s->cols[c].hidden_by_default);
	column_format(s, &s->cols[c], &r, FMT_JSON, out, sizeof(out));
	assert_string_equal(out, "\"" ID64 "\"");
	column_format(s, &s->cols[schema_find(s, "runtime")], &r, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "docker");
	/* the host's namespace: empty, not a stale value */
	r.rec[ROW_EVENT] = (const uint8_t *)&host;
	column_format(s, &s->cols[schema_find(s, "container")], &r, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "");

	enrich_free(e);
	schema_free(s);
	rm_rf(root);

	/* a pid alone asks for the tracker; nothing at all, no columns */
	s = schema_new();
	t.fields = &f[1];
	t.nr_fields = 1;
	assert_int_equal(schema_add_type(s, &t, ROW_EVENT), 0);
	assert_int_equal(enrich_schema_needs(s), ENRICH_BY_PID);
	schema_free(s);
	s = schema_new();
	t.nr_fields = 0;
	assert_int_equal(schema_add_type(s, &t, ROW_EVENT), 0);
	assert_int_equal(enrich_schema_needs(s), ENRICH_BY_NONE);
	schema_free(s);
	t.fields = f;
	t.nr_fields = 2;
}

/*
 * Enrichment providers are a list: the container columns and the user-name
 * columns of one row, each from its own provider, in one schema.
 */
static void test_two_providers(void **state)
{
	static struct gadget_field f[] = {
		{ .name = "mntns_id", .offset = 0, .size = 8, .kind = FIELD_UINT,
		  .special = SPECIAL_MNTNS_ID },
		{ .name = "uid", .offset = 8, .size = 4, .kind = FIELD_UINT, .special = SPECIAL_UID },
	};
	static const struct gadget_type t = { "struct event", 16, f, 2 };
	char root[] = "/tmp/test_enrich.XXXXXX", passwd[64], out[128];
	struct enrich_opts opts = { .proc_root = root };
	struct gadget_err err = { 0 };
	struct { uint64_t mntns; uint32_t uid, pad; } ev = { 4026532700ul, 4321 };
	struct row r = { .rec = { (const uint8_t *)&ev, NULL } };
	struct schema *s = schema_new();
	struct enrich *e;
	struct users *u;
	FILE *pw;

	(void)state;
	assert_non_null(mkdtemp(root));
	fake_pid_dir(root, 40);
	fake_proc(root, 40, 4026532700ul, "/system.slice/docker-" ID64 ".scope", "nginx");
	snprintf(passwd, sizeof(passwd), "%s/passwd", root);
	assert_non_null(pw = fopen(passwd, "w"));
	fputs("builder:x:4321:4321::/:/bin/sh\n", pw);
	fclose(pw);
	assert_int_equal(schema_add_type(s, &t, ROW_EVENT), 0);
	assert_int_equal(enrich_new(&opts, &e, &err), 0);
	assert_int_equal(users_new(passwd, passwd, &u, &err), 0);
	assert_int_equal(enrich_schema_attach(e, s, &err), 1);
	/* a second provider is welcome (it used to be EBUSY) */
	assert_int_equal(users_schema_attach(u, s, &err), 1);
	assert_int_equal(s->nr_providers, 2);

	column_format(s, &s->cols[schema_find(s, "container")], &r, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "3f4a5b6c7d8e");
	column_format(s, &s->cols[schema_find(s, "user")], &r, FMT_TEXT, out, sizeof(out));
	assert_string_equal(out, "builder");
	column_format(s, &s->cols[schema_find(s, "runtime")], &r, FMT_JSON, out, sizeof(out));
	assert_string_equal(out, "\"docker\"");

	users_free(u);
	enrich_free(e);
	schema_free(s);
	rm_rf(root);
}

static void test_proc_mntns_self(void **state)
{
	uint64_t a, b;

	(void)state;
	assert_int_equal(enrich_proc_mntns(NULL, getpid(), &a), 0);
	assert_int_equal(enrich_proc_mntns("/proc", getpid(), &b), 0);
	assert_true(a > 0 && a == b);
	assert_int_equal(enrich_proc_mntns(NULL, 0x7ffffff0, &a), -ENOENT);
}

/*
 * The pid tracker, on the real kernel: a child that unshares its mount
 * namespace is known by pid, also after it exited, until the ttl.
 */
static void test_pid_tracker(void **state)
{
	struct enrich_pidmap *pm;
	struct gadget_err err = { 0 };
	uint64_t mine, seen, want;
	int pipefd[2], status;
	char c;
	pid_t child;

	(void)state;
	assert_int_equal(enrich_pidmap_new(200, &pm, &err), 0);
	assert_int_equal(pipe(pipefd), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (unshare(CLONE_NEWNS))
			_exit(1);
		assert_int_equal(write(pipefd[1], "x", 1), 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(enrich_proc_mntns(NULL, getpid(), &mine), 0);
	assert_int_equal(enrich_proc_mntns(NULL, child, &want), 0);
	assert_true(want != mine);
	assert_int_equal(enrich_pidmap_lookup(pm, child, &seen), 0);
	assert_true(seen == want);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	/* gone from /proc, still in the map */
	assert_int_equal(enrich_pidmap_lookup(pm, child, &seen), 0);
	assert_true(seen == want);
	assert_int_equal(enrich_pidmap_expire(pm), 0);
	usleep(300 * 1000);
	assert_true(enrich_pidmap_expire(pm) >= 1);
	assert_int_equal(enrich_pidmap_lookup(pm, child, &seen), -ENOENT);
	close(pipefd[0]);
	close(pipefd[1]);
	enrich_pidmap_free(pm);
}

static void test_bad_proc_root(void **state)
{
	struct enrich_opts opts = { .proc_root = "/nonexistent/proc" };
	struct gadget_err err = { 0 };
	struct enrich *e = NULL;

	(void)state;
	assert_int_equal(enrich_new(&opts, &e, &err), -ENOENT);
	assert_null(e);
	assert_non_null(strstr(err.msg, "/nonexistent/proc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cgroup_table),
		cmocka_unit_test(test_parse_cgroup_innermost),
		cmocka_unit_test(test_container_matches),
		cmocka_unit_test(test_cache_from_proc),
		cmocka_unit_test(test_schema_columns),
		cmocka_unit_test(test_two_providers),
		cmocka_unit_test(test_proc_mntns_self),
		cmocka_unit_test(test_bad_proc_root),
		cmocka_unit_test(test_pid_tracker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
