// SPDX-License-Identifier: Apache-2.0
/*
 * A small target BTF for CO-RE, cached per kernel and object.
 *
 * libbpf 1.1 relocates against the kernel's whole BTF: it reads
 * /sys/kernel/btf/vmlinux (5.5 MB on 6.18) into memory and copies it, which
 * was half of the peak RSS of `gadget run` for a gadget that reads four
 * fields.  Like bpftool's `gen min_core_btf`, core_btf_build() keeps only
 * the types and members that the object's CO-RE relocations reach (by the
 * rules libbpf matches them with: essential names, members found by name
 * through anonymous members, compatible kinds at the end of an access),
 * and libbpf is given that file as btf_custom_path.
 *
 * A generated file is used only once it has been proven: core_btf_verify()
 * loads the object against it and compares every program's relocated
 * instructions with a load against the real kernel BTF.  Until then (and
 * for objects it cannot describe) the kernel BTF is used as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "base/file.h"
#include "base/cache_dir.h"
#include "base/err.h"
#include "runtime/core_btf.h"
#include "runtime/run.h"
#include "validator/btf_ext.h"
#include "validator/kernel_feature.h"

struct keep {
	unsigned char *members;		/* composites: which members stay */
	__u32 out_id;			/* 0: not emitted yet */
	bool all;			/* keep every member */
};

/* The kernel types a local type may relocate to (libbpf's candidates). */
struct cands {
	__u32 *ids;
	__u32 n;
	bool done;
};

struct gen {
	const struct btf *local, *vml;
	struct btf *out;
	struct keep *k;			/* by vmlinux type id */
	__u32 nr_types;
	struct cands *cands;		/* by local type id, found once each */
	__u16 *elen;			/* by vmlinux type id: essential name length */
	int error;
};

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id, __u32 *res)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (res)
		*res = id;
	return t;
}

/* libbpf's essential name: "task_struct___old" matches "task_struct". */
static size_t essential_len(const char *name)
{
	const char *f = strstr(name, "___");

	return f ? (size_t)(f - name) : strlen(name);
}

static bool kinds_match(const struct btf_type *a, const struct btf_type *b)
{
	if ((btf_is_enum(a) || btf_is_enum64(a)) && (btf_is_enum(b) || btf_is_enum64(b)))
		return true;
	return btf_kind(a) == btf_kind(b);
}

static bool mark_members(struct gen *g, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(g->vml, id);

	if (!g->k[id].members) {
		g->k[id].members = calloc(btf_vlen(t) + 1, 1);
		if (!g->k[id].members) {
			g->error = -ENOMEM;
			return false;
		}
	}
	return true;
}

/*
 * Member "name" of composite id, looked for through anonymous members the
 * way libbpf does; every member on the way is kept.  Returns the member's
 * type id, 0 if there is no such member.
 */
static __u32 find_member(struct gen *g, __u32 id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(g->vml, id);
	const struct btf_member *m = btf_members(t);

	for (unsigned int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(g->vml, m->name_off);
		__u32 mt;

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			if (!mark_members(g, id))
				return 0;
			g->k[id].members[i] = 1;
			return m->type;
		}
		if (!btf_is_composite(skip_mods(g->vml, m->type, &mt)))
			continue;
		mt = find_member(g, mt, name);
		if (mt) {
			if (!mark_members(g, id))
				return 0;
			g->k[id].members[i] = 1;
			return mt;
		}
	}
	return 0;
}

/* Walk one field access ("0:2:1") of local type lid in candidate cid. */
static void walk_access(struct gen *g, __u32 lid, const char *access, __u32 cid)
{
	const struct btf_type *lt = skip_mods(g->local, lid, &lid);
	const struct btf_type *tt = skip_mods(g->vml, cid, &cid);
	const char *p = access;
	char *end;

	strtoul(p, &end, 10);	/* the first index steps over the root pointer */
	for (p = end; *p == ':'; p = end) {
		unsigned long idx = strtoul(p + 1, &end, 10);

		if (btf_is_composite(lt)) {
			const struct btf_member *m;
			const char *name;
			__u32 mt;

			if (idx >= btf_vlen(lt) || !btf_is_composite(tt))
				return;
			m = btf_members(lt) + idx;
			name = btf__name_by_offset(g->local, m->name_off);
			lt = skip_mods(g->local, m->type, &lid);
			if (!name || !*name)
				continue;	/* anonymous locally: the target is searched by name */
			mt = find_member(g, cid, name);
			if (!mt)
				return;
			tt = skip_mods(g->vml, mt, &cid);
		} else if (btf_is_array(lt) && btf_is_array(tt)) {
			lt = skip_mods(g->local, btf_array(lt)->type, &lid);
			tt = skip_mods(g->vml, btf_array(tt)->type, &cid);
		} else {
			return;
		}
	}
}

static int emit(struct gen *g, __u32 id);

/* A member's type as the output needs it: pointers point to void. */
static int emit_member_type(struct gen *g, __u32 id)
{
	const struct btf_type *t = skip_mods(g->vml, id, &id);

	if (!t)
		return 0;	/* void */
	if (btf_is_ptr(t))
		return btf__add_ptr(g->out, 0);
	return emit(g, id);
}

static int emit_composite(struct gen *g, __u32 id, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	unsigned int n = btf_vlen(t);
	int *types = calloc(n + 1, sizeof(*types)), ret;

	if (!types)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		if (!g->k[id].all && !(g->k[id].members && g->k[id].members[i]))
			continue;
		types[i] = emit_member_type(g, m[i].type);
		if (types[i] < 0) {
			ret = types[i];
			goto out;
		}
	}
	ret = (btf_is_struct(t) ? btf__add_struct : btf__add_union)
		(g->out, btf__name_by_offset(g->vml, t->name_off), t->size);
	g->k[id].out_id = ret > 0 ? ret : 0;
	for (unsigned int i = 0; ret > 0 && i < n; i++) {
		int r;

		if (!g->k[id].all && !(g->k[id].members && g->k[id].members[i]))
			continue;
		r = btf__add_field(g->out, btf__name_by_offset(g->vml, m[i].name_off), types[i],
				   btf_member_bit_offset(t, i), btf_member_bitfield_size(t, i));
		if (r < 0)
			ret = r;
	}
out:
	free(types);
	return ret;
}

static int emit(struct gen *g, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(g->vml, id);
	const char *name;
	int ret = -EOPNOTSUPP;

	if (!id)
		return 0;
	if (g->k[id].out_id)
		return g->k[id].out_id;
	name = btf__name_by_offset(g->vml, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		ret = btf__add_int(g->out, name, t->size, btf_int_encoding(t));
		break;
	case BTF_KIND_FLOAT:
		ret = btf__add_float(g->out, name, t->size);
		break;
	case BTF_KIND_PTR:
		ret = btf__add_ptr(g->out, 0);
		break;
	case BTF_KIND_FWD:
		ret = btf__add_fwd(g->out, name, btf_kflag(t) ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		break;
	case BTF_KIND_ARRAY: {
		int elem = emit_member_type(g, btf_array(t)->type);
		int index = elem < 0 ? elem : emit(g, btf_array(t)->index_type);

		ret = elem < 0 ? elem : index < 0 ? index :
		      btf__add_array(g->out, index, elem, btf_array(t)->nelems);
		break;
	}
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return emit_composite(g, id, t);
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enum(t);

		ret = btf__add_enum(g->out, name, t->size);
		for (unsigned int i = 0; ret > 0 && i < btf_vlen(t); i++, e++) {
			int r = btf__add_enum_value(g->out, btf__name_by_offset(g->vml, e->name_off), e->val);

			if (r < 0)
				ret = r;
		}
		break;
	}
	case BTF_KIND_ENUM64: {
		const struct btf_enum64 *e = btf_enum64(t);

		ret = btf__add_enum64(g->out, name, t->size, btf_kflag(t));
		for (unsigned int i = 0; ret > 0 && i < btf_vlen(t); i++, e++) {
			int r = btf__add_enum64_value(g->out, btf__name_by_offset(g->vml, e->name_off),
						      btf_enum64_value(e));

			if (r < 0)
				ret = r;
		}
		break;
	}
	case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: {
		int under = emit_member_type(g, t->type);

		ret = under < 0 || !btf_is_typedef(t) ? under : btf__add_typedef(g->out, name, under);
		break;
	}
	default:
		break;	/* functions, variables, sections: not reached by a relocation */
	}
	if (ret > 0)
		g->k[id].out_id = ret;
	return ret;
}

/* The .BTF and .BTF.ext sections of an object in memory. */
static int object_sections(const void *obj, size_t len, Elf_Data **btf, Elf_Data **ext, Elf **elf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	*btf = *ext = NULL;
	elf_version(EV_CURRENT);
	*elf = elf_memory((char *)obj, len);
	if (!*elf || elf_getshdrstrndx(*elf, &shstrndx))
		return -EINVAL;
	while ((scn = elf_nextscn(*elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(*elf, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(name, ".BTF"))
			*btf = elf_getdata(scn, NULL);
		else if (!strcmp(name, ".BTF.ext"))
			*ext = elf_getdata(scn, NULL);
	}
	return *btf && *ext ? 0 : -ENOENT;
}

/*
 * The kernel types of local type lid's essential name and a matching kind,
 * found once per local type: an object has hundreds of relocations on a
 * few dozen types, and the kernel 125,000 types to look through.
 */
static const struct cands *find_cands(struct gen *g, __u32 lid, const struct btf_type *lt,
				      const char *lname)
{
	struct cands *c = &g->cands[lid];
	size_t elen = essential_len(lname);

	if (c->done)
		return c;
	for (__u32 id = 1; id < g->nr_types; id++) {
		const struct btf_type *ct;
		__u32 *ids;

		if (g->elen[id] != elen)
			continue;
		ct = btf__type_by_id(g->vml, id);
		if (strncmp(btf__name_by_offset(g->vml, ct->name_off), lname, elen) || !kinds_match(lt, ct))
			continue;
		ids = realloc(c->ids, (c->n + 1) * sizeof(*ids));
		if (!ids) {
			g->error = -ENOMEM;
			return NULL;
		}
		c->ids = ids;
		c->ids[c->n++] = id;
	}
	c->done = true;
	return c;
}

/* Mark what one relocation reaches, in every candidate of its root type. */
static int mark_relo(struct gen *g, const struct bpf_core_relo *r)
{
	const struct btf_type *lt = btf__type_by_id(g->local, r->type_id);
	const char *lname = lt ? btf__name_by_offset(g->local, lt->name_off) : NULL;
	const char *access = btf__name_by_offset(g->local, r->access_str_off);
	const struct cands *c;

	if (r->kind == BPF_CORE_TYPE_ID_LOCAL)
		return 0;
	/* a target type id would be an id of our file, not of the kernel */
	if (r->kind == BPF_CORE_TYPE_ID_TARGET || !lt || !lname || !*lname || !access)
		return -EOPNOTSUPP;
	c = find_cands(g, r->type_id, lt, lname);
	if (!c)
		return g->error;
	for (__u32 i = 0; i < c->n; i++) {
		__u32 id = c->ids[i];

		switch (r->kind) {
		case BPF_CORE_FIELD_BYTE_OFFSET: case BPF_CORE_FIELD_BYTE_SIZE:
		case BPF_CORE_FIELD_EXISTS: case BPF_CORE_FIELD_SIGNED:
		case BPF_CORE_FIELD_LSHIFT_U64: case BPF_CORE_FIELD_RSHIFT_U64:
			walk_access(g, r->type_id, access, id);
			break;
		default:
			/* type and enum value relocations: the whole type */
			g->k[id].all = true;
			break;
		}
		if (g->error)
			return g->error;
		/* emitted at the end: roots of the output */
		if (!g->k[id].members && !g->k[id].all && !mark_members(g, id))
			return g->error;
	}
	return 0;
}

static int core_relo_visit(void *ctx, uint32_t sec_name_off, const uint8_t *rec, uint32_t rec_size)
{
	struct bpf_core_relo r;

	(void)sec_name_off;
	(void)rec_size;
	memcpy(&r, rec, sizeof(r));
	return mark_relo(ctx, &r);
}

/* -ENOENT: nothing to relocate, so libbpf reads no kernel BTF either. */
static int mark_relos(struct gen *g, const Elf_Data *ext)
{
	return btfext_walk(ext->d_buf, ext->d_size, BTFEXT_CORE_RELO, sizeof(struct bpf_core_relo),
			   core_relo_visit, g);
}

/* Every kernel type's essential name length (0: anonymous), looked at once. */
static int index_names(struct gen *g)
{
	g->elen = calloc(g->nr_types, sizeof(*g->elen));
	if (!g->elen)
		return -ENOMEM;
	for (__u32 id = 1; id < g->nr_types; id++) {
		const char *n = btf__name_by_offset(g->vml, btf__type_by_id(g->vml, id)->name_off);
		size_t len = n ? essential_len(n) : 0;

		g->elen[id] = len > UINT16_MAX ? UINT16_MAX : len;
	}
	return 0;
}

int core_btf_build(const void *obj, size_t len, const char *path)
{
	struct gen g = { 0 };
	Elf_Data *btf_data, *ext;
	struct btf *local = NULL, *vml = NULL;
	const void *raw;
	__u32 raw_len;
	Elf *elf = NULL;
	int ret;

	ret = object_sections(obj, len, &btf_data, &ext, &elf);
	if (!ret && !btfext_has(ext->d_buf, ext->d_size, BTFEXT_CORE_RELO))
		ret = -ENOENT;	/* nothing to relocate: libbpf reads no kernel BTF either */
	if (!ret) {
		local = btf__new(btf_data->d_buf, btf_data->d_size);
		vml = btf__load_vmlinux_btf();
		g.out = btf__new_empty();
		if (!local || !vml || !g.out)
			ret = errno ? -errno : -ENOMEM;
	}
	if (!ret) {
		g.local = local;
		g.vml = vml;
		g.nr_types = btf__type_cnt(vml);
		g.k = calloc(g.nr_types, sizeof(*g.k));
		g.cands = calloc(btf__type_cnt(local), sizeof(*g.cands));
		ret = g.k && g.cands ? index_names(&g) : -ENOMEM;
	}
	if (!ret)
		ret = mark_relos(&g, ext);
	for (__u32 id = 1; !ret && id < g.nr_types; id++) {
		int r = g.k[id].members || g.k[id].all ? emit(&g, id) : 0;

		if (r < 0)
			ret = r;
	}
	if (!ret) {
		struct gadget_err err = { 0 };

		raw = btf__raw_data(g.out, &raw_len);
		ret = raw ? file_write_atomic(path, raw, raw_len, &err) : -ENOMEM;
	}
	for (__u32 id = 0; g.k && id < g.nr_types; id++)
		free(g.k[id].members);
	for (__u32 id = 0; g.cands && id < btf__type_cnt(local); id++)
		free(g.cands[id].ids);
	free(g.cands);
	free(g.elen);
	free(g.k);
	btf__free(g.out);
	btf__free(vml);
	btf__free(local);
	elf_end(elf);
	return ret;
}

/* FNV-1a: the cache key must not pull in OpenSSL (2 MB of RSS to start it). */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * The cache file for this kernel and object: the kernel's build id (in
 * /sys/kernel/notes, a few hundred bytes) with its release, version and
 * BTF size stand for the 5.5 MB BTF itself, which is not read to check.
 * A wrong file cannot be picked silently: what core_btf_learn()
 * keeps relocates the object it was made for exactly as the kernel's BTF
 * does, and an object it does not describe fails to relocate.  A kernel
 * without BTF has no cache file: there is nothing to learn from (a run on
 * it relocates against the image's btfgen BTF, runtime/btfgen.h), and the
 * learner, which starts here, never reads a kernel BTF that is absent.
 */
int core_btf_cache_path(const void *obj, size_t len, char *path, size_t cap)
{
	char dir[PATH_MAX], notes[4096];
	struct gadget_err err = { 0 };
	uint64_t h = 0xcbf29ce484222325ULL;
	struct utsname u;
	struct stat st;
	ssize_t n = -1;
	int fd, ret;

	if (cache_dir_default(dir, sizeof(dir), &err) || uname(&u) || stat(KERNEL_BTF_PATH, &st))
		return -ENOENT;
	fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, notes, sizeof(notes));
		close(fd);
	}
	h = fnv1a(h, "core-btf 1", 11);
	h = fnv1a(h, u.release, strlen(u.release) + 1);
	h = fnv1a(h, u.version, strlen(u.version) + 1);
	h = fnv1a(h, &st.st_size, sizeof(st.st_size));
	if (n > 0)
		h = fnv1a(h, notes, n);
	h = fnv1a(h, &len, sizeof(len));
	h = fnv1a(h, obj, len);
	if (strlen(dir) + 16 >= sizeof(dir))
		return -ENAMETOOLONG;
	strcat(dir, "/core-btf");
	ret = mkdir_parents(dir, 0700);
	if (ret)
		return ret;
	if ((size_t)snprintf(path, cap, "%s/%016llx.btf", dir, (unsigned long long)h) >= cap)
		return -ENAMETOOLONG;
	return 0;
}

/* ---- learning: make the file after a load, keep it only once proven ---- */

/* Same relocated instructions, map references aside (their fds differ). */
static bool same_insns(const struct bpf_program *a, const struct bpf_program *b)
{
	const struct bpf_insn *x = bpf_program__insns(a), *y = bpf_program__insns(b);
	size_t n = bpf_program__insn_cnt(a);

	if (!n || n != bpf_program__insn_cnt(b))
		return false;
	for (size_t i = 0; i < n; i++) {
		bool map_ref = x[i].code == (BPF_LD | BPF_IMM | BPF_DW) && x[i].src_reg &&
			       x[i].src_reg != BPF_PSEUDO_FUNC && i + 1 < n;

		if (x[i].code != y[i].code || x[i].dst_reg != y[i].dst_reg ||
		    x[i].src_reg != y[i].src_reg || x[i].off != y[i].off)
			return false;
		if (map_ref) {
			i++;	/* the fd, then the offset into the map's value */
			if (x[i].imm != y[i].imm)
				return false;
			continue;
		}
		if (x[i].imm != y[i].imm)
			return false;
	}
	return true;
}

void core_btf_learn(const void *obj, size_t len, struct bpf_object *live)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	struct bpf_program *p, *q;
	struct bpf_object *o;
	bool same = true;
	int ret;

	if (core_btf_cache_path(obj, len, path, sizeof(path)) || !access(path, F_OK))
		return;
	bpf_object__for_each_program(p, live)
		if (prog_type_needs_kernel_btf(bpf_program__type(p)))
			return;
	/* an unguessable name beside the cache file (mkstemp): nothing planted there is used */
	ret = file_temp_create(path, NULL, 0644, tmp, sizeof(tmp));
	if (ret < 0)
		return;
	close(ret);
	ret = core_btf_build(obj, len, tmp);
	if (ret) {
		unlink(tmp);
		return;
	}
	oopts.object_name = bpf_object__name(live);
	oopts.btf_custom_path = tmp;
	o = bpf_object__open_mem(obj, len, &oopts);
	if (o)
		runtime_object_fixup(o, NULL, 0);
	if (!o || bpf_object__load(o)) {
		same = false;
	} else {
		bpf_object__for_each_program(p, live) {
			q = bpf_object__find_program_by_name(o, bpf_program__name(p));
			if (!q || !same_insns(p, q))
				same = false;
		}
	}
	bpf_object__close(o);
	if (!same || rename(tmp, path))
		unlink(tmp);
}
