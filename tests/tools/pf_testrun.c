// SPDX-License-Identifier: Apache-2.0
/*
 * The witness for runtime/cbpf.c: each pcap expression is compiled by
 * libpcap, translated to eBPF, loaded into the kernel as the subprogram of
 * a tc program (the verifier has its say) and run on crafted frames with
 * BPF_PROG_TEST_RUN; every verdict is compared with pcap_offline_filter()
 * on the same bytes.  Needs root.
 *
 *   pf_testrun [EXPR...]	(no EXPR: the built-in list)
 *   pf_testrun --random N [SEED]	N random cBPF programs instead of pcap's
 *
 * Prints one line per expression and a summary; exit 0 when all agree.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "runtime/cbpf.h"
#include "runtime/pcap_expr.h"

static const char *const default_exprs[] = {
	"port 80", "tcp and dst port 443", "udp", "host 10.0.0.1", "ip6", "icmp", "vlan",
	"tcp[tcpflags] & tcp-syn != 0", "len > 100", "not arp", "net 192.168.0.0/16",
	"portrange 1000-2000", "ip[2:2] > 576", "arp", "ip", "tcp", "src host 10.0.0.1",
	"dst net 10.0.0.0/8 and udp", "ip6 and udp port 5353", "vlan and udp port 53",
	"tcp dst port 1500", "udp dst port 40001", "ip[6:2] & 0x1fff != 0", "less 60",
	"greater 300", "ether broadcast", "ip proto 47", "icmp[icmptype] == icmp-echo",
	"tcp[13] == 0x10", "udp and not port 53", "ip6 and tcp port 80", "ip multicast",
	"ether src 02:00:00:00:00:01", "(tcp or udp) and port 80", "ip and ip[8] < 64",
	"tcp portrange 400-500 or udp port 80", "ip[0] & 0xf > 5", "udp[8:4] = 0x41414141",
	/* arithmetic on X and the scratch words M[] */
	"ip[2:2] % 7 = 2", "ip[2:2] - ip[0] > 40", "(ip[2:2] * 2) / (ip[8] - 64) > 1",
	"ip[2:2] << 1 > 100", "ip[2:2] >> 2 > 10", "tcp[tcpflags] ^ 0x12 = 0x10",
	"(ip[2:2] | 1) & 0x3 = 1", "-ip[8] & 0xff = 0xc0", "ip[2:2] % (ip[8] - 64) = 0",
	"ip[2:2] % (ip[8] - 63) = 0",
	"tcp[((tcp[12] & 0xf0) >> 2):4] = 0x41414141", "ip[(ip[0] & 0xf) + 3] != 0",
	"udp[8 + ip[9] - 17] = 0x41",
};

struct frame {
	const char *what;
	unsigned char b[1600];
	unsigned int len;
};

static unsigned int eth(unsigned char *p, uint16_t proto, bool vlan)
{
	static const unsigned char dst[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const unsigned char src[6] = { 0x02, 0, 0, 0, 0, 1 };
	unsigned int n = 12;

	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	if (vlan) {
		p[12] = 0x81, p[13] = 0x00, p[14] = 0x00, p[15] = 0x07;
		n = 16;
	}
	p[n] = proto >> 8, p[n + 1] = proto & 0xff;
	return n + 2;
}

/* IPv4 (ihl words of header), then an L4 header for proto with ports, then payload bytes 'A'. */
static unsigned int ip4(unsigned char *p, uint8_t proto, const char *src, const char *dst,
			unsigned int ihl, uint16_t frag, uint16_t sport, uint16_t dport,
			uint8_t flags, unsigned int payload, uint8_t ttl)
{
	unsigned int hl = ihl * 4, l4 = proto == 6 ? 20 : 8, tot = hl + l4 + payload;

	memset(p, 0, tot);
	p[0] = 0x40 | ihl;
	p[2] = tot >> 8, p[3] = tot & 0xff;
	p[6] = frag >> 8, p[7] = frag & 0xff;
	p[8] = ttl;
	p[9] = proto;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	p[hl] = sport >> 8, p[hl + 1] = sport & 0xff;	/* icmp: type, code */
	p[hl + 2] = dport >> 8, p[hl + 3] = dport & 0xff;
	if (proto == 6) {
		p[hl + 12] = 0x50;
		p[hl + 13] = flags;
	}
	memset(p + hl + l4, 'A', payload);
	return tot;
}

static unsigned int ip6(unsigned char *p, uint8_t proto, const char *src, const char *dst,
			uint16_t sport, uint16_t dport, unsigned int payload)
{
	unsigned int l4 = proto == 6 ? 20 : 8;

	memset(p, 0, 40 + l4 + payload);
	p[0] = 0x60;
	p[4] = (l4 + payload) >> 8, p[5] = (l4 + payload) & 0xff;
	p[6] = proto;
	p[7] = 64;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
	p[40] = sport >> 8, p[41] = sport & 0xff, p[42] = dport >> 8, p[43] = dport & 0xff;
	if (proto == 6)
		p[40 + 12] = 0x50, p[40 + 13] = 0x02;
	return 40 + l4 + payload;
}

static unsigned int arp(unsigned char *p)
{
	static const unsigned char req[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1,
					       10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2 };

	memcpy(p, req, sizeof(req));
	return sizeof(req);
}

#define F(name, expr) do {						\
		struct frame *f = &fr[n++];				\
		unsigned char *p = f->b;				\
		f->what = name;						\
		f->len = (expr);					\
	} while (0)

static unsigned int frames(struct frame *fr)
{
	unsigned int n = 0;

	F("udp4 10.0.0.1:1234>10.0.0.2:80", eth(p, 0x800, 0) + ip4(p + 14, 17, "10.0.0.1", "10.0.0.2", 5, 0, 1234, 80, 0, 20, 64));
	F("tcp4 syn 192.168.1.5:40000>10.0.0.1:443", eth(p, 0x800, 0) + ip4(p + 14, 6, "192.168.1.5", "10.0.0.1", 5, 0, 40000, 443, 0x02, 0, 64));
	F("tcp4 ack 10.0.0.1:80>192.168.3.4:1500", eth(p, 0x800, 0) + ip4(p + 14, 6, "10.0.0.1", "192.168.3.4", 5, 0x4000, 80, 1500, 0x10, 200, 32));
	F("icmp4 echo", eth(p, 0x800, 0) + ip4(p + 14, 1, "10.0.0.1", "8.8.8.8", 5, 0, 0x0800, 0, 0, 16, 64));
	F("udp6 mdns", eth(p, 0x86dd, 0) + ip6(p + 14, 17, "fe80::1", "ff02::fb", 5353, 5353, 30));
	F("tcp6 port 80", eth(p, 0x86dd, 0) + ip6(p + 14, 6, "2001:db8::1", "2001:db8::2", 50000, 80, 0));
	F("arp request", eth(p, 0x806, 0) + arp(p + 14));
	F("vlan udp4 port 53", eth(p, 0x800, 1) + ip4(p + 18, 17, "10.1.1.1", "10.1.1.2", 5, 0, 5353, 53, 0, 12, 64));
	F("tcp4 options ihl 6 dport 1500", eth(p, 0x800, 0) + ip4(p + 14, 6, "172.16.0.1", "10.0.0.9", 6, 0, 1000, 1500, 0x18, 10, 64));
	F("udp4 fragment offset 8", eth(p, 0x800, 0) + ip4(p + 14, 17, "10.0.0.1", "10.0.0.2", 5, 0x0001, 80, 80, 0, 20, 64));
	F("udp4 600 bytes 10.0.0.1:40001", eth(p, 0x800, 0) + ip4(p + 14, 17, "192.168.7.7", "10.0.0.1", 5, 0, 1999, 40001, 0, 600, 200));
	F("udp4 dport 40002", eth(p, 0x800, 0) + ip4(p + 14, 17, "127.0.0.1", "127.0.0.1", 5, 0, 50000, 40002, 0, 4, 64));
	F("gre4 multicast", eth(p, 0x800, 0) + ip4(p + 14, 47, "10.0.0.3", "224.0.0.5", 5, 0, 0, 0, 0, 8, 1));
	/* BPF_PROG_TEST_RUN refuses an IPv4 frame shorter than an IP header: ARP is cut instead */
	F("arp truncated after 6 bytes", eth(p, 0x806, 0) + 6 + 0 * arp(p + 14));
	F("ipv4 header only, proto tcp", eth(p, 0x800, 0) + 20 + 0 * ip4(p + 14, 6, "10.0.0.1", "10.0.0.2", 5, 0, 80, 80, 0x02, 0, 64));
	F("tcp4 truncated in the tcp header", eth(p, 0x800, 0) + 24 + 0 * ip4(p + 14, 6, "10.0.0.1", "10.0.0.2", 5, 0, 80, 443, 0x02, 0, 64));
	F("bare ethernet header (loopback type)", eth(p, 0x9000, 0));
	return n;
}

/* A tc program: R4/R5 = skb->data/data_end, R1-R3 = skb, call the filter, return its verdict. */
static int load(const struct bpf_insn *body, unsigned int n, char *log, size_t log_len)
{
	struct bpf_insn head[] = {
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 4, .src_reg = 1,
		  .off = offsetof(struct __sk_buff, data) },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 5, .src_reg = 1,
		  .off = offsetof(struct __sk_buff, data_end) },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 2, .src_reg = 1 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 3, .src_reg = 1 },
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	unsigned int h = sizeof(head) / sizeof(head[0]);
	struct bpf_insn *all = calloc(h + n, sizeof(*all));
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = log_len, .log_level = 1);
	int fd;

	if (!all)
		return -ENOMEM;
	memcpy(all, head, sizeof(head));
	memcpy(all + h, body, n * sizeof(*body));
	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "pf_testrun", "GPL", all, h + n, &o);
	free(all);
	return fd;
}

/* Disagreements of expr over the frames (printed), or -1 when it cannot be tried. */
static int check(const char *expr, const struct frame *fr, unsigned int nf, unsigned int *ninsns)
{
	static char log[1 << 20];
	struct gadget_err err = { 0 };
	struct bpf_insn *insns;
	unsigned int nc, n, bad = 0, kept = 0;
	void *cbpf;
	int fd;

	if (pcap_expr_compile("pf", expr, PCAP_LINK_ETHERNET, &cbpf, &nc, &err) ||
	    cbpf_to_ebpf(cbpf, nc, &insns, &n, &err)) {
		printf("FAIL %-40s %s\n", expr, err.msg);
		return -1;
	}
	free(cbpf);
	*ninsns = n;
	fd = load(insns, n, log, sizeof(log));
	free(insns);
	if (fd < 0) {
		printf("FAIL %-40s the verifier refused it (%s):\n%s\n", expr, strerror(errno), log);
		return -1;
	}
	for (unsigned int i = 0; i < nf; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = fr[i].b, .data_size_in = fr[i].len);
		int want = pcap_expr_match(expr, fr[i].b, fr[i].len, &err);
		int ret = bpf_prog_test_run_opts(fd, &t);

		kept += !ret && t.retval == 1;

		if (ret || want < 0 || (int)t.retval != want) {
			printf("MISMATCH %-36s on %s: kernel %u%s%s, pcap_offline_filter %d\n", expr,
			       fr[i].what, t.retval, ret ? ": test run failed: " : "",
			       ret ? strerror(-ret) : "", want);
			bad++;
		}
	}
	close(fd);
	printf("%-4s %-44s %2u cBPF -> %3u eBPF, keeps %2u of %u frames\n", bad ? "BAD" : "ok",
	       expr, nc, n, kept, nf);
	return bad;
}

/*
 * A random cBPF program that libpcap's bpf_filter() can run: forward
 * jumps, a return last, no division by a constant 0, no read of a scratch
 * word (pcap's are uninitialised), no RET X (bpf_filter() aborts).
 */
static unsigned int random_prog(struct sock_filter *f, unsigned int max)
{
	static const uint16_t codes[] = {
		0x00, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x80, 0x01, 0x81, 0xb1, 0x02, 0x03,
		0x04, 0x14, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0xa4, 0x0c, 0x1c,
		0x2c, 0x3c, 0x4c, 0x5c, 0x6c, 0x7c, 0x9c, 0xac, 0x05, 0x15, 0x25, 0x35, 0x45,
		0x1d, 0x2d, 0x3d, 0x4d, 0x06, 0x16, 0x07, 0x87,
	};
	unsigned int n = 2 + rand() % (max - 1);

	for (unsigned int i = 0; i < n; i++) {
		uint16_t c = i == n - 1 ? (rand() % 2 ? 0x16 : 0x06) :
			     codes[rand() % (sizeof(codes) / sizeof(codes[0]))];
		unsigned int left = n - i - 2;

		f[i] = (struct sock_filter){ .code = c, .k = rand() % 4 ? (uint32_t)rand() % 70 : (uint32_t)rand() * 2u };
		if (BPF_CLASS(c) == BPF_JMP) {
			f[i].jt = left ? rand() % (left + 1) : 0;
			f[i].jf = left ? rand() % (left + 1) : 0;
			if (BPF_OP(c) == BPF_JA)
				f[i].k = f[i].jt;
		}
		if ((BPF_OP(c) == BPF_DIV || BPF_OP(c) == BPF_MOD) && BPF_CLASS(c) == BPF_ALU && !f[i].k)
			f[i].k = 3;
		if ((BPF_OP(c) == BPF_LSH || BPF_OP(c) == BPF_RSH) && BPF_SRC(c) == BPF_K)
			f[i].k %= 32;
		if (c == BPF_ST || c == BPF_STX)
			f[i].k %= 16;
		if (c == 0x20 || c == 0x28 || c == 0x30)	/* LD ABS: keep out of SKF_AD_OFF */
			f[i].k %= 2000;
		if (c == 0x06)
			f[i].k = rand() % 2 ? 0 : 262144;
	}
	return n;
}

static int check_random(unsigned int count, unsigned int seed, const struct frame *fr,
			unsigned int nf)
{
	static char log[1 << 16];
	unsigned int agree = 0, loaded = 0;

	srand(seed);
	for (unsigned int p = 0; p < count; p++) {
		struct sock_filter f[24];
		struct gadget_err err = { 0 };
		unsigned int n = random_prog(f, 24), ne, bad = 0;
		struct bpf_insn *insns;
		int fd;

		if (cbpf_to_ebpf(f, n, &insns, &ne, &err)) {
			printf("FAIL random #%u: %s\n", p, err.msg);
			continue;
		}
		fd = load(insns, ne, log, sizeof(log));
		free(insns);
		if (fd < 0) {
			printf("FAIL random #%u: the verifier refused it:\n%s\n", p, log);
			continue;
		}
		loaded++;
		for (unsigned int i = 0; i < nf; i++) {
			LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = fr[i].b, .data_size_in = fr[i].len);
			int want = pcap_cbpf_match(f, n, fr[i].b, fr[i].len, &err);

			if (bpf_prog_test_run_opts(fd, &t) || (int)t.retval != want) {
				printf("MISMATCH random #%u on %s: kernel %u, pcap_offline_filter %d\n",
				       p, fr[i].what, t.retval, want);
				bad++;
			}
		}
		close(fd);
		agree += !bad;
	}
	printf("pf_testrun: %u of %u random cBPF programs (seed %u) loaded, %u agree with "
	       "pcap_offline_filter on all %u frames\n", loaded, count, seed, agree, nf);
	return agree == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	static struct frame fr[32];
	unsigned int nf = frames(fr), ne = 0, agree = 0, total = 0, maxn = 0;
	const char *const *exprs = argc > 1 ? (const char *const *)argv + 1 : default_exprs;
	unsigned int count = argc > 1 ? (unsigned int)argc - 1 :
				sizeof(default_exprs) / sizeof(default_exprs[0]);

	if (argc > 2 && !strcmp(argv[1], "--random"))
		return check_random(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 1, fr, nf);

	for (unsigned int i = 0; i < count; i++) {
		unsigned int n = 0;
		int bad = check(exprs[i], fr, nf, &n);

		ne++;
		if (!bad)
			agree++;
		total += n;
		if (n > maxn)
			maxn = n;
	}
	printf("pf_testrun: %u of %u expressions agree with pcap_offline_filter on all %u frames "
	       "(eBPF instructions: %u on average, at most %u)\n", agree, ne, nf,
	       ne ? total / ne : 0, maxn);
	return agree == ne ? 0 : 1;
}
