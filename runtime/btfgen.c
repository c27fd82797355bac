// SPDX-License-Identifier: Apache-2.0
/*
 * Picking this host's BTF out of an Inspektor Gadget btfgen layer (see
 * btfgen.h).  The names are IG's (pkg/btfgen GetOSInfo, the btfgen
 * operator's "%s/%s/%s/%s.btf"); the arch folder is btfhub-archive's, the
 * one IG's builder (Makefile.build.btfgen) writes the layer with.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <bpf/btf.h>

#include "base/arch.h"
#include "base/file.h"
#include "base/lazylib.h"
#include "runtime/btfgen.h"
#include "validator/kernel_feature.h"

/* A minimal BTF is kilobytes, a whole vmlinux one ~6 MB: a bigger entry is not one. */
#define BTFGEN_ENTRY_MAX (64u << 20)

/* os-release(5): shell-like assignments, values optionally in single or double quotes. */
static void os_release_value(const char *v, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	char quote = 0;

	if (n && (*v == '"' || *v == '\'')) {
		quote = *v++;
		n--;
	}
	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		if (quote && v[i] == quote)
			break;
		if (quote == '"' && v[i] == '\\' && i + 1 < n)
			i++;	/* \" \\ \$ \` */
		out[k++] = v[i];
	}
	out[k] = '\0';
}

int btfgen_os_release_parse(const char *text, struct btfgen_host *h)
{
	static const struct { const char *key; size_t off, cap; } keys[] = {
		{ "ID=", offsetof(struct btfgen_host, id), sizeof(h->id) },
		{ "VERSION_ID=", offsetof(struct btfgen_host, version_id), sizeof(h->version_id) },
	};
	const char *line = text;

	h->id[0] = h->version_id[0] = '\0';
	while (line && *line) {
		size_t n = strcspn(line, "\n");

		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);

			if (n >= kl && !strncmp(line, keys[i].key, kl))
				os_release_value(line + kl, n - kl, (char *)h + keys[i].off, keys[i].cap);
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return h->id[0] && h->version_id[0] ? 0 : -ENOENT;
}

const char *btfgen_arch(const char *machine)
{
	const struct arch_def *d = arch_find_machine(machine);

	return d && d->btfhub ? d->btfhub : machine;
}

int btfgen_host_read(const char *root, struct btfgen_host *h, struct gadget_err *err)
{
	static const char *const files[] = { "/etc/os-release", "/usr/lib/os-release" };
	char path[4096], *text = NULL;
	struct utsname u;
	size_t len;
	int ret = -ENOENT;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && ret; i++) {
		snprintf(path, sizeof(path), "%s%s", root ? root : "", files[i]);
		if (file_read(path, (void **)&text, &len, NULL))
			continue;
		ret = btfgen_os_release_parse(text, h);
		free(text);
		if (ret)
			return gadget_err_set(err, ENOENT, "%s has no ID= or no VERSION_ID=: the btfgen "
					      "layer's entries are named by them", path);
	}
	if (ret)
		return gadget_err_set(err, ENOENT, "neither %s%s nor %s%s exists: the btfgen layer's "
				      "entries are named by os-release's ID and VERSION_ID",
				      root ? root : "", files[0], root ? root : "", files[1]);
	if (uname(&u))
		return gadget_err_set(err, errno, "uname: %s", strerror(errno));
	snprintf(h->arch, sizeof(h->arch), "%s", btfgen_arch(u.machine));
	snprintf(h->release, sizeof(h->release), "%s", u.release);
	return 0;
}

int btfgen_host_entry(const struct btfgen_host *h, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/%s/%s/%s.btf", h->id, h->version_id, h->arch, h->release);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* ---- the layer ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

/* Called per .btf (and .btf.tar.xz) file with its name ("./" stripped); > 0 stops the walk. */
typedef int (*btfgen_visit)(struct archive *a, const char *name, void *ctx, struct gadget_err *err);

static int layer_walk(const void *tgz, size_t len, btfgen_visit visit, void *ctx,
		      struct gadget_err *err)
{
	struct archive *a;
	struct archive_entry *e;
	int r, ret = lazylib_load(LAZY_ARCHIVE, err);

	if (ret)
		return ret;
	a = archive_read_new();
	if (!a)
		return gadget_err_set(err, ENOMEM, "out of memory");
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_memory(a, tgz, len) != ARCHIVE_OK) {
		ret = gadget_err_set(err, EBADMSG, "the btfgen layer is not a tar.gz: %s",
				     archive_error_string(a));
		goto out;
	}
	while (!ret && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (!strncmp(name, "./", 2))
			name += 2;
		if (ends_with(name, ".btf") || ends_with(name, ".btf.tar.xz"))
			ret = visit(a, name, ctx, err);
	}
	if (ret > 0)
		ret = 0;
	else if (!ret && r != ARCHIVE_EOF)
		ret = gadget_err_set(err, EBADMSG, "the btfgen layer is a damaged tar.gz: %s",
				     archive_error_string(a) ?: "read error");
out:
	archive_read_free(a);
	return ret;
}

struct scan_ctx {
	const char *want;
	struct btfgen_scan *s;
	size_t shown;
};

static int scan_visit(struct archive *a, const char *name, void *ctx, struct gadget_err *err)
{
	struct scan_ctx *c = ctx;
	size_t cap = sizeof(c->s->listing), n = strlen(c->s->listing);

	(void)a;
	(void)err;
	if (!ends_with(name, ".btf")) {
		c->s->xz++;
		return 0;
	}
	c->s->entries++;
	c->s->found |= !strcmp(name, c->want);
	if (c->shown < 3 && n < cap)
		snprintf(c->s->listing + n, cap - n, "%s%s", c->shown ? ", " : "", name);
	else if (c->shown == 3 && n < cap)
		snprintf(c->s->listing + n, cap - n, ", ...");
	c->shown++;
	return 0;
}

int btfgen_scan(const void *tgz, size_t len, const char *entry, struct btfgen_scan *s,
		struct gadget_err *err)
{
	struct scan_ctx c = { .want = entry ? entry : "", .s = s };

	memset(s, 0, sizeof(*s));
	return layer_walk(tgz, len, scan_visit, &c, err);
}

struct extract_ctx {
	const char *want;
	int fd;
	bool done;
};

static int extract_visit(struct archive *a, const char *name, void *ctx, struct gadget_err *err)
{
	struct extract_ctx *c = ctx;
	char buf[64 << 10];
	size_t total = 0;
	la_ssize_t n;

	if (strcmp(name, c->want))
		return 0;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		total += n;
		if (total > BTFGEN_ENTRY_MAX)
			return gadget_err_set(err, EFBIG, "btfgen layer entry %s: over %u MB, not a "
					      "minimal BTF", name, BTFGEN_ENTRY_MAX >> 20);
		for (char *p = buf; n > 0; ) {
			ssize_t w = write(c->fd, p, n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return gadget_err_set(err, w ? errno : EIO, "writing btfgen layer entry "
						      "%s: %s", name, strerror(w ? errno : EIO));
			p += w;
			n -= w;
		}
	}
	if (n < 0)
		return gadget_err_set(err, EBADMSG, "btfgen layer entry %s: %s", name,
				      archive_error_string(a));
	c->done = true;
	return 1;
}

/* The picked file must be BTF: libbpf would otherwise fail later with less to say. */
static int check_btf(const char *path, const char *entry, struct gadget_err *err)
{
	struct btf *b = btf__parse_raw(path);
	int ret = b ? 0 : -errno;

	btf__free(b);
	return ret ? gadget_err_set(err, EBADMSG, "btfgen layer entry %s is not a BTF file (%s)",
				    entry, strerror(-ret)) : 0;
}

static int not_found(const void *tgz, size_t len, const char *entry, struct gadget_err *err)
{
	struct btfgen_scan s;
	int ret = btfgen_scan(tgz, len, entry, &s, err);

	if (ret)
		return ret;
	return gadget_err_set(err, ENOENT, "this kernel has no BTF (" KERNEL_BTF_PATH " is absent) "
			      "and the image's btfgen layer has no BTF for this host: looked "
			      "for %s; the layer holds %u entr%s%s%s%s", entry, s.entries,
			      s.entries == 1 ? "y" : "ies", s.entries ? ": " : "", s.listing,
			      s.xz ? " (and btfhub-archive's .btf.tar.xz files, which are not "
			      "used: a btfgen layer holds each reduced to the gadget's types "
			      "with bpftool gen min_core_btf, as a plain .btf)" : "");
}

int btfgen_extract(const void *tgz, size_t len, const char *entry, char *path, size_t cap,
		   struct gadget_err *err)
{
	const char *dir = getenv("TMPDIR");
	struct extract_ctx c = { .want = entry };
	int ret;

	c.fd = file_temp_create("gadget-btfgen.btf", dir && *dir ? dir : "/tmp", 0600, path, cap);
	if (c.fd < 0)
		return gadget_err_set(err, -c.fd, "cannot create a temporary file for the btfgen BTF: %s",
				      strerror(-c.fd));
	ret = layer_walk(tgz, len, extract_visit, &c, err);
	if (close(c.fd) && !ret)
		ret = gadget_err_set(err, errno, "writing %s: %s", path, strerror(errno));
	if (!ret && !c.done)
		ret = not_found(tgz, len, entry, err);
	if (!ret)
		ret = check_btf(path, entry, err);
	if (ret) {
		unlink(path);
		path[0] = '\0';
	}
	return ret;
}

int btfgen_report(const void *tgz, size_t len, struct btfgen_report *r, struct gadget_err *err)
{
	struct btfgen_host h;

	memset(r, 0, sizeof(*r));
	r->kernel_btf = kernel_btf_present();
	if (btfgen_host_read(NULL, &h, NULL) || btfgen_host_entry(&h, r->entry, sizeof(r->entry)))
		r->entry[0] = '\0';
	return btfgen_scan(tgz, len, r->entry, &r->scan, err);
}

int btfgen_use(const void *tgz, size_t len, FILE *status, bool verbose, char *path, size_t cap,
	       struct gadget_err *err)
{
	struct btfgen_host h;
	char entry[512];
	int ret;

	path[0] = '\0';
	if (!tgz)
		return 0;
	if (kernel_btf_present()) {
		if (verbose && status)
			fprintf(status, "gadget: this kernel has BTF (" KERNEL_BTF_PATH "): the image's "
				"btfgen layer is not used\n");
		return 0;
	}
	ret = btfgen_host_read(NULL, &h, err);
	if (!ret && btfgen_host_entry(&h, entry, sizeof(entry)))
		ret = gadget_err_set(err, ENAMETOOLONG, "os-release ID and VERSION_ID too long");
	if (!ret)
		ret = btfgen_extract(tgz, len, entry, path, cap, err);
	if (!ret && status)
		fprintf(status, "gadget: this kernel has no BTF (" KERNEL_BTF_PATH "): CO-RE "
			"relocations use %s from the image's btfgen layer\n", entry);
	return ret;
}
