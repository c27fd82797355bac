// SPDX-License-Identifier: Apache-2.0
/*
 * cBPF -> eBPF for packet filters (see cbpf.h).  Two passes over the same
 * emitters: the first learns where each cBPF instruction starts in the
 * output (its length never depends on jump targets), the second writes the
 * instructions with the jump offsets that makes known.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cbpf.h"

enum { R_A = BPF_REG_6, R_X = BPF_REG_7, R_DATA = BPF_REG_4, R_END = BPF_REG_5 };
#define M_WORDS		16
#define M_BASE		(-64)		/* M[k] at fp-64+4k */
#define PKT_MAX		0xffff		/* the verifier's MAX_PACKET_OFF */

struct xlate {
	const struct sock_filter *in;
	unsigned int n;
	struct bpf_insn *out;		/* NULL in the first pass: count only */
	unsigned int len;
	unsigned int *start;		/* n + 1 entries: start[n] is the fail block */
	bool *live;			/* reachable from the first instruction */
	bool fail_used;			/* a jump goes to the fail block (else the verifier
					 * would refuse it as unreachable) */
	struct gadget_err *err;
};

static void put(struct xlate *x, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (x->out)
		x->out[x->len] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
						    .off = off, .imm = imm };
	x->len++;
}

/* The jump offset, from the instruction about to be written, to cBPF instruction t. */
static int16_t to(struct xlate *x, unsigned int t)
{
	if (t == x->n && !x->out)
		x->fail_used = true;
	return x->out ? (int16_t)(x->start[t] - (x->len + 1)) : 0;
}

#define FAIL(x) ((x)->n)	/* the "return 0" block after the last instruction */

static int bad(struct xlate *x, unsigned int i, const char *what)
{
	return gadget_err_set(x->err, EINVAL, "cBPF instruction %u (code 0x%04x, k %u): %s", i,
			      x->in[i].code, x->in[i].k, what);
}

static unsigned int load_size(uint16_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W: return 4;
	case BPF_H: return 2;
	case BPF_B: return 1;
	default: return 0;
	}
}

/* A load past any packet or a division by constant 0: the filter ends there, with 0. */
static bool always_fails(const struct sock_filter *f)
{
	uint8_t cls = BPF_CLASS(f->code), mode = BPF_MODE(f->code);
	unsigned int size = load_size(f->code);

	if (cls == BPF_LD && mode == BPF_ABS && size)	/* k >= SKF_AD_OFF is refused instead */
		return f->k < 0x80000000u && f->k > PKT_MAX - size;
	if (cls == BPF_LD && mode == BPF_IND && size)
		return f->k > PKT_MAX - size;
	if (cls == BPF_LDX && mode == BPF_MSH)
		return f->k > PKT_MAX - 1;
	return cls == BPF_ALU && (BPF_OP(f->code) == BPF_DIV || BPF_OP(f->code) == BPF_MOD) &&
	       BPF_SRC(f->code) == BPF_K && !f->k;
}

/*
 * dst = packet[base + k] of size bytes, big endian; base is X for BPF_IND.
 * The sum is bounded first (a register the verifier can add to a packet
 * pointer), then the end of the access checked against data_end.
 */
static int emit_pkt_load(struct xlate *x, unsigned int i, uint8_t dst, unsigned int size, bool ind)
{
	uint32_t k = x->in[i].k;

	if (BPF_CLASS(x->in[i].code) == BPF_LD && !ind && k >= 0x80000000u)
		return bad(x, i, "ancillary (SKF_AD_*) loads are not supported");
	/* past any packet (X only adds): out of range, as libpcap's bpf_filter() says */
	if (k > PKT_MAX - size) {
		put(x, BPF_JMP | BPF_JA, 0, 0, to(x, FAIL(x)), 0);
		return 0;
	}
	if (ind) {	/* X + k on 64 bits: no 32-bit wrap back into the packet */
		put(x, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, R_X, 0, 0);
		put(x, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, (int32_t)k);
		put(x, BPF_JMP | BPF_JGT | BPF_K, BPF_REG_1, 0, to(x, FAIL(x)), PKT_MAX - size);
		put(x, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, R_DATA, 0, 0);
		put(x, BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_2, BPF_REG_1, 0, 0);
	} else {
		put(x, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, R_DATA, 0, 0);
		put(x, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, (int32_t)k);
	}
	put(x, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0);
	put(x, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, size);
	put(x, BPF_JMP | BPF_JGT | BPF_X, BPF_REG_3, R_END, to(x, FAIL(x)), 0);
	put(x, BPF_LDX | BPF_MEM | BPF_SIZE(x->in[i].code), dst, BPF_REG_2, 0, 0);
	if (size > 1)	/* cBPF loads are network order; to_be swaps on a little-endian host */
		put(x, BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, size * 8);
	return 0;
}

static int emit_mem_slot(struct xlate *x, unsigned int i, int16_t *off)
{
	if (x->in[i].k >= M_WORDS)
		return bad(x, i, "scratch word M[k] out of range");
	*off = M_BASE + 4 * x->in[i].k;
	return 0;
}

/* BPF_LD and BPF_LDX: into A or X. */
static int emit_ld(struct xlate *x, unsigned int i)
{
	uint16_t code = x->in[i].code;
	uint8_t dst = BPF_CLASS(code) == BPF_LD ? R_A : R_X;
	unsigned int size = load_size(code);
	int16_t off = 0;

	switch (BPF_MODE(code)) {
	case BPF_IMM:
		put(x, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (int32_t)x->in[i].k);
		return 0;
	case BPF_LEN:	/* the linear packet, what data..data_end covers */
		put(x, BPF_ALU64 | BPF_MOV | BPF_X, dst, R_END, 0, 0);
		put(x, BPF_ALU64 | BPF_SUB | BPF_X, dst, R_DATA, 0, 0);
		put(x, BPF_ALU | BPF_MOV | BPF_X, dst, dst, 0, 0);
		return 0;
	case BPF_MEM:
		if (emit_mem_slot(x, i, &off))
			return -EINVAL;
		put(x, BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_10, off, 0);
		return 0;
	case BPF_ABS:
	case BPF_IND:
		if (dst != R_A || !size)
			break;
		return emit_pkt_load(x, i, R_A, size, BPF_MODE(code) == BPF_IND);
	case BPF_MSH:	/* X = 4 * (P[k] & 0xf), the IPv4 header length */
		if (dst != R_X || size != 1)
			break;
		if (emit_pkt_load(x, i, R_X, 1, false))
			return -EINVAL;
		if (always_fails(&x->in[i]))	/* the load was a jump to the fail block */
			return 0;
		put(x, BPF_ALU | BPF_AND | BPF_K, R_X, 0, 0, 0xf);
		put(x, BPF_ALU | BPF_LSH | BPF_K, R_X, 0, 0, 2);
		return 0;
	}
	return bad(x, i, "unknown load");
}

/* BPF_ST and BPF_STX: M[k] = A or X. */
static int emit_st(struct xlate *x, unsigned int i)
{
	int16_t off = 0;

	if (emit_mem_slot(x, i, &off))
		return -EINVAL;
	put(x, BPF_STX | BPF_MEM | BPF_W, BPF_REG_10,
	    BPF_CLASS(x->in[i].code) == BPF_ST ? R_A : R_X, off, 0);
	return 0;
}

/* cBPF's ALU opcodes are eBPF's, on 32 bits; division by zero ends the filter with 0. */
static int emit_alu(struct xlate *x, unsigned int i)
{
	uint16_t code = x->in[i].code;
	uint8_t op = BPF_OP(code);
	uint32_t k = x->in[i].k;

	if (op == BPF_NEG) {
		put(x, BPF_ALU | BPF_NEG, R_A, 0, 0, 0);
		return 0;
	}
	if (op > BPF_XOR)
		return bad(x, i, "unknown ALU operation");
	if (BPF_SRC(code) == BPF_X) {
		if (op == BPF_DIV || op == BPF_MOD)
			put(x, BPF_JMP32 | BPF_JEQ | BPF_K, R_X, 0, to(x, FAIL(x)), 0);
		/* a shift by 32 or more gives 0, as libpcap's bpf_filter() (eBPF would mask it) */
		if (op == BPF_LSH || op == BPF_RSH) {
			put(x, BPF_JMP32 | BPF_JGE | BPF_K, R_X, 0, 2, 32);
			put(x, BPF_ALU | op | BPF_X, R_A, R_X, 0, 0);
			put(x, BPF_JMP | BPF_JA, 0, 0, 1, 0);
			put(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
			return 0;
		}
		put(x, BPF_ALU | op | BPF_X, R_A, R_X, 0, 0);
		return 0;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && !k) {
		put(x, BPF_JMP | BPF_JA, 0, 0, to(x, FAIL(x)), 0);
		return 0;
	}
	if ((op == BPF_LSH || op == BPF_RSH) && k >= 32) {	/* the verifier refuses these */
		put(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
		return 0;
	}
	put(x, BPF_ALU | op | BPF_K, R_A, 0, 0, (int32_t)k);
	return 0;
}

/* cBPF compares are unsigned on 32 bits: JMP32, whose immediate is not sign-extended to 64. */
static int emit_jmp(struct xlate *x, unsigned int i)
{
	const struct sock_filter *f = &x->in[i];
	uint8_t op = BPF_OP(f->code);
	unsigned int jt = i + 1 + f->jt, jf = i + 1 + f->jf;

	if (op == BPF_JA) {
		if ((uint64_t)i + 1 + f->k >= x->n)
			return bad(x, i, "jump past the end");
		put(x, BPF_JMP | BPF_JA, 0, 0, to(x, i + 1 + f->k), 0);
		return 0;
	}
	if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
		return bad(x, i, "unknown jump");
	if (jt >= x->n || jf >= x->n)
		return bad(x, i, "jump past the end");
	put(x, BPF_JMP32 | op | BPF_SRC(f->code), R_A, BPF_SRC(f->code) == BPF_X ? R_X : 0,
	    to(x, jt), BPF_SRC(f->code) == BPF_X ? 0 : (int32_t)f->k);
	if (f->jf)
		put(x, BPF_JMP | BPF_JA, 0, 0, to(x, jf), 0);
	return 0;
}

/* RET: a bool, whatever the snap length cBPF would have returned. */
static int emit_ret(struct xlate *x, unsigned int i)
{
	const struct sock_filter *f = &x->in[i];

	switch (BPF_RVAL(f->code)) {
	case BPF_K:
		put(x, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, f->k != 0);
		break;
	case BPF_A:
	case BPF_X:
		put(x, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_0,
		    BPF_RVAL(f->code) == BPF_A ? R_A : R_X, 0, 0);
		put(x, BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_0, 0, 1, 0);
		put(x, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
		break;
	default:
		return bad(x, i, "unknown return");
	}
	put(x, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return 0;
}

static int emit_misc(struct xlate *x, unsigned int i)
{
	switch (BPF_MISCOP(x->in[i].code)) {
	case BPF_TAX:
		put(x, BPF_ALU | BPF_MOV | BPF_X, R_X, R_A, 0, 0);
		return 0;
	case BPF_TXA:
		put(x, BPF_ALU | BPF_MOV | BPF_X, R_A, R_X, 0, 0);
		return 0;
	}
	return bad(x, i, "unknown misc operation");
}

/* One row per cBPF instruction class. */
static int (*const emitters[8])(struct xlate *, unsigned int) = {
	[BPF_LD] = emit_ld, [BPF_LDX] = emit_ld, [BPF_ST] = emit_st, [BPF_STX] = emit_st,
	[BPF_ALU] = emit_alu, [BPF_JMP] = emit_jmp, [BPF_RET] = emit_ret, [BPF_MISC] = emit_misc,
};

/* A = X = 0 as cBPF starts, and the scratch words zeroed: the verifier reads no uninitialised stack. */
static void emit_prologue(struct xlate *x)
{
	put(x, BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0);
	put(x, BPF_ALU | BPF_MOV | BPF_K, R_X, 0, 0, 0);
	for (unsigned int i = 0; i < x->n; i++) {
		uint16_t c = x->in[i].code;

		if (c == BPF_ST || c == BPF_STX || c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM)) {
			for (unsigned int w = 0; w < M_WORDS; w += 2)
				put(x, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, M_BASE + 4 * w, 0);
			return;
		}
	}
}

/*
 * Which instructions run at all: the verifier refuses unreachable code, and
 * cBPF not from libpcap's optimiser may have some.  Jumps only go forward.
 */
static void mark_live(struct xlate *x)
{
	x->live[0] = true;
	for (unsigned int i = 0; i < x->n; i++) {
		const struct sock_filter *f = &x->in[i];
		uint8_t cls = BPF_CLASS(f->code);

		if (!x->live[i] || cls == BPF_RET || always_fails(f))
			continue;
		if (cls != BPF_JMP) {
			if (i + 1 < x->n)
				x->live[i + 1] = true;
		} else if (BPF_OP(f->code) == BPF_JA) {
			if ((uint64_t)i + 1 + f->k < x->n)
				x->live[i + 1 + f->k] = true;
		} else {
			if (i + 1 + f->jt < x->n)
				x->live[i + 1 + f->jt] = true;
			if (i + 1 + f->jf < x->n)
				x->live[i + 1 + f->jf] = true;
		}
	}
}

static int pass(struct xlate *x)
{
	x->len = 0;
	emit_prologue(x);
	for (unsigned int i = 0; i < x->n; i++) {
		if (!x->out)
			x->start[i] = x->len;
		if (x->live[i] && emitters[BPF_CLASS(x->in[i].code)](x, i))
			return -EINVAL;
	}
	x->start[x->n] = x->len;
	if (x->fail_used) {
		put(x, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
		put(x, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	return 0;
}

int cbpf_to_ebpf(const struct sock_filter *prog, unsigned int n, struct bpf_insn **out,
		 unsigned int *nout, struct gadget_err *err)
{
	struct xlate x = { .in = prog, .n = n, .err = err };
	int ret;

	*out = NULL;
	*nout = 0;
	if (!n || n > BPF_MAXINSNS)
		return gadget_err_set(err, EINVAL, "a cBPF program has 1 to %d instructions, not %u",
				      BPF_MAXINSNS, n);
	/* the kernel's rule too: nothing may run off the end */
	if (BPF_CLASS(prog[n - 1].code) != BPF_RET)
		return gadget_err_set(err, EINVAL, "cBPF instruction %u (code 0x%04x): the last "
				      "instruction is not a return", n - 1, prog[n - 1].code);
	x.start = calloc(n + 1, sizeof(*x.start));
	x.live = calloc(n, sizeof(*x.live));
	if (!x.start || !x.live) {
		free(x.start);
		free(x.live);
		return gadget_err_set(err, ENOMEM, "out of memory");
	}
	mark_live(&x);
	ret = pass(&x);
	if (!ret && x.len > INT16_MAX)
		ret = gadget_err_set(err, E2BIG, "the filter needs %u eBPF instructions, more than "
				     "a jump can span", x.len);
	if (!ret && !(x.out = calloc(x.len, sizeof(*x.out))))
		ret = gadget_err_set(err, ENOMEM, "out of memory");
	if (!ret)
		ret = pass(&x);
	free(x.start);
	free(x.live);
	if (ret) {
		free(x.out);
		return ret;
	}
	*out = x.out;
	*nout = x.len;
	return 0;
}
