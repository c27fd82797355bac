// SPDX-License-Identifier: Apache-2.0
/*
 * Growing a function inside a BPF ELF object (see pf_splice.h).
 *
 * Why the ELF and not libbpf's prog_prepare_load_fn hook: Debian's libbpf
 * 1.1.2 does re-read prog->insns after that hook (tested: a longer body set
 * with bpf_program__set_insns() from the hook is what the kernel loads),
 * but the hook replaces libbpf's own preparation of that section (its
 * libbpf_prepare_prog_load() is static: attach BTF ids, expected attach
 * types), it sees the linked program (the stub would have to be found among
 * the appended subprograms through func_info and BTF), and the func_info
 * and line_info of the load attributes would have to be rebuilt around the
 * grown subprogram.  Here libbpf sees an ordinary object, with BTF and
 * line info intact, and does all of that itself, on any libbpf version.
 *
 * The input may be hostile: every offset read is checked against the buffer
 * (validator/elf_raw.h).
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/pf_splice.h"
#include "validator/elf_raw.h"

#define INSN	8u

struct splice {
	uint8_t *buf;		/* the new object */
	size_t len;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;		/* section headers, in buf */
	unsigned int text;	/* the stub's section */
	uint64_t start, old_end, new_end;	/* the stub, offsets in its section */
	uint64_t delta;		/* bytes added */
	struct gadget_err *err;
};

static int broken(struct splice *s, const char *what)
{
	return gadget_err_set(s->err, ENOEXEC, "packet filter: the object's %s is malformed", what);
}

/* The function symbol name in an executable section: its section and extent. */
static int find_stub(const uint8_t *obj, const char *name, Elf64_Sym *out, struct gadget_err *err)
{
	const Elf64_Shdr *st = elf_raw_shdr(obj, elf_raw_symtab(obj)), *sec;
	const Elf64_Sym *syms;

	if (!elf_raw_symtab(obj))
		return gadget_err_set(err, ENOEXEC, "packet filter: the object has no symbol table");
	syms = (const void *)(obj + st->sh_offset);
	for (size_t i = 0; i < st->sh_size / sizeof(*syms); i++) {
		const char *n = elf_raw_str(obj, st->sh_link, syms[i].st_name);

		if (!n || strcmp(n, name) || ELF64_ST_TYPE(syms[i].st_info) != STT_FUNC)
			continue;
		sec = elf_raw_shdr(obj, syms[i].st_shndx);
		if (!sec || !(sec->sh_flags & SHF_EXECINSTR) || sec->sh_type == SHT_NOBITS ||
		    syms[i].st_value % INSN ||
		    syms[i].st_size % INSN || !syms[i].st_size ||
		    !elf_raw_in_buf(sec->sh_size, syms[i].st_value, syms[i].st_size))
			return gadget_err_set(err, ENOEXEC, "packet filter: function %s is not "
					      "where its symbol says", name);
		*out = syms[i];
		return 0;
	}
	return gadget_err_set(err, ENOENT, "packet filter: the object has no function %s", name);
}

/* An offset in the stub's section, old -> new. */
static uint64_t moved(const struct splice *s, uint64_t off)
{
	return off >= s->old_end ? off + s->delta : off;
}

static void fix_symbols(struct splice *s)
{
	for (unsigned int i = 0; i < s->eh->e_shnum; i++) {
		Elf64_Sym *sym;

		if (s->sh[i].sh_type != SHT_SYMTAB)
			continue;
		sym = (void *)(s->buf + s->sh[i].sh_offset);
		for (size_t k = 0; k < s->sh[i].sh_size / sizeof(*sym); k++, sym++) {
			if (sym->st_shndx != s->text || ELF64_ST_TYPE(sym->st_info) == STT_SECTION)
				continue;
			if (sym->st_value == s->start && ELF64_ST_TYPE(sym->st_info) == STT_FUNC)
				sym->st_size = s->new_end - s->start;
			else
				sym->st_value = moved(s, sym->st_value);
		}
	}
}

static const Elf64_Sym *rel_sym(const struct splice *s, const Elf64_Shdr *rsh, const Elf64_Rel *r)
{
	const Elf64_Shdr *st = rsh->sh_link < s->eh->e_shnum ? &s->sh[rsh->sh_link] : NULL;
	uint64_t i = ELF64_R_SYM(r->r_info);

	if (!st || st->sh_type != SHT_SYMTAB || i >= st->sh_size / sizeof(Elf64_Sym))
		return NULL;
	return (const Elf64_Sym *)(s->buf + st->sh_offset) + i;
}

/*
 * A call or function address relocated against the stub's section symbol
 * carries the target's section offset in its immediate: calls imm + 1
 * instructions, ld_imm64 imm bytes (libbpf's RELO_CALL / RELO_SUBPROG_ADDR).
 */
static void fix_section_relative(struct splice *s, struct bpf_insn *insn)
{
	uint64_t d = s->delta / INSN;

	if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL &&
	    (int64_t)insn->imm + 1 >= (int64_t)(s->old_end / INSN))
		insn->imm += d;
	else if (insn->code == (BPF_LD | BPF_IMM | BPF_DW) && insn->imm >= 0 &&
		 (uint64_t)insn->imm >= s->old_end)
		insn->imm += s->delta;
}

static int fix_rel_section(struct splice *s, unsigned int ri)
{
	const Elf64_Shdr *rsh = &s->sh[ri], *tsh = &s->sh[rsh->sh_info];
	Elf64_Rel *r = (void *)(s->buf + rsh->sh_offset);

	for (size_t k = 0; k < rsh->sh_size / sizeof(*r); k++, r++) {
		const Elf64_Sym *sym = rel_sym(s, rsh, r);
		struct bpf_insn *insn;

		if (rsh->sh_info == s->text) {
			if (r->r_offset >= s->start && r->r_offset < s->old_end)
				return gadget_err_set(s->err, ENOEXEC, "packet filter: the stub "
						      "function has relocations; it is not "
						      "<gadget/packetfilter.h>'s");
			r->r_offset = moved(s, r->r_offset);
		}
		if (!sym || sym->st_shndx != s->text || ELF64_ST_TYPE(sym->st_info) != STT_SECTION)
			continue;
		if (!(tsh->sh_flags & SHF_EXECINSTR) || tsh->sh_type == SHT_NOBITS || r->r_offset % INSN ||
		    !elf_raw_in_buf(tsh->sh_size, r->r_offset, INSN))
			continue;
		insn = (void *)(s->buf + tsh->sh_offset + r->r_offset);
		fix_section_relative(s, insn);
	}
	return 0;
}

static bool has_reloc(const struct splice *s, uint64_t off)
{
	for (unsigned int i = 0; i < s->eh->e_shnum; i++) {
		const Elf64_Rel *r;

		if (s->sh[i].sh_type != SHT_REL || s->sh[i].sh_info != s->text)
			continue;
		r = (const void *)(s->buf + s->sh[i].sh_offset);
		for (size_t k = 0; k < s->sh[i].sh_size / sizeof(*r); k++)
			if (r[k].r_offset == off)
				return true;
	}
	return false;
}

/* Calls inside the section with no relocation are pc-relative: fix those that cross the stub. */
static void fix_local_calls(struct splice *s)
{
	struct bpf_insn *insn = (void *)(s->buf + s->sh[s->text].sh_offset);
	uint64_t n = s->sh[s->text].sh_size / INSN, d = s->delta / INSN;

	for (uint64_t pc = 0; pc < n; pc++) {
		int64_t old_pc, old_tgt, new_tgt;

		if (insn[pc].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			pc++;
			continue;
		}
		if (pc * INSN >= s->start && pc * INSN < s->new_end)
			continue;
		if (insn[pc].code != (BPF_JMP | BPF_CALL) || insn[pc].src_reg != BPF_PSEUDO_CALL ||
		    has_reloc(s, pc * INSN))
			continue;
		old_pc = pc * INSN >= s->new_end ? (int64_t)(pc - d) : (int64_t)pc;
		old_tgt = old_pc + insn[pc].imm + 1;
		new_tgt = old_tgt * INSN >= (int64_t)s->old_end ? old_tgt + (int64_t)d : old_tgt;
		insn[pc].imm = (int32_t)(new_tgt - (int64_t)pc - 1);
	}
}

/* One .BTF.ext info (func_info, line_info, core_relo): the stub section's records move. */
static int fix_ext_info(struct splice *s, const struct btf_raw *btf, uint8_t *info, uint32_t len)
{
	const char *text = elf_raw_str(s->buf, s->eh->e_shstrndx, s->sh[s->text].sh_name);
	uint32_t rec, off = 4, sec_name, num;

	if (!len)
		return 0;
	if (len < 4)
		return broken(s, ".BTF.ext");
	memcpy(&rec, info, 4);
	if (rec < 4)
		return broken(s, ".BTF.ext");
	while (off < len) {
		const char *name;

		if (len - off < 8)
			return broken(s, ".BTF.ext");
		memcpy(&sec_name, info + off, 4);
		memcpy(&num, info + off + 4, 4);
		off += 8;
		if ((uint64_t)num * rec > len - off)
			return broken(s, ".BTF.ext");
		name = btf ? btf_raw_str(btf, sec_name) : NULL;
		for (uint32_t k = 0; name && text && !strcmp(name, text) && k < num; k++) {
			uint32_t insn_off;

			memcpy(&insn_off, info + off + k * rec, 4);
			insn_off = moved(s, insn_off);
			memcpy(info + off + k * rec, &insn_off, 4);
		}
		off += num * rec;
	}
	return 0;
}

static int fix_btf_ext(struct splice *s)
{
	unsigned int ext_i = elf_raw_section_named(s->buf, ".BTF.ext");
	unsigned int btf_i = elf_raw_section_named(s->buf, ".BTF");
	const Elf64_Shdr *ext = &s->sh[ext_i], *btf_sh = &s->sh[btf_i];
	uint32_t hdr_len, offs[6] = { 0 };
	struct btf_raw btf;
	bool have_btf;
	uint8_t *b;
	int ret = 0;

	if (!ext_i || !btf_i)
		return 0;
	have_btf = btf_raw_parse(s->buf + btf_sh->sh_offset, btf_sh->sh_size, &btf);
	b = s->buf + ext->sh_offset;
	if (ext->sh_size < 24)
		return broken(s, ".BTF.ext");
	memcpy(&hdr_len, b + 4, 4);
	if (hdr_len < 24 || hdr_len > ext->sh_size)
		return broken(s, ".BTF.ext");
	/* func_info off/len, line_info off/len, then core_relo off/len when the header has them */
	memcpy(offs, b + 8, hdr_len >= 32 ? 24 : 16);
	for (unsigned int i = 0; !ret && i < 6; i += 2) {
		if (!elf_raw_in_buf(ext->sh_size - hdr_len, offs[i], offs[i + 1]))
			return broken(s, ".BTF.ext");
		ret = fix_ext_info(s, have_btf ? &btf : NULL, b + hdr_len + offs[i], offs[i + 1]);
	}
	return ret;
}

/* Sections after the stub move in the file; delta keeps their alignment (at most 8 is usual). */
static uint64_t align_of_later(const uint8_t *obj, uint64_t at)
{
	const Elf64_Ehdr *eh = (const void *)obj;
	uint64_t a = INSN;

	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *sh = elf_raw_shdr(obj, i);

		if (sh->sh_offset >= at && sh->sh_addralign > a && sh->sh_addralign <= 4096 &&
		    !(sh->sh_addralign & (sh->sh_addralign - 1)))
			a = sh->sh_addralign;
	}
	return a;
}

static void move_later(struct splice *s, uint64_t at)
{
	for (unsigned int i = 0; i < s->eh->e_shnum; i++)
		if (i != s->text && s->sh[i].sh_offset >= at)
			s->sh[i].sh_offset += s->delta;
	s->sh[s->text].sh_size += s->delta;
}

/* The new bytes: the object with the stub's body replaced by no-ops and then insns. */
static int build(struct splice *s, const uint8_t *obj, size_t len, const Elf64_Sym *stub,
		 const struct bpf_insn *insns, unsigned int n)
{
	const Elf64_Shdr *tsh = elf_raw_shdr(obj, stub->st_shndx);
	uint64_t at = tsh->sh_offset + stub->st_value, old = stub->st_size, body, pad;
	uint64_t align = align_of_later(obj, at + old);

	body = (uint64_t)n * INSN > old ? (uint64_t)n * INSN : old;
	body += (align - (body - old) % align) % align;
	pad = body - (uint64_t)n * INSN;
	s->delta = body - old;
	s->len = len + s->delta;
	s->buf = malloc(s->len);
	if (!s->buf)
		return gadget_err_set(s->err, ENOMEM, "out of memory");
	memcpy(s->buf, obj, at);
	for (uint64_t i = 0; i < pad / INSN; i++)	/* ja +0 */
		memcpy(s->buf + at + i * INSN, &(struct bpf_insn){ .code = BPF_JMP | BPF_JA }, INSN);
	memcpy(s->buf + at + pad, insns, (size_t)n * INSN);
	memcpy(s->buf + at + body, obj + at + old, len - at - old);
	s->eh = (void *)s->buf;
	if (s->eh->e_shoff >= at + old)
		s->eh->e_shoff += s->delta;
	s->sh = (void *)(s->buf + s->eh->e_shoff);
	s->text = stub->st_shndx;
	s->start = stub->st_value;
	s->old_end = stub->st_value + old;
	s->new_end = stub->st_value + body;
	move_later(s, at + old);
	return 0;
}

int pf_splice(const void *obj, size_t len, const char *sym, const struct bpf_insn *insns,
	      unsigned int n, void **out, size_t *out_len, struct gadget_err *err)
{
	struct splice s = { .err = err };
	Elf64_Sym stub = { 0 };
	int ret;

	*out = NULL;
	ret = elf_raw_check(obj, len, "packet filter", err);
	if (!ret)
		ret = find_stub(obj, sym, &stub, err);
	if (!ret)
		ret = build(&s, obj, len, &stub, insns, n);
	if (ret)
		return ret;
	fix_symbols(&s);
	for (unsigned int i = 0; !ret && i < s.eh->e_shnum; i++)
		if (s.sh[i].sh_type == SHT_REL && s.sh[i].sh_entsize == sizeof(Elf64_Rel) &&
		    s.sh[i].sh_info < s.eh->e_shnum)
			ret = fix_rel_section(&s, i);
	if (!ret) {
		fix_local_calls(&s);
		ret = fix_btf_ext(&s);
	}
	if (ret) {
		free(s.buf);
		return ret;
	}
	*out = s.buf;
	*out_len = s.len;
	return 0;
}
