// SPDX-License-Identifier: Apache-2.0
/*
 * vmtrigger DIR: does, once each, what the fixtures of
 * tests/fixtures/sections/ watch for, with values they expect exactly:
 *
 *   mkdirat(AT_FDCWD, "DIR/vmtrigger-mkdir", 0750)     kprobes, fentry, lsm, tracepoints
 *   this exec (sched_process_exec)                     raw_tp, tp_btf
 *   vm_trigger_uprobe(4242, 58) = 4300, USDT gadget_vm:marker(4242, 58)
 *   UDP over 127.0.0.1 and ::1, port 4242: bind, getsockname, an unconnected
 *   sendto of "gadget", recvfrom, connect, getpeername, SO_PRIORITY set and
 *   read, close                                        cgroup hooks, socket, tc, xdp, sk_lookup
 *   a TCP connection to 127.0.0.1:4243                 sockops
 *   a packet socket on lo with PACKET_FANOUT_HASH, so the kernel hashes
 *   (dissects) each of those packets                   flow_dissector
 *   reading /proc/sys/kernel/ostype                    cgroup/sysctl
 *   opening /dev/null                                  cgroup/dev
 *
 * A C program, built for amd64 and arm64 (mk/vm.mk), because the arm64
 * guest has busybox and no python; its processes are all named
 * "vmtrigger", which the fixtures filter on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define VM_PORT 4242
#define VM_TCP_PORT 4243

__attribute__((noinline, used)) long vm_trigger_uprobe(long a, long b)
{
	/* keep the call and the arguments: the uprobe reads them */
	__asm__ volatile("" : "+r"(a), "+r"(b));
	return a + b;
}

static int check(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "vmtrigger: %s: %s\n", what, strerror(errno));
		exit(1);
	}
	return ret;
}

static socklen_t loopback(int family, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(port);
	a6->sin6_addr = in6addr_loopback;
	return sizeof(*a6);
}

static void udp(int family)
{
	struct sockaddr_storage ss, peer;
	socklen_t len = loopback(family, VM_PORT, &ss), plen = sizeof(peer);
	int r = check(socket(family, SOCK_DGRAM, 0), "socket");
	int s = check(socket(family, SOCK_DGRAM, 0), "socket");
	int c = check(socket(family, SOCK_DGRAM, 0), "socket");
	int prio = 3;
	char buf[16];

	check(bind(r, (struct sockaddr *)&ss, len), "bind");
	check(getsockname(r, (struct sockaddr *)&peer, &plen), "getsockname");
	check(sendto(s, "gadget", 6, 0, (struct sockaddr *)&ss, len), "sendto");
	plen = sizeof(peer);
	check(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen), "recvfrom");
	check(connect(c, (struct sockaddr *)&ss, len), "connect");
	plen = sizeof(peer);
	check(getpeername(c, (struct sockaddr *)&peer, &plen), "getpeername");
	check(setsockopt(c, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)), "setsockopt");
	plen = sizeof(prio);
	check(getsockopt(c, SOL_SOCKET, SO_PRIORITY, &prio, &plen), "getsockopt");
	close(c);
	close(s);
	close(r);
}

static void tcp(void)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(AF_INET, VM_TCP_PORT, &ss);
	int l = check(socket(AF_INET, SOCK_STREAM, 0), "socket");
	int c = check(socket(AF_INET, SOCK_STREAM, 0), "socket");
	int one = 1, a;

	check(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), "setsockopt");
	check(bind(l, (struct sockaddr *)&ss, len), "bind");
	check(listen(l, 1), "listen");
	check(connect(c, (struct sockaddr *)&ss, len), "connect");
	a = check(accept(l, NULL, NULL), "accept");
	check(write(c, "gadget", 6), "write");
	close(a);
	close(c);
	close(l);
}

/*
 * Fanout by hash makes the kernel compute each packet's flow hash, which
 * runs the flow dissector (and a BPF one attached to the namespace).
 */
static int fanout_socket(void)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int s = check(socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), "packet socket");
	int fanout = 4242 | PACKET_FANOUT_HASH << 16;

	ll.sll_ifindex = if_nametoindex("lo");
	check(bind(s, (struct sockaddr *)&ll, sizeof(ll)), "bind lo");
	check(setsockopt(s, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof(fanout)), "PACKET_FANOUT");
	return s;
}

static void read_file(const char *path)
{
	char buf[64];
	int fd = check(open(path, O_RDONLY | O_CLOEXEC), path);

	check(read(fd, buf, sizeof(buf)), path);
	close(fd);
}

int main(int argc, char **argv)
{
	char path[4096];
	long sum;
	int fanout;

	if (argc != 2) {
		fprintf(stderr, "usage: vmtrigger DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/vmtrigger-mkdir", argv[1]);
	rmdir(path);
	check(mkdirat(AT_FDCWD, path, 0750), "mkdirat");
	rmdir(path);

	sum = vm_trigger_uprobe(4242, 58);
	DTRACE_PROBE2(gadget_vm, marker, 4242L, 58L);
	if (sum != 4300)
		return 1;

	fanout = fanout_socket();
	udp(AF_INET);
	udp(AF_INET6);
	tcp();
	close(fanout);
	read_file("/proc/sys/kernel/ostype");
	read_file("/dev/null");
	return 0;
}
