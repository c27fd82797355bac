/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_INFO_LIBBPF_LOG_H
#define GADGET_INFO_LIBBPF_LOG_H

#include <stddef.h>
#include <bpf/libbpf.h>

/*
 * libbpf's own words (warnings and errors, not debug) kept instead of
 * printed while one call runs, so that a failure can quote them: opening
 * an object (validator), linking objects (compiler).  libbpf's print
 * callback takes no context, so one capture at a time:
 *
 *   libbpf_print_fn_t old = libbpf_log_capture(buf, sizeof(buf));
 *   ... libbpf calls ...
 *   libbpf_set_print(old);
 */
libbpf_print_fn_t libbpf_log_capture(char *buf, size_t len);

#endif
