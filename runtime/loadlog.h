/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_RUNTIME_LOADLOG_H
#define GADGET_RUNTIME_LOADLOG_H

/*
 * libbpf's messages during a load: kept (the last few kB) and shown only
 * when the load fails, or as they come with -v.  libbpf has one print
 * callback per process, so this is process-wide state.
 */
#include <stdbool.h>

/* Capture libbpf's messages from now on, forgetting earlier ones. */
void loadlog_start(bool verbose);
/* What fits in an error message, from a line start: the verifier's verdict is last. */
const char *loadlog_tail(void);

/* The program the verifier rejected in the last load (its log is in the tail), or -ENOENT. */
int loadlog_rejected_prog(char *buf, size_t len);

#endif
