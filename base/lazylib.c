// SPDX-License-Identifier: Apache-2.0
/*
 * libcurl, libarchive, libmicrohttpd and libpcap, loaded on first use.
 *
 * Linked the usual way, those three bring some forty shared objects with
 * them (gnutls, krb5, ldap, icu, libstdc++, ...), and the dynamic loader
 * maps and relocates every one of them before main(): about 8 ms of every
 * `gadget` process, also of the ones that never talk to a registry, serve
 * metrics or read a tar (build, validate, run).  Here each of their
 * functions we call is a small stub with the library's own prototype (the
 * headers are included, so the compiler checks every signature) that
 * dlopen()s the library the first time and calls through.
 *
 * A library that cannot be loaded is an installation error, like a missing
 * DT_NEEDED entry.  Library code does not exit: every stub then returns its
 * function's failure value (NULL, CURLE_FAILED_INIT, ARCHIVE_FATAL, MHD_NO)
 * and the library's own error-string function (curl_easy_strerror,
 * archive_error_string) says which library could not be loaded and why;
 * lazylib_load() gives the same as a gadget_err, for callers that would
 * rather say it up front.
 */
#define CURL_DISABLE_TYPECHECK	/* its macros would rename our stubs */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <pcap/pcap.h>

#include "base/lazylib.h"

static const char *const lazy_sonames[LAZY__COUNT] = {
	[LAZY_CURL] = "libcurl.so.4",
	[LAZY_ARCHIVE] = "libarchive.so.13",
	[LAZY_MHD] = "libmicrohttpd.so.12",
	[LAZY_PCAP] = "libpcap.so.0.8",	/* Debian's soname for libpcap 1.x */
};

static void *lazy_handles[LAZY__COUNT];
/* Why a library or one of its functions could not be loaded ("" while it could). */
static char lazy_errors[LAZY__COUNT][512];

/*
 * Racing threads that fail write the same text; dlerror() is per thread.
 * The message stays readable at any moment: a terminated copy, then published.
 */
static void lazy_fail(enum lazy_lib lib, const char *fmt, const char *name)
{
	char msg[sizeof(lazy_errors[0])];

	snprintf(msg, sizeof(msg), fmt, lazy_sonames[lib], name, dlerror());
	memcpy(lazy_errors[lib], msg, sizeof(msg));
}

static void *lazy_sym(enum lazy_lib lib, const char *name)
{
	void *h = __atomic_load_n(&lazy_handles[lib], __ATOMIC_ACQUIRE), *sym;

	if (!h) {
		/* dlopen() is thread-safe and returns the same handle to a racing caller */
		h = dlopen(lazy_sonames[lib], RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			lazy_fail(lib, "cannot load %s%s: %s (an installation problem: install the "
				  "package that provides it)", "");
			return NULL;
		}
		__atomic_store_n(&lazy_handles[lib], h, __ATOMIC_RELEASE);
	}
	sym = dlsym(h, name);
	if (!sym)
		lazy_fail(lib, "%s has no %s: %s", name);
	return sym;
}

int lazylib_load(enum lazy_lib lib, struct gadget_err *err)
{
	if ((unsigned int)lib >= LAZY__COUNT)
		return gadget_err_set(err, EINVAL, "no such library");
	/* for libcurl its newest function we call (7.84): an older one is refused here */
	static const char *const probe[LAZY__COUNT] = {
		[LAZY_CURL] = "curl_easy_header", [LAZY_ARCHIVE] = "archive_read_new",
		[LAZY_MHD] = "MHD_start_daemon", [LAZY_PCAP] = "pcap_compile",
	};

	if (!lazy_sym(lib, probe[lib]))
		return gadget_err_set(err, ELIBACC, "%s", lazy_errors[lib]);
	return 0;
}

/* The library's error string, for when the library itself is what failed. */
static const char *lazy_error(enum lazy_lib lib)
{
	return lazy_errors[lib][0] ? lazy_errors[lib] : lazy_sonames[lib];
}

/*
 * The library's function name, of C type type, resolved on first use and
 * cached (NULL if it cannot be); two threads resolving it at once store
 * the same value.
 */
#define LAZY_FN(lib, name, type)						\
	({									\
		static type lazy_cached;					\
		type lazy_fn = __atomic_load_n(&lazy_cached, __ATOMIC_RELAXED);	\
										\
		if (!lazy_fn) {							\
			lazy_fn = (type)lazy_sym(lib, #name);			\
			__atomic_store_n(&lazy_cached, lazy_fn, __ATOMIC_RELAXED); \
		}								\
		lazy_fn;							\
	})

/* One stub: `ret name params` calls the library's `name` with `args`, else returns fail. */
#define LAZY(lib, ret, name, params, args, fail)				\
	ret name params								\
	{									\
		__typeof__(&name) lazy_f = LAZY_FN(lib, name, __typeof__(&name)); \
										\
		return lazy_f ? lazy_f args : (fail);				\
	}

/* The same for a function returning nothing. */
#define LAZY_VOID(lib, name, params, args)					\
	void name params							\
	{									\
		__typeof__(&name) lazy_f = LAZY_FN(lib, name, __typeof__(&name)); \
										\
		if (lazy_f)							\
			lazy_f args;						\
	}

/* ---- libcurl ---- */

LAZY(LAZY_CURL, CURLcode, curl_global_init, (long flags), (flags), CURLE_FAILED_INIT)
LAZY(LAZY_CURL, CURL *, curl_easy_init, (void), (), NULL)
LAZY_VOID(LAZY_CURL, curl_easy_cleanup, (CURL *h), (h))
LAZY_VOID(LAZY_CURL, curl_easy_reset, (CURL *h), (h))
LAZY(LAZY_CURL, CURLcode, curl_easy_perform, (CURL *h), (h), CURLE_FAILED_INIT)
LAZY(LAZY_CURL, const char *, curl_easy_strerror, (CURLcode c), (c), lazy_error(LAZY_CURL))
LAZY(LAZY_CURL, char *, curl_easy_escape, (CURL *h, const char *s, int len), (h, s, len), NULL)
LAZY_VOID(LAZY_CURL, curl_free, (void *p), (p))
LAZY(LAZY_CURL, CURLHcode, curl_easy_header,
     (CURL *h, const char *name, size_t index, unsigned int origin, int request,
      struct curl_header **hout), (h, name, index, origin, request, hout), CURLHE_NOT_BUILT_IN)
LAZY(LAZY_CURL, CURLSH *, curl_share_init, (void), (), NULL)
LAZY(LAZY_CURL, CURLSHcode, curl_share_cleanup, (CURLSH *s), (s), CURLSHE_NOT_BUILT_IN)
LAZY(LAZY_CURL, struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s),
     (l, s), NULL)
LAZY_VOID(LAZY_CURL, curl_slist_free_all, (struct curl_slist *l), (l))
LAZY(LAZY_CURL, CURLU *, curl_url, (void), (), NULL)
LAZY_VOID(LAZY_CURL, curl_url_cleanup, (CURLU *u), (u))
LAZY(LAZY_CURL, CURLUcode, curl_url_get, (CURLU *u, CURLUPart what, char **part, unsigned int flags),
     
     (u, what, part, flags), CURLUE_BAD_HANDLE)
LAZY(LAZY_CURL, CURLUcode, curl_url_set, (CURLU *u, CURLUPart what, const char *part, unsigned int flags),
     
     (u, what, part, flags), CURLUE_BAD_HANDLE)

/*
 * The variadic three take exactly one argument after the option, whose type
 * the option tells (curl.h: CURLOPTTYPE_* for curl_easy_setopt), so it is
 * passed on with that type, never reinterpreted.
 */
enum lazy_arg { LAZY_ARG_INT, LAZY_ARG_LONG, LAZY_ARG_PTR, LAZY_ARG_FUNC, LAZY_ARG_OFF };

#define LAZY_VA(lib, ret, name, htype, otype, fail, arg_of)				\
	ret name(htype h, otype opt, ...)						\
	{										\
		__typeof__(&name) lazy_f = LAZY_FN(lib, name, __typeof__(&name));	\
		ret lazy_ret = fail;							\
		va_list ap;								\
											\
		va_start(ap, opt);							\
		switch (lazy_f ? (int)arg_of(opt) : -1) {				\
		case LAZY_ARG_INT: lazy_ret = lazy_f(h, opt, va_arg(ap, int)); break;	\
		case LAZY_ARG_LONG: lazy_ret = lazy_f(h, opt, va_arg(ap, long)); break; \
		case LAZY_ARG_PTR: lazy_ret = lazy_f(h, opt, va_arg(ap, void *)); break; \
		case LAZY_ARG_FUNC:							\
			lazy_ret = lazy_f(h, opt, va_arg(ap, void (*)(void)));		\
			break;								\
		case LAZY_ARG_OFF: lazy_ret = lazy_f(h, opt, va_arg(ap, curl_off_t)); break; \
		}									\
		va_end(ap);								\
		return lazy_ret;							\
	}

static enum lazy_arg easy_opt_arg(CURLoption opt)
{
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		return LAZY_ARG_LONG;
	if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		return LAZY_ARG_PTR;
	if (opt < CURLOPTTYPE_OFF_T)
		return LAZY_ARG_FUNC;
	return opt < CURLOPTTYPE_BLOB ? LAZY_ARG_OFF : LAZY_ARG_PTR;
}

/* every CURLINFO_* takes a pointer to where the answer goes */
static enum lazy_arg getinfo_arg(CURLINFO info)
{
	(void)info;
	return LAZY_ARG_PTR;
}

/* SHARE/UNSHARE take a curl_lock_data (an int), the lock functions a function, the rest a pointer */
static enum lazy_arg share_opt_arg(CURLSHoption opt)
{
	if (opt == CURLSHOPT_SHARE || opt == CURLSHOPT_UNSHARE)
		return LAZY_ARG_INT;
	if (opt == CURLSHOPT_LOCKFUNC || opt == CURLSHOPT_UNLOCKFUNC)
		return LAZY_ARG_FUNC;
	return LAZY_ARG_PTR;
}

LAZY_VA(LAZY_CURL, CURLcode, curl_easy_setopt, CURL *, CURLoption, CURLE_FAILED_INIT, easy_opt_arg)
LAZY_VA(LAZY_CURL, CURLcode, curl_easy_getinfo, CURL *, CURLINFO, CURLE_FAILED_INIT, getinfo_arg)
LAZY_VA(LAZY_CURL, CURLSHcode, curl_share_setopt, CURLSH *, CURLSHoption, CURLSHE_NOT_BUILT_IN,
	share_opt_arg)

/* ---- libarchive ---- */

LAZY(LAZY_ARCHIVE, struct archive *, archive_read_new, (void), (), NULL)
LAZY(LAZY_ARCHIVE, int, archive_read_free, (struct archive *a), (a), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_read_support_format_tar, (struct archive *a), (a), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_read_support_format_gnutar, (struct archive *a), (a), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_read_support_filter_gzip, (struct archive *a), (a), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_read_open_memory, (struct archive *a, const void *buf, size_t len),
     (a, buf, len), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_read_open_filename, (struct archive *a, const char *f, size_t bs),
     (a, f, bs), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_read_next_header, (struct archive *a, struct archive_entry **e),
     (a, e), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, la_ssize_t, archive_read_data, (struct archive *a, void *buf, size_t len),
     (a, buf, len), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, const char *, archive_error_string, (struct archive *a),
     (a), lazy_error(LAZY_ARCHIVE))
LAZY(LAZY_ARCHIVE, struct archive *, archive_write_new, (void), (), NULL)
LAZY(LAZY_ARCHIVE, int, archive_write_free, (struct archive *a), (a), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_write_close, (struct archive *a), (a), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_write_set_format_ustar, (struct archive *a), (a), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_write_set_bytes_in_last_block, (struct archive *a, int n), (a, n),
     ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_write_open_fd, (struct archive *a, int fd), (a, fd), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, int, archive_write_header, (struct archive *a, struct archive_entry *e),
     (a, e), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, la_ssize_t, archive_write_data, (struct archive *a, const void *buf, size_t len),
     (a, buf, len), ARCHIVE_FATAL)
LAZY(LAZY_ARCHIVE, struct archive_entry *, archive_entry_new, (void), (), NULL)
LAZY_VOID(LAZY_ARCHIVE, archive_entry_free, (struct archive_entry *e), (e))
LAZY(LAZY_ARCHIVE, const char *, archive_entry_pathname, (struct archive_entry *e), (e), NULL)
LAZY(LAZY_ARCHIVE, const char *, archive_entry_hardlink, (struct archive_entry *e), (e), NULL)
LAZY(LAZY_ARCHIVE, const char *, archive_entry_symlink, (struct archive_entry *e), (e), NULL)
LAZY(LAZY_ARCHIVE, __LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), (e), 0)
LAZY(LAZY_ARCHIVE, la_int64_t, archive_entry_size, (struct archive_entry *e), (e), 0)
LAZY_VOID(LAZY_ARCHIVE, archive_entry_set_pathname, (struct archive_entry *e, const char *p),
     (e, p))
LAZY_VOID(LAZY_ARCHIVE, archive_entry_set_filetype, (struct archive_entry *e, unsigned int t),
     (e, t))
LAZY_VOID(LAZY_ARCHIVE, archive_entry_set_perm, (struct archive_entry *e, __LA_MODE_T m), (e, m))
LAZY_VOID(LAZY_ARCHIVE, archive_entry_set_size, (struct archive_entry *e, la_int64_t s), (e, s))
LAZY_VOID(LAZY_ARCHIVE, archive_entry_set_uid, (struct archive_entry *e, la_int64_t u), (e, u))
LAZY_VOID(LAZY_ARCHIVE, archive_entry_set_gid, (struct archive_entry *e, la_int64_t g), (e, g))
LAZY_VOID(LAZY_ARCHIVE, archive_entry_set_mtime, (struct archive_entry *e, time_t t, long ns),
     (e, t, ns))

/* ---- libmicrohttpd ---- */

LAZY_VOID(LAZY_MHD, MHD_stop_daemon, (struct MHD_Daemon *d), (d))
LAZY(LAZY_MHD, struct MHD_Response *, MHD_create_response_from_buffer,
     (size_t size, void *buf, enum MHD_ResponseMemoryMode mode), (size, buf, mode), NULL)
LAZY_VOID(LAZY_MHD, MHD_destroy_response, (struct MHD_Response *r), (r))
LAZY(LAZY_MHD, enum MHD_Result, MHD_add_response_header,
     (struct MHD_Response *r, const char *h, const char *v), (r, h, v), MHD_NO)
LAZY(LAZY_MHD, enum MHD_Result, MHD_queue_response,
     (struct MHD_Connection *c, unsigned int status, struct MHD_Response *r), (c, status, r), MHD_NO)

/* The info types we ask for take no extra argument. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *d, enum MHD_DaemonInfoType type, ...)
{
	__typeof__(&MHD_get_daemon_info) f = LAZY_FN(LAZY_MHD, MHD_get_daemon_info,
						     __typeof__(&MHD_get_daemon_info));

	return f ? f(d, type) : NULL;
}

/*
 * Options come as one MHD_OPTION_ARRAY (runtime/metrics_server.c): a
 * variadic option list of mixed types cannot be passed on.
 */
struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
				    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	__typeof__(&MHD_start_daemon) f = LAZY_FN(LAZY_MHD, MHD_start_daemon, __typeof__(&MHD_start_daemon));
	enum MHD_OPTION opt;
	struct MHD_OptionItem *items = NULL;
	va_list ap;

	if (!f)
		return NULL;
	va_start(ap, dh_cls);
	opt = va_arg(ap, enum MHD_OPTION);
	if (opt == MHD_OPTION_ARRAY)
		items = va_arg(ap, struct MHD_OptionItem *);
	else if (opt != MHD_OPTION_END)
		abort();	/* a programming error: see the comment above */
	va_end(ap);
	if (items)
		return f(flags, port, apc, apc_cls, dh, dh_cls, MHD_OPTION_ARRAY, items, MHD_OPTION_END);
	return f(flags, port, apc, apc_cls, dh, dh_cls, MHD_OPTION_END);
}

/* ---- libpcap: packet-filter expressions (runtime/pcap_expr.c) ---- */

LAZY(LAZY_PCAP, pcap_t *, pcap_open_dead, (int linktype, int snaplen), (linktype, snaplen), NULL)
LAZY(LAZY_PCAP, int, pcap_compile, (pcap_t *p, struct bpf_program *fp, const char *str, int optimize,
				    bpf_u_int32 netmask), (p, fp, str, optimize, netmask), PCAP_ERROR)
LAZY(LAZY_PCAP, char *, pcap_geterr, (pcap_t *p), (p), (char *)lazy_error(LAZY_PCAP))
LAZY_VOID(LAZY_PCAP, pcap_freecode, (struct bpf_program *fp), (fp))
LAZY_VOID(LAZY_PCAP, pcap_close, (pcap_t *p), (p))
LAZY(LAZY_PCAP, int, pcap_offline_filter, (const struct bpf_program *fp,
					   const struct pcap_pkthdr *h, const u_char *pkt),
     (fp, h, pkt), 0)
