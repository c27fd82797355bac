/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_NETNS_H
#define GADGET_RUNTIME_NETNS_H

#include "base/err.h"

/* The only place that knows where a process's own namespace is. */
#define NETNS_SELF "/proc/self/ns/net"

/*
 * Run in network namespace path (a /run/netns/NAME or /proc/PID/ns/net)
 * until netns_leave().  *saved is -1 when path is NULL (nothing to do).
 * Iterators over network objects (iter/tcp, iter/udp, iter/unix...) walk
 * the namespace of the task that creates the iterator: snapshotters use
 * this around bpf_iter_create() for --netns.
 */
int netns_enter(const char *path, int *saved, struct gadget_err *err);
/* An fd of network namespace path (NULL: ours), for attaching to it; -errno. */
int netns_open(const char *path, struct gadget_err *err);
int netns_leave(int saved, struct gadget_err *err);

#endif
