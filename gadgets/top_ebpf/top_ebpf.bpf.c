// SPDX-License-Identifier: GPL-2.0
/*
 * top_ebpf: every BPF program on the system with its run count and run
 * time in the last interval, like IG's top ebpf (most run time first).
 *
 * Hooks: an iter/bpf_prog iterator, which the runtime runs every interval
 * before it reads the print_ table: it walks the loaded programs and puts
 * one row per program into the table, the counts since the last walk (kept
 * in prev_stats) next to the totals; an iter/task_file iterator finds the
 * processes holding program fds.  IG instead hooks the programs' load
 * and reads bpf_prog_info; no kprobes are needed here.
 *
 * Run counts and times exist only while BPF statistics are on:
 * GADGET_BPF_STATS asks the runtime to turn them on for the run with
 * BPF_ENABLE_STATS (a reference the kernel drops when the run ends, so
 * kernel.bpf_stats_enabled is never written).  The pid/comm of a process
 * holding the program comes from a second iterator, iter/task_file.  IG's
 * map memory is not reported (a map's memory has no field to read):
 * used_maps counts its maps.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "gadget/gadget.h"

#define MAX_CPUS 512
#define BPF_OBJ_NAME_LEN 16	/* a uapi macro vmlinux.h lacks */

/* enum bpf_prog_type's values (uapi), named as bpftool prints them */
enum prog_type {
	unspec = 0,
	socket_filter = 1,
	kprobe = 2,
	sched_cls = 3,
	sched_act = 4,
	tracepoint = 5,
	xdp = 6,
	perf_event = 7,
	cgroup_skb = 8,
	cgroup_sock = 9,
	lwt_in = 10,
	lwt_out = 11,
	lwt_xmit = 12,
	sock_ops = 13,
	sk_skb = 14,
	cgroup_device = 15,
	sk_msg = 16,
	raw_tracepoint = 17,
	cgroup_sock_addr = 18,
	lwt_seg6local = 19,
	lirc_mode2 = 20,
	sk_reuseport = 21,
	flow_dissector = 22,
	cgroup_sysctl = 23,
	raw_tracepoint_writable = 24,
	cgroup_sockopt = 25,
	tracing = 26,
	struct_ops = 27,
	ext = 28,
	lsm = 29,
	sk_lookup = 30,
	syscall = 31,
	netfilter = 32,
};

struct prog_key {
	__u32 progid;
};

struct prog_stats {
	char name[BPF_OBJ_NAME_LEN];
	enum prog_type type;
	gadget_duration runtime;	/* in the interval */
	__u64 runcount;
	gadget_duration total_runtime;	/* since the stats were turned on */
	__u64 total_runcount;
	__u32 used_maps;
	__u32 insns;			/* translated instructions */
	gadget_pid pid;			/* a process holding the program's fd, 0: none */
	gadget_comm comm;
};

struct owner {
	gadget_pid pid;
	gadget_comm comm;
};

struct totals {
	__u64 nsecs, cnt;
};

GADGET_TOPPER(progs, struct prog_key, struct prog_stats, 4096);
GADGET_BPF_STATS;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct totals);
} prev_stats SEC(".maps");

/* Who holds each program's fd, found by walk_fds (either order of the two walks works). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct owner);
} owners SEC(".maps");

/*
 * prog->stats is a per-CPU pointer, but the kernel's BTF does not tag it
 * __percpu, so bpf_per_cpu_ptr() refuses it, and this kernel's kallsyms has
 * no data symbols (__per_cpu_offset, this_cpu_off) to resolve as ksyms.
 * Each CPU's per-CPU offset is found from a per-CPU array of our own
 * instead: the address bpf_map_lookup_percpu_elem() gives for a CPU minus
 * the array's per-CPU base pointer (struct bpf_array's pptrs[0], copied
 * out with the map's head: the verifier allows no arithmetic on a map
 * pointer).  Adding it to prog->stats and reading with
 * bpf_probe_read_kernel() is what per_cpu_ptr() does in the kernel.
 */
#define ARRAY_HEAD_MAX 1024

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cpu_probe SEC(".maps");

struct head {
	__u8 bytes[ARRAY_HEAD_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct head);
} scratch SEC(".maps");

static __always_inline __u64 percpu_base(void)
{
	__u32 off = bpf_core_field_offset(struct bpf_array, pptrs), zero = 0;
	struct head *h = bpf_map_lookup_elem(&scratch, &zero);
	__u64 base = 0;

	if (!h || off + sizeof(base) > ARRAY_HEAD_MAX)
		return 0;
	if (bpf_probe_read_kernel(h->bytes, off + sizeof(base), &cpu_probe))
		return 0;
	__builtin_memcpy(&base, h->bytes + off, sizeof(base));
	return base;
}

/* A pointer's value as a plain number (the verifier keeps no arithmetic on it). */
static __always_inline __u64 address_of(void *p)
{
	void *slot = p;
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &slot);
	return v;
}

static __always_inline void sum_stats(struct bpf_prog *prog, struct totals *t)
{
	__u64 stats = (__u64)BPF_CORE_READ(prog, stats), base = percpu_base();
	__u32 zero = 0;

	if (!stats || !base)
		return;
	for (__u32 cpu = 0; cpu < MAX_CPUS; cpu++) {
		void *mine = bpf_map_lookup_percpu_elem(&cpu_probe, &zero, cpu);
		struct bpf_prog_stats *st;
		__u64 cnt = 0, nsecs = 0;

		if (!mine)
			break;
		st = (struct bpf_prog_stats *)(stats + (address_of(mine) - base));
		bpf_probe_read_kernel(&cnt, sizeof(cnt), &st->cnt);
		bpf_probe_read_kernel(&nsecs, sizeof(nsecs), &st->nsecs);
		t->cnt += cnt;
		t->nsecs += nsecs;
	}
}

/* One call per loaded program; it fills the table, not the iterator's file. */
SEC("iter/bpf_prog")
int walk_progs(struct bpf_iter__bpf_prog *ctx)
{
	struct bpf_prog *prog = ctx->prog;
	struct prog_stats row = {};
	struct totals now = {}, *prev;
	struct owner *owner;
	struct prog_key key;

	if (!prog)
		return 0;
	key.progid = BPF_CORE_READ(prog, aux, id);
	sum_stats(prog, &now);
	BPF_CORE_READ_STR_INTO(&row.name, prog, aux, name);
	row.type = (enum prog_type)BPF_CORE_READ(prog, type);
	row.total_runtime = now.nsecs;
	row.total_runcount = now.cnt;
	row.used_maps = BPF_CORE_READ(prog, aux, used_map_cnt);
	row.insns = BPF_CORE_READ(prog, len);
	prev = bpf_map_lookup_elem(&prev_stats, &key.progid);
	if (prev) {
		row.runtime = now.nsecs - prev->nsecs;
		row.runcount = now.cnt - prev->cnt;
	} else {
		row.runtime = now.nsecs;
		row.runcount = now.cnt;
	}
	owner = bpf_map_lookup_elem(&owners, &key.progid);
	if (owner) {
		row.pid = owner->pid;
		__builtin_memcpy(row.comm, owner->comm, sizeof(row.comm));
		bpf_map_delete_elem(&owners, &key.progid);
	}
	bpf_map_update_elem(&prev_stats, &key.progid, &now, BPF_ANY);
	bpf_map_update_elem(&print_progs, &key, &row, BPF_ANY);
	return 0;
}

/*
 * Every open file of every task: a BPF program's fd is an anonymous inode
 * named "bpf-prog" whose private_data is the struct bpf_prog.  The first
 * process found holding it is its owner (IG's pid/comm); programs kept
 * only by a link or a pin have none.
 */
SEC("iter/task_file")
int walk_fds(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct owner o = {};
	struct prog_stats *row;
	struct bpf_prog *prog;
	struct prog_key key;
	char name[10] = {};

	if (!task || !file)
		return 0;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
	for (int i = 0; i < 9; i++)
		if (name[i] != "bpf-prog"[i])
			return 0;
	prog = BPF_CORE_READ(file, private_data);
	key.progid = BPF_CORE_READ(prog, aux, id);
	o.pid = BPF_CORE_READ(task, tgid);
	BPF_CORE_READ_STR_INTO(&o.comm, task, comm);
	bpf_map_update_elem(&owners, &key.progid, &o, BPF_NOEXIST);
	/* walk_progs ran first this interval: complete its row */
	row = bpf_map_lookup_elem(&print_progs, &key);
	if (row && !row->pid) {
		row->pid = o.pid;
		__builtin_memcpy(row->comm, o.comm, sizeof(row->comm));
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
