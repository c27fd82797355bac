// SPDX-License-Identifier: Apache-2.0
/* Enrichment: cgroup path -> container, and the mount-ns cache from /proc. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/array.h"
#include "runtime/enrich.h"
#include "runtime/format.h"
#include "runtime/schema.h"

/*
 * How container runtimes name the cgroup of a container, one row per
 * naming scheme.  A path component matches a row when it is
 * prefix + ID + suffix (and, if parent is set, the component before it
 * equals parent, or starts with it when parent_is_prefix).  hex_id rows
 * want a 64-hex-digit id, which also keeps helper scopes such as
 * "crio-conmon-<id>.scope" and "libpod-conmon-<id>.scope" out.
 */
struct cgroup_pattern {
	const char *runtime;
	const char *parent;
	bool parent_is_prefix;
	const char *prefix;
	const char *suffix;
	bool hex_id;
};

static const struct cgroup_pattern cgroup_patterns[] = {
	/* systemd cgroup driver: .../system.slice/docker-<id>.scope */
	{ "docker",	    NULL,		false, "docker-",	  ".scope", true },
	/* cgroupfs driver: /docker/<id> */
	{ "docker",	    "docker",		false, "",		  "",	    true },
	/* kubepods.slice/.../cri-containerd-<id>.scope */
	{ "containerd",	    NULL,		false, "cri-containerd-", ".scope", true },
	{ "containerd",	    NULL,		false, "nerdctl-",	  ".scope", true },
	/* kubepods.slice/.../crio-<id>.scope */
	{ "cri-o",	    NULL,		false, "crio-",		  ".scope", true },
	/* user.slice/.../libpod-<id>.scope, or /libpod_parent/libpod-<id> */
	{ "podman",	    NULL,		false, "libpod-",	  ".scope", true },
	{ "podman",	    "libpod_parent",	false, "libpod-",	  "",	    true },
	/* cgroupfs driver under Kubernetes: /kubepods/burstable/pod<uid>/<id> */
	{ "kubernetes",	    "pod",		true,  "",		  "",	    true },
	/* systemd-nspawn / machined: machine.slice/machine-<name>.scope */
	{ "systemd-nspawn", NULL,		false, "machine-",	  ".scope", false },
};

const struct enrich_column_def enrich_columns[ENRICH_COL_MAX] = {
	[ENRICH_COL_CONTAINER]	  = { "container",    12 },
	[ENRICH_COL_CONTAINER_ID] = { "container_id", 64 },
	[ENRICH_COL_RUNTIME]	  = { "runtime",      10 },
	[ENRICH_COL_POD_UID]	  = { "pod_uid",      36 },
	[ENRICH_COL_COMM]	  = { "container_comm", 16 },
};

const char *enrich_column_value(const struct enrich_info *info, enum enrich_column col)
{
	if (!info)
		return "";
	switch (col) {
	case ENRICH_COL_CONTAINER:
		return info->in_container ? info->container.name : "";
	case ENRICH_COL_CONTAINER_ID:
		return info->in_container ? info->container.id : "";
	case ENRICH_COL_RUNTIME:
		return info->in_container ? info->container.runtime : "";
	case ENRICH_COL_POD_UID:
		return info->container.pod_uid;
	case ENRICH_COL_COMM:
		/* the host namespace's "main process" is whichever pid came first: noise */
		return info->in_container ? info->comm : "";
	case ENRICH_COL_MAX:
		break;
	}
	return "";
}

static bool is_hex64(const char *s, size_t len)
{
	if (len != 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

static bool component_eq(const char *c, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(c, s, len);
}

static bool component_match(const struct cgroup_pattern *p, const char *parent, size_t plen,
			    const char *c, size_t len, const char **id, size_t *idlen)
{
	size_t pre = strlen(p->prefix), suf = strlen(p->suffix);

	if (p->parent) {
		size_t n = strlen(p->parent);

		if (!parent)
			return false;
		if (p->parent_is_prefix ? (plen < n || memcmp(parent, p->parent, n))
					: !component_eq(parent, plen, p->parent))
			return false;
	}
	if (len <= pre + suf || memcmp(c, p->prefix, pre) || memcmp(c + len - suf, p->suffix, suf))
		return false;
	*id = c + pre;
	*idlen = len - pre - suf;
	if (p->hex_id)
		return is_hex64(*id, *idlen);
	return *idlen <= ENRICH_ID_LEN;
}

/*
 * Kubernetes pod uids: "pod<uid>" (cgroupfs) or
 * "kubepods-<qos>-pod<uid_with_underscores>.slice" (systemd driver).
 */
static bool component_pod_uid(const char *c, size_t len, char *uid)
{
	const char *start = NULL;
	size_t n;

	if (len > 3 && !memcmp(c, "pod", 3)) {
		start = c + 3;
	} else if (len > 6 && !memcmp(c + len - 6, ".slice", 6)) {
		for (const char *p = c; p + 4 <= c + len; p++)
			if (!memcmp(p, "-pod", 4))
				start = p + 4;
		len -= 6;
	}
	if (!start)
		return false;
	n = c + len - start;
	if (n != ENRICH_POD_UID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = start[i];

		if (ch == '_')
			ch = '-';
		if (!isxdigit((unsigned char)ch) && ch != '-')
			return false;
		uid[i] = ch;
	}
	uid[n] = '\0';
	return true;
}

int enrich_parse_cgroup(const char *path, struct container_ref *ref)
{
	const char *parent = NULL, *c = path;
	size_t plen = 0;
	bool found = false;
	char uid[ENRICH_POD_UID_LEN + 1] = "";

	memset(ref, 0, sizeof(*ref));
	while (*c) {
		const char *end = strchrnul(c, '/');
		size_t len = end - c;

		if (len) {
			const char *id;
			size_t idlen;

			component_pod_uid(c, len, uid);
			for (size_t i = 0; i < sizeof(cgroup_patterns) / sizeof(cgroup_patterns[0]); i++) {
				const struct cgroup_pattern *p = &cgroup_patterns[i];

				if (!component_match(p, parent, plen, c, len, &id, &idlen))
					continue;
				ref->runtime = p->runtime;
				memcpy(ref->id, id, idlen);
				ref->id[idlen] = '\0';
				/* docker ps habit: 12 characters name a container */
				snprintf(ref->name, sizeof(ref->name), "%.*s",
					 p->hex_id ? 12 : (int)idlen, id);
				/* a pod uid belongs to the containers below it only */
				memcpy(ref->pod_uid, uid, sizeof(uid));
				found = true;
				break;
			}
			parent = c;
			plen = len;
		}
		c = *end ? end + 1 : end;
	}
	return found ? 0 : -ENOENT;
}

bool enrich_container_matches(const struct enrich_info *info, const char *name)
{
	size_t n = strlen(name);

	if (!info->in_container || !n)
		return false;
	if (!strcmp(info->container.name, name))
		return true;
	if (n >= 4 && !strncmp(info->container.id, name, n))
		return true;
	return info->container.pod_uid[0] && !strcmp(info->container.pod_uid, name);
}

/* ---- the mount-ns cache ---- */

struct enrich_entry {
	struct enrich_info info;
	uint64_t last_seen_ms;
};

struct enrich {
	char proc_root[256];
	unsigned int ttl_ms, min_refresh_ms;
	struct enrich_entry *entries;	/* sorted by info.mntns */
	size_t nr_entries;
	uint64_t last_refresh_ms;
	struct enrich_pidmap *pidmap;
	uint64_t last_expire_ms;
	/* the last hit: every computed column of a row asks for the same one */
	struct enrich_entry *last;
	uint64_t row_seq;		/* the row enrich_row() answered last */
	const struct enrich_info *row_info;
	/* enrich_schema_attach: which column of a row names the process */
	const struct gadget_field *row_field;
	enum row_src row_src;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int enrich_proc_mntns(const char *proc_root, pid_t pid, uint64_t *mntns)
{
	char path[320], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%d/ns/mnt", proc_root ? proc_root : "/proc", (int)pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	/* "mnt:[4026531841]" */
	if (sscanf(link, "mnt:[%" SCNu64 "]", mntns) != 1)
		return -EINVAL;
	return 0;
}

static int read_small_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (int)n;
}

/*
 * The container of a process from /proc/PID/cgroup.  The cgroup2 line
 * ("0::/path") is tried first; on hybrid hosts a v1 hierarchy may carry
 * the runtime's path when the v2 one does not.
 */
static bool proc_container(const char *proc_root, pid_t pid, struct container_ref *ref)
{
	char path[320], buf[8192];
	char *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/%d/cgroup", proc_root, (int)pid);
	if (read_small_file(path, buf, sizeof(buf)) <= 0)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		char copy[sizeof(buf)];

		memcpy(copy, buf, sizeof(buf));
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			bool v2 = !strncmp(line, "0::", 3);
			char *p = strchr(line, ':');

			if (v2 != (pass == 0) || !p || !(p = strchr(p + 1, ':')))
				continue;
			if (!enrich_parse_cgroup(p + 1, ref))
				return true;
		}
	}
	return false;
}

static void proc_info(const char *proc_root, pid_t pid, uint64_t mntns, struct enrich_info *info)
{
	char path[320];
	int n;

	memset(info, 0, sizeof(*info));
	info->mntns = mntns;
	info->pid = pid;
	snprintf(path, sizeof(path), "%s/%d/comm", proc_root, (int)pid);
	n = read_small_file(path, info->comm, sizeof(info->comm));
	if (n > 0 && info->comm[n - 1] == '\n')
		info->comm[n - 1] = '\0';
	info->in_container = proc_container(proc_root, pid, &info->container);
}

struct ns_pid {
	uint64_t mntns;
	pid_t pid;
};

static int ns_pid_cmp(const void *a, const void *b)
{
	const struct ns_pid *x = a, *y = b;

	if (x->mntns != y->mntns)
		return x->mntns < y->mntns ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct enrich_entry *x = a, *y = b;

	return (x->info.mntns > y->info.mntns) - (x->info.mntns < y->info.mntns);
}

static int scan_proc(const char *proc_root, struct ns_pid **out, size_t *nr)
{
	struct ns_pid *v = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(proc_root);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		uint64_t mntns;

		if (*end || pid <= 0 || enrich_proc_mntns(proc_root, pid, &mntns))
			continue;
		if (array_grow(v, n)) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v[n++] = (struct ns_pid){ mntns, (pid_t)pid };
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), ns_pid_cmp);
	*out = v;
	*nr = n;
	return 0;
}

/* Per namespace, the first few processes are asked for a container cgroup. */
#define ENRICH_PROBE_PIDS 4

int enrich_refresh(struct enrich *e)
{
	struct enrich_entry *fresh;
	struct ns_pid *v = NULL;
	size_t n = 0, nf = 0, nscan, i, j, k;
	uint64_t now = now_ms();
	int err;

	err = scan_proc(e->proc_root, &v, &n);
	if (err)
		return err;
	fresh = calloc(n + e->nr_entries + 1, sizeof(*fresh));
	if (!fresh) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < n; i = j) {
		struct enrich_entry *f = &fresh[nf++];

		for (j = i; j < n && v[j].mntns == v[i].mntns; j++)
			;
		for (k = i; k < j && k < i + ENRICH_PROBE_PIDS; k++) {
			proc_info(e->proc_root, v[k].pid, v[k].mntns, &f->info);
			if (f->info.in_container)
				break;
		}
		if (!f->info.pid)	/* every probed process vanished meanwhile */
			proc_info(e->proc_root, v[i].pid, v[i].mntns, &f->info);
		f->last_seen_ms = now;
	}
	free(v);
	/* Keep namespaces that vanished less than ttl ago: late events still resolve. */
	nscan = nf;
	for (i = 0; i < e->nr_entries; i++) {
		struct enrich_entry *old = &e->entries[i];

		if (now - old->last_seen_ms >= e->ttl_ms)
			continue;
		if (bsearch(old, fresh, nscan, sizeof(*fresh), entry_cmp))
			continue;
		fresh[nf++] = *old;
	}
	if (nf > nscan)
		qsort(fresh, nf, sizeof(*fresh), entry_cmp);
	free(e->entries);
	e->last = NULL;
	e->row_seq = 0;
	e->entries = fresh;
	e->nr_entries = nf;
	e->last_refresh_ms = now;
	return 0;
}

static struct enrich_entry *cache_find(struct enrich *e, uint64_t mntns)
{
	struct enrich_entry key = { .info.mntns = mntns };

	if (!e->nr_entries)
		return NULL;
	return bsearch(&key, e->entries, e->nr_entries, sizeof(key), entry_cmp);
}

int enrich_lookup_mntns(struct enrich *e, uint64_t mntns, const struct enrich_info **info)
{
	struct enrich_entry *ent = e->last && e->last->info.mntns == mntns ? e->last : cache_find(e, mntns);

	if (!ent && now_ms() - e->last_refresh_ms >= e->min_refresh_ms) {
		enrich_refresh(e);
		ent = cache_find(e, mntns);
	}
	if (!ent)
		return -ENOENT;
	e->last = ent;
	*info = &ent->info;
	return 0;
}

int enrich_lookup_pid(struct enrich *e, pid_t pid, const struct enrich_info **info)
{
	uint64_t mntns;
	int err = -ENOENT;

	if (e->pidmap) {
		uint64_t now = now_ms();

		/* a sweep walks the whole map: not more often than half the ttl */
		if (now - e->last_expire_ms >= e->ttl_ms / 2) {
			enrich_pidmap_expire(e->pidmap);
			e->last_expire_ms = now;
		}
		err = enrich_pidmap_lookup(e->pidmap, pid, &mntns);
	}
	if (err)
		err = enrich_proc_mntns(e->proc_root, pid, &mntns);
	if (err)
		return err;
	return enrich_lookup_mntns(e, mntns, info);
}

int enrich_lookup_field(struct enrich *e, const struct gadget_field *f, const uint8_t *rec,
			const struct enrich_info **info)
{
	uint64_t v = field_raw_u64(f, rec);

	switch (enrich_by_field(f)) {
	case ENRICH_BY_MNTNS:
		return enrich_lookup_mntns(e, v, info);
	case ENRICH_BY_PID:
		return enrich_lookup_pid(e, (pid_t)v, info);
	default:
		return -ENOENT;
	}
}

int enrich_container_mntns(struct enrich *e, const char *name, uint64_t *ids, size_t max)
{
	size_t n = 0;
	int err = enrich_refresh(e);

	if (err)
		return err;
	for (size_t i = 0; i < e->nr_entries && n < max; i++)
		if (enrich_container_matches(&e->entries[i].info, name))
			ids[n++] = e->entries[i].info.mntns;
	return (int)n;
}

int enrich_new(const struct enrich_opts *opts, struct enrich **out, struct gadget_err *err)
{
	struct enrich *e = calloc(1, sizeof(*e));
	int ret;

	if (!e)
		return gadget_err_set(err, ENOMEM, "enrichment: out of memory");
	snprintf(e->proc_root, sizeof(e->proc_root), "%s",
		 opts && opts->proc_root ? opts->proc_root : "/proc");
	e->ttl_ms = opts && opts->ttl_ms ? opts->ttl_ms : 30000;
	e->min_refresh_ms = opts && opts->min_refresh_ms ? opts->min_refresh_ms : 100;
	if (opts && opts->track_pids) {
		ret = enrich_pidmap_new(e->ttl_ms, &e->pidmap, err);
		if (ret) {
			enrich_free(e);
			return ret;
		}
	}
	ret = enrich_refresh(e);
	if (ret) {
		gadget_err_set(err, -ret, "enrichment: cannot scan %s: %s", e->proc_root, strerror(-ret));
		enrich_free(e);
		return ret;
	}
	*out = e;
	return 0;
}

void enrich_free(struct enrich *e)
{
	if (!e)
		return;
	enrich_pidmap_free(e->pidmap);
	free(e->entries);
	free(e);
}

/* ---- the decoder's computed columns ---- */

enum enrich_by enrich_by_field(const struct gadget_field *f)
{
	if (!f)
		return ENRICH_BY_NONE;
	if (special_type_has(f->special, SPECIAL_F_MNTNS))
		return ENRICH_BY_MNTNS;
	return special_type_has(f->special, SPECIAL_F_PID) ? ENRICH_BY_PID : ENRICH_BY_NONE;
}

/* The column a row is enriched by (enrich_by_field's best, the first of equals). */
static const struct column *schema_key_column(const struct schema *s, enum enrich_by *by)
{
	const struct column *best = NULL;

	*by = ENRICH_BY_NONE;
	for (unsigned int i = 0; i < s->nr_cols; i++) {
		enum enrich_by b = enrich_by_field(s->cols[i].field);

		if (b > *by) {
			*by = b;
			best = &s->cols[i];
		}
	}
	return best;
}

enum enrich_by enrich_schema_needs(const struct schema *s)
{
	enum enrich_by by;

	schema_key_column(s, &by);
	return by;
}

const struct enrich_info *enrich_row(struct enrich *e, const struct row *r)
{
	const struct enrich_info *info = NULL;
	const uint8_t *rec;

	if (!e || !e->row_field || !(rec = r->rec[e->row_src]))
		return NULL;
	/* the five computed columns of a row: one lookup (for a pid, a map read) */
	if (r->seq && r->seq == e->row_seq)
		return e->row_info;
	if (enrich_lookup_field(e, e->row_field, rec, &info))
		info = NULL;
	e->row_seq = r->seq;
	e->row_info = info;
	return info;
}

static const char *enrich_extra(void *ctx, const struct row *r, unsigned int idx)
{
	if (idx >= ENRICH_COL_MAX)
		return NULL;
	return enrich_column_value(enrich_row(ctx, r), (enum enrich_column)idx);
}

int enrich_schema_attach(struct enrich *e, struct schema *s, struct gadget_err *err)
{
	enum enrich_by by;
	const struct column *c = schema_key_column(s, &by);
	int provider, ret = 0;

	if (!c)
		return 0;
	e->row_field = c->field;
	e->row_src = c->src;
	provider = schema_add_provider(s, enrich_extra, e);
	for (unsigned int i = 0; provider >= 0 && !ret && i < ENRICH_COL_MAX; i++) {
		if (schema_find(s, enrich_columns[i].name) >= 0)
			continue;	/* the gadget's own field of that name wins */
		ret = schema_add_extra(s, provider, enrich_columns[i].name, enrich_columns[i].width,
				       (int)i, i != ENRICH_COL_CONTAINER);
	}
	if (provider < 0 || ret)
		return gadget_err_set(err, ENOMEM, "enrichment: %s", strerror(ENOMEM));
	return 1;
}
