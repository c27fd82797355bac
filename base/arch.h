/* SPDX-License-Identifier: Apache-2.0 */
#ifndef GADGET_BASE_ARCH_H
#define GADGET_BASE_ARCH_H

/*
 * Architectures, one row each: the OCI platform name (image-index.md
 * "platform", Go's GOARCH values) that images, registries and --arch use,
 * the uname(2) machine it is, and for those gadgets can be built for, the
 * name clang's __TARGET_ARCH_ and bpf-headers/ give it.
 */
struct arch_def {
	const char *oci;		/* "amd64" */
	const char *machine;		/* utsname.machine: "x86_64" */
	const char *bpf_target;		/* "x86"; NULL: gadgets are not built for it */
	const char *multiarch;		/* Debian's /usr/include/<triplet>: asm/types.h */
	const char *btfhub;		/* btfhub-archive's folder: "x86_64"; NULL: as machine */
};

/* The row of an OCI name, NULL if none. */
const struct arch_def *arch_find(const char *oci);
/* The row of a uname(2) machine ("aarch64"), NULL if none. */
const struct arch_def *arch_find_machine(const char *machine);
/*
 * This machine's OCI architecture.  A machine the table does not know is
 * called by its uname name, which no image platform and no build target
 * will match: an error that names it, never a wrong architecture.
 */
const char *arch_host(void);
/* "amd64, arm64": the architectures gadgets can be built for, for messages. */
const char *arch_buildable_names(void);

#endif
