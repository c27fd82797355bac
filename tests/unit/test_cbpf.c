// SPDX-License-Identifier: Apache-2.0
/*
 * runtime/cbpf.c, the cBPF -> eBPF translation of packet filters, and
 * runtime/pf_splice.c, which puts it in a BPF object.  What the kernel
 * thinks of the result is tests/tools/pf_testrun (bats): here the
 * structure, on pcap's own output and on hand-written cBPF.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/file.h"
#include "info/gadget_info.h"
#include "runtime/cbpf.h"
#include "runtime/pcap_expr.h"
#include "runtime/pf_splice.h"
#include "runtime/pfilter.h"
#include "info/progtypes.h"
#include "validator/elf_scan.h"
#include "bpf_compile.h"

static const char *const exprs[] = {
	"port 80", "tcp and dst port 443", "udp", "host 10.0.0.1", "ip6", "vlan and udp port 53",
	"tcp[tcpflags] & tcp-syn != 0", "len > 100", "not arp", "portrange 1000-2000",
	"ip[2:2] > 576", "tcp[((tcp[12] & 0xf0) >> 2):4] = 0x41414141", "ip[2:2] % (ip[8] - 63) = 0",
};

static bool is_jump(const struct bpf_insn *i)
{
	uint8_t cls = BPF_CLASS(i->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && BPF_OP(i->code) != BPF_EXIT &&
	       BPF_OP(i->code) != BPF_CALL;
}

static void translate(const char *expr, struct bpf_insn **out, unsigned int *n)
{
	struct gadget_err err = { 0 };
	unsigned int nc;
	void *cbpf;

	assert_int_equal(pcap_expr_compile("pf", expr, PCAP_LINK_ETHERNET, &cbpf, &nc, &err), 0);
	assert_int_equal(cbpf_to_ebpf(cbpf, nc, out, n, &err), 0);
	free(cbpf);
}

/* Every packet load (from R2) comes right after "if r3 > r5 goto" to the fail block. */
static void test_loads_are_checked(void **state)
{
	(void)state;
	for (size_t e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
		unsigned int n, loads = 0;
		struct bpf_insn *in;

		translate(exprs[e], &in, &n);
		for (unsigned int i = 0; i < n; i++) {
			if (BPF_CLASS(in[i].code) == BPF_LDX && in[i].src_reg == BPF_REG_2) {
				const struct bpf_insn *chk = &in[i - 1];
				unsigned int fail = i + chk->off;	/* i - 1 + 1 + off */

				assert_true(i > 0);
				assert_int_equal(chk->code, BPF_JMP | BPF_JGT | BPF_X);
				assert_int_equal(chk->dst_reg, BPF_REG_3);
				assert_int_equal(chk->src_reg, BPF_REG_5);
				/* the fail block: r0 = 0; exit */
				assert_true(fail + 1 < n);
				assert_int_equal(in[fail].code, BPF_ALU64 | BPF_MOV | BPF_K);
				assert_int_equal(in[fail].imm, 0);
				assert_int_equal(in[fail + 1].code, BPF_JMP | BPF_EXIT);
				loads++;
			}
			/* an indirect load's offset is bounded before it meets the packet pointer */
			if (in[i].code == (BPF_ALU64 | BPF_ADD | BPF_X) && in[i].src_reg == BPF_REG_1) {
				assert_int_equal(in[i - 2].code, BPF_JMP | BPF_JGT | BPF_K);
				assert_int_equal(in[i - 2].dst_reg, BPF_REG_1);
				assert_true(in[i - 2].imm <= 0xffff - 1);
			}
			if (is_jump(&in[i]))
				assert_true((int)i + 1 + in[i].off >= 0 && i + 1 + in[i].off < n);
			/* R0 is only ever 0 or 1, or A/X tested for zero (RET A) */
			if (in[i].dst_reg == BPF_REG_0 && in[i].code == (BPF_ALU64 | BPF_MOV | BPF_K))
				assert_true(in[i].imm == 0 || in[i].imm == 1);
		}
		assert_int_equal(in[n - 1].code, BPF_JMP | BPF_EXIT);
		if (strcmp(exprs[e], "len > 100"))
			assert_true(loads > 0);
		free(in);
	}
}

static int xlate(const struct sock_filter *f, unsigned int n, struct bpf_insn **out,
		 unsigned int *nout, struct gadget_err *err);

/* Every instruction can be reached: the verifier refuses a program with dead code. */
static void assert_all_reachable(const struct bpf_insn *in, unsigned int n)
{
	bool *seen = calloc(n, sizeof(*seen));

	assert_non_null(seen);
	seen[0] = true;
	for (unsigned int i = 0; i < n; i++) {
		uint8_t op = BPF_OP(in[i].code);

		if (!seen[i])
			fail_msg("instruction %u cannot be reached", i);
		if (is_jump(&in[i]))
			seen[i + 1 + in[i].off] = true;
		if (i + 1 < n && in[i].code != (BPF_JMP | BPF_EXIT) &&
		    !(BPF_CLASS(in[i].code) == BPF_JMP && op == BPF_JA))
			seen[i + 1] = true;
	}
	free(seen);
}

static void test_no_dead_code(void **state)
{
	const struct sock_filter dead[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0),		/* 0: to 3 or 1 */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0xfffffff0),		/* 1: past any packet */
		BPF_STMT(BPF_RET | BPF_K, 1),				/* 2: dead */
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0x90000000),	/* 3: past any packet */
		BPF_STMT(BPF_RET | BPF_A, 0),				/* 4: dead */
	};
	struct gadget_err err;
	struct bpf_insn *in;
	unsigned int n;

	(void)state;
	for (size_t e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
		translate(exprs[e], &in, &n);
		assert_all_reachable(in, n);
		free(in);
	}
	assert_int_equal(xlate(dead, 5, &in, &n, &err), 0);
	assert_all_reachable(in, n);
	free(in);
}

/* No packet load: no fail block, which the verifier would refuse as unreachable. */
static void test_no_unreachable_fail_block(void **state)
{
	unsigned int n, exits = 0;
	struct bpf_insn *in;

	(void)state;
	translate("len > 100", &in, &n);
	for (unsigned int i = 0; i < n; i++)
		exits += in[i].code == (BPF_JMP | BPF_EXIT);
	assert_int_equal(exits, 2);	/* the two RETs, nothing else */
	free(in);
}

static int xlate(const struct sock_filter *f, unsigned int n, struct bpf_insn **out,
		 unsigned int *nout, struct gadget_err *err)
{
	memset(err, 0, sizeof(*err));
	return cbpf_to_ebpf(f, n, out, nout, err);
}

static void test_refused(void **state)
{
	const struct sock_filter ancillary[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter past_end[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0), BPF_STMT(BPF_RET | BPF_K, 1),
	};
	const struct sock_filter no_ret[] = { BPF_STMT(BPF_LD | BPF_IMM, 1), BPF_STMT(BPF_MISC | BPF_TAX, 0) };
	const struct sock_filter mem16[] = { BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_K, 1) };
	const struct sock_filter unknown[] = { BPF_STMT(BPF_ALU | 0xf0 | BPF_K, 1), BPF_STMT(BPF_RET | BPF_K, 1) };
	struct gadget_err err;
	struct bpf_insn *out;
	unsigned int n;

	(void)state;
	assert_int_equal(xlate(ancillary, 2, &out, &n, &err), -EINVAL);
	assert_string_equal(err.msg, "cBPF instruction 0 (code 0x0020, k 4294963200): ancillary "
			    "(SKF_AD_*) loads are not supported");
	assert_int_equal(xlate(past_end, 2, &out, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "instruction 0 (code 0x0015, k 1): jump past the end"));
	assert_int_equal(xlate(no_ret, 2, &out, &n, &err), -EINVAL);
	assert_string_equal(err.msg, "cBPF instruction 1 (code 0x0007): the last instruction is not a return");
	assert_int_equal(xlate(mem16, 2, &out, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "scratch word M[k] out of range"));
	assert_int_equal(xlate(unknown, 2, &out, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown ALU operation"));
	assert_int_equal(xlate(unknown, 0, &out, &n, &err), -EINVAL);
	assert_null(out);
}

/* A / X with X == 0 ends the filter with 0, as cBPF does; M[] is zeroed first. */
static void test_div_by_x_and_scratch(void **state)
{
	const struct sock_filter f[] = {
		BPF_STMT(BPF_LDX | BPF_IMM, 0), BPF_STMT(BPF_LD | BPF_IMM, 10),
		BPF_STMT(BPF_ST, 3), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 3), BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct gadget_err err;
	struct bpf_insn *in;
	unsigned int n, guard = 0, zeroed = 0;

	(void)state;
	assert_int_equal(xlate(f, 6, &in, &n, &err), 0);
	for (unsigned int i = 0; i < n; i++) {
		if (in[i].code == (BPF_ALU | BPF_DIV | BPF_X)) {
			const struct bpf_insn *g = &in[i - 1];

			assert_int_equal(g->code, BPF_JMP32 | BPF_JEQ | BPF_K);
			assert_int_equal(g->dst_reg, BPF_REG_7);
			assert_int_equal(g->imm, 0);
			assert_int_equal(in[i + g->off].imm, 0);	/* to r0 = 0 */
			guard++;
		}
		if (in[i].code == (BPF_ST | BPF_MEM | BPF_DW) && in[i].dst_reg == BPF_REG_10)
			zeroed++;
		if (in[i].code == (BPF_STX | BPF_MEM | BPF_W))
			assert_int_equal(in[i].off, -64 + 4 * 3);
	}
	assert_int_equal(guard, 1);
	assert_int_equal(zeroed, 8);	/* 16 words, 8 bytes at a time */
	free(in);
}

static const char splice_src[] =
	"#include <stdbool.h>\n"
	"#include <linux/bpf.h>\n"
	"#include <bpf/bpf_helpers.h>\n"
	"#include <gadget/packetfilter.h>\n"
	"static __attribute__((noinline)) int before(int x) { return x * 3 + 1; }\n"
	"GADGET_PF();\n"
	"static __attribute__((noinline)) int after(int x) { return x + 7; }\n"
	"SEC(\"tc\") int prog(struct __sk_buff *skb)\n"
	"{\n"
	"	void *d = (void *)(long)skb->data, *e = (void *)(long)skb->data_end;\n"
	"	return before(skb->len) + gadget_pf_matches(skb, d, e) + after(skb->mark);\n"
	"}\n"
	"char LICENSE[] SEC(\"license\") = \"GPL\";\n";

static const Elf64_Shdr *sec(const void *o, unsigned int i)
{
	const Elf64_Ehdr *eh = o;

	return (const Elf64_Shdr *)((const char *)o + eh->e_shoff) + i;
}

static const char *sec_name(const void *o, unsigned int i)
{
	const Elf64_Ehdr *eh = o;

	return (const char *)o + sec(o, eh->e_shstrndx)->sh_offset + sec(o, i)->sh_name;
}

static const Elf64_Sym *sym(const void *o, const char *name)
{
	const Elf64_Ehdr *eh = o;

	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *s = (const void *)((const char *)o + sec(o, i)->sh_offset);

		if (sec(o, i)->sh_type != SHT_SYMTAB)
			continue;
		for (size_t k = 0; k < sec(o, i)->sh_size / sizeof(*s); k++)
			if (!strcmp((const char *)o + sec(o, sec(o, i)->sh_link)->sh_offset +
				    s[k].st_name, name))
				return &s[k];
	}
	fail_msg("no symbol %s", name);
	return NULL;
}

/* The .text instruction each call of section "tc" reaches. */
static unsigned int call_targets(const void *o, uint64_t *t)
{
	const Elf64_Ehdr *eh = o;
	unsigned int n = 0;

	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *rs = sec(o, i), *ts = sec(o, rs->sh_info);
		const Elf64_Rel *r = (const void *)((const char *)o + rs->sh_offset);

		if (rs->sh_type != SHT_REL || strcmp(sec_name(o, rs->sh_info), "tc"))
			continue;
		for (size_t k = 0; k < rs->sh_size / sizeof(*r); k++) {
			const struct bpf_insn *in = (const void *)((const char *)o + ts->sh_offset +
								   r[k].r_offset);

			if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL)
				t[n++] = in->imm + 1;
		}
	}
	return n;
}

static void test_splice(void **state)
{
	struct bpf_insn body[40];
	struct gadget_err err = { 0 };
	uint64_t before[4], after[4], old_stub, old_after, delta;
	size_t len, out_len;
	void *obj = compile_bpf_src(splice_src, &len), *out;

	(void)state;
	for (unsigned int i = 0; i < 40; i++)
		body[i] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 1 };
	body[39] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	old_stub = sym(obj, "gadget_pf_")->st_value;
	old_after = sym(obj, "after")->st_value;
	assert_true(old_after > old_stub);	/* the stub is in the middle of .text */
	assert_int_equal(call_targets(obj, before), 3);
	assert_int_equal(pf_splice(obj, len, "gadget_pf_", body, 40, &out, &out_len, &err), 0);
	delta = out_len - len;
	assert_int_equal(delta, 40 * 8 - sym(obj, "gadget_pf_")->st_size);
	assert_int_equal(sym(out, "gadget_pf_")->st_size, 40 * 8);
	assert_int_equal(sym(out, "gadget_pf_")->st_value, old_stub);
	assert_int_equal(sym(out, "after")->st_value, old_after + delta);
	assert_int_equal(sym(out, "before")->st_value, sym(obj, "before")->st_value);
	/* the body is in place; calls still reach before, the filter and (moved) after */
	assert_memory_equal((const char *)out + sec(out, sym(out, "gadget_pf_")->st_shndx)->sh_offset +
			    old_stub, body, sizeof(body));
	assert_int_equal(call_targets(out, after), 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(after[i], before[i] * 8 >= old_after ? before[i] + delta / 8 : before[i]);
	/* .BTF.ext line info moved with the code: each function still starts on its source line */
	{
		struct elf_scan a, b;

		assert_int_equal(elf_scan(obj, len, &a, &err), 0);
		assert_int_equal(elf_scan(out, out_len, &b, &err), 0);
		assert_int_equal(elf_scan_prog(&a, "after")->line, 7);
		assert_int_equal(elf_scan_prog(&b, "after")->line, 7);
		assert_int_equal(elf_scan_prog(&b, "gadget_pf_")->line, 6);
		assert_int_equal(elf_scan_prog(&b, "prog")->line, elf_scan_prog(&a, "prog")->line);
		elf_scan_free(&a);
		elf_scan_free(&b);
	}
	free(out);
	/* a body shorter than the stub: padded, nothing moves */
	assert_int_equal(pf_splice(obj, len, "gadget_pf_", body + 38, 2, &out, &out_len, &err), 0);
	assert_int_equal(out_len, len);
	assert_int_equal(sym(out, "after")->st_value, old_after);
	free(out);
	assert_int_equal(pf_splice(obj, len, "gadget_pf_x", body, 2, &out, &out_len, &err), -ENOENT);
	assert_string_equal(err.msg, "packet filter: the object has no function gadget_pf_x");
	assert_int_equal(pf_splice(body, sizeof(body), "gadget_pf_", body, 2, &out, &out_len, &err),
			 -ENOEXEC);
	free(obj);
}

/* GADGET_PF() is param "pf", GADGET_PF(dns) "pf-dns", and back. */
static void test_param_names(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(gadget_pf_param_name("gadget_pf_", b, sizeof(b)), 0);
	assert_string_equal(b, "pf");
	assert_int_equal(gadget_pf_param_name("gadget_pf_dns", b, sizeof(b)), 0);
	assert_string_equal(b, "pf-dns");
	assert_int_equal(gadget_pf_param_name("gadget_p", b, sizeof(b)), -EINVAL);
	assert_int_equal(gadget_pf_param_name("gadget_pf_dns", b, 4), -EINVAL);
	assert_int_equal(gadget_pf_symbol("pf", b, sizeof(b)), 0);
	assert_string_equal(b, "gadget_pf_");
	assert_int_equal(gadget_pf_symbol("pf-dns", b, sizeof(b)), 0);
	assert_string_equal(b, "gadget_pf_dns");
	assert_int_equal(gadget_pf_symbol("pf-", b, sizeof(b)), -EINVAL);
	assert_int_equal(gadget_pf_symbol("pfx", b, sizeof(b)), -EINVAL);
	assert_int_equal(gadget_pf_symbol("targ_pid", b, sizeof(b)), -EINVAL);
}

/* What the object's packet programs see decides the link type; a mix is refused. */
static void test_link_by_program_type(void **state)
{
	struct gadget_prog progs[3] = {
		{ .name = "trace", .def = progtype_find("tracepoint/syscalls/sys_enter_openat") },
		{ .name = "tc_in", .def = progtype_find("classifier") },
		{ .name = "cg_out", .def = progtype_find("cgroup_skb/egress") },
	};
	struct gadget_info info = { .progs = progs };
	struct gadget_err err = {};
	enum pcap_link link = -1;

	(void)state;
	assert_non_null(progs[1].def);
	assert_non_null(progs[2].def);
	info.nr_progs = 1;	/* no packet program: Ethernet, as IG compiles */
	assert_int_equal(pfilter_link(&info, &link, &err), 0);
	assert_int_equal(link, PCAP_LINK_ETHERNET);
	info.nr_progs = 2;
	assert_int_equal(pfilter_link(&info, &link, &err), 0);
	assert_int_equal(link, PCAP_LINK_ETHERNET);
	info.progs = &progs[1];
	info.nr_progs = 2;
	assert_int_equal(pfilter_link(&info, &link, &err), -EINVAL);
	assert_string_equal(err.msg, "packet filter: program 'tc_in' sees Ethernet frames and "
			    "'cg_out' bare IP packets; one pcap expression cannot be compiled for "
			    "both: put them in two gadgets");
	info.progs = &progs[2];
	info.nr_progs = 1;
	assert_int_equal(pfilter_link(&info, &link, &err), 0);
	assert_int_equal(link, PCAP_LINK_RAW_IP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_are_checked),
		cmocka_unit_test(test_no_unreachable_fail_block),
		cmocka_unit_test(test_no_dead_code),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_div_by_x_and_scratch),
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_link_by_program_type),
		cmocka_unit_test(test_param_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
