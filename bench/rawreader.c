// SPDX-License-Identifier: Apache-2.0
/*
 * The limit in bench/run.sh: the least a ring-buffer consumer can do with
 * the same gadget object.  libbpf opens it, the pid parameter is set, every
 * program is attached, and ring_buffer__poll() runs a callback that only
 * counts.  On SIGINT it drains, reads the gadget's lost-event counter and
 * prints "ready", then "received N lost M" on stderr.  With "batch" it
 * waits 1 ms after a poll that found events, as gadget run does: the limit
 * of a reader that is not woken for every event.
 *
 *   rawreader OBJ.o PARAM PID [batch]
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;
static unsigned long long received;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx, (void)data, (void)size;
	received++;
	return 0;
}

/* What a skeleton would do: write the const volatile global before load. */
static int set_u32(struct bpf_object *obj, const char *name, unsigned int v)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *m, *ro = NULL;
	size_t len;
	char *data;
	int id;

	bpf_object__for_each_map(m, obj)
		if (bpf_map__is_internal(m) && strstr(bpf_map__name(m), ".rodata"))
			ro = m;
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!ro || id <= 0)
		return -ENOENT;
	data = (char *)bpf_map__initial_value(ro, &len);
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (unsigned int i = 0; data && i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *t = btf__type_by_id(btf, vs->type);

		if (!strcmp(btf__name_by_offset(btf, t->name_off), name) && vs->size == 4) {
			memcpy(data + vs->offset, &v, 4);
			return 0;
		}
	}
	return -ENOENT;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct bpf_map *m, *ring = NULL, *lost = NULL;
	struct ring_buffer *rb;
	struct bpf_program *p;
	struct bpf_object *obj;
	unsigned long long nlost = 0;

	bool batch = argc == 5 && !strcmp(argv[4], "batch");

	if (argc != 4 && !batch) {
		fprintf(stderr, "usage: rawreader OBJ.o PARAM PID [batch]\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return perror("open"), 1;
	bpf_object__for_each_map(m, obj) {
		/* the event type on the ring buffer is for gadget's decoder;
		 * the kernel wants value size 0 (the runtime does the same) */
		if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF) {
			bpf_map__set_key_size(m, 0);
			bpf_map__set_value_size(m, 0);
			ring = m;
		}
		if (!strncmp(bpf_map__name(m), "gadget_lost_", 12))
			lost = m;
	}
	if (!ring || set_u32(obj, argv[2], atoi(argv[3])))
		return fprintf(stderr, "rawreader: no ring buffer or no parameter %s\n", argv[2]), 1;
	if (bpf_object__load(obj))
		return perror("load"), 1;
	bpf_object__for_each_program(p, obj)
		if (!bpf_program__attach(p))
			return perror("attach"), 1;
	rb = ring_buffer__new(bpf_map__fd(ring), on_event, NULL, NULL);
	if (!rb)
		return perror("ring_buffer__new"), 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "ready\n");
	while (!stop) {
		int ret = ring_buffer__poll(rb, 100);

		if (ret < 0 && ret != -EINTR)
			break;
		if (ret > 0 && batch) {
			struct timespec ms = { .tv_nsec = 1000000 };

			nanosleep(&ms, NULL);
		}
	}
	ring_buffer__consume(rb);
	if (lost) {
		int n = libbpf_num_possible_cpus();
		unsigned long long v[n > 0 ? n : 1];
		unsigned int zero = 0;

		if (n > 0 && !bpf_map_lookup_elem(bpf_map__fd(lost), &zero, v))
			for (int i = 0; i < n; i++)
				nlost += v[i];
	}
	fprintf(stderr, "received %llu lost %llu\n", received, nlost);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
