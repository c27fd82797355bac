/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __GADGET_IG_FILTER_H
#define __GADGET_IG_FILTER_H

/*
 * Inspektor Gadget's common filters, our implementation: params targ_pid,
 * targ_tid, targ_uid, targ_gid, targ_comm (set with --param targ_pid=N, or
 * by the "key" gadget.yaml gives them), gadget_should_discard_<what>() and
 * gadget_should_discard_data[_current]().  pid is the process (tgid), tid
 * the thread, as in user space.  Included by gadget/filter.h in IG's API.
 */
#include "gadget/types.h"
#include "gadget/macros.h"

#define GADGET_INVALID_ID ((__u32)-1)

const volatile gadget_pid targ_pid = 0;
GADGET_PARAM(targ_pid);
const volatile gadget_tid targ_tid = 0;
GADGET_PARAM(targ_tid);
const volatile gadget_uid targ_uid = GADGET_INVALID_ID;
GADGET_PARAM(targ_uid);
const volatile gadget_gid targ_gid = GADGET_INVALID_ID;
GADGET_PARAM(targ_gid);
const volatile gadget_comm targ_comm[TASK_COMM_LEN] = {};
GADGET_PARAM(targ_comm);

static __always_inline bool gadget_should_discard_pid(gadget_pid pid)
{
	return targ_pid && pid != targ_pid;
}

static __always_inline bool gadget_should_discard_tid(gadget_tid tid)
{
	return targ_tid && tid != targ_tid;
}

static __always_inline bool gadget_should_discard_uid(gadget_uid uid)
{
	return targ_uid != GADGET_INVALID_ID && uid != targ_uid;
}

static __always_inline bool gadget_should_discard_gid(gadget_gid gid)
{
	return targ_gid != GADGET_INVALID_ID && gid != targ_gid;
}

/* Equal up to the first NUL of targ_comm (comm holds at most 15 chars). */
static __always_inline bool gadget_should_discard_comm(const gadget_comm *comm)
{
	if (!targ_comm[0])
		return false;
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != targ_comm[i])
			return true;
		if (!comm[i])
			break;
	}
	return false;
}

static __always_inline bool gadget_should_discard_data(gadget_mntns_id mntns_id, gadget_pid pid,
							gadget_tid tid, const gadget_comm *comm,
							gadget_uid uid, gadget_gid gid)
{
	return gadget_should_discard_mntns_id(mntns_id) || gadget_should_discard_pid(pid) ||
	       gadget_should_discard_tid(tid) || gadget_should_discard_uid(uid) ||
	       gadget_should_discard_gid(gid) || gadget_should_discard_comm(comm);
}

/* The same for the current task; what is not filtered on is not read. */
static __always_inline bool gadget_should_discard_data_current(void)
{
	__u64 pid_tgid, uid_gid;
	char comm[TASK_COMM_LEN];

	if (gadget_should_discard_mntns_id(gadget_get_mntns_id()))
		return true;
	if (targ_pid || targ_tid) {
		pid_tgid = bpf_get_current_pid_tgid();
		if (gadget_should_discard_pid(pid_tgid >> 32) ||
		    gadget_should_discard_tid((__u32)pid_tgid))
			return true;
	}
	if (targ_uid != GADGET_INVALID_ID || targ_gid != GADGET_INVALID_ID) {
		uid_gid = bpf_get_current_uid_gid();
		if (gadget_should_discard_uid((__u32)uid_gid) ||
		    gadget_should_discard_gid(uid_gid >> 32))
			return true;
	}
	if (targ_comm[0]) {
		bpf_get_current_comm(comm, sizeof(comm));
		return gadget_should_discard_comm(comm);
	}
	return false;
}

#endif
