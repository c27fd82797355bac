/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * glibc's <gnu/stubs.h> (from the multiarch folder, reached through
 * <sys/socket.h> as IG's tcpdump includes it) picks the 32-bit stubs when
 * __x86_64__ is not defined, which is the case for -target bpf, and Debian
 * ships stubs-32.h only with the i386 libc.  The stubs list functions a
 * libc lacks; a BPF program calls none of them.
 */
