// SPDX-License-Identifier: Apache-2.0
/* The symbolizer: kallsyms, /proc/PID/maps and ELF symbol tables, loaded lazily, cached. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/array.h"
#include "runtime/symbolizer.h"

/* snprintf's length, capped to what fits. */
static size_t fit(int n, size_t cap)
{
	if (n < 0 || !cap)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

struct sym {
	uint64_t addr, size;	/* size 0: up to the next symbol */
	const char *name;	/* into the owner's string pool */
};

struct symtab {
	struct sym *syms;
	size_t nr;
	char *pool;
	size_t pool_len, pool_cap;
};

struct segment {
	uint64_t offset, filesz, vaddr;
};

struct elf_file {
	dev_t dev;
	ino_t ino;
	struct symtab tab;
	struct segment *segs;
	size_t nr_segs;
	struct elf_file *next;
};

struct mapping {
	uint64_t start, end, pgoff;
	char *path;		/* as in /proc/PID/maps */
	struct elf_file *file;	/* NULL until needed, or no ELF */
	bool tried;
};

struct proc {
	int pid;
	double loaded_at;	/* CLOCK_MONOTONIC seconds */
	struct mapping *maps;
	size_t nr;
	struct proc *next;
};

struct symbolizer {
	char *kallsyms_path, *proc_path;
	struct symtab kernel;
	bool kernel_loaded;
	struct proc *procs;
	struct elf_file *files;
};

static int tab_add(struct symtab *t, uint64_t addr, uint64_t size, const char *name)
{
	size_t n = strlen(name) + 1;

	if (array_grow(t->syms, t->nr))
		return -ENOMEM;
	if (t->pool_len + n > t->pool_cap) {
		size_t cap = t->pool_cap ? t->pool_cap * 2 : 65536;
		char *p;

		while (cap < t->pool_len + n)
			cap *= 2;
		p = realloc(t->pool, cap);
		if (!p)
			return -ENOMEM;
		t->pool = p;
		t->pool_cap = cap;
	}
	memcpy(t->pool + t->pool_len, name, n);
	/* names are offsets until tab_finish(): the pool may still move */
	t->syms[t->nr++] = (struct sym){ addr, size, (const char *)(uintptr_t)t->pool_len };
	t->pool_len += n;
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static void tab_finish(struct symtab *t)
{
	for (size_t i = 0; i < t->nr; i++)
		t->syms[i].name = t->pool + (uintptr_t)t->syms[i].name;
	if (t->nr)	/* a file without symbols has no array at all */
		qsort(t->syms, t->nr, sizeof(*t->syms), sym_cmp);
}

static void tab_free(struct symtab *t)
{
	free(t->syms);
	free(t->pool);
}

/* The last symbol at or below addr, if addr is inside it. */
static const struct sym *tab_find(const struct symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	if (t->syms[lo - 1].size && addr >= t->syms[lo - 1].addr + t->syms[lo - 1].size)
		return NULL;
	return &t->syms[lo - 1];
}

int symbolizer_new(const char *kallsyms, const char *proc, struct symbolizer **out)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->kallsyms_path = strdup(kallsyms ? kallsyms : "/proc/kallsyms");
	s->proc_path = strdup(proc ? proc : "/proc");
	if (!s->kallsyms_path || !s->proc_path) {
		symbolizer_free(s);
		return -ENOMEM;
	}
	elf_version(EV_CURRENT);
	*out = s;
	return 0;
}

static void procs_free(struct proc *p)
{
	while (p) {
		struct proc *next = p->next;

		for (size_t i = 0; i < p->nr; i++)
			free(p->maps[i].path);
		free(p->maps);
		free(p);
		p = next;
	}
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	tab_free(&s->kernel);
	procs_free(s->procs);
	for (struct elf_file *f = s->files, *next; f; f = next) {
		next = f->next;
		tab_free(&f->tab);
		free(f->segs);
		free(f);
	}
	free(s->kallsyms_path);
	free(s->proc_path);
	free(s);
}

/* ---- kernel ---- */

static void load_kallsyms(struct symbolizer *s)
{
	char line[512], name[256], type;
	unsigned long long addr;
	FILE *f;

	s->kernel_loaded = true;
	f = fopen(s->kallsyms_path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		/* text symbols only: data symbols would swallow the gaps */
		if (type != 'T' && type != 't' && type != 'W' && type != 'w')
			continue;
		if (tab_add(&s->kernel, addr, 0, name))
			break;
	}
	fclose(f);
	tab_finish(&s->kernel);
}

size_t symbolizer_kernel(struct symbolizer *s, uint64_t addr, char *out, size_t cap)
{
	const struct sym *sym;

	if (!s->kernel_loaded)
		load_kallsyms(s);
	sym = tab_find(&s->kernel, addr);
	return fit(snprintf(out, cap, "%s", sym ? sym->name : "[unknown]"), cap);
}

/* ---- user ---- */

static void elf_read_syms(Elf *e, struct elf_file *f)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(d, i, &sym) || !sym.st_value || sym.st_shndx == SHN_UNDEF)
				continue;
			if (GELF_ST_TYPE(sym.st_info) != STT_FUNC && GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC)
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (name && *name && tab_add(&f->tab, sym.st_value, sym.st_size, name))
				return;
		}
	}
}

static void elf_read_segments(Elf *e, struct elf_file *f)
{
	size_t n = 0;

	if (elf_getphdrnum(e, &n) || !n)
		return;
	f->segs = calloc(n, sizeof(*f->segs));
	for (size_t i = 0; f->segs && i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, i, &ph) && ph.p_type == PT_LOAD)
			f->segs[f->nr_segs++] = (struct segment){ ph.p_offset, ph.p_filesz, ph.p_vaddr };
	}
}

static struct elf_file *elf_file_get(struct symbolizer *s, int pid, const char *path)
{
	char full[PATH_MAX];
	struct elf_file *f;
	struct stat st;
	Elf *e;
	int fd;

	snprintf(full, sizeof(full), "%s/%d/root%s", s->proc_path, pid, path);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	for (f = s->files; f; f = f->next)
		if (f->dev == st.st_dev && f->ino == st.st_ino) {
			close(fd);
			return f;
		}
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		return NULL;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (e && elf_kind(e) == ELF_K_ELF) {
		elf_read_syms(e, f);
		elf_read_segments(e, f);
	}
	elf_end(e);
	close(fd);
	tab_finish(&f->tab);
	/* a file that is no ELF is cached too: it is not read again */
	f->next = s->files;
	s->files = f;
	return f;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct proc *proc_load(struct symbolizer *s, int pid)
{
	char path[300], line[4608], perms[8], name[4096];	/* %4095 below */
	unsigned long long start, end, off, ino;
	struct proc *p = calloc(1, sizeof(*p));
	FILE *f;

	if (!p)
		return NULL;
	p->pid = pid;
	p->loaded_at = now_s();
	snprintf(path, sizeof(path), "%s/%d/maps", s->proc_path, pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char dev[32];

		name[0] = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %31s %llu %4095[^\n]", &start, &end, perms, &off,
			   dev, &ino, name) < 6 || !strchr(perms, 'x'))
			continue;
		/* what cannot be kept is not symbolized: the address is printed */
		if (array_grow(p->maps, p->nr))
			break;
		p->maps[p->nr] = (struct mapping){ start, end, off, strdup(name + strspn(name, " ")) };
		if (p->maps[p->nr].path)
			p->nr++;
	}
	if (f)
		fclose(f);
	p->next = s->procs;
	s->procs = p;
	return p;
}

static void proc_forget(struct symbolizer *s, struct proc *p)
{
	for (struct proc **pp = &s->procs; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			p->next = NULL;
			procs_free(p);
			return;
		}
}

static struct mapping *proc_find(const struct proc *p, uint64_t addr)
{
	for (size_t i = 0; i < p->nr; i++)
		if (addr >= p->maps[i].start && addr < p->maps[i].end)
			return &p->maps[i];
	return NULL;
}

static struct mapping *mapping_of(struct symbolizer *s, int pid, uint64_t addr)
{
	struct proc *p;
	struct mapping *m;

	for (p = s->procs; p && p->pid != pid; p = p->next)
		;
	m = p ? proc_find(p, addr) : NULL;
	/* at most once a second: an exited process or a JIT region misses every time */
	if (!m && p && now_s() - p->loaded_at >= 1.0) {
		/* mapped since we looked (dlopen), or another process with the pid */
		proc_forget(s, p);
		p = NULL;
	}
	if (!p)
		p = proc_load(s, pid);
	return p ? proc_find(p, addr) : NULL;
}

size_t symbolizer_user(struct symbolizer *s, int pid, uint64_t addr, char *out, size_t cap)
{
	struct mapping *m = mapping_of(s, pid, addr);
	uint64_t off;
	const char *base;

	if (!m)
		return fit(snprintf(out, cap, "0x%" PRIx64, addr), cap);
	off = addr - m->start + m->pgoff;
	if (!m->tried && m->path[0] == '/')
		m->file = elf_file_get(s, pid, m->path);
	m->tried = true;
	for (size_t i = 0; m->file && i < m->file->nr_segs; i++) {
		const struct segment *seg = &m->file->segs[i];
		const struct sym *sym;

		if (off < seg->offset || off >= seg->offset + seg->filesz)
			continue;
		sym = tab_find(&m->file->tab, off - seg->offset + seg->vaddr);
		if (sym)
			return fit(snprintf(out, cap, "%s", sym->name), cap);
		break;
	}
	base = strrchr(m->path, '/');
	base = base ? base + 1 : m->path;
	return fit(snprintf(out, cap, "%s+0x%" PRIx64, *base ? base : "[anon]", off), cap);
}
